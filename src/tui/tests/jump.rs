//! `T`: the log jumps to the first message at or after a time typed as
//! `--since` takes one, in the zone the log shows, inside the filter.

use super::*;
use crate::tui::App;
use crate::tui::keys::Scope;
use chrono::{FixedOffset, TimeZone, Utc};

/// Milliseconds from `t0` (2026-11-24 14:03:00 UTC) to `day` `hh:mm:ss` UTC.
fn ms_to(day: u32, hour: u32, minute: u32, second: u32) -> i64 {
    let at = Utc
        .with_ymd_and_hms(2026, 11, day, hour, minute, second)
        .unwrap();
    (at - t0()).num_milliseconds()
}

/// Yesterday evening and today, around midnight (UTC), from two vehicles.
fn across_midnight(app: &mut App) {
    receive(
        app,
        &to_topic(VIN_A),
        action("lateA").as_bytes(),
        ms_to(23, 23, 59, 0),
    );
    receive(
        app,
        &to_topic(VIN_B),
        action("earlyB").as_bytes(),
        ms_to(24, 0, 1, 0),
    );
    receive(
        app,
        &to_topic(VIN_A),
        action("earlyA").as_bytes(),
        ms_to(24, 0, 2, 0),
    );
    receive(
        app,
        &to_topic(VIN_B),
        action("beforeB").as_bytes(),
        ms_to(24, 14, 2, 30),
    );
    receive(
        app,
        &to_topic(VIN_A),
        action("afterA").as_bytes(),
        ms_to(24, 14, 3, 10),
    );
}

/// `T`, the text, Enter.
fn jump(app: &mut App, text: &str) {
    key(app, KeyCode::Char('T'));
    assert!(
        matches!(app.modal(), Some(Modal::TimePrompt(_))),
        "T opens the prompt"
    );
    type_text(app, text);
    key(app, KeyCode::Enter);
}

/// The action of the log's selected message.
fn selected_action(app: &App) -> Option<String> {
    let seq = app.log().selected()?;
    app.history().by_seq(seq)?.action
}

fn notice(app: &App) -> String {
    app.notice()
        .map(|(_, text)| text.clone())
        .unwrap_or_default()
}

#[test]
fn t_selects_the_first_message_at_or_after_the_time_across_midnight() {
    let mut app = app();
    across_midnight(&mut app);
    focus_on(&mut app, Focus::Log);
    for (text, expected) in [
        ("00:00", "earlyB"),
        ("yesterday 23:00", "lateA"),
        ("14:03", "afterA"),
        ("2026-11-24 00:01", "earlyB"),
        ("2026-11-24 00:01:00.001", "earlyA"),
        ("2026-11-24T14:02:30Z", "beforeB"),
    ] {
        jump(&mut app, text);
        assert_eq!(app.modal(), None, "{text}: the prompt closes");
        assert_eq!(selected_action(&app).as_deref(), Some(expected), "{text}");
        // Landing on the newest message follows again, as moving there does.
        assert_eq!(app.log().follows(), expected == "afterA", "{text}");
    }
    // The detail shows what was jumped to.
    assert!(screen(&app).contains("beforeB"), "{}", screen(&app));
}

#[test]
fn a_time_outside_the_log_says_the_range_it_holds() {
    let mut app = app();
    across_midnight(&mut app);
    focus_on(&mut app, Focus::Log);
    jump(&mut app, "14:02:30");
    jump(&mut app, "2026-11-25 10:00");
    assert_eq!(
        notice(&app),
        "no message at or after 2026-11-25 10:00:00: the log holds 2026-11-23 23:59:00 to 2026-11-24 14:03:10"
    );
    assert_eq!(
        selected_action(&app).as_deref(),
        Some("beforeB"),
        "a time past the newest moves nothing"
    );
    // Before the oldest: the oldest, and the range.
    jump(&mut app, "2026-11-01");
    assert_eq!(selected_action(&app).as_deref(), Some("lateA"));
    assert!(
        notice(&app)
            .contains("before the log's first message: the log holds 2026-11-23 23:59:00 to"),
        "{}",
        notice(&app)
    );
}

#[test]
fn an_unreadable_time_keeps_the_prompt_open_with_the_forms() {
    let mut app = app();
    across_midnight(&mut app);
    focus_on(&mut app, Focus::Log);
    let held = app.log().selected();
    jump(&mut app, "noon");
    assert!(matches!(app.modal(), Some(Modal::TimePrompt(_))));
    let shown = screen(&app);
    assert!(
        shown.contains("cannot read \"noon\" as a time") && shown.contains("Jump to a time"),
        "{shown}"
    );
    assert_eq!(app.log().selected(), held);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.modal(), None, "Esc closes without jumping");
    assert_eq!(app.log().selected(), held);
}

#[test]
fn the_jump_stays_inside_the_vehicle_filter() {
    let mut app = app();
    across_midnight(&mut app);
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Log);
    // Overall the first after midnight is B's; in A's log it is A's.
    jump(&mut app, "00:00");
    assert_eq!(selected_action(&app).as_deref(), Some("earlyA"));
    jump(&mut app, "14:00");
    assert_eq!(selected_action(&app).as_deref(), Some("afterA"));
}

#[test]
fn times_are_read_in_the_zone_the_log_shows() {
    // The log shows UTC+01:00: 01:01 there is 00:01 UTC.
    let mut app = app_where(|config| config.offset = FixedOffset::east_opt(3600).unwrap());
    across_midnight(&mut app);
    focus_on(&mut app, Focus::Log);
    jump(&mut app, "01:01");
    assert_eq!(selected_action(&app).as_deref(), Some("earlyB"));
    key(&mut app, KeyCode::Char('T'));
    assert!(screen(&app).contains("in UTC+01:00"), "{}", screen(&app));
}

#[test]
fn the_jump_is_in_the_key_table_and_its_help() {
    let app = app();
    assert_eq!(
        app.keys()
            .label(Scope::Log, crate::tui::keys::Action::JumpToTime),
        "T"
    );
}
