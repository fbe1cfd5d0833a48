//! The `?` help: the focused pane's keys, then how to compose and publish
//! from any pane, wrapped and scrollable at every size.

use super::*;

/// Every line the help shows, scrolled through from top to bottom, with
/// the popup's borders taken off.
fn whole_help(app: &mut super::super::App) -> Vec<String> {
    // `?` is a letter inside the editor: the help is opened as `?` does
    // elsewhere.
    super::super::app::open_help(app);
    let mut seen: Vec<String> = Vec::new();
    loop {
        let Some(Modal::Help(help)) = &app.modal() else {
            panic!("the help is open");
        };
        let area = help.area();
        let screen = screen(app);
        let rows: Vec<String> = screen
            .lines()
            .skip(usize::from(area.y) + 1)
            .take(usize::from(area.height) - 2)
            .map(|line| {
                line.trim_matches('"')
                    .chars()
                    .skip(usize::from(area.x) + 1)
                    .take(usize::from(area.width) - 2)
                    .collect::<String>()
                    .trim_end()
                    .to_owned()
            })
            .collect();
        let before = app.modal().cloned();
        if seen.is_empty() {
            seen = rows;
        } else {
            seen.push(rows.last().cloned().unwrap_or_default());
        }
        key(app, KeyCode::Down);
        if app.modal().cloned() == before {
            break;
        }
    }
    close_popup(app);
    seen
}

/// The help's lines as one text, wrapped lines joined again.
fn joined(help: &[String]) -> String {
    help.iter()
        .flat_map(|line| line.split_whitespace())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn help_says_how_to_publish_whatever_pane_is_focused() {
    for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
        let mut app = app();
        focus_on(&mut app, focus);
        let help = joined(&whole_help(&mut app));
        let own = help
            .find(&format!("{focus:?} keys"))
            .unwrap_or_else(|| panic!("{help}"));
        let compose = help
            .find("Compose and publish")
            .unwrap_or_else(|| panic!("{help}"));
        assert!(own < compose, "the focused pane first:\n{help}");
        let section = &help[compose..];
        for says in [
            "Enter vehicles pane: show only this vehicle's messages; make it the editor's target",
            "Space vehicles pane: mark/unmark for a fleet publish",
            "e any pane but the editor: compose in the editor",
            "t any pane but the editor: pick a template for the editor",
            "r log, detail: load the message into the editor",
            "Ctrl-S editor: validate, size-check and publish to the target vehicle",
        ] {
            assert!(section.contains(says), "{focus:?}: {says}:\n{help}");
        }
    }
}

#[test]
fn help_lines_wrap_instead_of_being_cut() {
    for (width, height) in [(160, 45), (80, 24), (60, 20)] {
        let mut app = app_with(width, height, 1000);
        focus_on(&mut app, Focus::Log);
        let help = whole_help(&mut app);
        let text = joined(&help);
        for whole in [
            "focus the next pane, from the editor too (indent there with spaces)",
            "search all history: VIN, label, topic, kind, payload",
            "Esc/?/q/Enter closes this help",
        ] {
            assert!(
                text.contains(whole),
                "{width}x{height}: {whole}:\n{}",
                help.join("\n")
            );
        }
        let room = usize::from(width.min(76)) - 2;
        for line in &help {
            assert!(
                ratatui::text::Line::raw(line.as_str()).width() <= room,
                "{line}"
            );
        }
    }
}

#[test]
fn a_read_only_help_offers_no_publishing() {
    let mut app = app_where(|c| c.rules.read_only = true);
    let help = whole_help(&mut app).join("\n");
    assert!(!help.contains("Compose and publish"), "{help}");
    assert!(!help.contains("Ctrl-S"), "{help}");
    assert!(
        help.contains("Read-only: nothing can be published"),
        "{help}"
    );
}

#[test]
fn snapshot_help_80x24() {
    let mut app = app_with(80, 24, 1000);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_help_60x20_scrolled_to_its_end() {
    let mut app = app_with(60, 20, 1000);
    focus_on(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::End);
    insta::assert_snapshot!(screen(&app));
}

/// Every key a terminal can send that the table might bind: characters,
/// named keys, Ctrl- and Alt- combinations.
fn every_key() -> Vec<ratatui::crossterm::event::KeyEvent> {
    use ratatui::crossterm::event::{KeyEvent, KeyModifiers};
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

/// The keys the help's closing line says close it.
fn said_to_close(help: &str) -> Vec<String> {
    let (before, _) = help
        .split_once(" closes this help")
        .unwrap_or_else(|| panic!("{help}"));
    let label = before.rsplit(' ').next().unwrap_or_default();
    label.split('/').map(str::to_owned).collect()
}

#[test]
fn every_key_that_closes_the_help_is_one_the_help_names() {
    use crate::tui::keys::Key;
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    let said = said_to_close(&joined(&whole_help(&mut app)));
    let mut closing = Vec::new();
    for pressed in every_key() {
        super::super::app::open_help(&mut app);
        let command = update(&mut app, Msg::Key(pressed));
        if app.modal().is_none() {
            assert_eq!(command, None, "{pressed:?} closed the help and did more");
            let label = Key {
                code: pressed.code,
                modifiers: pressed.modifiers,
            }
            .label();
            assert!(
                said.contains(&label),
                "{label} closes the help, which names only {said:?}"
            );
            closing.push(label);
        } else if command == Some(Command::Quit) {
            let label = Key {
                code: pressed.code,
                modifiers: pressed.modifiers,
            }
            .label();
            assert!(
                joined(&whole_help(&mut app)).contains(&format!("{label} quits from anywhere")),
                "{label}"
            );
        }
    }
    // And each key the help names closes it.
    for label in &said {
        assert!(
            closing.contains(label),
            "{label} is named but does not close"
        );
    }
}

#[test]
fn a_rebinding_shows_in_dispatch_footer_and_help() {
    let keys = crate::tui::keys::KeyTable::rebound(
        &"publish = \"ctrl-o\"\nquit = [\"q\", \"ctrl-q\"]\n[help]\nclose = \"x\""
            .parse::<toml::Table>()
            .unwrap(),
    )
    .unwrap();
    let mut app = app().with_keys(keys);
    focus_on(&mut app, Focus::Editor);
    assert!(screen(&app).contains("Ctrl-O publish"), "{}", screen(&app));
    let help = joined(&whole_help(&mut app));
    assert!(
        help.contains("Ctrl-O editor: validate, size-check and publish"),
        "{help}"
    );
    assert!(help.contains("x closes this help"), "{help}");
    assert!(!help.contains("Ctrl-S"), "{help}");
    assert!(ctrl(&mut app, 's').is_none());
    assert!(
        status(&app).is_empty(),
        "Ctrl-S is no longer publish: {}",
        status(&app)
    );
    ctrl(&mut app, 'o');
    assert!(
        status(&app).contains("not published: no target vehicle"),
        "{}",
        status(&app)
    );
    focus_on(&mut app, Focus::Log);
    assert!(screen(&app).contains("q/Ctrl-Q quit"), "{}", screen(&app));
    assert_eq!(ctrl(&mut app, 'q'), Some(Command::Quit));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Esc);
    assert!(app.modal().is_some(), "Esc no longer closes the help");
    key(&mut app, KeyCode::Char('x'));
    assert_eq!(app.modal(), None);
}

#[test]
fn help_lists_the_focused_panes_keys_and_closes() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.modal(), Some(Modal::Help(_))));
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.modal(), None, "q closes help rather than quitting");
}

