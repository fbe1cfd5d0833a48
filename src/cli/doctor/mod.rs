//! `wpconsole doctor`: why it does not connect, step by step. Each step
//! says what it found and, when it fails, the fix; the first failing
//! step ends the run and the later ones are shown as skipped.
//!
//! The steps, a file per group: the settings (`local`), the CA,
//! certificate and key files (`files`), the way to the broker: DNS, TCP, TLS (`network`), and the
//! broker itself: the login, the subscription, a test publish (`broker`).

mod broker;
mod failure;
mod files;
mod local;
mod network;

use super::{CliError, GlobalArgs};
use clap::Args;
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

/// Exit code: every step passed.
const ALL_PASSED: u8 = 0;
/// Exit code: a local problem (the profile, a file) stops the diagnosis.
const LOCAL_PROBLEM: u8 = 1;
/// Exit code: a connectivity step failed (the broker's side of things).
const CONNECTIVITY: u8 = super::exit::BROKER;

/// Check the connection to the broker step by step, saying what to fix.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Steps, in order: the profile and where each setting came from; the CA, client\ncertificate and key; DNS; TCP connect; TLS handshake; MQTT CONNECT (the login); subscribe to\nthe \"to\" topics; with --publish-test only, a publish to that vehicle. The password is never\nshown, only where it came from.\n\nExit codes: 0 every step passed, 1 a local problem (settings, profile, files),\n3 a connectivity step failed (the steps after it are shown as skipped).\n\nExamples:\n  wpconsole --profile preprod doctor\n  wpconsole --profile preprod doctor --json > doctor.json\n  wpconsole --profile preprod doctor --publish-test VF3ABCDEFGH123456 --payload ping.json"
)]
pub struct DoctorArgs {
    /// Print the steps as one JSON object (for a support ticket).
    #[arg(long)]
    pub json: bool,
    /// Also publish a test envelope to this vehicle: publishing reaches a car, so only when
    /// asked, with an envelope you name (--payload).
    #[arg(long, value_name = "VIN", requires = "payload")]
    pub publish_test: Option<String>,
    /// With --publish-test: the envelope to publish (a file, checked as `send` checks it).
    #[arg(long, value_name = "FILE", requires = "publish_test")]
    pub payload: Option<PathBuf>,
    /// With --publish-test on a production profile: publish without asking (for scripts).
    #[arg(long, requires = "publish_test")]
    pub yes: bool,
    /// How long each network step may take, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
}

impl DoctorArgs {
    fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout.max(1))
    }
}

/// How a step ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
    /// Not run: an earlier step failed, or it was not asked for.
    Skipped,
}

/// The steps, in order: their id (for scripts and `--json`), their name
/// and whether a failure is local (exit 1) or of connectivity (exit 3).
const STEPS: [(&str, &str, bool); 8] = [
    ("settings", "profile and settings", true),
    ("files", "CA, certificate and key", true),
    ("dns", "DNS", false),
    ("tcp", "TCP connect", false),
    ("tls", "TLS handshake", false),
    ("connect", "MQTT CONNECT", false),
    ("subscribe", "subscribe", false),
    ("publish", "publish test", false),
];

/// One step's outcome: what it found and, for a failure, the fix.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The step's id: settings, files, dns, tcp, tls, connect, subscribe,
    /// publish.
    pub step: &'static str,
    pub status: Status,
    /// What the step found, in one line.
    pub found: String,
    /// For a failure: what to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    /// Lines under the step (each setting and its origin, the chain).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
    /// How long the step took, for the network's steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub millis: Option<f64>,
}

impl Step {
    fn pass(step: &'static str, found: impl Into<String>) -> Self {
        Self {
            step,
            status: Status::Pass,
            found: found.into(),
            fix: None,
            details: Vec::new(),
            millis: None,
        }
    }

    fn fail(step: &'static str, found: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            status: Status::Fail,
            fix: Some(fix.into()),
            ..Self::pass(step, found)
        }
    }

    fn skipped(step: &'static str, why: impl Into<String>) -> Self {
        Self {
            status: Status::Skipped,
            ..Self::pass(step, why)
        }
    }

    fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    fn timed(mut self, took: Duration) -> Self {
        self.millis = Some((took.as_secs_f64() * 1e5).round() / 100.0);
        self
    }

    fn name(&self) -> &'static str {
        STEPS
            .iter()
            .find(|(id, _, _)| *id == self.step)
            .map_or(self.step, |(_, name, _)| name)
    }

    fn is_local(&self) -> bool {
        STEPS
            .iter()
            .any(|(id, _, local)| *id == self.step && *local)
    }
}

