//! The editor: keys are text in it, validation as you type, replies,
//! templates and the catalog's schema.

use super::editor_drafts::write_draft;
use super::*;

#[test]
fn q_quits_but_is_a_letter_inside_the_editor() {
    let mut app = app();
    focus_on(&mut app, Focus::Editor);
    set_editor(&mut app, "");
    assert_eq!(key(&mut app, KeyCode::Char('q')), None);
    assert_eq!(app.editor().text(), "q");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus(), Focus::Log);
    assert_eq!(key(&mut app, KeyCode::Char('q')), Some(Command::Quit));
    assert_eq!(ctrl(&mut app, 'c'), Some(Command::Quit));
}

#[test]
fn typing_in_the_editor_validates_as_you_type() {
    let mut app = app();
    focus_on(&mut app, Focus::Editor);
    set_editor(&mut app, "");
    type_text(&mut app, "{\"idApp\":\"A\",\"popup\":false");
    assert!(!app.editor().validation().is_valid());
    type_text(&mut app, ",\"content\":{}}");
    assert!(
        app.editor().validation().is_valid(),
        "{:?}",
        app.editor().validation().problems
    );
    // The meter measures what is published: the tracking id included.
    assert_eq!(
        app.editor().size().map(|s| s.payload),
        Some(40 + r#""cid":"wpc-000000000000""#.len())
    );
    ctrl(&mut app, 'g');
    assert!(!app.rules().track);
    assert_eq!(
        app.editor().size().map(|s| s.payload),
        Some(40),
        "tracking off: the bytes as written"
    );
}

#[test]
fn copy_gives_the_raw_payload_and_reply_loads_it_into_the_editor() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    focus_on(&mut app, Focus::Log);
    assert_eq!(
        key(&mut app, KeyCode::Char('c')),
        Some(Command::Copy(action("unlock").into_bytes()))
    );
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.focus(), Focus::Editor);
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    assert!(
        app.editor().validation().is_valid(),
        "{:?}",
        app.editor().validation().problems
    );
    assert!(app.editor().text().contains("\"action\": \"unlock\""));
}

#[test]
fn a_template_keeps_its_placeholders_and_is_checked_for_the_target() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus(), Focus::Editor);
    let text = app.editor().text();
    assert!(
        text.contains("\"popupBtn\": true") && text.contains("{vin}") && !text.contains(VIN_A),
        "{text}"
    );
    assert!(app.editor().validation().is_valid());
    assert_eq!(app.editor().resolved_for(), Some(&vin(VIN_A)));
    let shown = screen(&app);
    assert!(shown.contains("placeholders resolved"), "{shown}");
}

#[test]
fn the_meter_does_not_say_placeholders_resolved_while_idapp_has_no_value() {
    let mut app = app_where(|c| c.rules.app_id = None);
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        r#"{"idApp":"{idApp}","popup":false,"content":{"vin":"{vin}"}}"#,
    );
    focus_on(&mut app, Focus::Editor);
    let shown = screen(&app);
    assert!(
        !shown.contains("placeholders resolved"),
        "{{idApp}} stands for nothing (no app id):\n{shown}"
    );
    assert_eq!(app.editor().resolved_for(), None);
}

