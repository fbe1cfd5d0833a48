//! `update` tests (keys and MQTT events in, state and commands out) and
//! whole-screen snapshots on a `TestBackend` with a fixed clock.

use super::app::{Command, ConnectionState, Focus, Modal, Msg, VehicleRow, update};
use super::editor::StatusLevel;
use super::testing::*;
use crate::domain::Vin;
use crate::mqtt::{DisconnectReason, FailureKind, SessionEvent};
use crate::store::VehicleFilter;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, MouseButton, MouseEvent, MouseEventKind};
use std::time::Duration;

fn vin(text: &str) -> Vin {
    Vin::parse(text).unwrap()
}

fn status(app: &super::App) -> String {
    app.editor
        .status()
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default()
}

fn select_vehicle(app: &mut super::App, target: &str) {
    focus(app, Focus::Vehicles);
    app.vehicles.select(VehicleRow::Vehicle(vin(target)));
    key(app, KeyCode::Enter);
}

fn set_editor(app: &mut super::App, text: &str) {
    app.editor.set_text(text);
    app.revalidate();
}

#[test]
fn traffic_from_three_vehicles_lists_them_and_counts_it() {
    let mut app = app();
    three_vehicles(&mut app);
    assert_eq!(app.history.rx, 4);
    let rows = app.vehicle_rows();
    assert_eq!(rows.len(), 4, "all + 3 vehicles: {rows:?}");
    assert_eq!(
        rows[1],
        VehicleRow::Vehicle(vin(VIN_B)),
        "most recently seen first"
    );
    key(&mut app, KeyCode::Tab);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('s'));
    let by_label = app.vehicle_rows();
    assert_eq!(
        by_label[1],
        VehicleRow::Vehicle(vin(VIN_A)),
        "labelled vehicles first when sorted by label"
    );
}

#[test]
fn the_cursor_stays_on_its_vehicle_when_the_list_reorders() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    let chosen = app.vehicles.selected().clone();
    receive(&mut app, &to_topic(VIN_A), b"{}", 80_000);
    assert_eq!(*app.vehicles.selected(), chosen);
}

fn is_silent(app: &super::App, last_seen: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    crate::tui::panes::vehicles::is_silent(app.now, last_seen, app.silent_after)
}

#[test]
fn vehicles_silent_too_long_are_marked() {
    let mut app = app();
    three_vehicles(&mut app);
    let a = app.history.vehicles[&vin(VIN_A)].last_seen;
    assert!(is_silent(&app, a), "75 s without a word");
    receive(&mut app, &to_topic(VIN_A), b"{}", 74_000);
    assert!(!is_silent(
        &app,
        app.history.vehicles[&vin(VIN_A)].last_seen
    ));
}

#[test]
fn selecting_a_vehicle_filters_the_log_and_targets_the_editor() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    assert_eq!(app.log.filter().vehicle, VehicleFilter::Vehicle(vin(VIN_B)));
    assert_eq!(app.log_len(), 2);
    assert_eq!(app.editor.target(), Some(&vin(VIN_B)));
    receive(&mut app, &to_topic(VIN_A), b"{}", 90_000);
    assert_eq!(app.log_len(), 2, "other vehicles stay out");
    receive(&mut app, &to_topic(VIN_B), b"{}", 91_000);
    assert_eq!(app.log_len(), 3);
    app.vehicles.select(VehicleRow::All);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.log_len(), 6, "all vehicles removes the filter");
}

#[test]
fn unrecognised_topics_are_grouped_not_lost() {
    let mut app = app();
    receive(&mut app, "somewhere/else", b"x", 0);
    receive(&mut app, &to_topic("NOT-A-VIN"), b"y", 1);
    assert_eq!(app.history.unrecognised, 2);
    assert_eq!(app.vehicle_rows().last(), Some(&VehicleRow::Unrecognised));
    focus(&mut app, Focus::Vehicles);
    app.vehicles.select(VehicleRow::Unrecognised);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.log_len(), 2);
}

#[test]
fn scrolling_up_pauses_follow_and_counts_what_waits() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Log);
    assert!(app.log.follows());
    key(&mut app, KeyCode::Up);
    assert!(!app.log.follows());
    let held = app.log.selected();
    receive(&mut app, &to_topic(VIN_A), b"{}", 80_000);
    receive(&mut app, &to_topic(VIN_A), b"{}", 81_000);
    assert_eq!(
        app.log.selected(),
        held,
        "the selection does not move while paused"
    );
    assert_eq!(app.log.waiting(), 2);
    key(&mut app, KeyCode::Char('G'));
    assert!(app.log.follows());
    assert_eq!(app.log.waiting(), 0);
    assert_eq!(app.log.selected(), Some(5));
    key(&mut app, KeyCode::Char('f'));
    assert!(!app.log.follows(), "f toggles follow off");
    key(&mut app, KeyCode::Char('f'));
    assert!(app.log.follows());
}

#[test]
fn text_filter_searches_payloads_and_combines_with_the_vehicle() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "CLIMATE");
    assert!(matches!(app.modal, Some(Modal::FilterPrompt(_))));
    finish_search(&mut app);
    assert_eq!(app.log_len(), 1, "case-insensitive payload search");
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, t)| t.contains("1 found in 4 messages")),
        "{:?}",
        app.notice
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.modal, None);
    assert_eq!(app.log.filter().text, "climate");
    receive(
        &mut app,
        &to_topic(VIN_A),
        action("climateOff").as_bytes(),
        80_000,
    );
    assert_eq!(app.log_len(), 2, "new messages are filtered as they come");
    select_vehicle(&mut app, VIN_A);
    finish_search(&mut app);
    assert_eq!(app.log_len(), 1);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log.filter().text, "");
    assert_eq!(
        app.log_len(),
        2,
        "first Esc clears the text, the vehicle stays"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log.filter().vehicle, VehicleFilter::All);
    assert_eq!(app.log_len(), 5);
}

#[test]
fn publish_is_refused_without_a_target() {
    let mut app = app();
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("no target vehicle"),
        "{}",
        status(&app)
    );
}

#[test]
fn publish_is_refused_for_an_invalid_payload() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(&mut app, r#"{"idApp":"APP","popup":"no","content":{}}"#);
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("1 error(s)") && status(&app).contains("$.popup"),
        "{}",
        status(&app)
    );
    assert_eq!(app.history.tx, 0);
}

#[test]
fn publish_is_refused_for_an_oversized_payload() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    let pad = "x".repeat(131_072);
    set_editor(
        &mut app,
        &format!(r#"{{"idApp":"APP","popup":false,"content":{{"pad":"{pad}"}}}}"#),
    );
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("the broker accepts 131,072"),
        "{}",
        status(&app)
    );
}

#[test]
fn publish_is_refused_for_a_popup_too_soon() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    let popup = r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"hi","content":{}}"#;
    set_editor(&mut app, popup);
    focus(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the first popup goes: {}", status(&app));
    };
    update(&mut app, Msg::Published(outgoing));
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert_eq!(app.popup_wait(), Some(15));
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("wait 15 s"), "{}", status(&app));
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(20)));
    assert!(
        matches!(ctrl(&mut app, 's'), Some(Command::Publish(_))),
        "allowed again after 20 s"
    );
}

