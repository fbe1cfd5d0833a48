//! Helpers for the console's tests: an app with a fixed clock and a fixed
//! fleet, and ways to feed it traffic and keys.

use super::app::{App, AppConfig, Header, Msg, update};
use super::editor::builtin_templates;
use crate::domain::{TopicScheme, Vin};
use crate::mqtt::{InboundPublish, SessionEvent};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub const VIN_A: &str = "VF3ABCDEFGH123456";
pub const VIN_B: &str = "ZFA1234567890ABCD";
pub const VIN_C: &str = "W0L0000000000A1B2";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 14, 3, 0).unwrap()
}

pub fn app_with(width: u16, height: u16, slots_in_memory: usize) -> App {
    app_configured(width, height, slots_in_memory, |_| {})
}

/// An app started with what `adjust` changes in the test's configuration
/// (production, read-only, a catalog, whose history the title names).
pub fn app_configured(
    width: u16,
    height: u16,
    slots_in_memory: usize,
    adjust: impl FnOnce(&mut AppConfig),
) -> App {
    let topics = TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true).unwrap();
    let mut config = AppConfig {
        header: Header {
            profile: Some("test".into()),
            broker: "mqtts://broker.test:8886".into(),
            demo: false,
            insecure: false,
            uid: topics.uid.clone(),
            history_of: super::app::HistoryOf::Unnamed,
        },
        rules: crate::domain::outbound::OutboundRules {
            app_id: Some("APP".into()),
            ..crate::domain::outbound::OutboundRules::new(topics)
        },
        fleet: vec![(Vin::parse(VIN_A).unwrap(), Some("bench NAC".into()))],
        slots_in_memory,
        templates: builtin_templates(),
        offset: FixedOffset::east_opt(0).unwrap(),
        now: t0(),
        size: (width, height),
        no_color: true,
    };
    adjust(&mut config);
    let mut app = App::new(config);
    update(&mut app, Msg::Session(SessionEvent::Connected));
    app
}

pub fn app() -> App {
    app_with(160, 45, 100_000)
}

/// The default test app, started with what `adjust` changes.
pub fn app_where(adjust: impl FnOnce(&mut AppConfig)) -> App {
    app_configured(160, 45, 100_000, adjust)
}

pub fn to_topic(vin: &str) -> String {
    format!("psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/{vin}/")
}

/// A message arriving `ms` milliseconds after `t0`.
pub fn receive(app: &mut App, topic: &str, payload: &[u8], ms: i64) {
    let publish = InboundPublish {
        topic: topic.to_owned(),
        payload: bytes::Bytes::copy_from_slice(payload),
        received_at: t0() + chrono::Duration::milliseconds(ms),
    };
    update(app, Msg::Session(SessionEvent::Message(publish)));
}

