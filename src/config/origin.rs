//! Where each option's value came from: a flag, an environment variable,
//! the profile, or nowhere (the default). Recorded once, where the
//! command line is read and where [`Options::over`](super::Options::over)
//! lays it over the profile, so that `wpconsole doctor` can say it without
//! working it out again.

use std::collections::BTreeMap;
use std::fmt;

/// Where one option's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The command line, as this flag (`--broker`).
    Flag(String),
    /// This environment variable (`WPCONSOLE_BROKER`).
    Environment(String),
    /// The profile of the config file.
    Profile,
    /// Given nowhere: the built-in default applies (or nothing, for an
    /// option without one).
    Default,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Flag(flag) => write!(f, "flag {flag}"),
            Self::Environment(var) => write!(f, "environment {var}"),
            Self::Profile => f.write_str("profile"),
            Self::Default => f.write_str("default"),
        }
    }
}

/// The origin of each option, by its field name in
/// [`Options`](super::Options) (`broker`, `password_file`).
///
/// Read from the command line it holds only what the user gave there;
/// once laid over a profile it names every option.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origins(BTreeMap<String, Origin>);

impl Origins {
    /// The options the command line `matches` carries a value for, from a
    /// flag or from the environment (clap knows which). A value clap
    /// supplied as the flag's own default is not the user's: left out.
    pub fn given(matches: &clap::ArgMatches) -> Self {
        use clap::Args as _;
        use clap::parser::ValueSource;
        let declared = super::Options::augment_args(clap::Command::new("options"));
        let mut origins = BTreeMap::new();
        for arg in declared.get_arguments() {
            let id = arg.get_id().as_str();
            let origin = match matches.value_source(id) {
                Some(ValueSource::CommandLine) => {
                    Origin::Flag(format!("--{}", arg.get_long().unwrap_or(id)))
                }
                Some(ValueSource::EnvVariable) => Origin::Environment(
                    arg.get_env()
                        .map_or_else(String::new, |var| var.to_string_lossy().into_owned()),
                ),
                _ => continue,
            };
            origins.insert(field_of(id).to_owned(), origin);
        }
        Self(origins)
    }

    /// Where the value of `field` came from.
    pub fn of(&self, field: &str) -> Origin {
        self.0.get(field).cloned().unwrap_or(Origin::Default)
    }

    /// Whether `field` is an option these origins speak of (every option,
    /// once laid over a profile).
    pub fn knows(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// Notes the origin of `field` in a merge: given `here` (the command
    /// line: its recorded origin, else a flag), else in the profile
    /// `under`, else nowhere.
    pub(super) fn lay(&mut self, here: &Self, field: &'static str, given: bool, under: bool) {
        let origin = if given {
            here.0
                .get(field)
                .cloned()
                .unwrap_or_else(|| Origin::Flag(format!("--{}", field.replace('_', "-"))))
        } else if under {
            Origin::Profile
        } else {
            Origin::Default
        };
        self.0.insert(field.to_owned(), origin);
    }
}

/// The field name of clap's argument `id`.
fn field_of(id: &str) -> &str {
    // clap's id of `--no-track` is its own; its field is `track`.
    if id == "no_track" { "track" } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Options;

    fn origins_of(line: &[&str]) -> Origins {
        use clap::CommandFactory as _;
        #[derive(clap::Parser)]
        struct Line {
            #[command(flatten)]
            options: Options,
            #[command(subcommand)]
            command: Option<Sub>,
        }
        #[derive(clap::Subcommand)]
        enum Sub {
            Doctor,
        }
        let matches = Line::command()
            .try_get_matches_from(line)
            .expect("the line parses");
        Origins::given(&matches)
    }

    #[test]
    fn a_flag_before_or_after_the_command_is_a_flag_and_an_unset_option_is_not_given() {
        let origins = origins_of(&["w", "--broker", "mqtt://x", "doctor", "--uid", "U"]);
        assert_eq!(origins.of("broker"), Origin::Flag("--broker".into()));
        assert_eq!(origins.of("uid"), Origin::Flag("--uid".into()));
        assert!(!origins.knows("ca"));
        // `--cache-mb` has a default of its own: not the user's.
        assert!(!origins.knows("cache_mb"));
        let switch = origins_of(&["w", "--no-track"]);
        assert_eq!(switch.of("track"), Origin::Flag("--no-track".into()));
    }

    #[test]
    fn laid_over_a_profile_every_option_has_an_origin() {
        use clap::Args as _;
        let here = Options {
            broker: Some("mqtt://flag".into()),
            origins: origins_of(&["w", "--broker", "mqtt://flag"]),
            ..Options::default()
        };
        let under = Options {
            broker: Some("mqtt://profile".into()),
            uid: Some("PROFILE".into()),
            ..Options::default()
        };
        let merged = here.over(under);
        assert_eq!(merged.origins.of("broker"), Origin::Flag("--broker".into()));
        assert_eq!(merged.origins.of("uid"), Origin::Profile);
        assert_eq!(merged.origins.of("ca"), Origin::Default);
        let declared = Options::augment_args(clap::Command::new("t"));
        for arg in declared.get_arguments() {
            let field = field_of(arg.get_id().as_str());
            assert!(merged.origins.knows(field), "{field}");
        }
    }
}