#[test]
fn publish_is_refused_while_disconnected() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    update(
        &mut app,
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Closed,
                text: "connection lost".into(),
            },
            attempt: 2,
            retry_in: Some(Duration::from_millis(400)),
        }),
    );
    assert_eq!(
        app.connection,
        ConnectionState::Reconnecting {
            attempt: 2,
            reason: "connection lost".into()
        }
    );
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("not connected"), "{}", status(&app));
}

#[test]
fn a_published_payload_is_logged_counted_and_recallable() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    let text = app.editor.text();
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the template publishes: {}", status(&app));
    };
    assert_eq!(
        outgoing.topic,
        "psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/VF3ABCDEFGH123456/"
    );
    let cid = outgoing.cid.clone().expect("an object content is tracked");
    assert!(cid.starts_with("wpc-"), "{cid}");
    assert_eq!(
        outgoing.payload.bytes,
        app.rules
            .tracking
            .stamp(
                &crate::domain::json::minify(
                    &crate::domain::outbound::resolve(&text, app.rules.recipient(&vin(VIN_A))).text
                ),
                &cid
            )
            .unwrap()
            .bytes,
        "what is published is the text for this vehicle with content.cid added, nothing else"
    );
    update(&mut app, Msg::Published(outgoing));
    assert_eq!(
        app.deliveries.state(0),
        Some(crate::domain::tracking::Delivery::Sent)
    );
    assert_eq!(app.history.tx, 1);
    assert_eq!(app.history.vehicles[&vin(VIN_A)].tx, 1);
    let last = app.history.last().unwrap();
    assert_eq!(last.direction, crate::store::Direction::Outbound);
    assert!(status(&app).starts_with("published"));
    set_editor(&mut app, "{}");
    ctrl(&mut app, 'p');
    assert_eq!(app.editor.text(), text, "Ctrl-P recalls what was published");
}

#[test]
fn a_failed_publish_is_shown() {
    let mut app = app();
    update(
        &mut app,
        Msg::PublishFailed("the outgoing queue is full".into()),
    );
    assert_eq!(
        app.editor.status(),
        Some(&(StatusLevel::Error, "the outgoing queue is full".into()))
    );
}

#[test]
fn q_quits_but_is_a_letter_inside_the_editor() {
    let mut app = app();
    focus(&mut app, Focus::Editor);
    set_editor(&mut app, "");
    assert_eq!(key(&mut app, KeyCode::Char('q')), None);
    assert_eq!(app.editor.text(), "q");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.focus, Focus::Log);
    assert_eq!(key(&mut app, KeyCode::Char('q')), Some(Command::Quit));
    assert_eq!(ctrl(&mut app, 'c'), Some(Command::Quit));
}

#[test]
fn typing_in_the_editor_validates_as_you_type() {
    let mut app = app();
    focus(&mut app, Focus::Editor);
    set_editor(&mut app, "");
    type_text(&mut app, "{\"idApp\":\"A\",\"popup\":false");
    assert!(!app.editor.validation().is_valid());
    type_text(&mut app, ",\"content\":{}}");
    assert!(
        app.editor.validation().is_valid(),
        "{:?}",
        app.editor.validation().problems
    );
    // The meter measures what is published: the tracking id included.
    assert_eq!(
        app.editor.size().map(|s| s.payload),
        Some(40 + r#""cid":"wpc-000000000000""#.len())
    );
    ctrl(&mut app, 'g');
    assert!(!app.rules.track);
    assert_eq!(
        app.editor.size().map(|s| s.payload),
        Some(40),
        "tracking off: the bytes as written"
    );
}

#[test]
fn copy_gives_the_raw_payload_and_reply_loads_it_into_the_editor() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    focus(&mut app, Focus::Log);
    assert_eq!(
        key(&mut app, KeyCode::Char('c')),
        Some(Command::Copy(action("unlock").into_bytes()))
    );
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.focus, Focus::Editor);
    assert_eq!(app.editor.target(), Some(&vin(VIN_B)));
    assert!(
        app.editor.validation().is_valid(),
        "{:?}",
        app.editor.validation().problems
    );
    assert!(app.editor.text().contains("\"action\": \"unlock\""));
}

#[test]
fn help_lists_the_focused_panes_keys_and_closes() {
    let mut app = app();
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.modal, Some(Modal::Help(_))));
    key(&mut app, KeyCode::Char('q'));
    assert_eq!(app.modal, None, "q closes help rather than quitting");
}

#[test]
fn a_template_keeps_its_placeholders_and_is_checked_for_the_target() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Editor);
    let text = app.editor.text();
    assert!(
        text.contains("\"popupBtn\": true") && text.contains("{vin}") && !text.contains(VIN_A),
        "{text}"
    );
    assert!(app.editor.validation().is_valid());
    assert_eq!(app.editor.resolved_for(), Some(&vin(VIN_A)));
    let shown = screen(&app);
    assert!(shown.contains("placeholders resolved"), "{shown}");
}

#[test]
fn a_fleet_publish_resolves_placeholders_for_each_vehicle() {
    let mut app = app();
    three_vehicles(&mut app);
    // The template is loaded while vehicle A is the editor's target.
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        "{\"idApp\": \"{idApp}\", \"popup\": true, \"popupText\": \"Hello {vin}\",\n \"content\": {\"type\": \"action\", \"params\": {\"vin\": \"{vin}\"}}}",
    );
    focus(&mut app, Focus::Vehicles);
    for target in [VIN_A, VIN_B, VIN_C] {
        app.vehicles.select(VehicleRow::Vehicle(vin(target)));
        key(&mut app, KeyCode::Char(' '));
    }
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None, "the confirmation comes first");
    let shown = screen(&app);
    for target in [VIN_A, VIN_B, VIN_C] {
        assert!(shown.contains(&format!("→ {target}")), "listed:\n{shown}");
    }
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    assert_eq!(outgoing.len(), 3);
    let mut ids = std::collections::BTreeSet::new();
    for each in &outgoing {
        let value: serde_json::Value = serde_json::from_str(&each.payload.bytes).unwrap();
        assert_eq!(value["content"]["params"]["vin"], each.vin.as_str());
        assert_eq!(value["popupText"], format!("Hello {}", each.vin));
        assert_eq!(value["idApp"], "APP");
        assert!(each.topic.ends_with(&format!("/{}/", each.vin)));
        ids.insert(each.cid.clone().unwrap());
    }
    assert_eq!(ids.len(), 3, "each vehicle has its own tracking id");
}

#[test]
fn the_fleet_confirmation_scrolls_through_every_recipient() {
    let mut app = super::testing::app_with(100, 24, 1_000);
    let vins: Vec<String> = (0..30).map(|n| format!("VF3ABCDEFGH1234{n:02}")).collect();
    for each in &vins {
        receive(&mut app, &to_topic(each), br#"{"content":{}}"#, 0);
        app.vehicles.toggle_mark(&vin(each));
    }
    focus(&mut app, Focus::Editor);
    set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
    ctrl(&mut app, 's');
    assert!(screen(&app).contains(&format!("→ {}", vins[0])));
    assert!(!screen(&app).contains(&format!("→ {}", vins[29])));
    for _ in 0..40 {
        key(&mut app, KeyCode::Down);
    }
    let shown = screen(&app);
    assert!(shown.contains(&format!("→ {}", vins[29])), "{shown}");
    assert!(shown.contains("of 30"), "{shown}");
    assert!(matches!(
        key(&mut app, KeyCode::Char('y')),
        Some(Command::PublishMany(outgoing)) if outgoing.len() == 30
    ));
}

#[test]
fn a_mouse_click_focuses_and_selects() {
    let mut app = app();
    three_vehicles(&mut app);
    let log = app.areas().log.unwrap();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: log.x + 5,
            row: log.y + 1,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.focus, Focus::Log);
    assert_eq!(app.log.selected(), Some(0));
    assert!(!app.log.follows());
    let vehicles = app.areas().vehicles.unwrap();
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: vehicles.x + 3,
            row: vehicles.y + 2,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(app.focus, Focus::Vehicles);
    assert_eq!(app.log.filter().vehicle, VehicleFilter::Vehicle(vin(VIN_B)));
}

