//! The editor: keys are text in it, validation as you type, replies,
//! templates and the catalog's schema.

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

/// Types `text` into an emptied editor, as a user writes a draft.
fn write_draft(app: &mut crate::tui::App, text: &str) {
    set_editor(app, "");
    focus_on(app, Focus::Editor);
    type_text(app, text);
}

#[test]
fn history_is_like_a_shells_next_past_the_newest_brings_the_draft_back() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("published");
    };
    update(&mut app, Msg::Published(outgoing));
    write_draft(&mut app, "{\"my\": \"draft\"");
    assert!(ctrl(&mut app, 'p').is_none());
    assert!(app.editor().text().contains("\"idApp\":\"APP\""));
    ctrl(&mut app, 'n');
    assert_eq!(
        app.editor().text(),
        "{\"my\": \"draft\"",
        "Ctrl-N past the newest brings the draft back: {}",
        status(&app)
    );
}

/// Publishes two payloads, so recall has an older and a newer one.
fn publish_two(app: &mut crate::tui::App) {
    select_vehicle(app, VIN_A);
    focus_on(app, Focus::Editor);
    for text in [
        r#"{"idApp":"APP","popup":false,"content":{}}"#,
        r#"{"idApp":"APP", "popup":false, "content":{}}"#,
    ] {
        set_editor(app, text);
        let Some(Command::Publish(outgoing)) = ctrl(app, 's') else {
            panic!("published: {}", status(app));
        };
        update(app, Msg::Published(outgoing));
    }
}

#[test]
fn editing_a_recalled_payload_does_not_lose_the_draft() {
    let mut app = app();
    publish_two(&mut app);
    write_draft(&mut app, "AAA");
    ctrl(&mut app, 'p');
    type_text(&mut app, "X");
    ctrl(&mut app, 'n');
    assert_eq!(
        app.editor().text(),
        "AAA",
        "Ctrl-N past the newest brings the draft back, edits or not: {}",
        status(&app)
    );

    // Deeper: edit the older one, then step forward past both.
    ctrl(&mut app, 'p');
    ctrl(&mut app, 'p');
    assert!(app.editor().text().contains("\"popup\":false,"));
    type_text(&mut app, "Y");
    ctrl(&mut app, 'n');
    assert!(
        app.editor().text().contains("\"popup\":false, "),
        "Ctrl-N steps to the newer payload: {}",
        app.editor().text()
    );
    ctrl(&mut app, 'n');
    assert_eq!(app.editor().text(), "AAA", "{}", status(&app));

    // Ctrl-P again after editing the draft: the edited draft is the one kept.
    type_text(&mut app, "B");
    ctrl(&mut app, 'p');
    ctrl(&mut app, 'n');
    assert_eq!(app.editor().text(), "AAAB");
}

#[test]
fn a_template_replacing_a_draft_keeps_it_for_undo_and_says_so() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    write_draft(&mut app, "{\"my\": \"draft\"");
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Enter);
    assert_ne!(app.editor().text(), "{\"my\": \"draft\"");
    assert!(
        status(&app).contains("Ctrl-U brings your draft back"),
        "{}",
        status(&app)
    );
    ctrl(&mut app, 'u');
    assert_eq!(app.editor().text(), "{\"my\": \"draft\"");
}

#[test]
fn a_reply_keeps_the_draft_for_undo_and_says_the_target_changed() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    select_vehicle(&mut app, VIN_A);
    write_draft(&mut app, "{\"my\": \"draft\"");
    // The log shows every vehicle again; the editor still targets VIN_A.
    focus_on(&mut app, Focus::Vehicles);
    cursor_to(&mut app, &VehicleRow::All);
    key(&mut app, KeyCode::Enter);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    let said = status(&app);
    assert!(
        said.contains(&format!("target is now {VIN_B} (was {VIN_A})")),
        "{said}"
    );
    assert!(said.contains("Ctrl-U brings your draft back"), "{said}");
    ctrl(&mut app, 'u');
    assert_eq!(app.editor().text(), "{\"my\": \"draft\"");
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

#[test]
fn a_reply_goes_to_the_vehicle_that_wrote_even_with_vehicles_marked() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    receive(&mut app, &to_topic(VIN_C), action("lock").as_bytes(), 100);
    mark(&mut app, &vin(VIN_C));
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    assert!(
        app.vehicles().marked().is_empty(),
        "Ctrl-S would have gone to the marked fleet instead"
    );
    let said = status(&app);
    assert!(said.contains("1 mark(s) cleared"), "{said}");
}
