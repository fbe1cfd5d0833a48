//! `[keys]` in the config file: actions bound to other keys, checked at
//! start so a key never means two things where it is pressed.
//!
//! ```toml
//! [keys]
//! publish = "ctrl-p"          # every scope where publish has a key
//! quit = ["q", "ctrl-q"]
//! [keys.editor]               # one scope only
//! templates = "ctrl-o"
//! ```

use super::{Action, Binding, Key, KeyTable, Scope, applies, names};

/// Why the `[keys]` table cannot be used; each says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RebindError {
    #[error("[keys]: unknown action {name:?}; the actions are: {known}")]
    UnknownAction { name: String, known: String },
    #[error("[keys]: unknown scope [keys.{name}]; the scopes are: {known}")]
    UnknownScope { name: String, known: String },
    #[error(
        "[keys.{scope}]: {action} has no key there to rebind; bind it in [keys] or in a scope where it works: {works_in}"
    )]
    NotInScope {
        scope: String,
        action: String,
        /// The scopes (as `[keys.SCOPE]`) where the action has keys.
        works_in: String,
    },
    #[error("[keys]: {action} = {key:?} is not a key; a key is {known}")]
    UnknownKey {
        action: String,
        key: String,
        known: &'static str,
    },
    #[error(
        "[keys]: {action} must be a key or a list of keys, like \"ctrl-p\" or [\"q\", \"ctrl-q\"]"
    )]
    NotKeys { action: String },
    #[error(
        "[keys]: {key} would mean both {first} and {second} in the {scope}; bind one of them to another key in [keys]"
    )]
    Collision {
        key: String,
        first: &'static str,
        second: &'static str,
        scope: &'static str,
    },
    #[error(
        "{table}: {action} = {key:?} would be typed as text in the {scope}; give it Ctrl- or Alt- (like \"ctrl-{key}\"), or bind it only outside it with [keys.<scope>]"
    )]
    TypedAsText {
        /// Where the key was set: `[keys]` or `[keys.SCOPE]`.
        table: String,
        action: &'static str,
        key: String,
        scope: &'static str,
    },
}

impl KeyTable {
    /// The default table with the config file's `[keys]` applied; refused
    /// when a name is unknown or a key would mean two things.
    pub fn rebound(keys: &toml::Table) -> Result<Self, RebindError> {
        let mut table = Self::default();
        // The table each rebound action was written in, for the refusals.
        let mut written_in = Vec::new();
        for (name, value) in keys {
            if let toml::Value::Table(scoped) = value {
                let scope = scope_named(name)?;
                for (name, value) in scoped {
                    let action = action_named(name)?;
                    let keys = keys_of(name, value)?;
                    written_in.push((action, format!("[keys.{}]", scope.name())));
                    let works_in: Vec<String> = table
                        .bindings
                        .iter()
                        .filter(|b| b.action == action)
                        .map(|b| format!("[keys.{}]", b.scope.name()))
                        .collect();
                    let binding = table
                        .bindings
                        .iter_mut()
                        .find(|b| b.scope == scope && b.action == action)
                        .ok_or_else(|| RebindError::NotInScope {
                            scope: scope.name().to_owned(),
                            action: action.name().to_owned(),
                            works_in: works_in.join(", "),
                        })?;
                    binding.keys = keys;
                }
            } else {
                let action = action_named(name)?;
                let keys = keys_of(name, value)?;
                if action == Action::Help {
                    table.help_closes_on(&keys);
                }
                for binding in table.bindings.iter_mut().filter(|b| b.action == action) {
                    binding.keys.clone_from(&keys);
                }
            }
        }
        table.check().map_err(|err| match err {
            RebindError::TypedAsText {
                action, key, scope, ..
            } => RebindError::TypedAsText {
                table: written_in
                    .iter()
                    .rev()
                    .find(|(written, _)| written.name() == action)
                    .map_or_else(|| "[keys]".to_owned(), |(_, table)| table.clone()),
                action,
                key,
                scope,
            },
            other => other,
        })?;
        Ok(table)
    }

