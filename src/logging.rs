//! wpconsole's own log: what the console and the commands did (connections,
//! publishes, refusals, how they ended), for the person who asks afterwards
//! what happened. Never a payload, never a secret: events name topics,
//! sizes and reasons, and every entry point logs through `tracing` to the
//! file set up here.
//!
//! One file per UTC day in the state directory (`wpconsole.2026-11-30.log`),
//! the oldest removed beyond [`DAYS_KEPT`], and `wpconsole.log` a link to
//! the file being written ([`log_path`]). Written as each event happens (no
//! buffer a `kill -9` or a panic's exit would lose).

use std::path::{Path, PathBuf};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// How much wpconsole's log says (`--log-level`), from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogLevel {
    /// Only what ended a console or a command.
    Error,
    /// ... and what went wrong on the way: a lost connection, a refused publish.
    Warn,
    /// ... and what was done: connected, published, ended (the default).
    Info,
    /// ... and each message received and each connection attempt, by topic and size.
    Debug,
    /// Everything wpconsole says.
    Trace,
}

impl LogLevel {
    fn directive(self) -> &'static str {
        match self {
            Self::Error => "wpconsole=error",
            Self::Warn => "wpconsole=warn",
            Self::Info => "wpconsole=info",
            Self::Debug => "wpconsole=debug",
            Self::Trace => "wpconsole=trace",
        }
    }
}

/// Days of log kept: a file per UTC day, the oldest removed beyond this.
pub const DAYS_KEPT: usize = 7;

/// The environment variable with a whole `tracing` filter, for a closer
/// look at one part (`wpconsole::mqtt=trace`) or at the crates below.
pub const FILTER_VARIABLE: &str = "WPCONSOLE_LOG";

/// The name `wpconsole.log` has always had: now a link to today's file.
const LINK: &str = "wpconsole.log";

/// Where wpconsole's log is read: `wpconsole.log` in the state directory,
/// a link to the file of the day being written (the dated files beside it
/// are the days before).
pub fn log_path() -> PathBuf {
    crate::config::state_dir().join(LINK)
}

/// A log filter that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error(
        "{FILTER_VARIABLE}={value} in the environment is not a log filter ({reason}): use a level (debug) or target=level pairs separated by commas (wpconsole=debug,wpconsole::mqtt=trace), or unset {FILTER_VARIABLE}"
    )]
    BadFilter { value: String, reason: String },
}

/// What is logged: wpconsole's own events at info, then `from_env` (the
/// value of [`FILTER_VARIABLE`]) laid over that, then `level`
/// (`--log-level`) over both: the flag wins for wpconsole's own level, as
/// a flag wins everywhere else.
pub fn filter(level: Option<LogLevel>, from_env: Option<&str>) -> Result<EnvFilter, LogError> {
    let mut directives = vec![LogLevel::Info.directive()];
    // Empty counts as unset, as for every WPCONSOLE_ variable.
    let from_env = from_env.map(str::trim).filter(|value| !value.is_empty());
    if let Some(value) = from_env {
        // Checked alone, so that the error is about the user's text.
        EnvFilter::builder()
            .parse(value)
            .map_err(|err| LogError::BadFilter {
                value: value.to_owned(),
                reason: err.to_string(),
            })?;
        directives.push(value);
    }
    directives.extend(level.map(LogLevel::directive));
    // Later directives for the same target replace earlier ones.
    EnvFilter::builder()
        .parse(directives.join(","))
        .map_err(|err| LogError::BadFilter {
            value: from_env.unwrap_or_default().to_owned(),
            reason: err.to_string(),
        })
}

/// Sends this process's log events to the file for the rest of its life.
/// A bad [`FILTER_VARIABLE`] is an error (exit 2, like any bad
/// setting); a state directory that cannot be written is not: the console
/// and the commands work without their log, as before it existed.
pub fn start(level: Option<LogLevel>) -> Result<(), LogError> {
    let from_env = std::env::var(FILTER_VARIABLE).ok();
    let filter = filter(level, from_env.as_deref())?;
    let dir = crate::config::state_dir();
    let Some(file) = open(&dir) else {
        return Ok(());
    };
    let layer = tracing_subscriber::fmt::layer()
        .with_ansi(false)
        .with_writer(file);
    // Fails only when a subscriber is already set: that one stays.
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(layer)
        .try_init();
    Ok(())
}

