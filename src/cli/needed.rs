//! The settings a command cannot go without, and where each is given:
//! the flag, the environment variable and the profile key, read from the
//! one declaration of the option ([`Options`]), so a message cannot name
//! a flag or key that does not exist.

use super::CliError;
use crate::config::Options;
use clap::Args as _;

/// A setting a command cannot go without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// Where to connect (`send`, `tail`, `replay`, the console).
    Broker,
    /// The partner login: the MQTT username and part of every topic.
    Uid,
    /// The `idApp` an envelope composed around a content carries.
    AppId,
}

impl Needed {
    /// The option's id: its field in [`Options`].
    fn id(self) -> &'static str {
        match self {
            Self::Broker => "broker",
            Self::Uid => "uid",
            Self::AppId => "app_id",
        }
    }

    /// What it is, in the user's words.
    fn what(self) -> &'static str {
        match self {
            Self::Broker => "broker URL",
            Self::Uid => "UID",
            Self::AppId => "application id for idApp",
        }
    }
}

/// Where the option `id` (a field of [`Options`]) is given: `--app-id ID,
/// WPCONSOLE_APP_ID or app-id in profile "preprod"` (`profile` is the one
/// in use; without one, "in the profile").
pub fn where_to_give(id: &str, profile: Option<&str>) -> String {
    let cmd = Options::augment_args(clap::Command::new("wpconsole"));
    let Some(arg) = cmd.get_arguments().find(|arg| arg.get_id() == id) else {
        return format!("the option {id}");
    };
    let long = arg.get_long().unwrap_or(id);
    let value = arg
        .get_value_names()
        .and_then(|names| names.first())
        .map(|name| format!(" {name}"))
        .unwrap_or_default();
    let env = arg
        .get_env()
        .map(|env| format!(", {}", env.to_string_lossy()))
        .unwrap_or_default();
    // The profile key is the flag's name (a test in config holds them so).
    let place = profile.map_or_else(
        || "the profile".to_owned(),
        |name| format!("profile {name:?}"),
    );
    format!("--{long}{value}{env} or {long} in {place}")
}

/// The usage error for `missing` (in the order given), each with where it
/// is given; `doing` says what it was needed for ("send").
pub fn missing(missing: &[Needed], doing: &str, profile: Option<&str>) -> CliError {
    let each: Vec<String> = missing
        .iter()
        .map(|needed| {
            format!(
                "no {} ({})",
                needed.what(),
                where_to_give(needed.id(), profile)
            )
        })
        .collect();
    let choose = if profile.is_none() {
        "; a profile is chosen with --profile NAME"
    } else {
        ""
    };
    CliError::usage(format!("cannot {doing}: {}{choose}", each.join("; ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_needed_setting_is_named_with_its_flag_variable_and_profile_key() {
        assert_eq!(
            where_to_give(Needed::AppId.id(), None),
            "--app-id ID, WPCONSOLE_APP_ID or app-id in the profile"
        );
        assert_eq!(
            where_to_give(Needed::Broker.id(), Some("preprod")),
            "--broker URL, WPCONSOLE_BROKER or broker in profile \"preprod\""
        );
        // The domain's own sentence for an {idApp} with nothing to stand
        // for names the same flag, variable and key.
        assert!(
            crate::domain::outbound::NO_APP_ID.contains(&where_to_give(Needed::AppId.id(), None)),
            "{}",
            crate::domain::outbound::NO_APP_ID
        );
        let err = missing(&[Needed::Broker, Needed::Uid], "tail", None);
        assert_eq!(
            err.message,
            "cannot tail: no broker URL (--broker URL, WPCONSOLE_BROKER or broker in the profile); no UID (--uid UID, WPCONSOLE_UID or uid in the profile); a profile is chosen with --profile NAME"
        );
    }

    #[test]
    fn the_read_only_refusal_names_the_real_flag_variable_and_profile_key() {
        // The read-only refusal names the switch's real flag, variable and
        // key (it once said `read_only = true`, a key the profile refuses).
        let read_only = crate::domain::outbound::NotReady::ReadOnly.to_string();
        let cmd = Options::augment_args(clap::Command::new("wpconsole"));
        let arg = cmd
            .get_arguments()
            .find(|arg| arg.get_id() == "read_only")
            .unwrap();
        let long = arg.get_long().unwrap();
        let env = arg.get_env().unwrap().to_str().unwrap();
        for named in [
            format!("--{long}"),
            env.to_owned(),
            format!("{long} = true"),
        ] {
            assert!(read_only.contains(&named), "{named} in {read_only}");
        }
        let key = |text: &str| crate::config::ConfigFile::parse(text, std::path::Path::new("t"));
        assert!(key(&format!("[profiles.p]\n{long} = true\n")).is_ok());
        let err = key("[profiles.p]\nread_only = true\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("read_only") && err.contains("read-only"),
            "{err}"
        );
    }
}
