//! The first step, on this machine: the settings, each with where it
//! came from. A failure here is a local problem (exit 1): nothing was
//! sent anywhere.

use super::{DoctorArgs, Step};
use crate::cli::needed::{self, Needed};
use crate::cli::settings::Settings;
use crate::cli::{GlobalArgs, validate};
use crate::config::Origin;
use crate::domain::outbound::{NotReady, Prepared};
use crate::domain::{TopicScheme, Vin};
use crate::mqtt::{ConnectionSettings, PasswordSource};
use crate::store::popups::PopupLedgerFile;

/// What the settings step hands to the later ones.
pub(super) struct Checked {
    pub connection: ConnectionSettings,
    pub topics: TopicScheme,
    /// Days before the client certificate's end from which it is warned
    /// about (`--cert-warn-days`).
    pub cert_warn_days: u32,
    /// Whether the client id is the user's own (`--client-id`, profile):
    /// then a console connected with it is pushed off by the check.
    pub client_id_given: bool,
    /// `--publish-test VIN --payload FILE`: the envelope, checked and
    /// admitted as `send` does, and the account's popup ledger.
    pub publish_test: Option<(Prepared, Option<PopupLedgerFile>)>,
}

/// Step 1: the profile and where each connection setting came from; the
/// password's source, never its value.
pub(super) fn settings(global: &GlobalArgs, args: &DoctorArgs) -> (Step, Option<Checked>) {
    const STEP: &str = "settings";
    let settings = match Settings::resolve(global) {
        Ok(settings) => settings,
        Err(err) => {
            return (
                Step::fail(
                    STEP,
                    err.message,
                    "correct the config file, or name one of its profiles with --profile (or WPCONSOLE_PROFILE)",
                ),
                None,
            );
        }
    };
    let profile = settings.profile_name.as_deref();
    for (needed, value) in [
        (Needed::Broker, settings.broker.is_some()),
        (Needed::Uid, settings.uid.is_some()),
    ] {
        if !value {
            let (what, id) = match needed {
                Needed::Broker => ("broker URL", "broker"),
                _ => ("UID (the partner login)", "uid"),
            };
            return (
                Step::fail(
                    STEP,
                    format!("no {what} is given"),
                    format!("give {}", needed::where_to_give(id, profile)),
                )
                .with_details(origins(&settings, None)),
                None,
            );
        }
    }
    let connection = match settings.diagnosed_connection() {
        Ok(connection) => connection,
        Err(err) => {
            return (
                Step::fail(
                    STEP,
                    err.message,
                    "set what the line above names, by its flag, its WPCONSOLE_ variable or its profile key, as it says",
                )
                .with_details(origins(&settings, None)),
                None,
            );
        }
    };
    let topics = match settings.topics() {
        Ok(topics) => topics,
        Err(err) => {
            return (
                Step::fail(
                    STEP,
                    err.message,
                    format!(
                        "correct the prefix or UID ({})",
                        needed::where_to_give("prefix", profile)
                    ),
                ),
                None,
            );
        }
    };
    let mut details = origins(&settings, Some(&connection.password_source));
    let publish_test = match publish_test(&settings, args) {
        Ok(test) => test,
        Err((found, fix)) => {
            return (Step::fail(STEP, found, fix).with_details(details), None);
        }
    };
    if let Some((prepared, _)) = &publish_test {
        details.push(format!(
            "publish test: {} bytes to {} (checked as `send` checks it)",
            prepared.payload.size.payload, prepared.topic
        ));
    }
    let found = match profile {
        Some(name) => format!("profile {name:?} of {}", settings.config_path.display()),
        None => format!(
            "no profile (config file {}); flags, environment and defaults",
            settings.config_path.display()
        ),
    };
    (
        Step::pass(STEP, found).with_details(details),
        Some(Checked {
            cert_warn_days: settings.cert_warn_days,
            client_id_given: settings.client_id.is_some(),
            connection,
            topics,
            publish_test,
        }),
    )
}

