//! Resolving what a command runs with: flags and environment (from clap)
//! over the profile over the defaults.

use super::needed::{self, Needed};
use super::{CliError, GlobalArgs};
use crate::account::Account;
use crate::config::{self, ConfigFile, FleetEntry, Profile};
use crate::domain::{DEFAULT_PREFIX, DEFAULT_SIZE_LIMIT, TopicScheme};
use crate::mqtt::certificate::{ClientCertificate, Expiry, ExpiryWatch};
use crate::mqtt::tls::TlsFiles;
use crate::mqtt::{BrokerUrl, ConnectionSettings, Password, PasswordSource};
use crate::store::journal::{days_between, flat_day_files};
use chrono::NaiveDate;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The environment variable that may hold the MQTT password.
pub const PASSWORD_ENV: &str = "WPCONSOLE_PASSWORD";

/// The days of history the console starts with: today and yesterday, so
/// "what did this vehicle do yesterday at 14:03" is answered without a
/// flag, and scrolling up past midnight goes on into the day before. More
/// days cost reading them at every start (`--history-days` for more).
pub const DEFAULT_HISTORY_DAYS: u32 = 2;

/// The settings of one run, before anything connects.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent switches of the profile and the command line"
)]
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile_name: Option<String>,
    /// The config file read (or looked for: a missing default file is an
    /// empty configuration).
    pub config_path: PathBuf,
    pub broker: Option<String>,
    pub uid: Option<String>,
    pub client_id: Option<String>,
    pub prefix: String,
    pub app_id: Option<String>,
    pub trailing_slash: bool,
    pub size_limit: usize,
    pub keep_alive: Duration,
    pub password_file: Option<PathBuf>,
    pub tls: TlsFiles,
    /// A client certificate without its key, or a key without its
    /// certificate: the id of the option that is missing (`key`, `cert`).
    pub unpaired_client_file: Option<&'static str>,
    /// Days before the client certificate's end from which it is warned
    /// about (`--cert-warn-days`, profile `cert-warn-days`).
    pub cert_warn_days: u32,
    pub fleet: Vec<FleetEntry>,
    /// The profile's watch rules as written (`[[profiles.NAME.watch]]`);
    /// [`Settings::watch_rules`] reads and checks them.
    pub watch: Vec<crate::domain::watch::RuleSpec>,
    /// The journal root, `None` for no journal: each account journals in
    /// its own directory under it (see [`Settings::journal`]).
    pub journal_root: Option<PathBuf>,
    /// `production = true` in the profile.
    pub production: bool,
    /// `--read-only` or a profile's `read-only = true`: nothing can be
    /// published.
    pub read_only: bool,
    /// `--catalog DIR` or `catalog = "DIR"`.
    pub catalog_dir: Option<PathBuf>,
    /// Delivery tracking's field names, from the profile.
    pub tracking: crate::domain::tracking::Tracking,
    /// How long the console waits for a reply.
    pub track_timeout: Duration,
    /// Whether the console stamps and tracks its publishes (`--no-track`,
    /// profile `track`).
    pub track: bool,
    /// Days of the account's journal the console starts with (today's
    /// and the ones before it), at least 1.
    pub history_days: u32,
    /// The config file's `[keys]` table and the file it is in, when it
    /// has one (the console reads it; the demo's world is its own).
    pub keys: Option<(PathBuf, toml::Table)>,
    /// Where each option's value came from (flag, environment, profile,
    /// default), by its field name in [`config::Options`].
    pub origins: config::Origins,
}

impl Settings {
    /// Merges the command line (and environment) over the profile.
    pub fn resolve(global: &GlobalArgs) -> Result<Self, CliError> {
        let (path, explicit) = match &global.config {
            Some(path) => (path.clone(), true),
            None => (
                config::default_path().unwrap_or_else(|| PathBuf::from("config.toml")),
                false,
            ),
        };
        if global.options.no_journal == Some(true) && global.options.journal.is_some() {
            return Err(CliError::usage(
                "--no-journal (or WPCONSOLE_NO_JOURNAL) and --journal DIR (or WPCONSOLE_JOURNAL) both given: keep one",
            ));
        }
        let file = ConfigFile::load(&path, explicit).map_err(CliError::usage)?;
        // A broker or UID named on the command line (or in the environment)
        // without --profile is another account than the default profile's:
        // it does not inherit that account's app id, fleet, production or
        // read-only setting. A named --profile is merged under the flags.
        let account_named = global.options.broker.is_some() || global.options.uid.is_some();
        let (profile_name, profile) = if global.profile.is_none() && account_named {
            (None, Profile::default())
        } else {
            let (name, profile) = file
                .profile(global.profile.as_deref(), &path)
                .map_err(CliError::usage)?;
            (
                name,
                profile.anchored_at(path.parent().unwrap_or(Path::new(""))),
            )
        };
        let mut settings = Self::merge(global, profile_name, profile);
        settings.config_path.clone_from(&path);
        settings.keys = (!file.keys.is_empty()).then_some((path, file.keys));
        Ok(settings)
    }