#[test]
fn memory_is_bounded_and_what_is_dropped_is_counted() {
    let mut app = app_with(160, 45, 100);
    for n in 0..250 {
        receive(
            &mut app,
            &to_topic(VIN_A),
            format!("{{\"n\":{n}}}").as_bytes(),
            n,
        );
    }
    assert_eq!(app.history.len(), 100);
    assert_eq!(app.history.evicted, 150);
    assert_eq!(app.history.rx, 250);
    assert_eq!(app.log.selected(), Some(249));
}

#[test]
fn drops_and_rates_reach_the_status_bar() {
    let mut app = app();
    update(&mut app, Msg::Session(SessionEvent::Dropped(7)));
    assert_eq!(app.dropped, 7);
    for n in 0..20 {
        receive(&mut app, &to_topic(VIN_A), b"{}", n * 100);
    }
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(2)));
    assert!((app.rate - 10.0).abs() < 0.01, "{}", app.rate);
}

// Whole screens.

fn screen(app: &super::App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal.draw(|frame| super::view(frame, app)).unwrap();
    terminal.backend().to_string()
}

#[test]
fn snapshot_empty_start() {
    insta::assert_snapshot!(screen(&app()));
}

#[test]
fn snapshot_live_traffic_across_three_vehicles() {
    let mut app = app();
    three_vehicles(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn esc_stops_a_running_search_and_keeps_the_filter() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "climate");
    key(&mut app, KeyCode::Enter);
    assert!(app.log.searching(), "the hits come on later ticks");
    assert!(screen(&app).contains("searching… 0 of 4 scanned (Esc stops)"));
    key(&mut app, KeyCode::Esc);
    assert!(!app.log.searching());
    assert_eq!(app.log.filter().text, "climate", "the first Esc only stops");
    let (_, notice) = app.notice.clone().unwrap();
    assert!(
        notice.starts_with("search stopped after 0 of 4"),
        "{notice}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log.filter().text, "");
    assert_eq!(app.log_len(), 4);
}

#[test]
fn the_kind_filter_steps_through_the_kinds_present() {
    let mut app = app();
    three_vehicles(&mut app);
    receive(&mut app, &to_topic(VIN_C), b"just text", 90_000);
    focus(&mut app, Focus::Log);
    let kinds = app.history.kinds();
    assert!(kinds.len() >= 2, "{kinds:?}");
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.log.filter().kind, Some(kinds[0]));
    let first_kind = app.log_len();
    assert!(first_kind > 0);
    assert!(screen(&app).contains(&format!("kind {}", kinds[0])));
    for _ in 1..kinds.len() {
        key(&mut app, KeyCode::Char('K'));
    }
    assert_eq!(app.log.filter().kind, kinds.last().copied());
    assert_eq!(
        (0..app.log_len())
            .filter_map(|i| app.log_seq_at(i))
            .filter_map(|s| app.history.by_seq(s))
            .filter(|e| e.kind != *kinds.last().unwrap())
            .count(),
        0
    );
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(
        app.log.filter().kind,
        None,
        "after the last kind, all again"
    );
    assert_eq!(app.log_len(), 5);
}

#[test]
fn snapshot_filtered_log() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "popup");
    finish_search(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_detail_of_a_json_message() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus, Focus::Detail);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_editor_with_an_error() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        "{\n  \"idApp\": \"APP\",\n  \"popup\": \"yes\",\n  \"content\": []\n}",
    );
    focus(&mut app, Focus::Editor);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_editor_over_the_limit() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    let pad = "x".repeat(131_100);
    set_editor(
        &mut app,
        &format!("{{\"idApp\":\"APP\",\"popup\":false,\"content\":{{\"pad\":\"{pad}\"}}}}"),
    );
    focus(&mut app, Focus::Editor);
    ctrl(&mut app, 's');
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_help_popup() {
    let mut app = app();
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_small_terminal_40x12() {
    let mut app = app_with(40, 12, 1000);
    three_vehicles(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn tiny_and_odd_terminal_sizes_never_panic() {
    for (w, h) in [(1, 1), (10, 3), (40, 12), (99, 23), (100, 24), (300, 100)] {
        let mut app = app_with(w, h, 100);
        three_vehicles(&mut app);
        for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
            app.focus = focus;
            let _ = screen(&app);
        }
        key(&mut app, KeyCode::Char('?'));
        let _ = screen(&app);
    }
}

fn buffer(app: &super::App) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    terminal.draw(|frame| super::view(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn no_color_draws_without_colours_and_colour_is_used_otherwise() {
    use ratatui::style::Color;
    let mut plain = app();
    three_vehicles(&mut plain);
    let coloured_cells = |buffer: &ratatui::buffer::Buffer| {
        buffer
            .content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    assert_eq!(
        coloured_cells(&buffer(&plain)),
        0,
        "NO_COLOR: no colour at all"
    );
    plain.no_color = false;
    assert!(coloured_cells(&buffer(&plain)) > 0);
}

#[test]
fn a_128_kib_message_scrolls_in_the_detail_pane() {
    let mut app = app();
    let items: Vec<String> = (0..4_000)
        .map(|n| format!("{{\"i\":{n},\"v\":\"abcdefgh\"}}"))
        .collect();
    let payload = format!("{{\"content\":{{\"items\":[{}]}}}}", items.join(","));
    assert!(
        payload.len() > 100_000 && payload.len() <= 131_072,
        "{}",
        payload.len()
    );
    receive(&mut app, &to_topic(VIN_A), payload.as_bytes(), 0);
    focus(&mut app, Focus::Detail);
    assert!(
        app.detail.lines().len() > 16_000,
        "{}",
        app.detail.lines().len()
    );
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    let page = usize::from(app.areas().detail.unwrap().height - 2);
    assert_eq!(app.detail.scroll(), 2 * page);
    key(&mut app, KeyCode::End);
    assert!(app.detail.scroll() > 16_000 - page);
    let screen = screen(&app);
    assert!(screen.contains("\"i\": 3999"), "the end is reachable");
}

#[test]
fn the_status_bar_tells_an_outage_and_its_reason() {
    let mut app = app();
    update(
        &mut app,
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Unreachable,
                text: "connection refused: nothing accepts connections at broker.test:8886".into(),
            },
            attempt: 3,
            retry_in: Some(Duration::from_millis(800)),
        }),
    );
    let shown = screen(&app);
    let status = shown.lines().rev().nth(1).unwrap_or_default();
    assert!(
        status.contains("reconnecting (attempt 3)") && status.contains("rx 0"),
        "{status}"
    );
    assert!(status.contains("connection refused"), "{status}");
    update(&mut app, Msg::Session(SessionEvent::Connected));
    assert!(screen(&app).contains("● connected"));
}

#[test]
fn a_refused_login_waits_for_the_retry_key_and_says_where_the_password_came_from() {
    let mut app = app();
    let refused = || {
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::BadCredentials,
                text: "login refused: bad user name or password (password from WPCONSOLE_PASSWORD); the broker refused login \"PARTNER1\": check --uid and the password".into(),
            },
            attempt: 1,
            retry_in: None,
        })
    };
    // Ctrl-R means nothing while the session retries on its own.
    assert_eq!(ctrl(&mut app, 'r'), None);
    update(&mut app, refused());
    assert!(matches!(
        app.connection,
        ConnectionState::LoginRefused { .. }
    ));
    let shown = screen(&app);
    let status = shown.lines().rev().nth(1).unwrap_or_default();
    assert!(
        status.contains(
            "✗ login refused: bad user name or password (password from WPCONSOLE_PASSWORD)"
        ),
        "{status}"
    );
    assert!(!status.contains("reconnecting"), "{status}");
    let footer = shown.lines().last().unwrap_or_default();
    assert!(
        footer
            .trim_start_matches('"')
            .starts_with(" Ctrl-R retry login"),
        "{footer}"
    );
    key(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("try the refused login once more"));
    key(&mut app, KeyCode::Esc);
    // From any pane, the editor included: one attempt per press.
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 'r'), Some(Command::RetryLogin));
    assert_eq!(app.connection, ConnectionState::Connecting);
    assert_eq!(ctrl(&mut app, 'r'), None, "one press, one attempt");
    update(&mut app, refused());
    assert_eq!(ctrl(&mut app, 'r'), Some(Command::RetryLogin));
    update(&mut app, Msg::Session(SessionEvent::Connected));
    assert!(!screen(&app).contains("retry login"));
}

