//! The configuration file: named profiles, each holding connection options
//! and a fleet of known vehicles.
//!
//! Precedence, highest first: command-line flag, environment variable
//! (`WPCONSOLE_*`), profile, built-in default. Flags and environment are
//! merged by clap; [`Options::over`] adds the profile underneath.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod options;
mod origin;
pub mod watch_rule;
pub use options::Options;
pub use origin::{Origin, Origins};

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// The profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// `[keys]`: the console's keys rebound, as written; the key table
    /// reads it (`tui::keys::rebind`) and refuses what it cannot use.
    #[serde(default)]
    pub keys: toml::Table,
}

/// A profile of the config file: a named set of [`Options`] and its fleet.
pub type Profile = Options;

/// A vehicle the user knows about, shown even before it sends anything.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetEntry {
    pub vin: String,
    #[serde(default)]
    pub label: Option<String>,
}

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("profile {name:?} is not in {path}; profiles there: {known}")]
    UnknownProfile {
        name: String,
        path: PathBuf,
        known: String,
    },
    #[error(
        "profile {0:?} holds a password; passwords are never stored in the config: remove it and use password-file or WPCONSOLE_PASSWORD"
    )]
    PasswordInConfig(String),
    #[error("fleet entry {vin:?} of profile {profile:?} is not a VIN: {reason}")]
    BadFleetVin {
        profile: String,
        vin: String,
        reason: String,
    },
}

/// Where wpconsole keeps its state (the popup ledger, the console's log):
/// `$WPCONSOLE_STATE_DIR`, else the platform state dir
/// (`~/.local/state/wpconsole` on Linux).
pub fn state_dir() -> PathBuf {
    std::env::var_os("WPCONSOLE_STATE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            dirs::state_dir()
                .or_else(dirs::data_local_dir)
                .map(|d| d.join("wpconsole"))
        })
        .unwrap_or_else(|| PathBuf::from(".wpconsole"))
}

/// Where the config file is looked for when `--config` is not given.
pub fn default_path() -> Option<PathBuf> {
    dirs::config_dir().map(|dir| dir.join("wpconsole").join("config.toml"))
}

impl ConfigFile {
    /// Reads a config file. A missing file at the default path is an empty
    /// configuration; a missing file named explicitly is an error.
    pub fn load(path: &Path, explicit: bool) -> Result<Self, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if !explicit && err.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        Self::parse(&text, path)
    }

    /// Parses config text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let file: Self = toml::from_str(text).map_err(|err| ConfigError::Parse {
            path: path.to_owned(),
            // `password` is a field only so that it can be refused with
            // its own message: the keys a typo is told of leave it out.
            message: err.message().replace(", `password`", "")
                + &err
                    .span()
                    .map(|span| {
                        let at = crate::domain::json::Location::of(text, span.start);
                        format!(" (at line {}, column {})", at.line, at.column)
                    })
                    .unwrap_or_default(),
        })?;
        for (name, profile) in &file.profiles {
            if profile.password.is_some() {
                return Err(ConfigError::PasswordInConfig(name.clone()));
            }
            for entry in &profile.fleet {
                if let Err(err) = crate::domain::Vin::parse(&entry.vin) {
                    return Err(ConfigError::BadFleetVin {
                        profile: name.clone(),
                        vin: entry.vin.clone(),
                        reason: err.to_string(),
                    });
                }
            }
        }
        Ok(file)
    }

    /// The profile asked for, or the default one, or an empty profile.
    pub fn profile(
        &self,
        asked: Option<&str>,
        path: &Path,
    ) -> Result<(Option<String>, Profile), ConfigError> {
        let name = asked
            .map(str::to_owned)
            .or_else(|| self.default_profile.clone());
        let Some(name) = name else {
            return Ok((None, Profile::default()));
        };
        match self.profiles.get(&name) {
            Some(profile) => Ok((Some(name), profile.clone())),
            None => Err(ConfigError::UnknownProfile {
                name,
                path: path.to_owned(),
                known: if self.profiles.is_empty() {
                    "none".to_owned()
                } else {
                    self.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, ConfigError> {
        ConfigFile::parse(text, Path::new("test.toml"))
    }

    #[test]
    fn example_config_in_assets_parses() {
        let text = include_str!("../assets/config.example.toml");
        let file = parse(text).unwrap();
        let (name, profile) = file.profile(None, Path::new("x")).unwrap();
        assert_eq!(name.as_deref(), Some("demo"));
        assert!(profile.broker.is_some());
        let (_, preprod) = file.profile(Some("preprod"), Path::new("x")).unwrap();
        assert_eq!(
            preprod.broker.as_deref(),
            Some("mqtts://iot-partners-preprod.mpsa.com:8886")
        );
        assert!(!preprod.fleet.is_empty());
    }

    #[test]
    fn a_password_in_the_config_is_refused() {
        let err = parse("[profiles.p]\npassword = \"hunter2\"\n").unwrap_err();
        assert!(err.to_string().contains("passwords are never stored"));
        assert!(!err.to_string().contains("hunter2"));
    }

    #[test]
    fn unknown_keys_and_bad_vins_are_refused_with_where() {
        let err = parse("[profiles.p]\nbrokr = \"x\"\n").unwrap_err();
        assert!(err.to_string().contains("brokr"), "{err}");
        assert!(err.to_string().contains("line 2"), "{err}");
        // `password` is a key only so that it can be refused: not offered.
        assert!(err.to_string().contains("`broker`"), "{err}");
        assert!(!err.to_string().contains("`password`"), "{err}");
        let err = parse("[[profiles.p.fleet]]\nvin = \"NOPE\"\n").unwrap_err();
        assert!(err.to_string().contains("NOPE"), "{err}");
    }

    #[test]
    fn unknown_profile_lists_the_known_ones() {
        let file = parse("[profiles.a]\n[profiles.b]\n").unwrap();
        let err = file.profile(Some("c"), Path::new("cfg.toml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "profile \"c\" is not in cfg.toml; profiles there: a, b"
        );
    }
}
