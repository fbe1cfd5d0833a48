//! Watch rules in the console: alerts filed with the message that raised
//! them, the vehicles' badge, the status bar's count, the Alerts pane
//! (`A`), acknowledging, and Enter landing on the message in the log.

use super::*;
use crate::tui::panes::alerts::{Alert, Raised};

/// An alert of `rule` about `vin`'s message received `ms` after t0.
fn fired(rule: &str, target: &str, ms: i64) -> Alert {
    let at = t0() + chrono::Duration::milliseconds(ms);
    Alert {
        rule: rule.into(),
        vin: Some(vin(target)),
        at,
        raised: Raised::Fired,
        message_at: Some(at),
    }
}

fn shift(app: &mut super::super::App, c: char) {
    update(
        app,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char(c),
            ratatui::crossterm::event::KeyModifiers::SHIFT,
        )),
    );
}

/// Three vehicles' traffic, and two alerts: B's climate action, then B's
/// popup answer (each with the message it is about).
fn two_alerts(app: &mut super::super::App) {
    three_vehicles(app);
    update(
        app,
        Msg::Alerts(vec![
            fired("climate", VIN_B, 1_000),
            fired("popup answered", VIN_B, 3_000),
        ]),
    );
}

#[test]
fn an_alert_badges_its_vehicle_and_is_counted_in_the_status_bar() {
    let mut app = app();
    three_vehicles(&mut app);
    assert!(!vehicle_row(&app, VIN_B).contains('●'), "no alert yet");
    assert!(!screen(&app).contains("open alert"));
    two_alerts(&mut app);
    assert!(
        vehicle_row(&app, VIN_B).contains("●2 "),
        "{}",
        vehicle_row(&app, VIN_B)
    );
    assert!(!vehicle_row(&app, VIN_A).contains('●'));
    assert!(
        screen(&app).contains(" 2 open alerts (A) "),
        "{}",
        screen(&app)
    );
}

#[test]
fn the_alerts_pane_lists_them_newest_first_with_rule_vehicle_time_and_message() {
    let mut app = app();
    two_alerts(&mut app);
    shift(&mut app, 'A');
    assert!(app.alerts().shown());
    let shown = screen(&app);
    let newest = shown.find("popup answered").expect("listed");
    let older = shown.find("climate  ").expect("listed");
    assert!(newest < older, "newest first:\n{shown}");
    let row = shown.lines().find(|l| l.contains("climate  ")).unwrap();
    assert!(row.contains("11-24 14:03:01"), "{row}");
    assert!(row.contains(VIN_B), "{row}");
    assert!(row.contains("fired"), "{row}");
    assert!(row.contains("climateOn"), "the message that fired: {row}");
    assert!(shown.contains("Alerts: 2 open of 2"), "{shown}");
}

#[test]
fn enter_on_an_alert_lands_on_its_message_in_the_log() {
    let mut app = app();
    two_alerts(&mut app);
    shift(&mut app, 'A');
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert!(!app.alerts().shown(), "the pane closes");
    assert_eq!(app.focus(), Focus::Log);
    let seq = app.log().selected().expect("a message selected");
    let entry = app.history().by_seq(seq).unwrap();
    assert_eq!(entry.vin, Some(vin(VIN_B)));
    assert_eq!(entry.action.as_deref(), Some("climateOn"));
    assert!(!app.log().follows(), "the log stays on it");
    assert_eq!(app.detail().seq(), Some(seq), "the detail shows it");
}

#[test]
fn acknowledging_takes_the_badge_and_the_count_off() {
    let mut app = app();
    two_alerts(&mut app);
    shift(&mut app, 'A');
    key(&mut app, KeyCode::Char('a'));
    assert!(
        screen(&app).contains(" 1 open alert (A) "),
        "{}",
        screen(&app)
    );
    shift(&mut app, 'C');
    key(&mut app, KeyCode::Esc);
    assert!(!app.alerts().shown());
    assert!(!screen(&app).contains("open alert"));
    assert!(!vehicle_row(&app, VIN_B).contains('●'));
    assert_eq!(app.alerts().len(), 2, "acknowledged alerts stay listed");
}

#[test]
fn the_pane_takes_only_its_own_keys() {
    let mut app = app();
    two_alerts(&mut app);
    shift(&mut app, 'A');
    // `e` would focus the editor; `q` closes the pane, not the console.
    key(&mut app, KeyCode::Char('e'));
    assert_eq!(app.focus(), Focus::Log);
    assert_eq!(key(&mut app, KeyCode::Char('q')), None);
    assert!(!app.alerts().shown());
}