#[test]
fn insecure_tls_is_shown_in_the_status_bar() {
    let mut app = app();
    assert!(!screen(&app).contains("INSECURE"));
    app.header.insecure = true;
    assert!(screen(&app).contains("INSECURE: certificate not verified"));
}

#[test]
fn journal_trouble_is_shown_with_its_count_and_reason() {
    let mut app = app();
    update(
        &mut app,
        Msg::Journal(super::app::JournalState::Writing {
            dir: "/j".into(),
            unwritten: 12,
            error: Some("cannot write the journal: No space left on device".into()),
        }),
    );
    let shown = screen(&app);
    assert!(
        shown.contains("journal: 12 unwritten (cannot write the journal: No space left"),
        "{shown}"
    );
}

mod rules {
    include!("../../tests/it/util/rules.rs");
}

#[test]
fn every_validation_rule_refuses_to_publish_from_the_editor() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    for (rule, envelope, says) in rules::BROKEN_ENVELOPES {
        set_editor(&mut app, envelope);
        assert_eq!(ctrl(&mut app, 's'), None, "{rule}");
        let problems: Vec<String> = app
            .editor
            .validation()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems.iter().any(|p| p.contains(says)),
            "{rule}: the editor lists {says:?}: {problems:?}"
        );
        assert!(
            status(&app).starts_with("not published"),
            "{rule}: {}",
            status(&app)
        );
    }
    assert_eq!(app.history.tx, 0);
}

#[test]
fn export_writes_the_log_as_filtered() {
    let mut app = app();
    focus(&mut app, Focus::Log);
    assert_eq!(key(&mut app, KeyCode::Char('x')), None);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, t)| t.contains("nothing to export"))
    );
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus(&mut app, Focus::Log);
    let Some(Command::Export(lines)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports");
    };
    assert_eq!(lines.len(), 2, "only the filtered view");
    for line in &lines {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["vin"], VIN_B);
        assert_eq!(record["dir"], "in");
    }
    assert_eq!(
        crate::domain::record::payload_bytes(&lines[0]).unwrap(),
        action("climateOn").into_bytes()
    );
    update(
        &mut app,
        Msg::Notice(
            StatusLevel::Success,
            "exported 2 message(s) to /x.jsonl".into(),
        ),
    );
    assert!(screen(&app).contains("exported 2 message(s) to /x.jsonl"));
}

#[test]
fn records_read_back_from_files_fill_the_log_both_ways() {
    use super::app::Loaded;
    let mut app = app();
    let topics = app.rules.topics.clone();
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
    let file = app.history.add_file(path);
    let stored = |line: &str, offset: usize| Loaded::Stored {
        record: super::intake::stored_record(line).unwrap(),
        file,
        offset: offset as u64,
    };
    update(
        &mut app,
        Msg::Loaded(vec![stored(&first, 0), stored(outbound, first.len() + 1)]),
    );
    assert_eq!((app.history.rx, app.history.tx), (1, 1));
    assert_eq!(app.log.selected(), Some(1), "following the newest record");
    assert_eq!(app.history.vehicles[&vin(VIN_B)].tx, 1);
    let old = app.history.by_seq(0).unwrap();
    assert_eq!(old.action.as_deref(), Some("old"));
    assert_eq!(
        old.payload,
        action("old").as_bytes(),
        "read back from the file"
    );
    let out = app.history.by_seq(1).unwrap();
    assert_eq!(out.direction, crate::store::Direction::Outbound);
    assert_eq!(out.kind, "data");
    assert_eq!(out.size, 42);
    app.connection = ConnectionState::Offline;
    select_vehicle(&mut app, VIN_B);
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("no broker"), "{}", status(&app));
}

#[test]
fn the_mouse_wheel_scrolls_the_pane_under_it() {
    let mut app = app();
    for n in 0..20 {
        receive(
            &mut app,
            &to_topic(VIN_A),
            format!("{{\"n\":{n}}}").as_bytes(),
            n,
        );
    }
    let log = app.areas().log.unwrap();
    focus(&mut app, Focus::Editor);
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::ScrollUp,
            column: log.x + 5,
            row: log.y + 3,
            modifiers: ratatui::crossterm::event::KeyModifiers::NONE,
        }),
    );
    assert_eq!(
        app.log.selected(),
        Some(16),
        "three rows up from the newest"
    );
    assert!(!app.log.follows());
    assert_eq!(
        app.focus,
        Focus::Editor,
        "scrolling does not take the focus"
    );
}

#[test]
fn a_resize_moves_to_the_compact_layout_and_back() {
    let mut app = app();
    three_vehicles(&mut app);
    update(&mut app, Msg::Resize(40, 12));
    assert!(app.areas().vehicles.is_none() && app.areas().log.is_some());
    let small = screen(&app);
    assert!(small.contains("rx 4"), "{small}");
    update(&mut app, Msg::Resize(160, 45));
    assert!(app.areas().vehicles.is_some() && app.areas().detail.is_some());
    assert!(
        !app.detail.lines().is_empty(),
        "the detail is drawn again for the new width"
    );
}