/// Each connection setting, its value and where it came from; the
/// password by its source only.
fn origins(settings: &Settings, password: Option<&PasswordSource>) -> Vec<String> {
    let of = |field: &str| settings.origins.of(field);
    let path = |path: Option<&std::path::Path>| {
        path.map_or_else(|| "none".to_owned(), |p| p.display().to_string())
    };
    let (cert, key) = settings
        .tls
        .client
        .as_ref()
        .map_or((None, None), |(cert, key)| (Some(cert), Some(key)));
    let mut lines = vec![
        line(
            "broker",
            settings.broker.as_deref().unwrap_or("none"),
            &of("broker"),
        ),
        line("uid", settings.uid.as_deref().unwrap_or("none"), &of("uid")),
        line("prefix", &settings.prefix, &of("prefix")),
        line(
            "client id",
            settings
                .client_id
                .as_deref()
                .unwrap_or("wpconsole-<pid>-<random>"),
            &of("client_id"),
        ),
        line(
            "ca",
            &settings.tls.ca.as_deref().map_or_else(
                || "none: the system's trust roots".to_owned(),
                |p| p.display().to_string(),
            ),
            &of("ca"),
        ),
        line("cert", &path(cert.map(AsRef::as_ref)), &of("cert")),
        line("key", &path(key.map(AsRef::as_ref)), &of("key")),
        line(
            "keep-alive",
            &format!("{} s", settings.keep_alive.as_secs()),
            &of("keep_alive"),
        ),
    ];
    if settings.tls.insecure {
        lines.push(line(
            "insecure",
            "true: the broker's certificate is NOT verified",
            &of("insecure"),
        ));
    }
    if let Some(source) = password {
        lines.push(format!("{:<11} {}", "password", password_origin(source)));
    }
    lines
}

fn line(name: &str, value: &str, origin: &Origin) -> String {
    format!("{name:<11} {value} ({origin})")
}

/// Where the password came from, in words; never its value.
pub(super) fn password_origin(source: &PasswordSource) -> String {
    match source {
        PasswordSource::File(path) => {
            format!("from the file {} (not shown)", path.display())
        }
        PasswordSource::Environment(var) => format!("from environment {var} (not shown)"),
        PasswordSource::Prompt => "typed at the prompt (not shown)".to_owned(),
        PasswordSource::NotGiven => {
            "none given (WPCONSOLE_PASSWORD, --password-file FILE, or a prompt on a terminal)"
                .to_owned()
        }
    }
}

/// The envelope of `--publish-test VIN --payload FILE`, checked by the
/// rules `send` obeys; `Err((found, fix))` when it cannot go.
#[expect(
    clippy::type_complexity,
    reason = "a step's two sentences, said where they are made"
)]
fn publish_test(
    settings: &Settings,
    args: &DoctorArgs,
) -> Result<Option<(Prepared, Option<PopupLedgerFile>)>, (String, String)> {
    let (Some(vin), Some(file)) = (&args.publish_test, &args.payload) else {
        return Ok(None);
    };
    let vin = Vin::parse(vin).map_err(|err| {
        (
            format!("--publish-test {vin}: {err}"),
            "give the 17-character VIN of a vehicle of this account".to_owned(),
        )
    })?;
    let text = validate::read_input(&file.display().to_string()).map_err(|err| {
        (
            err.message,
            "give --payload the file of an envelope {idApp, popup, content}".to_owned(),
        )
    })?;
    let catalog = settings
        .catalog()
        .map_err(|err| (err.message, "correct the catalog named above".to_owned()))?;
    let mut rules = settings
        .outbound_rules(catalog)
        .map_err(|err| (err.message, "correct the settings named above".to_owned()))?;
    // A test publish waits for no reply.
    rules.track = false;
    let popups = settings.popup_ledger();
    let ledger = popups
        .as_ref()
        .map(PopupLedgerFile::read)
        .unwrap_or_default();
    match rules.prepare(&text, &vin, &ledger, crate::cli::send::now_ms()) {
        Ok(prepared) => {
            // Read-only refuses; production asks first, as for `send`.
            crate::cli::confirm::admit(&rules, args.yes, &|| {
                format!(
                    "the test envelope ({} bytes) to {vin}",
                    prepared.payload.size.payload
                )
            })
            .map_err(|err| {
                (
                    err.message,
                    "leave --publish-test out to check all but publishing".to_owned(),
                )
            })?;
            Ok(Some((prepared, popups)))
        }
        Err(NotReady::Invalid(problems)) => Err((
            format!(
                "the test envelope {} is invalid: {}",
                file.display(),
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            format!(
                "correct it (`wpconsole validate {}` shows where)",
                file.display()
            ),
        )),
        Err(other) => Err((
            format!("the test envelope {} cannot go: {other}", file.display()),
            "correct what the sentence above names; nothing was published".to_owned(),
        )),
    }
}