#[test]
fn catalog_actions_are_templates_and_the_editor_checks_params_against_them() {
    let catalog = crate::domain::catalog::Catalog::demo();
    let mut app = app_where(|c| {
        c.templates
            .extend(crate::tui::editor::catalog_templates(&catalog));
        c.rules.catalog = Some(std::sync::Arc::new(catalog));
    });
    select_vehicle(&mut app, VIN_A);
    key(&mut app, KeyCode::Char('t'));
    let shown = screen(&app);
    assert!(shown.contains("DEMO_APP climateOn"), "{shown}");
    let index = app
        .templates()
        .iter()
        .position(|t| t.name.starts_with("DEMO_APP climateOn"))
        .unwrap();
    for _ in 0..index {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert!(
        app.editor().text().contains("\"temperature\": 16"),
        "{}",
        app.editor().text()
    );
    assert!(
        app.editor().validation().is_valid(),
        "{:?}",
        app.editor().validation().problems
    );
    let too_hot = app
        .editor()
        .text()
        .replace("\"temperature\": 16", "\"temperature\": 40");
    set_editor(&mut app, &too_hot);
    let problems: Vec<String> = app
        .editor()
        .validation()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("$.content.params.temperature") && p.contains("at most 28")),
        "{problems:?}"
    );
    assert_eq!(
        ctrl(&mut app, 's'),
        None,
        "an error against the catalog blocks Ctrl-S"
    );
    assert!(
        status(&app).starts_with("not published"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_editor_checks_the_whole_schema_as_you_type_with_paths_and_positions() {
    let mut app = app_where(|c| {
        c.rules.catalog = Some(std::sync::Arc::new(crate::domain::catalog::Catalog::demo()));
    });
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    set_editor(&mut app, "");
    // Typed key by key: each keystroke goes through update() and validates.
    type_text(
        &mut app,
        "{\"idApp\":\"DEMO_APP\",\"popup\":false,\"content\":{\"action\":\"schedule\",\"params\":",
    );
    key(&mut app, KeyCode::Enter);
    type_text(
        &mut app,
        "{\"version\":2,\"at\":\"7:30\",\"what\":\"climate\",\"repeat\":[],\"labels\":{\"x\":1}}}}",
    );
    let problems: Vec<String> = app
        .editor()
        .validation()
        .problems
        .iter()
        .map(ToString::to_string)
        .collect();
    for (path, at, needle) in [
        ("$.content.params", "2:1", "\"temperature\" is required"), // if/then
        ("$.content.params.version", "2:12", "must be 1"),          // const
        ("$.content.params.at", "2:19", "must match the pattern"),  // $ref + pattern
        (
            "$.content.params.repeat",
            "2:52",
            "exactly one of the oneOf",
        ), // oneOf
        ("$.content.params.labels.x", "2:69", "must be string"),    // additionalProperties schema
    ] {
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&format!("at {at} ({path})")) && p.contains(needle)),
            "{path} {at} {needle}: {problems:#?}"
        );
    }
    assert_eq!(problems.len(), 5, "{problems:#?}");
    let shown = screen(&app);
    assert!(shown.contains("error at 2:1 ($.content.params)"), "{shown}");
    assert_eq!(ctrl(&mut app, 's'), None, "a schema error blocks Ctrl-S");
    assert!(
        status(&app).starts_with("not published"),
        "{}",
        status(&app)
    );
}

#[test]
fn the_editing_keys_are_in_the_help() {
    use crate::tui::keys::{Action, Offer, Scope};
    let app = app();
    let rows = app
        .keys()
        .help_rows(Scope::Editor, Offer { read_only: false });
    let undo = rows
        .iter()
        .find(|row| row.action == Action::Undo)
        .expect("undo is in the editor's help");
    assert!(
        undo.help.contains("draft") && undo.label() == "Ctrl-U",
        "{undo:?}"
    );
    for (action, label) in [
        (Action::DeleteToLineEnd, "Ctrl-K"),
        (Action::DeleteWord, "Ctrl-W"),
        (Action::PasteDeleted, "Ctrl-Y"),
    ] {
        let row = rows
            .iter()
            .find(|row| row.action == action)
            .unwrap_or_else(|| panic!("{action:?} is not in the editor's help"));
        assert!(row.label().starts_with(label), "{row:?}");
    }
}

#[test]
fn the_editing_keys_of_the_table_edit() {
    let mut app = app();
    write_draft(&mut app, "one two three");
    ctrl(&mut app, 'w');
    assert_eq!(app.editor().text(), "one two ");
    ctrl(&mut app, 'a');
    ctrl(&mut app, 'k');
    assert_eq!(app.editor().text(), "");
    ctrl(&mut app, 'y');
    assert_eq!(app.editor().text(), "one two ");
}

#[test]
fn a_long_problem_wraps_in_the_editor_so_its_fix_is_read() {
    let mut app = app_where(|c| c.rules.app_id = None);
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        r#"{"idApp":"{idApp}","popup":false,"content":{"vin":"{vin}"}}"#,
    );
    focus_on(&mut app, Focus::Editor);
    let editor = app.areas().editor.expect("the editor shows");
    let shown = screen(&app);
    let inside: String = shown
        .lines()
        .skip(usize::from(editor.y))
        .take(usize::from(editor.height))
        .map(|row| {
            row.chars()
                .skip(usize::from(editor.x) + 2)
                .take(usize::from(editor.width) - 2)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let words = inside.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("WPCONSOLE_APP_ID or app-id in the profile"),
        "the fix, wrapped: {shown}"
    );
}