/// The steps run so far, then the whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    /// Which build checked (version, commit, features), and when: a
    /// ticket then says both.
    pub wpconsole: &'static str,
    pub checked_at: String,
    /// The broker as configured, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broker: Option<String>,
    /// The login, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    pub steps: Vec<Step>,
    /// Where the console's event log is.
    pub log: PathBuf,
    pub exit_code: u8,
}

impl Report {
    /// Adds a step; its value when it passed, `None` (the diagnosis
    /// stops) when it failed.
    fn take<T>(&mut self, (step, value): (Step, Option<T>)) -> Option<T> {
        let passed = step.status != Status::Fail;
        self.steps.push(step);
        value.filter(|_| passed)
    }

    /// The steps not run after a failure, shown as skipped; the exit code
    /// from the first failure.
    fn finish(&mut self) {
        let failed = self.steps.iter().find(|step| step.status == Status::Fail);
        self.exit_code = match failed {
            None => ALL_PASSED,
            Some(step) if step.is_local() => LOCAL_PROBLEM,
            Some(_) => CONNECTIVITY,
        };
        if let Some(step) = failed {
            let after = format!("skipped: the step \"{}\" failed", step.name());
            for (id, _, _) in STEPS {
                if !self.steps.iter().any(|step| step.step == id) {
                    self.steps.push(Step::skipped(id, after.clone()));
                }
            }
        }
    }

    /// The report for people: one line per step with ✓, ✗ or -, what it
    /// found, the details under it and, for a failure, the fix.
    fn human(&self) -> String {
        let mut text = String::new();
        if let Some(broker) = &self.broker {
            let uid = self.uid.as_deref().unwrap_or("(no UID)");
            let _ = writeln!(text, "wpconsole doctor: {broker} as {uid}");
        }
        for step in &self.steps {
            let mark = match step.status {
                Status::Pass => '✓',
                Status::Fail => '✗',
                Status::Skipped => '-',
            };
            let took = step
                .millis
                .map(|ms| format!(" ({ms} ms)"))
                .unwrap_or_default();
            let _ = writeln!(text, "{mark} {}: {}{took}", step.name(), step.found);
            for line in &step.details {
                let _ = writeln!(text, "    {line}");
            }
            if let Some(fix) = &step.fix {
                let _ = writeln!(text, "    fix: {fix}");
            }
        }
        let _ = writeln!(text, "event log: {}", self.log.display());
        text
    }
}

pub async fn run(global: &GlobalArgs, args: &DoctorArgs) -> Result<u8, CliError> {
    let mut report = Report {
        wpconsole: crate::cli::VERSION,
        checked_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        broker: None,
        uid: None,
        steps: Vec::new(),
        log: crate::logging::log_path(),
        exit_code: ALL_PASSED,
    };
    diagnose(global, args, &mut report).await;
    report.finish();
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|err| CliError::usage(format!("cannot write the report as JSON: {err}")))?;
        say!("{json}");
    } else {
        let text = report.human();
        say!("{}", text.trim_end());
    }
    Ok(report.exit_code)
}

/// Runs the steps in order until one fails.
async fn diagnose(global: &GlobalArgs, args: &DoctorArgs, report: &mut Report) {
    let Some(checked) = report.take(local::settings(global, args)) else {
        return;
    };
    report.broker = Some(checked.connection.broker.to_string());
    report.uid.clone_from(&checked.connection.uid);
    if report
        .take(files::files(&checked.connection, checked.cert_warn_days))
        .is_none()
    {
        return;
    }
    let timeout = args.timeout();
    let Some(addresses) = report.take(network::dns(&checked.connection.broker, timeout).await)
    else {
        return;
    };
    let Some(address) = report.take(network::tcp(&checked.connection, &addresses, timeout).await)
    else {
        return;
    };
    if report
        .take(network::tls(&checked.connection, address, timeout).await)
        .is_none()
    {
        return;
    }
    let Some(mut login) =
        report.take(broker::connect(&checked.connection, checked.client_id_given, timeout).await)
    else {
        return;
    };
    let subscribed = report.take(broker::subscribe(&mut login, &checked.topics, timeout).await);
    if subscribed.is_some() {
        let publish = match &checked.publish_test {
            Some(test) => {
                broker::publish(&mut login, test, &checked.topics.to_filter(), timeout).await
            }
            None => (
                Step::skipped(
                    "publish",
                    "not asked: publishing reaches a car; --publish-test VIN --payload FILE does it",
                ),
                Some(()),
            ),
        };
        report.take(publish);
    }
    login.end(timeout).await;
}
