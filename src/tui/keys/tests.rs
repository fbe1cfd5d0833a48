//! The key table: dispatch by scope, labels, footer and help rows.

use super::*;

fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn table() -> KeyTable {
    KeyTable::default()
}

#[test]
fn q_quits_everywhere_but_in_the_editor() {
    let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(table().action_for(Scope::Log, &q), Some(Action::Quit));
    assert_eq!(table().action_for(Scope::Vehicles, &q), Some(Action::Quit));
    assert_eq!(table().action_for(Scope::Editor, &q), None);
    assert_eq!(
        table().action_for(Scope::Help, &q),
        Some(Action::Close),
        "q closes the help, it does not quit"
    );
}

#[test]
fn pane_keys_win_over_nothing_and_differ_by_pane() {
    let slash = key(KeyCode::Char('/'), KeyModifiers::NONE);
    assert_eq!(table().action_for(Scope::Log, &slash), Some(Action::Filter));
    let enter = key(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        table().action_for(Scope::Vehicles, &enter),
        Some(Action::Select)
    );
    assert_eq!(
        table().action_for(
            Scope::Editor,
            &key(KeyCode::Char('s'), KeyModifiers::CONTROL)
        ),
        Some(Action::Publish)
    );
}

#[test]
fn a_popup_takes_only_its_own_keys_and_the_interrupt() {
    let t = key(KeyCode::Char('t'), KeyModifiers::NONE);
    let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
    for popup in [
        Scope::Help,
        Scope::Templates,
        Scope::Confirm,
        Scope::FleetConfirm,
        Scope::FilterPrompt,
        Scope::TimePrompt,
        Scope::Alerts,
    ] {
        assert_eq!(table().action_for(popup, &t), None, "{popup:?}");
        assert_eq!(
            table().action_for(popup, &ctrl_c),
            Some(Action::Interrupt),
            "{popup:?}"
        );
    }
    let y = key(KeyCode::Char('y'), KeyModifiers::NONE);
    assert_eq!(
        table().action_for(Scope::FleetConfirm, &y),
        Some(Action::Confirm),
        "the fleet question answers as the other one"
    );
}

#[test]
fn labels_are_written_from_the_keys() {
    let table = table();
    assert_eq!(table.label(Scope::Log, Action::Up), "k/↑");
    assert_eq!(table.label(Scope::Log, Action::Bottom), "G/End");
    assert_eq!(table.label(Scope::Log, Action::CycleKind), "K");
    assert_eq!(table.label(Scope::Log, Action::FocusPrevious), "Shift-Tab");
    assert_eq!(table.label(Scope::Detail, Action::PageDown), "PgDn/Space");
    assert_eq!(table.label(Scope::Editor, Action::Publish), "Ctrl-S");
    assert_eq!(
        table.label(Scope::Editor, Action::HistoryPrevious),
        "Ctrl-P/Alt-↑"
    );
    assert_eq!(table.label(Scope::Help, Action::Close), "Esc/?/q/Enter");
    assert_eq!(table.label(Scope::Log, Action::Interrupt), "Ctrl-C");
}

#[test]
fn the_retry_key_works_only_while_the_login_is_refused_and_takes_no_pane_key() {
    let table = table();
    let ctrl_r = key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(
        table.action_for(Scope::LoginRefused, &ctrl_r),
        Some(Action::RetryLogin)
    );
    let retry = ("Ctrl-R".to_owned(), "retry login");
    for scope in [Scope::Vehicles, Scope::Log, Scope::Detail, Scope::Editor] {
        assert_eq!(table.action_for(scope, &ctrl_r), None, "{scope:?}");
        assert!(!table.hints(scope, Offer::default()).contains(&retry));
    }
    assert_eq!(table.hints(Scope::LoginRefused, Offer::default()), [retry]);
}

#[test]
fn footer_and_help_come_from_the_same_table() {
    let table = table();
    let publish = ("Ctrl-S".to_owned(), "publish");
    let hints = table.hints(Scope::Editor, Offer::default());
    assert!(hints.contains(&publish));
    assert!(
        !hints.iter().any(|(_, h)| *h == "quit"),
        "q is a letter in the editor"
    );
    let read_only = Offer { read_only: true };
    assert!(
        !table.hints(Scope::Editor, read_only).contains(&publish),
        "a read-only console offers no publishing"
    );
    assert!(
        !table
            .help_rows(Scope::Editor, read_only)
            .iter()
            .any(|b| b.action == Action::Publish)
    );
    let help = table.help_rows(Scope::Log, Offer::default());
    assert!(help.iter().any(|b| b.action == Action::ToggleFollow));
    assert!(help.iter().any(|b| b.action == Action::Quit));
}