    /// The command line's options (`global`) over the profile's, over the
    /// defaults.
    pub(crate) fn merge(
        global: &GlobalArgs,
        profile_name: Option<String>,
        profile: Profile,
    ) -> Self {
        let given = global.options.clone().over(profile);
        let cert = given.cert.map(expand_home);
        let key = given.key.map(expand_home);
        let unpaired_client_file = match (&cert, &key) {
            (Some(_), None) => Some("key"),
            (None, Some(_)) => Some("cert"),
            _ => None,
        };
        Self {
            profile_name,
            config_path: PathBuf::new(),
            broker: given.broker,
            uid: given.uid,
            client_id: given.client_id,
            prefix: given.prefix.unwrap_or_else(|| DEFAULT_PREFIX.to_owned()),
            app_id: given.app_id,
            trailing_slash: given.trailing_slash.unwrap_or(true),
            size_limit: given.size_limit.unwrap_or(DEFAULT_SIZE_LIMIT),
            keep_alive: Duration::from_secs(given.keep_alive.unwrap_or(30).max(1)),
            password_file: given.password_file.map(expand_home),
            unpaired_client_file,
            cert_warn_days: given
                .cert_warn_days
                .unwrap_or(crate::mqtt::certificate::DEFAULT_WARN_DAYS),
            tls: TlsFiles {
                ca: given.ca.map(expand_home),
                client: cert.zip(key),
                insecure: given.insecure.unwrap_or(false),
            },
            journal_root: if given.no_journal == Some(true) {
                None
            } else {
                Some(given.journal.map_or_else(
                    crate::store::journal::JournalConfig::default_dir,
                    expand_home,
                ))
            },
            production: given.production.unwrap_or(false),
            read_only: given.read_only.unwrap_or(false),
            catalog_dir: given.catalog.map(expand_home),
            tracking: crate::domain::tracking::Tracking {
                stamp_field: given.track_field.unwrap_or_else(|| "cid".into()),
                reply_field: given.reply_field.unwrap_or_else(|| "ref".into()),
            },
            track_timeout: Duration::from_secs(given.track_timeout.unwrap_or(30).max(1)),
            track: given.track.unwrap_or(true),
            fleet: given.fleet,
            watch: given.watch,
            history_days: given.history_days.unwrap_or(DEFAULT_HISTORY_DAYS).max(1),
            keys: None,
            origins: given.origins,
        }
    }

    /// The account this run is connected to: the broker's host and port
    /// plus the UID. Every command that reads or writes an account's
    /// history asks here.
    pub fn account(&self) -> Result<Account, CliError> {
        self.require(&[Needed::Broker, Needed::Uid], "tell which account this is")?;
        let (Some(broker), Some(uid)) = (&self.broker, &self.uid) else {
            unreachable!("required above");
        };
        let broker = BrokerUrl::parse(broker).map_err(CliError::usage)?;
        Ok(Account::of(&broker, uid))
    }

