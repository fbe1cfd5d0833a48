//! The `?` help: the focused pane's keys, then how to compose and publish
//! from any pane, wrapped and scrollable at every size.

use super::*;

/// Every line the help shows, scrolled through from top to bottom, with
/// the popup's borders taken off.
fn whole_help(app: &mut super::super::App) -> Vec<String> {
    // `?` is a letter inside the editor: the help is opened as `?` does
    // elsewhere.
    app.modal = Some(Modal::Help { scroll: 0 });
    let mut seen: Vec<String> = Vec::new();
    loop {
        let whole = ratatui::layout::Rect::new(0, 0, app.size.0, app.size.1);
        let theme = super::super::theme::Theme {
            color: false,
            production: false,
        };
        let rows = super::super::help::lines(app, theme, super::super::help::text_width(whole));
        let area = super::super::help::area(whole, rows.len());
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
        let before = app.modal.clone();
        if seen.is_empty() {
            seen = rows;
        } else {
            seen.push(rows.last().cloned().unwrap_or_default());
        }
        key(app, KeyCode::Down);
        if app.modal == before {
            break;
        }
    }
    key(app, KeyCode::Esc);
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
        app.focus = focus;
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
        focus(&mut app, Focus::Log);
        let help = whole_help(&mut app);
        let text = joined(&help);
        for whole in [
            "focus the next pane (in the editor too: indent with spaces)",
            "search all history: VIN, label, topic, kind, payload",
            "Esc or ? closes this help",
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
    let mut app = app();
    app.rules.read_only = true;
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
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_help_60x20_scrolled_to_its_end() {
    let mut app = app_with(60, 20, 1000);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::End);
    insta::assert_snapshot!(screen(&app));
}
