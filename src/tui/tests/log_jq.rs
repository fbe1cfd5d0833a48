//! The log's jq filter (`|`): the prompt and its errors at their column,
//! the scan over the history and its counts, new messages asked as they
//! come, and the filter combined with the vehicle, kind and text.

use super::*;
use crate::tui::modal::JqPrompt;
use crate::tui::panes::log::JqCounts;

/// The log pane's title line.
fn log_title(app: &super::super::App) -> String {
    let shown = screen(app);
    shown
        .lines()
        .find(|l| l.contains("┌ Log"))
        .unwrap_or_default()
        .to_owned()
}

/// The `|` prompt as it is open now.
fn prompt(app: &super::super::App) -> &JqPrompt {
    match app.modal() {
        Some(Modal::JqPrompt(prompt)) => prompt,
        other => panic!("the jq prompt is not open: {other:?}"),
    }
}

/// Opens `|`, replaces what it holds with `expression` and presses Enter.
fn apply_jq(app: &mut super::super::App, expression: &str) {
    focus_on(app, Focus::Log);
    key(app, KeyCode::Char('|'));
    for _ in 0..prompt(app).text().chars().count() {
        key(app, KeyCode::Backspace);
    }
    type_text(app, expression);
    key(app, KeyCode::Enter);
}

const CLIMATE_ON: &str = r#".payload.content.action == "climateOn""#;

#[test]
fn a_jq_filter_shows_only_matching_records_and_counts_them() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    assert_eq!(app.modal(), None, "Enter applies and closes");
    assert!(app.log().jq_scanning(), "the scan runs over the ticks");
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1);
    let counts = app.log().jq_counts();
    assert_eq!(
        (counts.scanned, counts.matched, counts.errors),
        (4, 1, 1),
        "the text payload cannot be indexed: an error, no match"
    );
    assert!(
        log_title(&app).contains(&format!(
            "| {CLIMATE_ON}: 1 matched of 4 scanned, 1 error(s)"
        )),
        "{}",
        log_title(&app)
    );
    let (_, notice) = app.notice().unwrap();
    assert_eq!(
        notice,
        "jq done: 1 matched of 4 record(s) asked; 1 errored (no match), the first: \
         cannot index \"debug: webview reloaded\" with \"content\""
    );
    // A new message is asked at once.
    receive(
        &mut app,
        &to_topic(VIN_A),
        action("climateOn").as_bytes(),
        80_000,
    );
    receive(
        &mut app,
        &to_topic(VIN_A),
        action("climateOff").as_bytes(),
        81_000,
    );
    assert_eq!(app.log_len(), 2);
    assert_eq!(app.log().jq_counts().scanned, 6);
    assert_eq!(app.log().jq_counts().matched, 2);
}

#[test]
fn a_bad_expression_shows_its_column_and_keeps_the_filter_in_force() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1);
    key(&mut app, KeyCode::Char('|'));
    assert_eq!(
        prompt(&app).text(),
        CLIMATE_ON,
        "it opens on the filter in force"
    );
    for _ in 0..CLIMATE_ON.len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, ".payload.content.params.n >");
    let (column, why) = prompt(&app).error().expect("does not compile");
    assert_eq!(column, 28, "the end of the expression");
    assert!(why.contains("end of the expression"), "{why}");
    let shown = screen(&app);
    let line = shown
        .lines()
        .position(|l| l.contains(" | .payload.content.params.n >▏"))
        .unwrap_or_else(|| panic!("the expression is shown:\n{shown}"));
    let lines: Vec<&str> = shown.lines().collect();
    let typed_at = lines[line].find(" | ").unwrap();
    let caret_at = lines[line + 1].find('^').expect("a caret under it");
    assert_eq!(
        lines[line + 1][typed_at..caret_at].chars().count(),
        3 + 27,
        "the caret under column 28:\n{shown}"
    );
    // Enter does not apply it: the prompt stays, the filter in force too.
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal(), Some(Modal::JqPrompt(_))));
    assert_eq!(app.log().jq().unwrap().text(), CLIMATE_ON);
    assert_eq!(app.log_len(), 1);
    // Esc cancels: the filter in force stays.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.modal(), None);
    assert_eq!(app.log().jq().unwrap().text(), CLIMATE_ON);
    assert_eq!(app.log_len(), 1);
}

#[test]
fn an_unknown_function_is_shown_at_its_column_while_typing() {
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('|'));
    type_text(&mut app, ".kind | tset(\"^pop\")");
    let (column, why) = prompt(&app).error().unwrap();
    assert_eq!(column, 9);
    assert!(why.contains("tset/1"), "{why}");
    // Mended, it compiles.
    for _ in 0..".kind | tset(\"^pop\")".len() - ".kind | t".len() {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "est(\"^pop\")");
    assert_eq!(prompt(&app).error(), None);
}

#[test]
fn an_empty_expression_clears_the_jq_filter() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1);
    apply_jq(&mut app, "");
    assert_eq!(app.modal(), None);
    assert!(app.log().jq().is_none());
    assert_eq!(app.log_len(), 4);
    assert!(!log_title(&app).contains('|'), "{}", log_title(&app));
}

