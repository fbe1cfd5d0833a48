//! The log pane fills itself: while following it shows the newest rows
//! from its top border to its bottom one, whatever changed its length
//! (a vehicle, a kind, a search) or its height (a resize, a focus change
//! in a small terminal).

use super::*;

/// How many rows of the log pane have a message drawn in them.
fn drawn_log_rows(app: &super::super::App) -> usize {
    let Some(area) = app.areas().log else {
        return 0;
    };
    let buffer = buffer(app);
    (area.y + 1..area.y + area.height - 1)
        .filter(|y| {
            (area.x + 1..area.x + area.width - 1)
                .any(|x| buffer[(x, *y)].symbol() == "←" || buffer[(x, *y)].symbol() == "→")
        })
        .count()
}

fn log_rows(app: &super::super::App) -> usize {
    app.areas().log.map_or(0, |r| usize::from(r.height - 2))
}

/// 300 messages, taking turns between vehicles A and B.
fn busy_pair(app: &mut super::super::App) {
    for i in 0..300 {
        let who = if i % 2 == 0 { VIN_A } else { VIN_B };
        let payload = if i % 3 == 0 {
            action("unlock")
        } else {
            "plain text".to_owned()
        };
        receive(app, &to_topic(who), payload.as_bytes(), i * 10);
    }
}

#[test]
fn choosing_a_vehicle_fills_the_following_log_with_its_newest_rows() {
    let mut app = app();
    busy_pair(&mut app);
    select_vehicle(&mut app, VIN_B);
    assert_eq!(app.log_len(), 150);
    assert!(app.log().follows());
    let rows = log_rows(&app);
    assert_eq!(drawn_log_rows(&app), rows, "{}", screen(&app));
    receive(&mut app, &to_topic(VIN_B), b"one more", 5_000);
    assert_eq!(drawn_log_rows(&app), rows, "{}", screen(&app));
}

#[test]
fn the_kind_filter_and_its_end_fill_the_following_log() {
    let mut app = app();
    busy_pair(&mut app);
    focus_on(&mut app, Focus::Log);
    let rows = log_rows(&app);
    for _ in 0..=app.history().kinds().len() {
        key(&mut app, KeyCode::Char('K'));
        assert_eq!(
            drawn_log_rows(&app),
            rows.min(app.log_len()),
            "kind {:?}: {}",
            app.log().filter().kind,
            screen(&app)
        );
    }
}

#[test]
fn a_search_fills_the_following_log() {
    let mut app = app();
    busy_pair(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "unlock");
    key(&mut app, KeyCode::Enter);
    finish_search(&mut app);
    assert_eq!(app.log_len(), 100);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
    key(&mut app, KeyCode::Esc);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn shrinking_the_terminal_and_growing_it_back_fills_the_log_again() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_A), b"first", 0);
    receive(&mut app, &to_topic(VIN_A), b"second", 1_000);
    focus_on(&mut app, Focus::Log);
    update(&mut app, Msg::Resize(20, 5));
    let _ = screen(&app);
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(drawn_log_rows(&app), 2, "{}", screen(&app));
    busy_pair(&mut app);
    update(&mut app, Msg::Resize(20, 5));
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn the_log_fills_the_pane_it_gets_when_focus_moves_in_a_small_terminal() {
    // Below the full layout only the focused pane shows: the log's height
    // is known only once it has the focus.
    let mut app = app_with(80, 24, 10_000);
    busy_pair(&mut app);
    select_vehicle(&mut app, VIN_A);
    assert_eq!(app.areas().log, None);
    focus_on(&mut app, Focus::Log);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
}

#[test]
fn a_paused_log_keeps_its_selection_and_fills_the_pane() {
    let mut app = app();
    busy_pair(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Up);
    let held = app.log().selected();
    update(&mut app, Msg::Resize(20, 5));
    update(&mut app, Msg::Resize(160, 45));
    assert_eq!(app.log().selected(), held);
    assert_eq!(drawn_log_rows(&app), log_rows(&app), "{}", screen(&app));
    assert!(screen(&app).contains("PAUSED"));
}

/// The screen line where `needle` is drawn first.
fn line_with(app: &super::super::App, needle: &str) -> String {
    screen(app)
        .lines()
        .find(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} is not on the screen:\n{}", screen(app)))
        .to_owned()
}

const LONG_TEXT: &str = "the quick brown fox jumps over the lazy dog, twice over";

#[test]
fn a_narrow_log_row_keeps_a_third_of_its_width_for_the_payload() {
    for (width, height) in [(80, 24), (60, 20)] {
        let mut app = app_with(width, height, 1_000);
        receive(&mut app, &to_topic(VIN_A), LONG_TEXT.as_bytes(), 0);
        focus_on(&mut app, Focus::Log);
        let third = usize::from(width - 2).div_ceil(3);
        let start: String = LONG_TEXT.chars().take(third - 1).collect();
        assert!(
            screen(&app).contains(&start),
            "{width}x{height} shows less than {start:?}:\n{}",
            screen(&app)
        );
        // Which vehicle it is of stays.
        assert!(line_with(&app, "the quick").contains("bench NAC"));
    }
}