#[test]
fn a_payload_that_cannot_be_read_back_is_said_not_shown_copied_or_replied() {
    let mut app = app();
    app.history.set_cache_bytes(0);
    receive(&mut app, &to_topic(VIN_A), action("old").as_bytes(), 0);
    // Fills the cache's block on its own: the first payload leaves memory,
    // and with no journal there is nowhere to read it back from.
    let big = format!("{{\"content\":{{\"pad\":\"{}\"}}}}", "x".repeat(1 << 20));
    receive(&mut app, &to_topic(VIN_A), big.as_bytes(), 10);
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(shown.contains("payload unavailable"), "{shown}");
    assert!(shown.contains("--no-journal"), "{shown}");
    assert_eq!(key(&mut app, KeyCode::Char('c')), None, "nothing to copy");
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, t)| t.starts_with("nothing copied")),
        "{:?}",
        app.notice
    );
    key(&mut app, KeyCode::Char('r'));
    assert!(status(&app).starts_with("cannot reply"), "{}", status(&app));
    focus(&mut app, Focus::Log);
    let Some(Command::Export(lines)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports what can be read");
    };
    assert_eq!(lines.len(), 1);
    let (_, notice) = app.notice.clone().unwrap();
    assert!(
        notice.contains("1 left out: payload unavailable"),
        "{notice}"
    );
}

#[test]
fn a_tracked_publish_is_acknowledged_by_the_reply_carrying_its_id_or_times_out() {
    use crate::domain::tracking::Delivery;
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    let publish = |app: &mut super::App| {
        let Some(Command::Publish(outgoing)) = ctrl(app, 's') else {
            panic!("publishes: {}", status(app));
        };
        let cid = outgoing.cid.clone().unwrap();
        update(app, Msg::Published(outgoing));
        cid
    };
    let first = publish(&mut app);
    let first_seq = app.history.end_seq() - 1;
    // A reply for an id this console never sent changes nothing.
    receive(
        &mut app,
        &to_topic(VIN_A),
        br#"{"content":{"type":"ack","ref":"wpc-000000000000"}}"#,
        50,
    );
    assert_eq!(app.deliveries.state(first_seq), Some(Delivery::Sent));
    receive(
        &mut app,
        &to_topic(VIN_A),
        format!(r#"{{"content":{{"type":"ack","ref":"{first}"}}}}"#).as_bytes(),
        120,
    );
    assert_eq!(
        app.deliveries.state(first_seq),
        Some(Delivery::Acknowledged(Duration::from_millis(120)))
    );
    let second = publish(&mut app);
    assert_ne!(first, second, "every publish gets its own id");
    let second_seq = app.history.end_seq() - 1;
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    assert_eq!(app.deliveries.state(second_seq), Some(Delivery::NoReply));
    focus(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(shown.contains("✓ 120 ms"), "{shown}");
    assert!(shown.contains("✗ no reply"), "{shown}");
    assert!(
        shown.contains("bench… 120ms 1✗"),
        "the label, shortened, beside the figures:\n{shown}"
    );
}

#[test]
fn a_tracked_popup_is_acknowledged_by_the_popup_answer_carrying_its_id() {
    use crate::domain::PopupAction;
    use crate::domain::tracking::Delivery;
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"hello","content":{"type":"action","action":"hello"}}"#,
    );
    focus(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the popup goes: {}", status(&app));
    };
    let cid = outgoing.cid.clone().expect("a popup is tracked too");
    update(&mut app, Msg::Published(outgoing));
    let seq = app.history.end_seq() - 1;
    // The vehicle's WebPortal answers beside the popup's own content, which
    // carries the console's id in the stamped field.
    let answer = |action: &str| {
        format!(
            r#"{{"popupAction":"{action}","content":{{"type":"action","action":"hello","cid":"{cid}"}}}}"#
        )
    };
    receive(
        &mut app,
        &to_topic(VIN_A),
        answer("WebPortal.okBtnPopupRequestClicked").as_bytes(),
        812,
    );
    assert_eq!(
        app.deliveries.state(seq),
        Some(Delivery::Answered(
            PopupAction::Ok,
            Duration::from_millis(812)
        ))
    );
    // Only the first answer counts.
    receive(
        &mut app,
        &to_topic(VIN_A),
        answer("WebPortal.closeTimeoutPopupRequest").as_bytes(),
        15_000,
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(40)));
    assert_eq!(
        app.deliveries.state(seq),
        Some(Delivery::Answered(
            PopupAction::Ok,
            Duration::from_millis(812)
        ))
    );
    focus(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(shown.contains("✓ OK 812 ms"), "{shown}");
    assert!(!shown.contains("no reply"), "{shown}");
    assert!(
        shown.contains("bench… OK 812ms"),
        "the vehicle's row, label then answer: {shown}"
    );
    // The popup is the oldest of the vehicle's messages.
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.log.selected(), Some(seq));
    assert!(!app.log.follows());
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(
        shown.contains("answered: OK (WebPortal.okBtnPopupRequestClicked) in 812 ms"),
        "the detail: {shown}"
    );
}

#[test]
fn more_than_ten_unacknowledged_messages_to_one_vehicle_are_flagged() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    for _ in 0..11 {
        let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
            panic!("publishes: {}", status(&app));
        };
        update(&mut app, Msg::Published(outgoing));
    }
    let shown = screen(&app);
    assert!(
        shown.contains("11…!"),
        "on their way, already too many:\n{shown}"
    );
    assert!(
        shown.contains("!>VF3ABCDEFGH123456"),
        "flagged like a silent vehicle:\n{shown}"
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    let shown = screen(&app);
    assert!(shown.contains("11✗!"), "none answered in time:\n{shown}");
}

#[test]
fn a_production_profile_asks_before_every_publish() {
    let mut app = app();
    app.rules.production = true;
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    assert_eq!(
        ctrl(&mut app, 's'),
        None,
        "nothing is sent before the answer"
    );
    assert!(matches!(app.modal, Some(Modal::ConfirmPublish(_))));
    let shown = screen(&app);
    assert!(
        shown.contains("PRODUCTION: every publish asks first"),
        "{shown}"
    );
    assert!(shown.contains("on the PRODUCTION broker"), "{shown}");
    assert_eq!(key(&mut app, KeyCode::Char('n')), None);
    assert_eq!(app.modal, None);
    assert!(status(&app).contains("cancelled"), "{}", status(&app));
    ctrl(&mut app, 's');
    let Some(Command::Publish(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes");
    };
    assert_eq!(outgoing.vin, vin(VIN_A));
}

#[test]
fn a_read_only_console_cannot_publish_by_any_key() {
    use ratatui::crossterm::event::KeyEvent;
    let mut app = app();
    app.rules.read_only = true;
    select_vehicle(&mut app, VIN_A);
    assert!(screen(&app).contains("READ-ONLY"));
    for focus in [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor] {
        for binding in app.keys.clone().bindings() {
            for k in &binding.keys {
                app.focus = focus;
                app.modal = None;
                let command = update(&mut app, Msg::Key(KeyEvent::new(k.code, k.modifiers)));
                assert!(
                    !matches!(command, Some(Command::Publish(_))),
                    "{:?} in {focus:?} published",
                    binding.action
                );
            }
        }
    }
    focus(&mut app, Focus::Editor);
    app.modal = None;
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("read-only"), "{}", status(&app));
    set_editor(&mut app, "{");
    assert!(
        !app.editor.validation().problems.is_empty(),
        "the editor still validates"
    );
}

