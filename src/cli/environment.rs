//! The environment under the command line: an empty variable counts as
//! unset, and a value from the environment that the command line refuses
//! is the environment's mistake: clap blames the flag (`invalid value
//! 'maybe' for '--read-only'`), which the user never typed. This names the
//! variable, its value and what is accepted instead.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use std::ffi::OsString;

/// The sentence to say instead of clap's `err`, when the value it refused
/// came from an environment variable (the flag was not on the command
/// line `argv`); `None` when clap's own message is right. `cmd` is built
/// (`Command::build`), so its arguments display as in clap's errors.
pub fn blame(err: &clap::Error, cmd: &clap::Command, argv: &[OsString]) -> Option<String> {
    if !matches!(
        err.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        return None;
    }
    let (Some(ContextValue::String(shown)), Some(ContextValue::String(value))) = (
        err.get(ContextKind::InvalidArg),
        err.get(ContextKind::InvalidValue),
    ) else {
        return None;
    };
    // Clap names the argument the way it displays it (`--read-only[=<BOOL>]`).
    let arg = std::iter::once(cmd)
        .chain(cmd.get_subcommands())
        .flat_map(clap::Command::get_arguments)
        .find(|arg| arg.to_string() == *shown)?;
    let var = arg.get_env()?;
    if std::env::var_os(var).as_deref() != Some(std::ffi::OsStr::new(value)) {
        return None;
    }
    let long = arg.get_long()?;
    let on_the_line = argv.iter().any(|word| {
        word.to_str().is_some_and(|word| {
            word.strip_prefix("--")
                .and_then(|word| word.strip_prefix(long))
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    });
    if on_the_line {
        return None;
    }
    let var = var.to_string_lossy();
    // Every switch is declared with the value name BOOL.
    let switch = arg
        .get_value_names()
        .is_some_and(|names| names.iter().any(|name| name == "BOOL"));
    Some(if switch {
        format!(
            "{var}={value} in the environment is not a switch value (it stands for --{long}): use 1/0, true/false, yes/no or on/off, in any case, or unset {var}"
        )
    } else {
        let why = std::error::Error::source(err)
            .map(|source| format!(": {source}"))
            .unwrap_or_default();
        format!(
            "{var}={value} in the environment is not a valid value for --{long}{why}; correct it or unset {var}"
        )
    })
}

/// `cmd` with every option whose variable is set but empty
/// (`WPCONSOLE_UID=`, as `export WPCONSOLE_UID=` leaves it) reading no
/// variable: empty is unset, so the profile's value shows through instead
/// of an empty UID, or a path or switch refused for being empty.
pub fn empty_is_unset(cmd: clap::Command) -> clap::Command {
    let empty: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|arg| {
            arg.get_env()
                .and_then(std::env::var_os)
                .is_some_and(|value| value.is_empty())
        })
        .map(|arg| arg.get_id().clone())
        .collect();
    empty.into_iter().fold(cmd, |cmd, id| {
        cmd.mut_arg(id, |arg| arg.env(None::<&'static str>))
    })
}
