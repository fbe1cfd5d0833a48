//! `wpconsole watch`: the profile's watch rules (or rules given on the
//! command line) applied to what vehicles send, one JSON line per alert;
//! for scripts and monitoring checks (`--once`, `--timeout`).

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::tracking::{Deliveries, Tracking};
use crate::domain::watch::{Alert, Condition, Engine, Rule, RuleSpec};
use crate::domain::{InboundMessage, TopicScheme, Vin};
use crate::mqtt::session::{Backoff, SessionOptions};
use crate::mqtt::{Overflow, Session, SessionEvent};
use chrono::{DateTime, Utc};
use clap::Args;
use std::collections::HashMap;
use std::io::{self, Write as _};
use std::time::Duration;
use tokio::sync::mpsc;

const AFTER_HELP: &str = "\
Rules come from the profile ([[profiles.NAME.watch]], see the README's \"Watch rules\"), or
from --when / --silent (then the profile's apply only when named with --rule). A rule that
does not parse is refused before connecting, naming the profile, the rule and the column.

Each alert is one JSON line on standard output:
  {\"received_at\": when it was raised, \"dir\": \"alert\", \"rule\", \"vin\",
   \"what\": fired | silent | back | unacknowledged, \"seq\", \"message_at\", \"message\"}
seq numbers the messages this run received (1 is the first); message is the record it is
about, as tail --json prints it (for silent: the vehicle's last one, if any), and
message_at when it was received.

unacknowledged: watch sees the tracked messages published on the account's \"from\" topics
while it runs (by the console, send --track or any other sender stamping content.cid, or the
profile's track-field) and the replies carrying their id; one with no reply within the
profile's track-timeout (30 s) fires. It needs the broker to let this login subscribe to
the from topics (a broker that does not, sends none: the rule then never fires), and knows
nothing published before it started.

Exit codes: 0 an alert with --once (or Ctrl-C, or --timeout passed after alerts),
2 usage or configuration error (a rule that does not parse), 3 broker unreachable or
connection refused, 5 --timeout passed with no alert.

Examples:
  wpconsole --profile preprod watch
  wpconsole watch --rule speeding --rule quiet
  wpconsole watch --when '.payload.content.params.speed_kmh > 120'
  wpconsole watch --silent 5m --vin VF3ABCDEFGH123456 --once --timeout 10m";

/// Apply watch rules to what vehicles send and print each alert.
#[derive(Debug, Clone, Args)]
#[command(after_help = AFTER_HELP)]
pub struct WatchArgs {
    /// Only this rule of the profile (repeat for several); an unknown name is refused with
    /// the profile's rules.
    #[arg(long, value_name = "NAME")]
    pub rule: Vec<String>,
    /// A rule given here: alert on each message for which this jq expression is truthy
    /// (its alerts say rule "when").
    #[arg(long, value_name = "EXPR")]
    pub when: Option<String>,
    /// A rule given here: alert when a vehicle sent nothing for this long (30s, 5m, 1h), and
    /// again when it comes back (its alerts say rule "silent").
    #[arg(long, value_name = "DURATION")]
    pub silent: Option<String>,
    /// Only these vehicles (repeat for several): what is subscribed to, and the vehicles of
    /// --when and --silent.
    #[arg(long, value_name = "VIN")]
    pub vin: Vec<String>,
    /// Exit 0 after the first alert.
    #[arg(long)]
    pub once: bool,
    /// Stop after this long (30s, 5m, 1h): exit 5 when no alert came, 0 when one did.
    #[arg(long, value_name = "DURATION", value_parser = duration_arg)]
    pub timeout: Option<Duration>,
}

fn duration_arg(text: &str) -> Result<Duration, String> {
    crate::domain::duration::parse(text).map_err(|err| err.to_string())
}

impl WatchArgs {
    /// The rules this run applies: the ones given here and those of the
    /// profile named with --rule, or else all of the profile's. Every rule
    /// of the profile is read (and a bad one refused) either way.
    fn rules(&self, settings: &Settings, vins: &[String]) -> Result<Vec<Rule>, CliError> {
        let profile = settings.watch_rules()?;
        let mut chosen: Vec<RuleSpec> = Vec::new();
        if let Some(expression) = &self.when {
            chosen.push(RuleSpec {
                vins: vins.to_vec(),
                ..RuleSpec::when("when", expression.clone())
            });
        }
        if let Some(duration) = &self.silent {
            chosen.push(RuleSpec {
                vins: vins.to_vec(),
                ..RuleSpec::silent("silent", duration.clone())
            });
        }
        let given = crate::domain::watch::compile_all(&chosen).map_err(|err| {
            CliError::usage(format!("--{}: {}", err.key_flag(), err.with_caret()))
        })?;
        let known = || {
            if profile.is_empty() {
                "none".to_owned()
            } else {
                profile
                    .iter()
                    .map(|rule| rule.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        let mut named = Vec::new();
        for name in &self.rule {
            let Some(rule) = profile.iter().find(|rule| &rule.name == name) else {
                return Err(CliError::usage(format!(
                    "--rule {name:?}: the profile {:?} has no such watch rule; its rules: {}",
                    settings.profile_name.as_deref().unwrap_or_default(),
                    known()
                )));
            };
            if given.iter().any(|rule| &rule.name == name) {
                return Err(CliError::usage(format!(
                    "--rule {name:?} has the name of the rule --{name} gives: rename the profile's rule"
                )));
            }
            named.push(rule.clone());
        }
        let rules: Vec<Rule> = if given.is_empty() && named.is_empty() {
            profile
        } else {
            given.into_iter().chain(named).collect()
        };
        if rules.is_empty() {
            return Err(CliError::usage(format!(
                "no watch rules to apply: give --when EXPR or --silent DURATION, or add [[profiles.{}.watch]] rules to {}",
                settings.profile_name.as_deref().unwrap_or("NAME"),
                settings.config_path.display()
            )));
        }
        Ok(rules)
    }
}

impl crate::domain::watch::RuleError {
    /// The flag a command-line rule's key came from.
    fn key_flag(&self) -> &'static str {
        match self.key {
            "silent" => "silent",
            "vins" => "vin",
            _ => "when",
        }
    }
}

pub async fn run(global: &GlobalArgs, args: &WatchArgs) -> Result<u8, CliError> {
    let settings = Settings::resolve(global)?;
    let vins = args
        .vin
        .iter()
        .map(|v| Vin::parse(v).map_err(|err| CliError::usage(format!("--vin {v:?}: {err}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let rules = args.rules(&settings, &args.vin)?;
    settings.require(
        &[super::needed::Needed::Broker, super::needed::Needed::Uid],
        "watch",
    )?;
    let topics = settings.topics()?;
    let tracks = rules
        .iter()
        .any(|rule| matches!(rule.condition, Condition::Unacknowledged));
    let connection = settings.connection()?;
    let options = connection.mqtt_options().map_err(CliError::usage)?;
    let mut subscriptions = super::tail::subscriptions(&topics, &vins);
    if tracks {
        subscriptions.push(topics.from_filter());
    }
    let (session, events) = Session::start(
        options,
        SessionOptions {
            subscriptions: subscriptions.clone(),
            capacity: 8192,
            overflow: Overflow::Wait,
            backoff: Backoff::default(),
            authority: connection.broker.authority(),
            uid: connection.uid.clone(),
            password_source: connection.password_source.clone(),
        },
    );
    let now = Utc::now();
    let mut engine = Engine::new(rules, now);
    // The fleet the profile knows is expected to send: silent too if it
    // never does (only the vehicles subscribed to, with --vin).
    for entry in &settings.fleet {
        if let Ok(vin) = Vin::parse(&entry.vin)
            && (vins.is_empty() || vins.contains(&vin))
        {
            engine.expect(vin);
        }
    }
    let mut watch = Watch {
        engine,
        topics,
        tracking: settings.tracking.clone(),
        deliveries: Deliveries::new(settings.track_timeout),
        tracked: HashMap::new(),
        last: HashMap::new(),
        seq: 0,
        alerts: 0,
        once: args.once,
        out: io::BufWriter::new(io::stdout()),
    };
    let broker = connection.broker.to_string();
    let ended = tokio::select! {
        ended = watch.follow(events, &subscriptions, &broker) => ended,
        () = sleep_or_never(args.timeout) => Ok(Ended::TimedOut),
        _ = tokio::signal::ctrl_c() => Ok(Ended::Stopped),
    };
    let _ = watch.out.flush();
    session.shutdown().await;
    if watch.engine.errors() > 0 {
        eprintln!(
            "wpconsole: a when expression failed on {} message(s), each counted as no match",
            watch.engine.errors()
        );
    }
    match ended? {
        Ended::TimedOut if watch.alerts == 0 => {
            eprintln!(
                "wpconsole: no alert within {}",
                humanise(args.timeout.unwrap_or_default())
            );
            Ok(exit::NO_ALERT)
        }
        Ended::TimedOut | Ended::Stopped | Ended::Alerted => Ok(exit::OK),
    }
}

async fn sleep_or_never(timeout: Option<Duration>) {
    match timeout {
        Some(timeout) => tokio::time::sleep(timeout).await,
        None => std::future::pending().await,
    }
}

fn humanise(duration: Duration) -> String {
    format!("{:.1} s", duration.as_secs_f64())
}

/// Why watching ended.
enum Ended {
    /// `--once` and an alert came.
    Alerted,
    /// `--timeout` passed.
    TimedOut,
    /// Ctrl-C, or the output's reader went away.
    Stopped,
}

/// One run's state around the engine: the tracked messages seen on the
/// "from" topics and the last record of each vehicle, for the lines.
struct Watch {
    engine: Engine,
    topics: TopicScheme,
    tracking: Tracking,
    /// The one timer of tracked messages (the console's too).
    deliveries: Deliveries,
    /// Tracked messages waiting for a reply: their vehicle and record
    /// (until the reply, or the timeout's alert).
    tracked: HashMap<u64, (Vin, String, DateTime<Utc>)>,
    /// Each vehicle's last message: its seq and record.
    last: HashMap<Vin, (u64, String)>,
    seq: u64,
    alerts: u64,
    once: bool,
    out: io::BufWriter<io::Stdout>,
}

impl Watch {
    async fn follow(
        &mut self,
        mut events: mpsc::Receiver<SessionEvent>,
        subscriptions: &[String],
        broker: &str,
    ) -> Result<Ended, CliError> {
        // Silences and timeouts are looked for this often: a fraction of
        // the shortest a rule can name (a second) is soon enough.
        let mut ticks = tokio::time::interval(Duration::from_millis(250));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut batch = Vec::with_capacity(256);
        let mut acknowledged = 0;
        let mut ever_connected = false;
        loop {
            let alerts = tokio::select! {
                received = events.recv_many(&mut batch, 256) => {
                    if received == 0 {
                        return Ok(Ended::Stopped);
                    }
                    let mut alerts = Vec::new();
                    for event in batch.drain(..) {
                        match event {
                            SessionEvent::Message(publish) => {
                                alerts.extend(self.message(publish.topic, publish.payload, publish.received_at));
                            }
                            SessionEvent::Connected => {
                                acknowledged = 0;
                                if ever_connected {
                                    eprintln!("wpconsole: reconnected to {broker}");
                                }
                                ever_connected = true;
                            }
                            SessionEvent::Subscribed => {
                                acknowledged += 1;
                                if acknowledged == subscriptions.len() {
                                    eprintln!(
                                        "wpconsole: watching {} on {broker} with {} rule(s)",
                                        subscriptions.join(" "),
                                        self.engine.rules().len()
                                    );
                                }
                            }
                            SessionEvent::Disconnected { reason, attempt, retry_in } => {
                                // As tail: a first connection that fails, or a
                                // refused login, ends the command (exit 3).
                                let Some(retry_in) = retry_in.filter(|_| ever_connected) else {
                                    return Err(CliError::broker(reason));
                                };
                                eprintln!(
                                    "wpconsole: disconnected: {reason}; reconnecting in {:.1} s (attempt {attempt})",
                                    retry_in.as_secs_f64()
                                );
                            }
                            SessionEvent::Published => {}
                        }
                    }
                    alerts
                }
                _ = ticks.tick() => self.tick(Utc::now()),
            };
            for (alert, message) in alerts {
                if let Some(ended) = self.print(&alert, message.as_deref()) {
                    return Ok(ended);
                }
            }
            if events.is_empty() && self.out.flush().is_err() {
                return Ok(Ended::Stopped);
            }
        }
    }

    /// A message on a subscribed topic: a vehicle's (to the engine, and a
    /// reply perhaps), or one published to a vehicle (tracked, perhaps).
    /// Each alert comes with the record it is about.
    fn message(
        &mut self,
        topic: String,
        payload: bytes::Bytes,
        at: DateTime<Utc>,
    ) -> Vec<(Alert, Option<String>)> {
        self.seq += 1;
        let seq = self.seq;
        if let Some(vin) = self.topics.parse_from_topic(&topic) {
            if let Some(id) = self.tracking.tracked_id(&payload) {
                let classified = crate::domain::classify(&payload);
                let line = crate::domain::record::json_line(&crate::domain::record::Record {
                    at,
                    vin: Some(vin.as_str()),
                    topic: &topic,
                    payload: &payload,
                    kind: classified.kind.name(),
                    is_json: classified.is_json,
                    dir: Some("out"),
                });
                self.tracked.insert(seq, (vin.clone(), line, at));
                self.deliveries.sent(id, seq, vin, at);
            }
            return Vec::new();
        }
        let message = InboundMessage::new(&self.topics, topic, payload, at);
        if self.deliveries.awaiting()
            && let Some(acknowledgement) = self.tracking.acknowledgement(&message.payload)
            && let Some((key, _)) = self.deliveries.acknowledge(&acknowledgement, at)
        {
            self.tracked.remove(&key);
        }
        let alerts = self.engine.message(seq, &message.record(Some("in")));
        let line = message.json_line();
        let before = message
            .vin()
            .and_then(|vin| Vin::parse(vin).ok())
            .and_then(|vin| self.last.insert(vin, (seq, line.clone())));
        alerts
            .into_iter()
            .map(|alert| {
                // A silence told on the message that ended it is about the
                // vehicle's message before.
                let about = match &before {
                    Some((last, before)) if alert.seq == Some(*last) => before.clone(),
                    _ => line.clone(),
                };
                (alert, Some(about))
            })
            .collect()
    }

    /// Time passed: silences, and tracked messages past their timeout.
    fn tick(&mut self, now: DateTime<Utc>) -> Vec<(Alert, Option<String>)> {
        let mut alerts: Vec<(Alert, Option<String>)> = self
            .engine
            .tick(now)
            .into_iter()
            .map(|alert| {
                let last = alert
                    .vin
                    .as_ref()
                    .and_then(|vin| self.last.get(vin))
                    .map(|(_, line)| line.clone());
                (alert, last)
            })
            .collect();
        for key in self.deliveries.expire(now) {
            // Its line is needed no more: a late reply only ends its wait.
            if let Some((vin, line, sent_at)) = self.tracked.remove(&key) {
                alerts.extend(self.engine.unacknowledged(key, &vin, now).into_iter().map(
                    |alert| {
                        let alert = Alert {
                            message_at: Some(sent_at),
                            ..alert
                        };
                        (alert, Some(line.clone()))
                    },
                ));
            }
        }
        alerts
    }

    /// Prints one alert; whether watching ends with it.
    fn print(&mut self, alert: &Alert, message: Option<&str>) -> Option<Ended> {
        let line = alert.line_with(message);
        if writeln!(self.out, "{line}").is_err() {
            return Some(Ended::Stopped);
        }
        self.alerts += 1;
        if self.once {
            let _ = self.out.flush();
            return Some(Ended::Alerted);
        }
        None
    }
}
