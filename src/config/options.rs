//! The options of a run, declared once: each is a flag with its
//! environment variable and a profile key of the same name.

use super::FleetEntry;
use super::origin::Origins;
use clap::builder::{BoolishValueParser, TypedValueParser as _};
use serde::Deserialize;
use std::path::PathBuf;

/// The options of a run, each declared once: a flag (global, so before
/// or after the command) with its `WPCONSOLE_*` environment variable, and
/// a key of a profile named like the flag (`--app-id`, `app-id`). The
/// command line gives one set, the profile another, and [`Options::over`]
/// lays the first over the second; `cli::settings` adds the defaults.
///
/// Every switch is an `Option<bool>`: `None` when neither the flag nor its
/// environment variable was given, so a profile's setting shows through and
/// an explicit `false` (`--read-only=false`, `WPCONSOLE_READ_ONLY=0`)
/// overrides it. Flag and environment accept 1/0, true/false, yes/no, on/off
/// in any case; `--read-only` alone means true. `require_equals` keeps
/// `--read-only send` from reading `send` as the switch's value. Every
/// switch has the value name `BOOL` (`cli::environment` says so for a bad
/// value from the environment).
///
/// A few are the command line's only (`#[serde(skip)]`: a profile naming
/// them is refused as an unknown key) or a profile's only (`#[arg(skip)]`).
#[derive(Debug, Clone, Default, Deserialize, clap::Args)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    /// Broker URL: mqtts://host:port (TLS), mqtt://, ws:// or wss://.
    /// e.g. --broker mqtts://iot-partners-preprod.mpsa.com:8886
    #[arg(long, global = true, env = "WPCONSOLE_BROKER", value_name = "URL")]
    pub broker: Option<String>,
    /// Partner login (UID): the MQTT username and part of every topic.
    #[arg(long, global = true, env = "WPCONSOLE_UID", value_name = "UID")]
    pub uid: Option<String>,
    /// File holding the MQTT password (first line). Or set WPCONSOLE_PASSWORD;
    /// with neither, TLS connections ask for it when a terminal is attached.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_PASSWORD_FILE",
        value_name = "FILE"
    )]
    pub password_file: Option<PathBuf>,
    /// CA certificates (PEM) that replace the system trust roots.
    #[arg(long, global = true, env = "WPCONSOLE_CA", value_name = "FILE")]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM) issued by Stellantis; needs --key.
    // The pair is checked once merged (`Settings::connection`): the key
    // may come from the profile under a certificate from the flag.
    #[arg(long, global = true, env = "WPCONSOLE_CERT", value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of the client certificate.
    #[arg(long, global = true, env = "WPCONSOLE_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Warn this many days before the client certificate expires (0: no warning; an expired
    /// certificate is refused all the same) [default: 30].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_CERT_WARN_DAYS",
        value_name = "DAYS"
    )]
    pub cert_warn_days: Option<u32>,
    /// Do not verify the broker's certificate. Dangerous: only for test brokers.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_INSECURE",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub insecure: Option<bool>,
    /// MQTT client id [default: wpconsole-<pid>-<random>].
    #[arg(long, global = true, env = "WPCONSOLE_CLIENT_ID", value_name = "ID")]
    pub client_id: Option<String>,
    /// Topic prefix [default: psa/OVIPPartners-Dev].
    #[arg(long, global = true, env = "WPCONSOLE_PREFIX", value_name = "PREFIX")]
    pub prefix: Option<String>,
    /// Application id (idApp) issued by Stellantis, used when composing envelopes.
    #[arg(long, global = true, env = "WPCONSOLE_APP_ID", value_name = "ID")]
    pub app_id: Option<String>,
    /// Whether outbound topics end with '/' (the documented form) [default: true].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_TRAILING_SLASH",
        value_name = "BOOL",
        value_parser = BoolishValueParser::new()
    )]
    pub trailing_slash: Option<bool>,
    /// The broker's maximum payload size in bytes [default: 131072].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_SIZE_LIMIT",
        value_name = "BYTES"
    )]
    pub size_limit: Option<usize>,
    /// Directory of the console's journal (every message in and out, JSON Lines, a file
    /// per day) [default: ~/.local/share/wpconsole/journal; the demo keeps none unless given].
    #[arg(long, global = true, env = "WPCONSOLE_JOURNAL", value_name = "DIR")]
    pub journal: Option<PathBuf>,
    /// Start the console with an empty log instead of the journal's last days.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_FRESH",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    #[serde(skip)]
    pub fresh: Option<bool>,
    /// Days of the account's journal the console starts with: today's and the DAYS-1 (UTC)
    /// days before it, merged in time order [default: 2, today and yesterday].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_HISTORY_DAYS",
        value_name = "DAYS",
        value_parser = clap::value_parser!(u32).range(1..)
    )]
    pub history_days: Option<u32>,
    /// Memory for recent payloads, in MiB; older ones are read back from the journal
    /// (or the opened file) when shown.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_CACHE_MB",
        value_name = "MIB",
        default_value_t = 64
    )]
    #[serde(skip)]
    pub cache_mb: usize,
    /// A directory of action catalogs: content.params is checked against each action's JSON
    /// Schema (assets/catalog/ shows the format; the demo uses its own).
    #[arg(long, global = true, env = "WPCONSOLE_CATALOG", value_name = "DIR")]
    pub catalog: Option<PathBuf>,
    /// Do not stamp a tracking id into published content nor wait for replies (profile:
    /// track = false; in the console's editor Ctrl-G turns it on and off).
    // The flag says the opposite of the profile key: `--no-track` is
    // `track = false`, `--no-track=false` is `track = true`. Its own id:
    // `send --track` has the id `track`.
    #[arg(
        id = "no_track",
        long = "no-track",
        global = true,
        env = "WPCONSOLE_NO_TRACK",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new().map(std::ops::Not::not)
    )]
    pub track: Option<bool>,
    /// Remove publishing: `send` and the console's Ctrl-S refuse (validation still works).
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_READ_ONLY",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    pub read_only: Option<bool>,
    /// Keep no journal.
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_NO_JOURNAL",
        value_name = "BOOL",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_parser = BoolishValueParser::new()
    )]
    #[serde(skip)]
    pub no_journal: Option<bool>,
    /// MQTT keep-alive in seconds: a broker that stops answering is noticed within 2x this
    /// [default: 30].
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_KEEP_ALIVE",
        value_name = "SECONDS"
    )]
    pub keep_alive: Option<u64>,
    /// How much wpconsole's log says (the file `wpconsole.log` in the state
    /// directory) [default: info]; WPCONSOLE_LOG takes a finer filter
    /// (wpconsole::mqtt=trace).
    #[arg(
        long,
        global = true,
        env = "WPCONSOLE_LOG_LEVEL",
        value_name = "LEVEL",
        value_enum
    )]
    #[serde(skip)]
    pub log_level: Option<crate::logging::LogLevel>,
    /// A production broker: the console wears a warning colour and every
    /// publish asks for confirmation.
    #[arg(skip)]
    pub production: Option<bool>,
    /// Delivery tracking: the field inside `content` the console stamps
    /// its correlation id into (default `cid`; `send --track-field`).
    #[arg(skip)]
    pub track_field: Option<String>,
    /// ... and the field inside a reply's `content` that carries it back
    /// (default `ref`; `send --reply-field`).
    #[arg(skip)]
    pub reply_field: Option<String>,
    /// Seconds without a reply before a message shows "no reply" (30).
    #[arg(skip)]
    pub track_timeout: Option<u64>,
    /// Refused with a clear message: passwords do not belong in this file.
    #[arg(skip)]
    pub(crate) password: Option<toml::Value>,
    /// The vehicles shown before they send anything.
    #[arg(skip)]
    #[serde(default)]
    pub fleet: Vec<FleetEntry>,
    /// `[[profiles.NAME.watch]]`: the watch rules, as written (read and
    /// checked by `Settings::watch_rules`, for every command that applies
    /// them).
    #[arg(skip)]
    #[serde(default)]
    pub watch: Vec<crate::domain::watch::RuleSpec>,
    /// Where each value came from: the command line's flags and
    /// environment as read (`Origins::given`), then every option once laid
    /// over a profile. Neither a flag nor a profile key.
    #[arg(skip)]
    #[serde(skip)]
    pub origins: Origins,
}

