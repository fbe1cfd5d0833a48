//! The production confirmation and read-only refusal for the headless
//! commands: the rule is `OutboundRules::admit`; this is how a command
//! asks (on a terminal) or is told (`--yes`).

use super::CliError;
use crate::domain::outbound::{NotReady, OutboundRules};
use std::io::{BufRead as _, IsTerminal as _, Write as _};

/// Whether the publish described by `what` may go: read-only refuses;
/// production asks on a terminal unless `yes`, and refuses without one.
pub fn admit(rules: &OutboundRules, yes: bool, what: &dyn Fn() -> String) -> Result<(), CliError> {
    match rules.admit(yes) {
        Ok(()) => Ok(()),
        Err(NotReady::Unconfirmed) if std::io::stdin().is_terminal() => {
            eprint!(
                "PRODUCTION: publish {}? Type y to publish, anything else cancels: ",
                what()
            );
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            let _ = std::io::stdin().lock().read_line(&mut answer);
            if matches!(answer.trim(), "y" | "Y" | "yes") {
                Ok(())
            } else {
                Err(CliError::refused("not confirmed; nothing was published"))
            }
        }
        Err(NotReady::Unconfirmed) => Err(CliError::refused(
            "this is a production profile and nobody confirmed: pass --yes to publish from a script, or run it on a terminal to be asked; nothing was published",
        )),
        Err(other) => Err(CliError::refused(format!("{other}; nothing was published"))),
    }
}
