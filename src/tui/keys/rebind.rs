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
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn rebound(text: &str) -> Result<KeyTable, RebindError> {
        KeyTable::rebound(&text.parse::<toml::Table>().unwrap())
    }

    #[test]
    fn the_default_table_means_one_thing_per_key_wherever_it_is_pressed() {
        assert_eq!(KeyTable::default().check(), Ok(()));
    }

    #[test]
    fn an_action_takes_its_new_keys_in_every_scope_it_works_in() {
        let table =
            rebound("publish = \"ctrl-o\"\nquit = [\"q\", \"ctrl-q\"]\nup = \"w\"").unwrap();
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(
            table.action_for(Scope::Editor, &ctrl('o')),
            Some(Action::Publish)
        );
        assert_eq!(table.action_for(Scope::Editor, &ctrl('s')), None);
        assert_eq!(table.action_for(Scope::Log, &ctrl('q')), Some(Action::Quit));
        assert_eq!(table.label(Scope::Log, Action::Quit), "q/Ctrl-Q");
        for scope in [Scope::Vehicles, Scope::Log, Scope::Help, Scope::Templates] {
            assert_eq!(table.label(scope, Action::Up), "w", "{scope:?}");
        }
    }

    #[test]
    fn the_readme_example_is_accepted_and_does_what_it_says() {
        let readme = include_str!("../../../README.md");
        let section = &readme[readme.find("### Rebinding keys").unwrap()..];
        let start = section.find("```toml\n").unwrap() + "```toml\n".len();
        let example = &section[start..start + section[start..].find("```").unwrap()];
        let keys: toml::Table = example.parse::<toml::Table>().unwrap()["keys"]
            .as_table()
            .unwrap()
            .clone();
        let table = KeyTable::rebound(&keys).unwrap();
        assert_eq!(table.label(Scope::Editor, Action::Publish), "Ctrl-P");
        assert_eq!(table.label(Scope::Editor, Action::HistoryPrevious), "Alt-↑");
        assert_eq!(table.label(Scope::Editor, Action::Templates), "Ctrl-O");
        assert_eq!(table.label(Scope::Log, Action::Templates), "t");
    }

    #[test]
    fn a_scoped_rebinding_changes_that_scope_only() {
        let table = rebound("[editor]\ntemplates = \"ctrl-o\"").unwrap();
        assert_eq!(table.label(Scope::Editor, Action::Templates), "Ctrl-O");
        assert_eq!(table.label(Scope::Log, Action::Templates), "t");
        let err = rebound("[vehicles]\npublish = \"p\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[keys.vehicles]: publish has no key there to rebind; bind it in [keys] or in a scope where it works: [keys.editor]"
        );
    }

    #[test]
    fn a_key_taken_by_another_action_is_refused_with_both_named() {
        let err = rebound("publish = \"ctrl-e\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[keys]: Ctrl-E would mean both publish and jump-to-error in the editor; bind one of them to another key in [keys]"
        );
        let err = rebound("copy = \"f\"").unwrap_err();
        assert!(err.to_string().contains("toggle-follow"), "{err}");
        let err = rebound("[help]\nup = \"q\"").unwrap_err();
        assert!(err.to_string().contains("close"), "{err}");
        assert!(err.to_string().contains("help popup"), "{err}");
        // A global key against a pane's.
        let err = rebound("help = \"c\"").unwrap_err();
        assert!(err.to_string().contains("both help and copy"), "{err}");
    }

    #[test]
    fn a_letter_where_letters_are_text_is_refused() {
        let err = rebound("publish = \"p\"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "[keys]: publish = \"p\" would be typed as text in the editor; give it Ctrl- or Alt- (like \"ctrl-p\"), or bind it only outside it with [keys.<scope>]"
        );
    }

    #[test]
    fn the_key_that_opens_the_help_closes_it_too() {
        let table = rebound("help = \"f1\"").unwrap();
        let f1 = KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE);
        let question = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE);
        assert_eq!(table.action_for(Scope::Log, &f1), Some(Action::Help));
        assert_eq!(table.action_for(Scope::Help, &f1), Some(Action::Close));
        assert_eq!(table.action_for(Scope::Help, &question), None);
        assert_eq!(table.label(Scope::Help, Action::Close), "Esc/F1/q/Enter");
    }

    #[test]
    fn a_letter_set_in_a_scope_table_is_refused_naming_that_table() {
        let err = rebound("[editor]\npublish = \"x\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("[keys.editor]: publish = \"x\" would be typed as text in the editor"),
            "{err}"
        );
    }

    #[test]
    fn unknown_names_are_refused_with_the_known_ones() {
        let err = rebound("publsh = \"ctrl-p\"").unwrap_err();
        assert!(
            err.to_string().starts_with(
                "[keys]: unknown action \"publsh\"; the actions are: quit, interrupt, help,"
            ),
            "{err}"
        );
        assert!(err.to_string().contains("publish"), "{err}");
        let err = rebound("publish = \"ctrl-pp\"").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("[keys]: publish = \"ctrl-pp\" is not a key; a key is a character"),
            "{err}"
        );
        let err = rebound("[edtor]\npublish = \"ctrl-p\"").unwrap_err();
        assert!(err.to_string().contains("editor, login-refused"), "{err}");
        let err = rebound("publish = 3").unwrap_err();
        assert!(err.to_string().contains("a key or a list of keys"), "{err}");
    }
}