impl Options {
    /// A profile's relative paths (`cert = "partner.pem"`) read from
    /// `dir`, the config file's directory, wherever wpconsole is started;
    /// `~/` and absolute paths stay as written. (A flag's relative path is
    /// the working directory's, as usual.)
    #[must_use]
    pub fn anchored_at(mut self, dir: &std::path::Path) -> Self {
        let anchor = |path: &mut Option<PathBuf>| {
            if let Some(path) = path
                .as_mut()
                .filter(|p| p.is_relative() && !p.starts_with("~"))
            {
                *path = dir.join(&*path);
            }
        };
        for path in [
            &mut self.password_file,
            &mut self.ca,
            &mut self.cert,
            &mut self.key,
            &mut self.journal,
            &mut self.catalog,
        ] {
            anchor(path);
        }
        self
    }

    /// `self` (the command line and environment) laid over `under` (a
    /// profile), field by field: a value given here wins, else the one
    /// under it shows through. The result's origins say which, for every
    /// option.
    #[must_use]
    pub fn over(self, under: Self) -> Self {
        // Every field is named (no `..`): a new option does not compile
        // until it is merged here too.
        let Self {
            broker,
            uid,
            password_file,
            ca,
            cert,
            key,
            cert_warn_days,
            insecure,
            client_id,
            prefix,
            app_id,
            trailing_slash,
            size_limit,
            journal,
            fresh,
            history_days,
            cache_mb,
            catalog,
            track,
            read_only,
            no_journal,
            keep_alive,
            log_level,
            production,
            track_field,
            reply_field,
            track_timeout,
            password,
            fleet,
            watch,
            origins: given,
        } = self;
        let mut origins = Origins::default();
        // The value given here, else the profile's, and where it came from.
        macro_rules! lay {
            ($field:ident) => {{
                origins.lay(
                    &given,
                    stringify!($field),
                    $field.is_some(),
                    under.$field.is_some(),
                );
                $field.or(under.$field)
            }};
        }
        // The command line's own, with its default: a profile has none.
        origins.lay(&given, "cache_mb", given.knows("cache_mb"), false);
        origins.lay(&given, "fleet", !fleet.is_empty(), !under.fleet.is_empty());
        origins.lay(&given, "watch", !watch.is_empty(), !under.watch.is_empty());
        Self {
            broker: lay!(broker),
            uid: lay!(uid),
            password_file: lay!(password_file),
            ca: lay!(ca),
            cert: lay!(cert),
            key: lay!(key),
            cert_warn_days: lay!(cert_warn_days),
            insecure: lay!(insecure),
            client_id: lay!(client_id),
            prefix: lay!(prefix),
            app_id: lay!(app_id),
            trailing_slash: lay!(trailing_slash),
            size_limit: lay!(size_limit),
            journal: lay!(journal),
            fresh: lay!(fresh),
            history_days: lay!(history_days),
            cache_mb,
            catalog: lay!(catalog),
            track: lay!(track),
            read_only: lay!(read_only),
            no_journal: lay!(no_journal),
            keep_alive: lay!(keep_alive),
            // The command line's own (a profile has none: the log starts
            // before a profile is read).
            log_level: lay!(log_level),
            production: lay!(production),
            track_field: lay!(track_field),
            reply_field: lay!(reply_field),
            track_timeout: lay!(track_timeout),
            password: lay!(password),
            fleet: if fleet.is_empty() { under.fleet } else { fleet },
            watch: if watch.is_empty() { under.watch } else { watch },
            origins,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys serde reads for `Options`: a deserializer that only
    /// records the field names it is asked for.
    fn profile_keys() -> &'static [&'static str] {
        use serde::de::{Error as _, Visitor, value::Error};
        struct Keys<'a>(&'a mut &'static [&'static str]);
        impl<'de> serde::Deserializer<'de> for Keys<'_> {
            type Error = Error;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Error> {
                Err(Error::custom("only a struct's keys are read"))
            }
            fn deserialize_struct<V: Visitor<'de>>(
                self,
                _: &'static str,
                fields: &'static [&'static str],
                _: V,
            ) -> Result<V::Value, Error> {
                *self.0 = fields;
                Err(Error::custom("keys read"))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
                bytes byte_buf option unit unit_struct newtype_struct seq tuple
                tuple_struct map enum identifier ignored_any
            }
        }
        let mut keys: &'static [&'static str] = &[];
        let _ = Options::deserialize(Keys(&mut keys));
        keys
    }

    #[test]
    fn each_option_is_a_flag_with_its_variable_and_a_profile_key_of_the_same_name() {
        use clap::Args as _;
        // The exceptions, each said here on purpose: the command line's
        // own, a profile's own, and the one flag that says the opposite of
        // its key.
        const FLAG_ONLY: [&str; 4] = ["fresh", "cache-mb", "no-journal", "log-level"];
        const PROFILE_ONLY: [&str; 7] = [
            "production",
            "track-field",
            "reply-field",
            "track-timeout",
            "password",
            "fleet",
            "watch",
        ];
        const OPPOSITE: (&str, &str) = ("no-track", "track");
        let keys = profile_keys();
        assert!(
            keys.contains(&"broker") && keys.contains(&"app-id"),
            "{keys:?}"
        );
        let cmd = Options::augment_args(clap::Command::new("t"));
        let flags: Vec<&str> = cmd.get_arguments().filter_map(|a| a.get_long()).collect();
        for arg in cmd.get_arguments() {
            let long = arg.get_long().unwrap();
            let env = format!("WPCONSOLE_{}", long.to_uppercase().replace('-', "_"));
            assert_eq!(
                arg.get_env().and_then(|e| e.to_str()),
                Some(env.as_str()),
                "--{long}"
            );
            assert!(
                arg.is_global_set(),
                "--{long} works before or after the command"
            );
            let key = if long == OPPOSITE.0 { OPPOSITE.1 } else { long };
            assert!(
                keys.contains(&key) != FLAG_ONLY.contains(&long),
                "--{long}: a profile key {key:?}, unless it is the command line's only"
            );
        }
        assert!(
            PROFILE_ONLY.iter().all(|key| keys.contains(key)),
            "{keys:?}"
        );
        assert!(
            FLAG_ONLY.iter().all(|flag| flags.contains(flag)),
            "{flags:?}"
        );
        for key in keys {
            let flag = if *key == OPPOSITE.1 { OPPOSITE.0 } else { key };
            assert!(
                flags.contains(&flag) != PROFILE_ONLY.contains(key),
                "profile key {key:?}: a flag --{flag}, unless it is a profile's only"
            );
        }
    }
}