#[test]
fn catalog_actions_are_templates_and_the_editor_checks_params_against_them() {
    let mut app = app();
    let catalog = crate::domain::catalog::Catalog::demo();
    app.templates
        .extend(super::editor::catalog_templates(&catalog));
    app.rules.catalog = Some(std::sync::Arc::new(catalog));
    select_vehicle(&mut app, VIN_A);
    key(&mut app, KeyCode::Char('t'));
    let shown = screen(&app);
    assert!(shown.contains("DEMO_APP climateOn"), "{shown}");
    let index = app
        .templates
        .iter()
        .position(|t| t.name.starts_with("DEMO_APP climateOn"))
        .unwrap();
    for _ in 0..index {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert!(
        app.editor.text().contains("\"temperature\": 16"),
        "{}",
        app.editor.text()
    );
    assert!(
        app.editor.validation().is_valid(),
        "{:?}",
        app.editor.validation().problems
    );
    let too_hot = app
        .editor
        .text()
        .replace("\"temperature\": 16", "\"temperature\": 40");
    set_editor(&mut app, &too_hot);
    let problems: Vec<String> = app
        .editor
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
    let mut app = app();
    app.rules.catalog = Some(std::sync::Arc::new(crate::domain::catalog::Catalog::demo()));
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
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
        .editor
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
fn marked_vehicles_get_one_payload_each_after_a_confirmation_naming_the_count() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    for target in [VIN_A, VIN_B, VIN_C] {
        app.vehicles.select(VehicleRow::Vehicle(vin(target)));
        key(&mut app, KeyCode::Char(' '));
    }
    app.vehicles.select(VehicleRow::Vehicle(vin(VIN_C)));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.vehicles.marked().len(), 2, "Space again unmarks");
    let shown = screen(&app);
    assert!(
        shown.contains(&format!("!*{VIN_A}")) && shown.contains(&format!("!*{VIN_B}")),
        "marked, and silent for a minute:\n{shown}"
    );
    // A popup to VIN_A went out 5 s ago: the fleet publish skips it.
    app.popups.record(
        &vin(VIN_A),
        t0().timestamp_millis().cast_unsigned() + 70_000,
    );
    focus(&mut app, Focus::Editor);
    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Service due","content":{"type":"notice"}}"#,
    );
    assert_eq!(ctrl(&mut app, 's'), None, "nothing before the answer");
    let shown = screen(&app);
    assert!(shown.contains("Publish to 1 vehicle(s), up to"), "{shown}");
    assert!(shown.contains(&format!("→ {VIN_B}")), "{shown}");
    assert!(
        shown.contains(&format!("✗ {VIN_A} bench NAC: skipped, popup too soon")),
        "{shown}"
    );
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    assert_eq!(outgoing.len(), 1);
    assert_eq!(outgoing[0].vin, vin(VIN_B));
    let refused = app.history.last().unwrap();
    assert_eq!(refused.direction, crate::store::Direction::Refused);
    assert_eq!(refused.kind, "popup", "the kind of what was refused");
    assert_eq!(refused.vin, Some(vin(VIN_A)));
    assert_eq!(app.history.tx, 0, "a refusal is not counted as sent");
    focus(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(
        shown.contains("refused: popup too soon"),
        "the log says why:\n{shown}"
    );
    focus(&mut app, Focus::Editor);
    assert!(
        app.notice
            .as_ref()
            .is_some_and(|(_, t)| t.contains("refused 1") && t.contains("2 mark(s) cleared"))
    );
    assert!(
        app.vehicles.marked().is_empty(),
        "the marks were for that publish"
    );
    app.vehicles.toggle_mark(&vin(VIN_A));
    app.vehicles.toggle_mark(&vin(VIN_B));

    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":false,"content":{"action":"sync"}}"#,
    );
    ctrl(&mut app, 's');
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("data goes to both");
    };
    assert_eq!(outgoing.len(), 2);
    assert_ne!(outgoing[0].cid, outgoing[1].cid, "each vehicle its own id");
    for one in outgoing {
        update(&mut app, Msg::Published(one));
    }
    assert_eq!(app.history.tx, 2);
    assert_eq!(app.deliveries.vehicle(&vin(VIN_A)).unwrap().waiting, 1);
    assert_eq!(app.deliveries.vehicle(&vin(VIN_B)).unwrap().waiting, 1);
}

#[test]
fn indexing_files_shows_a_progress_bar_until_done() {
    let mut app = app();
    update(
        &mut app,
        Msg::Progress(Some(super::app::Progress {
            done: 50,
            total: 100,
            what: "indexing… 1,000 messages".into(),
        })),
    );
    let shown = screen(&app);
    assert!(
        shown.contains("indexing… 1,000 messages [██████████░░░░░░░░░░] 50%"),
        "{shown}"
    );
    update(&mut app, Msg::Progress(None));
    assert!(!screen(&app).contains("indexing…"));
}

/// The console's two entry points, to one vehicle and to marked
/// vehicles, against every rule of the matrix (the headless entry points
/// are in `tests/it/publish_rules.rs`).
#[derive(Debug, Clone, Copy)]
enum EntryPoint {
    OneVehicle,
    MarkedVehicles,
}

/// Ctrl-S through `entry` with `text` in the editor; what the console
/// would publish (after answering a confirmation with `y` when one is
/// asked and `answer` is true).
fn publish_through(
    app: &mut super::App,
    entry: EntryPoint,
    text: &str,
    answer: bool,
) -> Vec<super::app::Outgoing> {
    select_vehicle(app, VIN_A);
    key(app, KeyCode::Char('n'));
    if let EntryPoint::MarkedVehicles = entry {
        app.vehicles.toggle_mark(&vin(VIN_A));
        app.vehicles.toggle_mark(&vin(VIN_B));
    }
    focus(app, Focus::Editor);
    set_editor(app, text);
    let command = match ctrl(app, 's') {
        None if answer && app.modal.is_some() => key(app, KeyCode::Char('y')),
        other => other,
    };
    match command {
        Some(Command::Publish(outgoing)) => vec![outgoing],
        Some(Command::PublishMany(outgoing)) => outgoing,
        _ => Vec::new(),
    }
}