    /// The key that opens the help also closes it: rebinding the help
    /// moves that key of the help's own close row with it.
    fn help_closes_on(&mut self, keys: &[Key]) {
        let opening: Vec<Key> = self
            .bindings
            .iter()
            .filter(|b| b.action == Action::Help)
            .flat_map(|b| b.keys.iter().copied())
            .collect();
        if let Some(close) = self
            .bindings
            .iter_mut()
            .find(|b| b.scope == Scope::Help && b.action == Action::Close)
        {
            let mut closing: Vec<Key> = Vec::new();
            for key in &close.keys {
                let put = if opening.contains(key) {
                    keys
                } else {
                    std::slice::from_ref(key)
                };
                for key in put {
                    if !closing.contains(key) {
                        closing.push(*key);
                    }
                }
            }
            close.keys = closing;
        }
    }

    /// No key means two things where it is pressed, and no key of a
    /// scope that types text is a letter.
    pub fn check(&self) -> Result<(), RebindError> {
        for focused in Scope::ALL {
            if matches!(focused, Scope::Always | Scope::Everywhere | Scope::Global) {
                continue;
            }
            let live: Vec<&Binding> = self
                .bindings
                .iter()
                .filter(|b| {
                    applies(b.scope, focused)
                        // While the login is refused its keys come first
                        // in every pane.
                        || (b.scope == Scope::LoginRefused && !focused.is_popup())
                })
                .collect();
            for (at, first) in live.iter().enumerate() {
                if focused.types_text()
                    && let Some(key) = first.keys.iter().find(|k| k.is_text())
                {
                    return Err(RebindError::TypedAsText {
                        table: "[keys]".to_owned(),
                        action: first.action.name(),
                        key: key.label(),
                        scope: place(focused),
                    });
                }
                for second in &live[at + 1..] {
                    if first.action == second.action {
                        continue;
                    }
                    if let Some(key) = first.keys.iter().find(|k| second.keys.contains(k)) {
                        return Err(RebindError::Collision {
                            key: key.label(),
                            first: first.action.name(),
                            second: second.action.name(),
                            scope: place(focused),
                        });
                    }
                }
            }
        }
        Ok(())
    }
}

/// The scope as a refusal names it.
fn place(scope: Scope) -> &'static str {
    match scope {
        Scope::Always | Scope::Everywhere | Scope::Global => "whole console",
        Scope::Vehicles => "vehicles pane",
        Scope::Log => "log pane",
        Scope::Detail => "detail pane",
        Scope::Editor => "editor",
        Scope::LoginRefused => "login-refused keys",
        Scope::Help => "help popup",
        Scope::Templates => "template list",
        Scope::Confirm => "publish confirmation",
        Scope::FleetConfirm => "fleet publish confirmation",
        Scope::FilterPrompt => "filter prompt",
        Scope::TimePrompt => "time prompt",
        Scope::Alerts => "alerts pane",
        Scope::RuleNamePrompt => "rule name prompt",
        Scope::JqPrompt => "jq filter prompt",
    }
}

fn action_named(name: &str) -> Result<Action, RebindError> {
    Action::ALL
        .iter()
        .copied()
        .find(|a| a.name() == name)
        .ok_or_else(|| RebindError::UnknownAction {
            name: name.to_owned(),
            known: Action::ALL
                .iter()
                .map(|a| a.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn scope_named(name: &str) -> Result<Scope, RebindError> {
    Scope::ALL
        .iter()
        .copied()
        .find(|s| s.name() == name)
        .ok_or_else(|| RebindError::UnknownScope {
            name: name.to_owned(),
            known: Scope::ALL
                .iter()
                .map(|s| s.name())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The keys a value names: one key or a list of them.
fn keys_of(action: &str, value: &toml::Value) -> Result<Vec<Key>, RebindError> {
    let texts: Vec<&str> = match value {
        toml::Value::String(text) => vec![text.as_str()],
        toml::Value::Array(items) => items
            .iter()
            .map(|item| item.as_str())
            .collect::<Option<_>>()
            .ok_or_else(|| RebindError::NotKeys {
                action: action.to_owned(),
            })?,
        _ => {
            return Err(RebindError::NotKeys {
                action: action.to_owned(),
            });
        }
    };
    if texts.is_empty() {
        return Err(RebindError::NotKeys {
            action: action.to_owned(),
        });
    }
    let mut keys = Vec::new();
    for text in texts {
        let parsed = names::parse(text).ok_or_else(|| RebindError::UnknownKey {
            action: action.to_owned(),
            key: text.to_owned(),
            known: names::KNOWN,
        })?;
        keys.extend(parsed);
    }
    Ok(keys)
}

#[cfg(test)]
mod tests;