#[test]
fn the_empty_editor_and_the_paused_log_name_their_keys_as_bound() {
    let keys = crate::tui::keys::KeyTable::rebound(
        &"toggle-follow = \"F\"\n[editor]\ntemplates = \"ctrl-o\""
            .parse::<toml::Table>()
            .unwrap(),
    )
    .unwrap();
    let mut app = app().with_keys(keys);
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Editor);
    app.set_editor_text("");
    let shown = screen(&app);
    assert!(
        shown.contains("compose an envelope here, or press Ctrl-O for a template"),
        "{shown}"
    );
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Up);
    receive(&mut app, &to_topic(VIN_A), b"{}", 80_000);
    let shown = screen(&app);
    assert!(shown.contains("(G or F to follow)"), "{shown}");
}

fn mouse(app: &mut super::super::App, kind: MouseEventKind, column: u16, row: u16) {
    update(
        app,
        Msg::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
}

#[test]
fn the_wheel_scrolls_an_open_popup_and_a_click_behind_it_does_nothing() {
    let mut app = app_with(80, 24, 1000);
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    let before = screen(&app);
    assert!(before.contains("more below"), "{before}");
    let log = app.areas().log.unwrap();
    mouse(&mut app, MouseEventKind::ScrollDown, log.x + 2, log.y + 2);
    let after = screen(&app);
    assert_ne!(before, after, "the wheel scrolls the help");
    assert!(matches!(app.modal(), Some(Modal::Help(_))));
    let selected = app.log().selected();
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        log.x + 2,
        log.y + 1,
    );
    assert_eq!(
        (app.focus(), app.log().selected()),
        (Focus::Log, selected),
        "a click behind the help selects nothing"
    );
    assert!(
        matches!(app.modal(), Some(Modal::Help(_))),
        "the help stays"
    );
}

/// The keys a line of the help names: `Esc/?/q/Enter closes this help;
/// j/↓, k/↑ ...` gives Esc, ?, q, Enter, j, ↓, k, ↑, ...
fn named_keys(line: &str) -> Vec<String> {
    line.split([' ', ',', ';'])
        .flat_map(|word| word.split('/'))
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_key_that_moves_the_help_is_one_its_closing_line_names() {
    use crate::tui::keys::Key;
    let mut app = app_with(80, 24, 1000);
    focus_on(&mut app, Focus::Log);
    let help = joined(&whole_help(&mut app));
    let closing = &help[help
        .rfind(" closes this help")
        .unwrap_or_else(|| panic!("{help}"))
        - said_to_close(&help).join("/").len()..];
    let named = named_keys(closing);
    for pressed in every_key() {
        super::super::app::open_help(&mut app);
        // Scrolled a little, so up and down both move it.
        key(&mut app, KeyCode::Down);
        key(&mut app, KeyCode::Down);
        let before = app.modal().cloned();
        update(&mut app, Msg::Key(pressed));
        if app.modal().cloned() != before {
            let label = Key {
                code: pressed.code,
                modifiers: pressed.modifiers,
            }
            .label();
            assert!(
                named.contains(&label),
                "{label} moves or closes the help, whose closing line names only {named:?}"
            );
        }
    }
}

#[test]
fn help_from_any_pane_tells_the_editors_own_keys() {
    // `?` inside the editor is text: the editor's keys must be read
    // from elsewhere.
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    let help: String = match app.modal() {
        Some(crate::tui::app::Modal::Help(help)) => help
            .lines()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("{other:?}"),
    };
    assert!(help.contains("Editor keys"), "{help}");
    for action in [
        crate::tui::keys::Action::ToggleTracking,
        crate::tui::keys::Action::JumpToError,
        crate::tui::keys::Action::Undo,
        crate::tui::keys::Action::LeaveEditor,
    ] {
        let label = app.keys().label(crate::tui::keys::Scope::Editor, action);
        assert!(help.contains(&label), "{action:?} ({label}):\n{help}");
    }
}