#[test]
fn every_rule_holds_for_one_vehicle_and_for_marked_vehicles() {
    let data = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"x"}}"#;
    let popup = r#"{"idApp":"APP","popup":true,"popupText":"hi {vin}","content":{}}"#;
    for entry in [EntryPoint::OneVehicle, EntryPoint::MarkedVehicles] {
        let fresh = || {
            let mut app = app();
            three_vehicles(&mut app);
            app
        };
        // Valid envelope.
        let mut app = fresh();
        let broken = r#"{"idApp":"APP","popup":"no","content":{}}"#;
        assert!(
            publish_through(&mut app, entry, broken, true).is_empty(),
            "{entry:?}"
        );
        assert!(status(&app).starts_with("not published"), "{entry:?}");
        // Size limit, on the bytes published (the stamp included).
        let mut app = fresh();
        let over = format!(
            r#"{{"idApp":"APP","popup":false,"content":{{"pad":"{}"}}}}"#,
            "x".repeat(131_072 - 40)
        );
        assert!(
            publish_through(&mut app, entry, &over, true).is_empty(),
            "{entry:?}"
        );
        // Popup interval: VIN_A had one 5 s ago.
        let mut app = fresh();
        app.popups.record(&vin(VIN_A), unix_ms(app.now) - 5_000);
        let sent = publish_through(&mut app, entry, popup, true);
        assert!(sent.iter().all(|o| o.vin != vin(VIN_A)), "{entry:?}");
        // Tracking stamp: one member added per vehicle, its own id; off with Ctrl-G.
        let mut app = fresh();
        let sent = publish_through(&mut app, entry, data, true);
        assert!(!sent.is_empty(), "{entry:?}: {}", status(&app));
        for outgoing in &sent {
            let cid = outgoing.cid.clone().unwrap();
            assert_eq!(
                outgoing.payload.bytes,
                data.replace(r#""x"}"#, &format!(r#""x","cid":"{cid}"}}"#)),
                "{entry:?}"
            );
        }
        ctrl(&mut app, 'g');
        let sent = publish_through(&mut app, entry, data, true);
        assert!(
            sent.iter()
                .all(|o| o.cid.is_none() && o.payload.bytes == data)
        );
        // Production: nothing without the answer, then what was shown.
        let mut app = fresh();
        app.rules.production = true;
        assert!(
            publish_through(&mut app, entry, data, false).is_empty(),
            "{entry:?}"
        );
        assert!(screen(&app).contains("PRODUCTION"), "{entry:?}");
        assert!(
            !publish_through(&mut app, entry, data, true).is_empty(),
            "{entry:?}"
        );
        // The single-vehicle question says what kind of message it is.
        if let EntryPoint::OneVehicle = entry {
            let mut app = fresh();
            app.rules.production = true;
            publish_through(&mut app, entry, popup, false);
            assert!(
                screen(&app).contains("a POPUP message of"),
                "{}",
                screen(&app)
            );
        }
        // Read-only: nothing, even with a yes.
        let mut app = fresh();
        app.rules.read_only = true;
        assert!(
            publish_through(&mut app, entry, data, true).is_empty(),
            "{entry:?}"
        );
        assert!(status(&app).contains("read-only"), "{entry:?}");
    }
}

fn unix_ms(at: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap()
}

// Whose history is on the screen.

fn title(app: &super::App) -> String {
    screen(app).lines().next().unwrap_or_default().to_owned()
}

/// A journal line of `uid`'s account from `vin`.
fn line_of(uid: &str, vin: &str) -> String {
    format!(
        r#"{{"received_at":"2026-11-24T10:00:00.000Z","vin":"{vin}","topic":"psa/OVIPPartners-Dev/to/uid/{uid}/opa/{vin}/","bytes":2,"kind":"content","dir":"in","payload":{{}}}}"#
    )
}

fn load_lines(app: &mut super::App, lines: &[String]) {
    use super::app::Loaded;
    let file = app.history.add_file("opened.jsonl".into());
    let records = lines
        .iter()
        .map(|line| Loaded::Stored {
            record: super::intake::stored_record(line).unwrap(),
            file,
            offset: 0,
        })
        .collect();
    update(app, Msg::Loaded(records));
}

#[test]
fn the_title_names_the_accounts_journal_within_80_columns() {
    use super::app::HistoryOf;
    use crate::account::Account;
    let account = Account::new("iot-partners-preprod.mpsa.com", 8886, "PARTNER1");
    let mut app = app_with(80, 24, 1000);
    app.header.history_of = HistoryOf::Journal(account.clone());
    let shown = title(&app);
    assert!(
        shown.contains("─ journal PARTNER1@iot-partners-preprod.mpsa.com:8886"),
        "{shown}"
    );
    // With the production banner there is no room for all of it: the host
    // gives way, the login and the port stay.
    app.rules.production = true;
    let shown = title(&app);
    assert!(shown.contains("PRODUCTION"), "{shown}");
    assert!(shown.contains("journal PARTNER1@iot-"), "{shown}");
    assert!(shown.contains("…:8886"), "{shown}");
    app.rules.production = false;
    app.header.history_of = HistoryOf::NoJournal(account);
    let shown = title(&app);
    assert!(
        shown.contains("PARTNER1@iot-partners-preprod.mpsa.com:8886 (no journal)"),
        "{shown}"
    );
}

#[test]
fn files_of_one_account_name_it_with_the_broker_their_directory_tells() {
    use super::app::HistoryOf;
    use crate::account::Account;
    let mut app = app();
    app.header.history_of = HistoryOf::Files(vec![Account::new("127.0.0.1", 1883, "PARTNER1")]);
    load_lines(
        &mut app,
        &[line_of("PARTNER1", VIN_A), line_of("PARTNER1", VIN_B)],
    );
    let shown = screen(&app);
    assert!(
        shown.contains("─ files of PARTNER1@127.0.0.1:1883 ─ prefix"),
        "{shown}"
    );
    assert!(!shown.contains("accounts"), "{shown}");
    assert!(shown.contains("bench NAC"), "labels as they are:\n{shown}");
}

#[test]
fn files_of_two_accounts_say_so_and_label_each_vehicle_with_its_uid() {
    use super::app::HistoryOf;
    let mut app = app();
    app.header.history_of = HistoryOf::Files(Vec::new());
    load_lines(
        &mut app,
        &[
            line_of("PARTNER1", VIN_A),
            line_of("PARTNER2", VIN_B),
            line_of("PARTNER1", VIN_C),
            line_of("PARTNER2", VIN_C),
        ],
    );
    let shown = screen(&app);
    assert!(
        shown.contains("files of 2 accounts, vehicles labelled by UID: PARTNER1, PARTNER2"),
        "{shown}"
    );
    let row = |vin: &str| {
        shown
            .lines()
            .filter_map(|l| l.split("││").next())
            .find(|pane| pane.contains(vin))
            .unwrap_or_default()
            .to_owned()
    };
    // The label column is narrow: the UID leads, the fleet's label follows.
    assert!(row(VIN_A).contains("PARTNER1 · ben"), "{shown}");
    assert!(row(VIN_B).contains("PARTNER2"), "{shown}");
    assert!(!row(VIN_B).contains("PARTNER1"), "{shown}");
    assert!(
        row(VIN_C).contains("PARTNER1+PARTN"),
        "one VIN in both:\n{shown}"
    );
    // The vehicle filter finds an account's vehicles by its UID.
    app.vehicles.set_filter("partner2".into());
    let rows = app.vehicle_rows();
    assert_eq!(
        rows.len(),
        3,
        "all, and the two vehicles of PARTNER2: {rows:?}"
    );
    assert!(!rows.contains(&VehicleRow::Vehicle(vin(VIN_A))), "{rows:?}");
}

#[test]
fn the_vehicle_list_holds_still_while_it_has_the_focus() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('j'));
    let before = app.vehicle_rows();
    let under_cursor = app.vehicles.selected().clone();
    // The vehicle at the bottom talks: by last seen it would go to the top.
    let Some(VehicleRow::Vehicle(last)) = before.last().cloned() else {
        panic!("rows: {before:?}");
    };
    receive(
        &mut app,
        &to_topic(last.as_str()),
        br#"{"content":{}}"#,
        60_000,
    );
    assert_eq!(
        app.vehicle_rows(),
        before,
        "no row slides while the pane is focused"
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        *app.vehicles.selected(),
        before[app.vehicles.cursor(&before)].clone(),
        "j moves to the row that was shown below"
    );
    assert_ne!(*app.vehicles.selected(), under_cursor);
    // Leaving the pane: the sort applies again.
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.vehicle_rows()[1], VehicleRow::Vehicle(last.clone()));
    // A vehicle never seen before, while focused, comes last.
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('k'));
    receive(
        &mut app,
        &to_topic("VR3ABCDEFGH123456"),
        br#"{"content":{}}"#,
        61_000,
    );
    assert_eq!(
        app.vehicle_rows().last(),
        Some(&VehicleRow::Vehicle(vin("VR3ABCDEFGH123456")))
    );
}