#[test]
fn jq_combines_with_the_vehicle_kind_and_text() {
    let mut app = app();
    three_vehicles(&mut app);
    receive(
        &mut app,
        &to_topic(VIN_A),
        action("climateOn").as_bytes(),
        80_000,
    );
    receive(&mut app, &to_topic(VIN_A), b"climate is off", 81_000);
    // An action in three of six: unlock and two climateOn.
    apply_jq(&mut app, ".payload.content.action != null");
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 3);
    select_vehicle(&mut app, VIN_A);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 2, "and the vehicle");
    assert_eq!(
        app.log().jq_counts(),
        JqCounts {
            scanned: 3,
            matched: 2,
            errors: 1
        },
        "jq asks only what the vehicle filter passes"
    );
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "climate");
    key(&mut app, KeyCode::Enter);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1, "and the text (which alone passes two)");
    assert!(
        app.log()
            .window()
            .iter()
            .any(|row| row.preview.contains("climateOn")),
        "{:?}",
        app.log().window()
    );
    // Esc clears the text first, then the jq expression, then the vehicle.
    key(&mut app, KeyCode::Esc);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 2);
    key(&mut app, KeyCode::Esc);
    finish_filling(&mut app);
    assert!(app.log().jq().is_none());
    assert_eq!(app.log_len(), 3, "the vehicle's three");
    key(&mut app, KeyCode::Esc);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 6);
}

#[test]
fn the_kind_passes_its_messages_to_jq_and_no_other() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    // The first kind present (content), then jq over it.
    key(&mut app, KeyCode::Char('K'));
    let kind = app.log().filter().kind.unwrap();
    apply_jq(&mut app, "true");
    finish_filling(&mut app);
    let counts = app.log().jq_counts();
    assert_eq!(counts.scanned, counts.matched);
    assert_eq!(app.log_len() as u64, counts.matched, "{kind}");
    assert!(counts.scanned < 4, "only the kind's messages: {counts:?}");
}

#[test]
fn esc_stops_a_running_jq_scan_and_keeps_the_filter() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    assert!(app.log().jq_scanning());
    assert!(
        screen(&app).contains("jq… 0 of 4 (Esc stops)"),
        "{}",
        log_title(&app)
    );
    key(&mut app, KeyCode::Esc);
    assert!(!app.log().jq_scanning());
    assert_eq!(app.log().jq().unwrap().text(), CLIMATE_ON);
    let (_, notice) = app.notice().unwrap();
    assert!(notice.starts_with("jq stopped after 0 of 4"), "{notice}");
}

#[test]
fn the_help_says_what_the_bar_does() {
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    let shown = screen(&app);
    assert!(
        shown.contains("filter all history by jq, with vehicle, kind and text"),
        "{shown}"
    );
}

#[test]
fn snapshot_jq_prompt_with_an_error() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    finish_filling(&mut app);
    key(&mut app, KeyCode::Char('|'));
    type_text(&mut app, " and (.bytes >");
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_log_filtered_by_jq() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, r#".kind == "content""#);
    finish_filling(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn typing_a_text_keeps_the_jq_scan_and_its_counts() {
    let mut app = app();
    three_vehicles(&mut app);
    receive(&mut app, &to_topic(VIN_A), b"climate is off", 80_000);
    apply_jq(&mut app, ".payload.content.action != null");
    finish_filling(&mut app);
    let counts = app.log().jq_counts();
    assert_eq!((counts.scanned, counts.matched), (5, 2));
    key(&mut app, KeyCode::Char('/'));
    for c in "climate".chars() {
        key(&mut app, KeyCode::Char(c));
        assert!(
            !app.log().jq_scanning(),
            "a letter of the text does not ask jq again"
        );
        assert_eq!(app.log().jq_counts(), counts);
    }
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1, "climateOn: the text and jq");
    // A message that passes jq but not the text is kept for when the
    // text goes.
    receive(
        &mut app,
        &to_topic(VIN_B),
        action("unlock").as_bytes(),
        81_000,
    );
    assert_eq!(app.log_len(), 1);
    assert_eq!(app.log().jq_counts().matched, 3);
    key(&mut app, KeyCode::Esc);
    assert!(app.log().filter().text.is_empty());
    assert!(!app.log().jq_scanning());
    assert_eq!(app.log_len(), 3, "jq's hits at once, no scan again");
}

#[test]
fn a_narrow_log_keeps_the_counts_of_a_long_expression() {
    let mut app = app_with(80, 24, 100_000);
    three_vehicles(&mut app);
    apply_jq(
        &mut app,
        r#".payload.content.params.speed_kmh > 120 or .payload.content.action == "climateOn""#,
    );
    finish_filling(&mut app);
    key(&mut app, KeyCode::Char('k'));
    assert!(
        log_title(&app).contains("| .payload.content.params…: 1 matched, 1 error(s) PAUSED"),
        "{}",
        log_title(&app)
    );
}

#[test]
fn a_pasted_expression_is_compiled_and_its_first_line_kept() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('|'));
    update(
        &mut app,
        Msg::Paste(".payload.content.action == \"climateOn\"\r.kind == \"text\"".into()),
    );
    assert_eq!(prompt(&app).text(), CLIMATE_ON);
    assert_eq!(prompt(&app).error(), None);
    let (_, notice) = app.notice().unwrap();
    assert!(notice.contains("pasted the first line only"), "{notice}");
    key(&mut app, KeyCode::Enter);
    finish_filling(&mut app);
    assert_eq!(app.log_len(), 1);
}

#[test]
fn x_exports_what_the_jq_filter_shows() {
    let mut app = app();
    three_vehicles(&mut app);
    apply_jq(&mut app, CLIMATE_ON);
    assert!(
        !matches!(key(&mut app, KeyCode::Char('x')), Some(Command::Export(_))),
        "x waits for the jq scan to fill the view"
    );
    let (_, notice) = app.notice().unwrap();
    assert!(notice.contains("still being applied"), "{notice}");
    finish_filling(&mut app);
    let Some(Command::Export(work)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports");
    };
    let (lines, _) = finish_export(&mut app, work);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("\"climateOn\""), "{lines:?}");
}