/// The day's file in `dir`, with `wpconsole.log` linked to it.
fn open(dir: &Path) -> Option<RollingFileAppender> {
    // First: tracing-appender looks for old files to remove before it
    // creates the directory, and says so on standard error (the console's
    // screen) when there is none.
    std::fs::create_dir_all(dir).ok()?;
    // Before the rotation, `wpconsole.log` was the one file: it is kept
    // under a name the rotation counts (so it goes after DAYS_KEPT days).
    let link = dir.join(LINK);
    if std::fs::symlink_metadata(&link).is_ok_and(|meta| meta.is_file()) {
        let _ = std::fs::rename(&link, dir.join("wpconsole.before-rotation.log"));
    }
    let builder = || {
        RollingFileAppender::builder()
            .rotation(Rotation::DAILY)
            .filename_prefix("wpconsole")
            .filename_suffix("log")
            .max_log_files(DAYS_KEPT)
    };
    // Two processes starting together can both replace the link; the one
    // that loses tries again, and without the link if it loses twice.
    builder()
        .latest_symlink(LINK)
        .build(dir)
        .or_else(|_| builder().latest_symlink(LINK).build(dir))
        .or_else(|_| builder().build(dir))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::level_filters::LevelFilter;

    #[test]
    fn wpconsole_logs_at_info_unless_told_otherwise() {
        let filter = filter(None, None).unwrap();
        assert_eq!(filter.to_string(), "wpconsole=info");
        assert_eq!(filter.max_level_hint(), Some(LevelFilter::INFO));
        assert_eq!(
            super::filter(None, Some("  ")).unwrap().to_string(),
            "wpconsole=info",
            "an empty variable is unset"
        );
    }

    #[test]
    fn the_flag_wins_over_the_variable_for_wpconsole_and_the_variable_adds_targets() {
        let filter = filter(
            Some(LogLevel::Warn),
            Some("wpconsole=trace,wpconsole::mqtt=debug"),
        )
        .unwrap()
        .to_string();
        assert!(filter.contains("wpconsole=warn"), "{filter}");
        assert!(!filter.contains("wpconsole=trace"), "{filter}");
        assert!(filter.contains("wpconsole::mqtt=debug"), "{filter}");
        let filter = super::filter(None, Some("wpconsole=debug")).unwrap();
        assert_eq!(filter.to_string(), "wpconsole=debug");
        let filter = super::filter(Some(LogLevel::Trace), None).unwrap();
        assert_eq!(filter.max_level_hint(), Some(LevelFilter::TRACE));
    }

    #[test]
    fn a_bad_filter_names_the_variable_its_value_and_the_form() {
        let err = filter(Some(LogLevel::Debug), Some("wpconsole=loud"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("WPCONSOLE_LOG=wpconsole=loud "), "{err}");
        assert!(
            err.contains("wpconsole=debug,wpconsole::mqtt=trace"),
            "{err}"
        );
        assert!(err.contains("unset WPCONSOLE_LOG"), "{err}");
    }

    #[test]
    fn a_single_file_log_from_before_is_kept_and_the_name_becomes_the_link() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(LINK), "an old line\n").unwrap();
        let appender = open(dir.path()).expect("the log opens");
        drop(appender);
        let link = dir.path().join(LINK);
        assert!(link.is_symlink(), "wpconsole.log links to the day's file");
        let target = std::fs::read_link(&link).unwrap();
        let name = target.file_name().unwrap().to_str().unwrap().to_owned();
        assert!(name.starts_with("wpconsole.20"), "{name}");
        assert_eq!(target.extension().unwrap(), "log");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("wpconsole.before-rotation.log")).unwrap(),
            "an old line\n"
        );
    }
}