#[test]
fn a_read_only_console_offers_no_publishing_in_its_footer_or_help() {
    let mut app = app();
    app.rules.read_only = true;
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    let shown = screen(&app);
    let footer = shown.lines().nth(usize::from(app.size.1) - 1).unwrap_or("");
    assert!(
        !footer.contains("Ctrl-S"),
        "footer offers publishing:\n{shown}"
    );
    assert!(footer.contains("read-only"), "{footer}");
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    let help = screen(&app);
    assert!(!help.contains("Ctrl-S"), "help offers publishing:\n{help}");
    assert!(help.contains("Read-only"), "{help}");
    key(&mut app, KeyCode::Esc);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('?'));
    let help = screen(&app);
    assert!(
        !help.contains("Ctrl-S") && !help.contains("mark"),
        "no marking for a fleet publish either:\n{help}"
    );
    // A console that may publish still offers it.
    let mut app = super::testing::app();
    focus(&mut app, Focus::Editor);
    assert!(screen(&app).contains("Ctrl-S"));
}

#[test]
fn a_publish_from_open_says_there_is_no_broker_not_read_only_flag() {
    let mut app = app();
    // What `open` sets up: files, no broker, read-only rules.
    app.rules.read_only = true;
    update(&mut app, Msg::Session(SessionEvent::Connected));
    app.connection = ConnectionState::Offline;
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    let said = status(&app);
    assert!(said.contains("no broker"), "{said}");
    assert!(!said.contains("--read-only"), "{said}");
    focus(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("no broker"));
}

#[test]
fn mark_all_and_none_are_keys_of_the_vehicles_pane_shown_in_its_footer() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    let shown = screen(&app);
    assert!(shown.contains("Space mark  a all  n none"), "{shown}");
    // At 80 columns the footer still ends with the way to the help.
    update(&mut app, Msg::Resize(80, 24));
    let shown = screen(&app);
    assert!(
        shown.lines().last().unwrap_or("").contains("? help"),
        "{shown}"
    );
    update(&mut app, Msg::Resize(160, 45));
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(
        app.vehicles.marked(),
        &[vin(VIN_A), vin(VIN_B), vin(VIN_C)].into_iter().collect()
    );
    key(&mut app, KeyCode::Char('n'));
    assert!(app.vehicles.marked().is_empty());
    // Mark all keeps to the vehicles the filter lists.
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, VIN_C);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.vehicles.marked(), &[vin(VIN_C)].into_iter().collect());
}

#[test]
fn a_fleet_confirmation_with_nothing_to_confirm_says_why_and_swallows_the_answer() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    app.vehicles.select(VehicleRow::Vehicle(vin(VIN_A)));
    key(&mut app, KeyCode::Char(' '));
    // A popup to VIN_A went out 5 s ago: the only marked vehicle refuses it.
    app.popups.record(
        &vin(VIN_A),
        t0().timestamp_millis().cast_unsigned() + 70_000,
    );
    focus(&mut app, Focus::Editor);
    let text = r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Service due","content":{"type":"notice"}}"#;
    set_editor(&mut app, text);
    assert_eq!(ctrl(&mut app, 's'), None);
    let shown = screen(&app);
    assert!(shown.contains("Nothing to publish"), "{shown}");
    assert!(shown.contains(&format!("✗ {VIN_A}")), "{shown}");
    assert!(
        status(&app).contains("nothing was sent"),
        "{}",
        status(&app)
    );
    assert_eq!(key(&mut app, KeyCode::Char('y')), None);
    assert_eq!(app.modal, None, "the answer closes it");
    assert_eq!(app.editor.text(), text, "the y went nowhere");
    assert_eq!(app.history.tx, 0);
}

/// The vehicles pane's row of `target`.
fn vehicle_row(app: &super::App, target: &str) -> String {
    let shown = screen(app);
    shown
        .lines()
        .find(|l| l.contains(target) && l.contains(" rx "))
        .unwrap_or_else(|| panic!("no row for {target}:\n{shown}"))
        .to_owned()
}

#[test]
fn tracking_figures_sit_beside_the_label_and_count_unacknowledged_only_after_the_timeout() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("publishes: {}", status(&app));
    };
    let cid = outgoing.cid.clone().unwrap();
    update(&mut app, Msg::Published(outgoing));
    focus(&mut app, Focus::Log);
    let row = vehicle_row(&app, VIN_A);
    assert!(row.contains("bench NAC"), "the label stays: {row}");
    assert!(
        !row.contains('✗'),
        "waiting is not unacknowledged yet: {row}"
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    let row = vehicle_row(&app, VIN_A);
    assert!(
        row.contains("bench NAC") && row.contains("1✗"),
        "after the timeout: {row}"
    );
    // A late reply acknowledges it: the figures show its round trip, beside the label.
    receive(
        &mut app,
        &to_topic(VIN_A),
        format!(r#"{{"content":{{"type":"ack","ref":"{cid}"}}}}"#).as_bytes(),
        32_000,
    );
    let row = vehicle_row(&app, VIN_A);
    assert!(
        row.contains("bench NAC") && row.contains("ms") && !row.contains('✗'),
        "{row}"
    );
    // Narrow terminals (only the focused pane): the label gives way only
    // in part, the figures stay.
    focus(&mut app, Focus::Vehicles);
    for (width, height) in [(80, 24), (60, 20)] {
        update(&mut app, Msg::Resize(width, height));
        let row = vehicle_row(&app, VIN_A);
        assert!(
            row.contains("bench") && row.contains("ms"),
            "{width}x{height}: {row}"
        );
    }
}

mod drawing;
mod help;
mod log_pane;
mod screens;
mod status_bar;
mod templates;
mod wide_text;

#[test]
fn the_vehicle_list_holds_still_after_its_filter_is_cleared() {
    let mut app = app();
    three_vehicles(&mut app);
    focus(&mut app, Focus::Vehicles);
    key(&mut app, KeyCode::Char('/'));
    for c in "VF3".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Esc);
    assert!(app.vehicles.filter().is_empty());
    let before = app.vehicle_rows();
    let Some(VehicleRow::Vehicle(last)) = before.last().cloned() else {
        panic!("rows: {before:?}");
    };
    receive(
        &mut app,
        &to_topic(last.as_str()),
        br#"{"content":{}}"#,
        60_000,
    );
    assert_eq!(
        app.vehicle_rows(),
        before,
        "the rows the filter had hidden hold still too"
    );
}

#[test]
fn a_read_only_production_console_does_not_promise_to_ask_before_publishing() {
    let mut app = app();
    app.rules.production = true;
    app.rules.read_only = true;
    let shown = screen(&app);
    assert!(shown.contains("PRODUCTION READ-ONLY"), "{shown}");
    assert!(!shown.contains("every publish asks first"), "{shown}");
}