#[test]
fn label_kind_and_action_columns_are_toggled_from_the_log() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_A), action("unlock").as_bytes(), 0);
    focus_on(&mut app, Focus::Log);
    // The columns are what comes before the payload preview.
    let columns = |app: &super::super::App| {
        let line = line_with(app, "←");
        line[..line.find("{\"content").unwrap()].to_owned()
    };
    let all = columns(&app);
    assert!(all.contains("bench NAC") && all.contains("content") && all.contains("unlock"));
    for (key_char, shown) in [('1', "bench NAC"), ('2', "content"), ('3', "unlock")] {
        key(&mut app, KeyCode::Char(key_char));
        assert!(
            !columns(&app).contains(shown),
            "{key_char}: {}",
            screen(&app)
        );
        key(&mut app, KeyCode::Char(key_char));
        assert_eq!(columns(&app), all, "{key_char} again shows it again");
    }
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Char('3'));
    assert!(
        line_with(&app, " Log (").contains("hiding kind, action"),
        "the title says what is hidden: {}",
        screen(&app)
    );
}

#[test]
fn with_files_of_two_accounts_each_log_row_carries_its_uid() {
    let mut app =
        app_where(|c| c.header.history_of = super::super::app::HistoryOf::Files(Vec::new()));
    load_lines(&mut app, &[line_of("PARTNER1", VIN_C)]);
    focus_on(&mut app, Focus::Log);
    let row = |app: &super::super::App| {
        line_with(app, "←")
            .split("││")
            .nth(1)
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        !row(&app).contains("PARTNER1"),
        "one account: no UID column\n{}",
        screen(&app)
    );
    load_lines(&mut app, &[line_of("PARTNER2", VIN_C)]);
    let shown = screen(&app);
    let rows: Vec<&str> = shown
        .lines()
        .filter_map(|l| l.split("││").nth(1))
        .filter(|l| l.contains('←'))
        .collect();
    assert_eq!(rows.len(), 2, "{shown}");
    assert!(rows[0].contains("← PARTNER1 W0L0000000000A1B2"), "{shown}");
    assert!(rows[1].contains("← PARTNER2 W0L0000000000A1B2"), "{shown}");
    // Narrow, the UID stays with the vehicle.
    update(&mut app, Msg::Resize(60, 20));
    assert!(
        line_with(&app, "←").contains("PARTNER1"),
        "{}",
        screen(&app)
    );
}

#[test]
fn scrolling_up_pauses_follow_and_counts_what_waits() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    assert!(app.log().follows());
    key(&mut app, KeyCode::Up);
    assert!(!app.log().follows());
    let held = app.log().selected();
    receive(&mut app, &to_topic(VIN_A), b"{}", 80_000);
    receive(&mut app, &to_topic(VIN_A), b"{}", 81_000);
    assert_eq!(
        app.log().selected(),
        held,
        "the selection does not move while paused"
    );
    assert_eq!(app.log().waiting(), 2);
    key(&mut app, KeyCode::Char('G'));
    assert!(app.log().follows());
    assert_eq!(app.log().waiting(), 0);
    assert_eq!(app.log().selected(), Some(5));
    key(&mut app, KeyCode::Char('f'));
    assert!(!app.log().follows(), "f toggles follow off");
    key(&mut app, KeyCode::Char('f'));
    assert!(app.log().follows());
}

#[test]
fn messages_past_the_index_in_memory_stay_in_the_log() {
    let mut app = app_with(160, 45, 100);
    for n in 0..250 {
        receive(
            &mut app,
            &to_topic(VIN_A),
            format!("{{\"n\":{n}}}").as_bytes(),
            n,
        );
    }
    assert_eq!(app.history().len(), 250, "nothing is dropped");
    assert_eq!(app.history().rx, 250);
    assert_eq!(app.log().selected(), Some(249));
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.log().selected(), Some(0), "the oldest is a key away");
    let oldest = &app.log().window()[0];
    assert_eq!(oldest.preview, "{\"n\":0}");
}

#[test]
fn records_read_back_from_files_fill_the_log_both_ways() {
    use crate::tui::app::Loaded;
    let mut app = app();
    let topics = app.rules().topics.clone();
    let inbound = crate::domain::InboundMessage::new(
        &topics,
        to_topic(VIN_B),
        bytes::Bytes::from(action("old")),
        t0(),
    );
    let outbound = r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"ZFA1234567890ABCD","topic":"psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/ZFA1234567890ABCD/","bytes":42,"kind":"data","dir":"out","payload":{"idApp":"APP","popup":false,"content":{}}}"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let first = inbound.journal_line();
    std::fs::write(&path, format!("{first}\n{outbound}\n")).unwrap();
    let file = app.add_file(path);
    let stored = |line: &str, offset: usize| Loaded::Stored {
        record: crate::tui::intake::stored_record(line).unwrap(),
        file,
        offset: offset as u64,
    };
    update(
        &mut app,
        Msg::Loaded(vec![stored(&first, 0), stored(outbound, first.len() + 1)]),
    );
    assert_eq!((app.history().rx, app.history().tx), (1, 1));
    assert_eq!(app.log().selected(), Some(1), "following the newest record");
    assert_eq!(app.history().vehicles[&vin(VIN_B)].tx, 1);
    let old = app.history().by_seq(0).unwrap();
    assert_eq!(old.action.as_deref(), Some("old"));
    assert_eq!(
        old.payload,
        action("old").as_bytes(),
        "read back from the file"
    );
    let out = app.history().by_seq(1).unwrap();
    assert_eq!(out.direction, crate::store::Direction::Outbound);
    assert_eq!(out.kind, "data");
    assert_eq!(out.size, 42);
    update(&mut app, Msg::Offline);
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("no broker"), "{}", status(&app));
}

