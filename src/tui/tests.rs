//! `update` tests (keys and MQTT events in, state and commands out) and
//! whole-screen snapshots on a `TestBackend` with a fixed clock: the
//! shared helpers and the first snapshots here, the tests by pane and
//! journey in `tests/`.

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
    app.editor()
        .status()
        .as_ref()
        .map(|(_, s)| s.clone())
        .unwrap_or_default()
}

fn select_vehicle(app: &mut super::App, target: &str) {
    focus_on(app, Focus::Vehicles);
    cursor_to(app, &VehicleRow::Vehicle(vin(target)));
    key(app, KeyCode::Enter);
}

fn set_editor(app: &mut super::App, text: &str) {
    app.set_editor_text(text);
}

fn is_silent(app: &super::App, last_seen: Option<chrono::DateTime<chrono::Utc>>) -> bool {
    crate::tui::panes::vehicles::is_silent(app.now(), last_seen, app.silent_after())
}

// Whole screens.

fn screen(app: &super::App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size().0, app.size().1)).unwrap();
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
fn snapshot_filtered_log() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "popup");
    finish_search(&mut app);
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_detail_of_a_json_message() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.focus(), Focus::Detail);
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
    focus_on(&mut app, Focus::Editor);
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
    focus_on(&mut app, Focus::Editor);
    ctrl(&mut app, 's');
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_help_popup() {
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!(screen(&app));
}

#[test]
fn snapshot_small_terminal_40x12() {
    let mut app = app_with(40, 12, 1000);
    three_vehicles(&mut app);
    insta::assert_snapshot!(screen(&app));
}

fn buffer(app: &super::App) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size().0, app.size().1)).unwrap();
    terminal.draw(|frame| super::view(frame, app)).unwrap();
    terminal.backend().buffer().clone()
}

mod rules {
    include!("../../tests/it/util/rules.rs");
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
    let file = app.add_file("opened.jsonl".into());
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

/// The vehicles pane's row of `target`.
fn vehicle_row(app: &super::App, target: &str) -> String {
    let shown = screen(app);
    shown
        .lines()
        .find(|l| l.contains(target) && l.contains(" rx "))
        .unwrap_or_else(|| panic!("no row for {target}:\n{shown}"))
        .to_owned()
}

mod accounts;
mod alerts;
mod detail;
mod drawing;
mod editor;
mod editor_drafts;
mod fleet;
mod fleet_refusals;
mod help;
mod jump;
mod log_filter;
mod log_jq;
mod log_pane;
mod mouse_and_sizes;
mod popups;
mod publish;
mod read_only;
mod rule_matrix;
mod screens;
mod status_bar;
mod templates;
mod tracking;
mod vehicles;
mod wide_text;
