//! Alerts as `App` files them and acts on the Alerts pane's answers: each
//! alert's message is found in the history by its time and vehicle (the
//! log's sequence numbers are the session's own, and an alert read back
//! after a restart knows only those), and Enter lands on it in the log.

use super::{App, Command, Focus, StatusLevel};
use crate::store::{History, LogFilter, VehicleFilter};
use crate::tui::keys::{Action, Scope};
use crate::tui::panes::alerts::{Alert, AlertsAnswer, Filed};
use chrono::{DateTime, Utc};

/// Files alerts the intake raised (or the loader read back), newest last.
pub(super) fn on_alerts(app: &mut App, alerts: Vec<Alert>) {
    for alert in alerts {
        let seq = match (&alert.message_at, &alert.vin) {
            (Some(at), Some(vin)) => {
                find_message(&app.history, *at, &VehicleFilter::Vehicle(vin.clone()))
            }
            (Some(at), None) => find_message(&app.history, *at, &VehicleFilter::All),
            _ => None,
        };
        let message = seq
            .and_then(|seq| app.history.by_seq(seq))
            .map(|entry| match &entry.action {
                Some(action) => format!("{} {action} {}", entry.kind, entry.preview()),
                None => format!("{} {}", entry.kind, entry.preview()),
            })
            .unwrap_or_default();
        app.alerts.file(alert, seq, message);
    }
}

/// The message received at `at` from the vehicle(s) `vehicle`: the
/// history is in time order (files are merged by time, live messages come
/// after them), so a binary search finds the first message of that
/// millisecond, and the vehicle is read from the index alone.
fn find_message(history: &History, at: DateTime<Utc>, vehicle: &VehicleFilter) -> Option<u64> {
    let at = at.timestamp_millis();
    let millis = |seq: u64| history.at(seq).map(|t| t.timestamp_millis());
    let (mut low, mut high) = (0, history.end_seq());
    while low < high {
        let middle = low + (high - low) / 2;
        if millis(middle).is_some_and(|t| t < at) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    let filter = LogFilter {
        vehicle: vehicle.clone(),
        ..LogFilter::default()
    };
    (low..history.end_seq())
        .take_while(|seq| millis(*seq) == Some(at))
        .find(|seq| history.passes(*seq, &filter))
}

/// A key while the Alerts pane is up.
pub(super) fn on_alerts_key(app: &mut App, action: Action) -> Option<Command> {
    if action == Action::Interrupt {
        return Some(Command::Quit);
    }
    let page = usize::from(app.size.1.saturating_sub(6)).max(1);
    match app.alerts.handle(action, page) {
        AlertsAnswer::Nothing | AlertsAnswer::Close => {}
        AlertsAnswer::Help => super::modals::open_help(app),
        AlertsAnswer::Acknowledged(0) => {
            app.notice = Some((StatusLevel::Info, "no open alert to acknowledge".into()));
        }
        AlertsAnswer::Acknowledged(n) => {
            app.notice = Some((
                StatusLevel::Info,
                format!("{n} alert(s) acknowledged; {} open", app.alerts.open()),
            ));
        }
        AlertsAnswer::Jump(filed) => jump(app, &filed),
    }
    None
}

/// Enter on an alert: the log selects its message and takes the focus.
fn jump(app: &mut App, filed: &Filed) {
    let Some(seq) = filed.seq else {
        let why = if filed.alert.message_at.is_none() {
            format!(
                "a {} alert is about no message: {} to the log, {} to jump to a time",
                filed.alert.raised.label(),
                app.keys.first_label(Scope::Alerts, Action::Close),
                app.keys.first_label(Scope::Log, Action::JumpToTime)
            )
        } else {
            "its message is not in the history the console has read".to_owned()
        };
        app.notice = Some((StatusLevel::Info, why));
        return;
    };
    app.alerts.show(false);
    app.focus = Focus::Log;
    let rows = app.log_rows_visible();
    match app.log.select_message(seq, &app.history, rows) {
        Some(reaction) => {
            app.react(reaction);
        }
        None => {
            app.notice = Some((
                StatusLevel::Info,
                format!(
                    "the alert's message is hidden by the log's filter: {} in the log clears it, then {} and Enter again",
                    app.keys.first_label(Scope::Log, Action::ClearFilter),
                    app.keys.first_label(Scope::Global, Action::ShowAlerts)
                ),
            ));
        }
    }
}

/// The wheel over the Alerts pane moves its cursor; a click does nothing.
pub(super) fn on_alerts_mouse(
    app: &mut App,
    mouse: ratatui::crossterm::event::MouseEvent,
) -> Option<Command> {
    use ratatui::crossterm::event::MouseEventKind;
    let action = match mouse.kind {
        MouseEventKind::ScrollUp => Action::Up,
        MouseEventKind::ScrollDown => Action::Down,
        _ => return None,
    };
    for _ in 0..3 {
        app.alerts.handle(action, 1);
    }
    None
}