/// The log pane's top border, as drawn.
fn log_title_line(app: &super::super::App) -> String {
    let y = app.areas().log.map_or(0, |r| usize::from(r.y));
    screen(app).lines().nth(y).unwrap_or_default().to_owned()
}

#[test]
fn a_narrow_log_title_gives_way_instead_of_being_cut() {
    let mut app = app_with(60, 20, 10_000);
    busy_pair(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('2'));
    key(&mut app, KeyCode::Up);
    let title = log_title_line(&app);
    assert!(
        title.trim_end_matches('"').ends_with("─┐"),
        "the title is cut at the corner: {title}"
    );
    assert!(title.contains("PAUSED (G"), "{title}");
    assert!(!title.contains("0 new"), "nothing new is not news: {title}");
    assert!(title.contains(VIN_B), "{title}");
    receive(&mut app, &to_topic(VIN_B), b"one more", 9_000);
    let title = log_title_line(&app);
    assert!(title.contains("PAUSED, 1 new"), "{title}");
    assert!(title.trim_end_matches('"').ends_with("─┐"), "{title}");
    // Wide, every part is there in full.
    update(&mut app, Msg::Resize(160, 45));
    let title = log_title_line(&app);
    assert!(
        title.contains("hiding kind PAUSED, 1 new (G or f to follow)"),
        "{title}"
    );
}

#[test]
fn a_narrowed_vin_keeps_its_serial_number() {
    // Two vehicles of one maker and model differ only in the serial
    // number at the end of the VIN: that is the part a narrow row keeps.
    let mut app = app_with(60, 20, 1_000);
    receive(&mut app, &to_topic("ZFA1234567890ABCD"), b"one", 0);
    receive(&mut app, &to_topic("ZFA1234567890WXYZ"), b"two", 1_000);
    focus(&mut app, Focus::Log);
    let one = line_with(&app, "one");
    let two = line_with(&app, "two");
    assert!(one.contains("…4567890ABCD "), "{one}");
    assert!(two.contains("…4567890WXYZ "), "{two}");
}

#[test]
fn an_action_name_with_bidi_and_escape_characters_is_drawn_escaped() {
    let mut app = app();
    receive(
        &mut app,
        &to_topic(VIN_A),
        br#"{"content":{"type":"action","action":"ab\u202ecd\u001b[2J","params":{}}}"#,
        0,
    );
    focus(&mut app, Focus::Log);
    let row = line_with(&app, "←");
    assert!(
        !row.contains('\u{202e}') && !row.contains('\u{1b}'),
        "{row:?}"
    );
    assert!(row.contains(r"ab\u{202e}cd"), "shown escaped: {row}");
}

#[test]
fn a_message_on_a_topic_the_console_does_not_recognise_shows_its_topic_in_the_row() {
    let mut app = app();
    receive(
        &mut app,
        "psa/OVIPPartners-Dev/to/uid/PARTNER1/weird/topic",
        b"{}",
        100,
    );
    let row = line_with(&app, "←");
    assert!(
        row.contains("weird/topic"),
        "the topic tells what it is: {row}"
    );
}

#[test]
fn rows_of_another_day_than_today_say_their_day_in_the_title() {
    let mut both = app();
    let day = 24 * 3600 * 1000;
    // Both rows shown cross midnight: the title says which days.
    receive(&mut both, &to_topic(VIN_A), b"{}", -day);
    receive(&mut both, &to_topic(VIN_A), b"{}", 0);
    focus_on(&mut both, Focus::Log);
    let title = log_title_line(&both);
    assert!(title.contains("11-23 → 11-24"), "{title}");
    // Only today's rows: no day.
    let mut today = app();
    receive(&mut today, &to_topic(VIN_A), b"{}", 0);
    assert!(
        !log_title_line(&today).contains("11-2"),
        "{}",
        log_title_line(&today)
    );
    // A file of another day alone (an `open` of an old capture): its day.
    let mut old = app();
    receive(&mut old, &to_topic(VIN_A), b"{}", -day);
    receive(&mut old, &to_topic(VIN_A), b"{}", -day + 1000);
    let title = log_title_line(&old);
    assert!(title.contains("Mon 2026-11-23"), "{title}");
}