    /// Refuses, naming each of `needed` that is not set and where it is
    /// given; `doing` is what the command was about to do ("send").
    pub fn require(&self, needed: &[Needed], doing: &str) -> Result<(), CliError> {
        let missing: Vec<Needed> = needed
            .iter()
            .copied()
            .filter(|needed| match needed {
                Needed::Broker => self.broker.is_none(),
                Needed::Uid => self.uid.is_none(),
                Needed::AppId => self.app_id().is_err(),
            })
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(needed::missing(
                &missing,
                doing,
                self.profile_name.as_deref(),
            ))
        }
    }

    /// The journal of the account this run is connected to
    /// (`root/host_port/UID/`), `None` with `--no-journal`. The console
    /// writes and reads it; `export` and `replay` without files read it.
    pub fn journal(&self) -> Result<Option<AccountJournal>, CliError> {
        let Some(root) = &self.journal_root else {
            return Ok(None);
        };
        let account = self.account()?;
        Ok(Some(AccountJournal {
            dir: account.journal_dir(root),
            root: root.clone(),
            account,
        }))
    }

    /// The profile's watch rules, read and checked: the one loader of
    /// every command that applies them (the console, `wpconsole watch`). A
    /// rule that does not parse is refused (exit 2) naming the config file,
    /// the profile, the rule, the key and, for a jq expression, the column.
    pub fn watch_rules(&self) -> Result<Vec<crate::domain::watch::Rule>, CliError> {
        crate::domain::watch::compile_all(&self.watch).map_err(|err| {
            // The expression and a caret under its column, when there is one.
            let caret = err
                .with_caret()
                .split_off(err.to_string().len());
            CliError::usage(format!(
                "{}: profile {:?}: {err}: fix the rule in [[profiles.{}.watch]] or remove it{caret}",
                self.config_path.display(),
                self.profile_name.as_deref().unwrap_or_default(),
                self.profile_name.as_deref().unwrap_or("NAME"),
            ))
        })
    }

    /// The action catalog, when one is configured.
    pub fn catalog(&self) -> Result<Option<crate::domain::catalog::Catalog>, CliError> {
        self.catalog_dir
            .as_deref()
            .map(crate::domain::catalog::Catalog::load)
            .transpose()
            .map_err(CliError::usage)
    }

    /// The rules every publish obeys, from these settings: the one place
    /// the console, `send` and `replay` get them from. `catalog` is the
    /// loaded catalog (the demo brings its own).
    pub fn outbound_rules(
        &self,
        catalog: Option<crate::domain::catalog::Catalog>,
    ) -> Result<crate::domain::outbound::OutboundRules, CliError> {
        Ok(crate::domain::outbound::OutboundRules {
            topics: self.topics()?,
            app_id: self.app_id.clone().filter(|id| !id.trim().is_empty()),
            size_limit: self.size_limit,
            catalog: catalog.map(std::sync::Arc::new),
            tracking: self.tracking.clone(),
            track: self.track,
            read_only: self.read_only,
            production: self.production,
        })
    }

    /// The account's popup ledger, shared by every process of the account,
    /// when the account is known.
    pub fn popup_ledger(&self) -> Option<crate::store::popups::PopupLedgerFile> {
        self.account()
            .ok()
            .map(|account| crate::store::popups::PopupLedgerFile::of(&account))
    }

    /// The topic scheme; needs the UID.
    pub fn topics(&self) -> Result<TopicScheme, CliError> {
        let Some(uid) = &self.uid else {
            return Err(needed::missing(
                &[Needed::Uid],
                "name the account's topics",
                self.profile_name.as_deref(),
            ));
        };
        TopicScheme::new(&self.prefix, uid, self.trailing_slash).map_err(CliError::usage)
    }

    /// The application id for composing envelopes.
    pub fn app_id(&self) -> Result<&str, CliError> {
        self.app_id
            .as_deref()
            .filter(|id| !id.trim().is_empty())
            .ok_or_else(|| {
                needed::missing(
                    &[Needed::AppId],
                    "compose an envelope around the content",
                    self.profile_name.as_deref(),
                )
            })
    }

    /// Connection settings for a command, reading (or asking for) the
    /// password. A client certificate close to its end is warned about
    /// here, once, on stderr; an expired one is refused.
    pub fn connection(&self) -> Result<ConnectionSettings, CliError> {
        let connection = self.checked_connection(true)?;
        if let Some(warning) = connection
            .expiry
            .as_ref()
            .and_then(|watch| watch.at(chrono::Utc::now()).warning(&watch.name))
        {
            eprintln!("wpconsole: {warning}");
        }
        Ok(connection)
    }

    /// Connection settings for the console: as [`Settings::connection`],
    /// but a certificate close to its end is said in the status bar (from
    /// [`ConnectionSettings::expiry`]), not on a terminal about to be taken.
    pub fn console_connection(&self) -> Result<ConnectionSettings, CliError> {
        self.checked_connection(true)
    }

    /// Connection settings for `wpconsole doctor`: an expired certificate
    /// is not refused here nor one close to its end warned about, because
    /// the doctor's certificate step says so with the certificate's facts.
    pub fn diagnosed_connection(&self) -> Result<ConnectionSettings, CliError> {
        self.checked_connection(false)
    }

    /// `command`: a command or the console, not the doctor's diagnosis (which
    /// says these in its own steps): an expired client certificate ends it
    /// here, and TLS files a plain URL leaves unused are said on stderr.
    fn checked_connection(&self, command: bool) -> Result<ConnectionSettings, CliError> {
        let Some(broker) = &self.broker else {
            return Err(needed::missing(
                &[Needed::Broker],
                "connect",
                self.profile_name.as_deref(),
            ));
        };
        let broker = BrokerUrl::parse(broker).map_err(CliError::usage)?;
        if let Some(missing) = self.unpaired_client_file {
            let given = if missing == "key" { "cert" } else { "key" };
            return Err(CliError::usage(format!(
                "a client certificate and its key go together: the {given} is given but no {missing}: give {}",
                needed::where_to_give(missing, self.profile_name.as_deref())
            )));
        }
        let expiry = self.certificate_expiry(&broker, command)?;
        if let Some(unused) = self.tls.unused_with(broker.scheme)
            && command
        {
            eprintln!("wpconsole: {unused}");
        }
        if self.tls.insecure {
            eprintln!(
                "wpconsole: WARNING: --insecure: the broker's certificate is NOT verified; anyone on the path can read and change this traffic"
            );
        }
        let (password, password_source) = self.password(&broker)?;
        Ok(ConnectionSettings {
            client_id: self
                .client_id
                .clone()
                .unwrap_or_else(crate::mqtt::default_client_id),
            uid: self.uid.clone(),
            password,
            password_source,
            tls: self.tls.clone(),
            keep_alive: self.keep_alive,
            size_limit: self.size_limit,
            broker,
            expiry,
        })
    }

    /// The client certificate's end, watched; an expired certificate is
    /// refused here, before the password is asked for or anything
    /// connects. A certificate that cannot be read is left to the TLS
    /// setup, which says why in its own words.
    fn certificate_expiry(
        &self,
        broker: &BrokerUrl,
        refuse_expired: bool,
    ) -> Result<Option<ExpiryWatch>, CliError> {
        let Some((cert, _)) = &self.tls.client else {
            return Ok(None);
        };
        if !broker.scheme.is_tls() {
            return Ok(None);
        }
        let Ok(certificate) = ClientCertificate::read_certificate(cert) else {
            return Ok(None);
        };
        if let Some(refusal) = Expiry::of(&certificate, chrono::Utc::now(), self.cert_warn_days)
            .refusal(&certificate, self.uid.as_deref())
            && refuse_expired
        {
            return Err(CliError::usage(refusal));
        }
        Ok(Some(ExpiryWatch::of(&certificate, self.cert_warn_days)))
    }

    /// The password and where it came from (a refused login names it).
    fn password(&self, broker: &BrokerUrl) -> Result<(Option<Password>, PasswordSource), CliError> {
        if let Some(path) = &self.password_file {
            return read_password_file(path)
                .map(|password| (Some(password), PasswordSource::File(path.clone())));
        }
        if let Ok(text) = std::env::var(PASSWORD_ENV) {
            // Sent, an empty password is a refused login the broker counts
            // against the account (as an empty password file is).
            if text.is_empty() {
                return Err(CliError::usage(format!(
                    "{PASSWORD_ENV} is set but empty: put the MQTT password in it, or unset it (unset {PASSWORD_ENV})"
                )));
            }
            return Ok((
                Some(Password::new(text)),
                PasswordSource::Environment(PASSWORD_ENV.into()),
            ));
        }
        let Some(uid) = &self.uid else {
            return Ok((None, PasswordSource::NotGiven));
        };
        if broker.scheme.is_tls() && std::io::stdin().is_terminal() {
            let prompt = format!("MQTT password for {uid} at {}: ", broker.authority());
            let text = rpassword::prompt_password(prompt).map_err(|err| {
                CliError::usage(format!("cannot read the password from the terminal: {err}"))
            })?;
            return Ok((Some(Password::new(text)), PasswordSource::Prompt));
        }
        Ok((None, PasswordSource::NotGiven))
    }
}