#[test]
fn the_help_from_the_pane_says_what_open_means_and_how_to_acknowledge() {
    let mut app = app();
    two_alerts(&mut app);
    shift(&mut app, 'A');
    key(&mut app, KeyCode::Char('?'));
    let shown = screen(&app);
    assert!(shown.contains("Alerts keys"), "{shown}");
    assert!(shown.contains("acknowledge the alert"), "{shown}");
    key(&mut app, KeyCode::Esc);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    let Some(Modal::Help(help)) = app.modal() else {
        panic!("the help is open")
    };
    let text: String = help
        .lines()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("open until acknowledged"), "{text}");
}

#[test]
fn an_alert_whose_message_the_filter_hides_says_how_to_see_it() {
    let mut app = app();
    two_alerts(&mut app);
    select_vehicle(&mut app, VIN_A);
    shift(&mut app, 'A');
    key(&mut app, KeyCode::Enter);
    let notice = app
        .notice()
        .map(|(_, text)| text.clone())
        .unwrap_or_default();
    assert!(notice.contains("hidden by the log's filter"), "{notice}");
}

#[test]
fn an_alert_read_back_finds_its_message_among_same_millisecond_ones() {
    let mut app = app();
    // Two vehicles at the same millisecond: the alert is about B's.
    receive(&mut app, &to_topic(VIN_A), action("a").as_bytes(), 500);
    receive(&mut app, &to_topic(VIN_B), action("b").as_bytes(), 500);
    update(&mut app, Msg::Alerts(vec![fired("r", VIN_B, 500)]));
    let filed = app.alerts().newest_first().next().unwrap().clone();
    let entry = app.history().by_seq(filed.seq.unwrap()).unwrap();
    assert_eq!(entry.vin, Some(vin(VIN_B)));
    assert!(
        filed.message.contains(r#""action":"b""#),
        "{}",
        filed.message
    );
}

#[test]
fn snapshot_alerts_pane() {
    let mut app = app();
    two_alerts(&mut app);
    let mut silent = fired("quiet 5m", VIN_C, 70_000);
    silent.raised = Raised::Silent;
    silent.message_at = None;
    update(&mut app, Msg::Alerts(vec![silent]));
    shift(&mut app, 'A');
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('a'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_alert_badge_and_count() {
    let mut app = app();
    two_alerts(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn a_tracked_message_with_no_reply_is_handed_over_for_the_unacknowledged_rules() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("publishes: {}", status(&app));
    };
    update(&mut app, Msg::Published(outgoing));
    let seq = app.history().end_seq() - 1;
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(29)));
    assert!(app.take_no_replies().is_empty(), "within the timeout");
    let at = t0() + chrono::Duration::seconds(31);
    update(&mut app, Msg::Tick(at));
    let no_replies = app.take_no_replies();
    assert_eq!(no_replies.len(), 1, "{no_replies:?}");
    assert_eq!(no_replies[0].seq, seq);
    assert_eq!(no_replies[0].vin, vin(VIN_A));
    assert_eq!(Some(no_replies[0].sent_at), app.history().at(seq));
    assert_eq!(no_replies[0].at, at);
    update(&mut app, Msg::Tick(at + chrono::Duration::seconds(1)));
    assert!(app.take_no_replies().is_empty(), "handed over once");
}

#[test]
fn w_turns_the_filter_in_force_into_a_rule_saved_in_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "# mine\n[profiles.test]\nuid = \"PARTNER1\"\n").unwrap();
    let mut app = app().with_rules_file(path.clone(), "test".into());
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    shift(&mut app, 'W');
    let notice = app.notice().map(|(_, t)| t.clone()).unwrap_or_default();
    assert!(notice.contains("no filter in force"), "{notice}");
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Log);
    shift(&mut app, 'K');
    shift(&mut app, 'W');
    assert!(
        screen(&app).contains("Save the filter as a watch rule"),
        "{}",
        screen(&app)
    );
    key(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("a rule needs a name"));
    type_text(&mut app, "b content");
    let Some(Command::SaveRule(save)) = key(&mut app, KeyCode::Enter) else {
        panic!("no rule to save:\n{}", screen(&app));
    };
    assert!(app.modal().is_none());
    assert_eq!(save.profile, "test");
    assert_eq!(save.rule.vins, vec![VIN_B.to_owned()]);
    let when = save.rule.when.clone().unwrap();
    assert!(when.starts_with(".kind == "), "{when}");
    crate::config::watch_rule::add_watch_rule(&save.path, &save.profile, &save.rule).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# mine\n[profiles.test]\n"), "{text}");
    let file: crate::config::ConfigFile = toml::from_str(&text).unwrap();
    let rules = crate::domain::watch::compile_all(&file.profiles["test"].watch).unwrap();
    assert_eq!(rules[0].name, "b content");
}
