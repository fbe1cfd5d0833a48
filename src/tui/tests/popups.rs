//! The popups take their keys from the key table and from nowhere else:
//! a key the table does not bind in a popup's scope does nothing there,
//! except what each popup says it does with any key (a question cancels,
//! the filter prompt types the character).

use super::*;
use crate::tui::keys::Action;
use ratatui::crossterm::event::{KeyEvent, KeyModifiers};

/// The popups, each opened the way a user opens it.
#[derive(Debug, Clone, Copy)]
enum Popup {
    Help,
    Templates,
    Filter,
    Production,
    Fleet,
}

fn opened(popup: Popup) -> super::super::App {
    opened_on(popup, 100, 30)
}

fn opened_on(popup: Popup, width: u16, height: u16) -> super::super::App {
    let production = matches!(popup, Popup::Production);
    let mut app = app_configured(width, height, 100, |c| c.rules.production = production);
    match popup {
        Popup::Help => {
            focus_on(&mut app, Focus::Log);
            key(&mut app, KeyCode::Char('?'));
        }
        Popup::Templates => {
            focus_on(&mut app, Focus::Log);
            key(&mut app, KeyCode::Char('t'));
        }
        Popup::Filter => {
            focus_on(&mut app, Focus::Log);
            key(&mut app, KeyCode::Char('/'));
        }
        Popup::Production | Popup::Fleet => {
            select_vehicle(&mut app, VIN_A);
            if matches!(popup, Popup::Fleet) {
                focus_on(&mut app, Focus::Vehicles);
                key(&mut app, KeyCode::Char(' '));
            }
            focus_on(&mut app, Focus::Editor);
            set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
            ctrl(&mut app, 's');
        }
    }
    assert!(app.modal().is_some(), "{popup:?} is open");
    app
}

/// Every key a terminal can send: characters, named keys, and each with
/// Shift, Ctrl and Alt.
fn every_key() -> Vec<KeyEvent> {
    let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
    codes.extend([
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Backspace,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Left,
        KeyCode::Right,
        KeyCode::PageUp,
        KeyCode::PageDown,
        KeyCode::Home,
        KeyCode::End,
        KeyCode::Delete,
        KeyCode::Insert,
        KeyCode::F(1),
    ]);
    let mut keys = Vec::new();
    for code in codes {
        for modifiers in [
            KeyModifiers::NONE,
            KeyModifiers::SHIFT,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
        ] {
            keys.push(KeyEvent::new(code, modifiers));
        }
    }
    keys
}

#[test]
fn a_key_the_table_does_not_bind_in_a_popup_does_only_what_the_popup_says_of_any_key() {
    for popup in [
        Popup::Help,
        Popup::Templates,
        Popup::Filter,
        Popup::Production,
        Popup::Fleet,
    ] {
        let mut app = opened(popup);
        let scope = app.modal().as_ref().unwrap().scope();
        for pressed in every_key() {
            if app.keys().action_for(scope, &pressed).is_some() {
                continue;
            }
            // Opened again only when the last key changed it.
            let changed = match popup {
                Popup::Filter => {
                    app.modal().as_ref().and_then(|m| m.filter_text(Focus::Log)) != Some("")
                }
                _ => app.modal().is_none(),
            };
            if changed {
                app = opened(popup);
            }
            let before = app.modal().cloned();
            let command = update(&mut app, Msg::Key(pressed));
            assert_eq!(command, None, "{popup:?}: {pressed:?}");
            match popup {
                Popup::Help | Popup::Templates => {
                    assert_eq!(
                        app.modal().cloned(),
                        before,
                        "{popup:?}: {pressed:?} did something"
                    );
                }
                Popup::Filter => {
                    let typed = match pressed.code {
                        KeyCode::Char(c) if !pressed.modifiers.contains(KeyModifiers::CONTROL) => {
                            Some(c.to_string())
                        }
                        _ => None,
                    };
                    let text = app
                        .modal()
                        .as_ref()
                        .and_then(|m| m.filter_text(Focus::Log))
                        .map(str::to_owned);
                    match typed {
                        Some(c) => assert_eq!(text, Some(c), "{pressed:?} is typed"),
                        None => {
                            assert_eq!(app.modal().cloned(), before, "{pressed:?} did something");
                        }
                    }
                }
                Popup::Production | Popup::Fleet => {
                    assert_eq!(app.modal(), None, "{popup:?}: {pressed:?} answers no");
                    assert!(status(&app).contains("cancelled"), "{popup:?}: {pressed:?}");
                }
            }
        }
    }
}

#[test]
fn the_keys_a_popup_binds_are_the_ones_its_footer_offers() {
    for popup in [
        Popup::Help,
        Popup::Templates,
        Popup::Filter,
        Popup::Production,
        Popup::Fleet,
    ] {
        // Tall enough that the help leaves the footer in sight.
        let app = opened_on(popup, 100, 90);
        let scope = app.modal().as_ref().unwrap().scope();
        let footer = screen(&app).lines().last().unwrap_or_default().to_owned();
        for (keys, hint) in app.keys().hints(scope, crate::tui::keys::Offer::default()) {
            assert!(
                footer.contains(&format!("{keys} {hint}")),
                "{popup:?}: {keys} {hint} not in {footer}"
            );
        }
        // The way out of every popup is in its footer.
        let out = match popup {
            Popup::Help | Popup::Templates => Action::Close,
            Popup::Filter => Action::Accept,
            Popup::Production | Popup::Fleet => Action::Cancel,
        };
        let label = app.keys().label(scope, out);
        assert!(
            footer.contains(&label),
            "{popup:?}: {label} not in {footer}"
        );
    }
}