/// One account's journal: its directory under the journal root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountJournal {
    pub account: Account,
    /// `root/host_port/UID`.
    pub dir: PathBuf,
    pub root: PathBuf,
}

impl AccountJournal {
    /// The account's journal files of the last `count` UTC days, today
    /// included, oldest first.
    pub fn last_days(&self, count: u32) -> Vec<PathBuf> {
        let today = chrono::Utc::now().date_naive();
        let first = today
            .checked_sub_days(chrono::Days::new(u64::from(count.max(1) - 1)))
            .unwrap_or(NaiveDate::MIN);
        self.days(first, today)
    }

    /// The account's journal files of the UTC days `first` to `last`
    /// (both included), oldest first; a day without a file is passed over.
    pub fn days(&self, first: NaiveDate, last: NaiveDate) -> Vec<PathBuf> {
        days_between(&self.dir, first, last)
    }

    /// Where journals of the old flat layout are, when there are any: one
    /// sentence for the user, the directory first (a status bar may cut the
    /// end), then how to read them.
    pub fn old_layout_notice(&self) -> Option<String> {
        let files = flat_day_files(&self.root);
        (!files.is_empty()).then(|| {
            format!(
                "{} journal file(s) from before one journal per account are in {}: `wpconsole open FILE` reads them",
                files.len(),
                self.root.display()
            )
        })
    }
}

fn read_password_file(path: &Path) -> Result<Password, CliError> {
    Password::from_file(path).map_err(CliError::usage)
}

/// `~/x` to `$HOME/x`, so profile paths can be written the usual way.
pub fn expand_home(path: PathBuf) -> PathBuf {
    match (path.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path,
    }
}

#[cfg(test)]
mod tests;