pub fn action(name: &str) -> String {
    format!(r#"{{"content":{{"type":"action","action":"{name}","params":{{"n":1}}}}}}"#)
}

pub fn key(app: &mut App, code: KeyCode) -> Option<super::app::Command> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub fn ctrl(app: &mut App, c: char) -> Option<super::app::Command> {
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Traffic from three vehicles, the last one a minute later.
pub fn three_vehicles(app: &mut App) {
    receive(app, &to_topic(VIN_A), action("unlock").as_bytes(), 0);
    receive(app, &to_topic(VIN_B), action("climateOn").as_bytes(), 1_000);
    receive(app, &to_topic(VIN_C), b"debug: webview reloaded", 2_000);
    receive(
        app,
        &to_topic(VIN_B),
        br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked","content":{}}"#,
        3_000,
    );
    update(app, Msg::Tick(t0() + chrono::Duration::seconds(75)));
}

/// Lets a text search run to its end (it streams hits in on ticks).
pub fn finish_search(app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.log().searching() {
        assert!(
            std::time::Instant::now() < deadline,
            "the search never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
        let now = app.now();
        update(app, Msg::Tick(now));
    }
}

/// Lets whatever fills the log's view (a search, the jq scan, the
/// index scan) run to its end, ticking as the run loop does.
pub fn finish_filling(app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.log().filling() {
        assert!(
            std::time::Instant::now() < deadline,
            "the view never filled"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
        let now = app.now();
        update(app, Msg::Tick(now));
    }
}

/// Runs an export's worker as the run loop does (on a thread of its own,
/// into memory) while the app ticks, until the log has fed it all; the
/// lines written and what the worker counted.
pub fn finish_export(
    app: &mut App,
    work: crate::store::export_feed::ExportWork,
) -> (Vec<String>, crate::store::export_feed::ExportProgress) {
    let worker = std::thread::spawn(move || {
        let mut out = Vec::new();
        let done = work.run(&mut out).expect("written to memory");
        (out, done)
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.log().exporting() {
        assert!(
            std::time::Instant::now() < deadline,
            "the export never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
        let now = app.now();
        update(app, Msg::Tick(now));
    }
    let (out, done) = worker.join().expect("the worker ends");
    let text = String::from_utf8(out).expect("journal lines are text");
    (text.lines().map(str::to_owned).collect(), done)
}

/// Moves the focus to `pane` as a user does: Esc leaves the editor, `e`
/// enters it, Tab steps through the others.
pub fn focus_on(app: &mut App, pane: super::app::Focus) {
    use super::app::Focus;
    if app.focus() == pane {
        return;
    }
    if app.focus() == Focus::Editor {
        key(app, KeyCode::Esc);
    }
    if pane == Focus::Editor {
        key(app, KeyCode::Char('e'));
    }
    for _ in 0..4 {
        if app.focus() == pane {
            break;
        }
        key(app, KeyCode::Tab);
    }
    assert_eq!(app.focus(), pane, "the focus could not be moved by keys");
}

/// Closes whatever popup is open as a user does: the help with its
/// close key as bound, the others with Esc (a question takes any key as
/// its cancel).
pub fn close_popup(app: &mut App) {
    use super::keys::{Action, Scope};
    for _ in 0..3 {
        let close = match app.modal() {
            None => return,
            Some(super::app::Modal::Help(_)) => app
                .keys()
                .binding(Scope::Help, Action::Close)
                .and_then(|b| b.keys.first().copied())
                .map_or_else(
                    || KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                    |k| KeyEvent::new(k.code, k.modifiers),
                ),
            Some(_) => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        };
        update(app, Msg::Key(close));
    }
    assert_eq!(app.modal(), None, "the popup did not close");
}

/// [`focus_on`], by the name the first tests knew it.
#[allow(
    dead_code,
    reason = "tests written before the rename may still call it; `expect` would fail once one does"
)]
pub fn focus(app: &mut App, pane: super::app::Focus) {
    focus_on(app, pane);
}

/// Moves the vehicle list's cursor to `row` with the arrow keys (the
/// list focused, so its order holds while the cursor moves).
pub fn cursor_to(app: &mut App, row: &super::app::VehicleRow) {
    focus_on(app, super::app::Focus::Vehicles);
    let rows = app.vehicle_rows();
    let target = rows
        .iter()
        .position(|r| r == row)
        .unwrap_or_else(|| panic!("{row:?} is not listed: {rows:?}"));
    let current = app.vehicles().cursor(&rows);
    for _ in current..target {
        key(app, KeyCode::Down);
    }
    for _ in target..current {
        key(app, KeyCode::Up);
    }
    assert_eq!(app.vehicles().selected(), row);
}

/// Marks (or unmarks) `vin` for a fleet publish with Space.
pub fn mark(app: &mut App, vin: &Vin) {
    cursor_to(app, &super::app::VehicleRow::Vehicle(vin.clone()));
    key(app, KeyCode::Char(' '));
}

/// Types `text` as the vehicle list's filter (`/`, the text, Enter).
pub fn filter_vehicles(app: &mut App, text: &str) {
    focus_on(app, super::app::Focus::Vehicles);
    key(app, KeyCode::Char('/'));
    type_text(app, text);
    key(app, KeyCode::Enter);
}

/// A popup to `vin` at `at_ms` in the account's ledger, as the run loop
/// hands the ledger over (another process sent it, or this one).
pub fn record_popup(app: &mut App, vin: &Vin, at_ms: u64) {
    let mut ledger = app.popups().clone();
    ledger.record(vin, at_ms);
    update(app, Msg::Popups(ledger));
}
