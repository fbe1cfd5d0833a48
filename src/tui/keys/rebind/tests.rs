//! Rebinding: new keys everywhere an action works, refusals that name the
//! fix.

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
    let table = rebound("publish = \"ctrl-o\"\nquit = [\"q\", \"ctrl-q\"]\nup = \"w\"").unwrap();
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
    let readme = include_str!("../../../../README.md");
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
