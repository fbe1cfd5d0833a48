//! Routing: a key goes to the modal open, else to `App` for what it does
//! itself (focus, windows, publishing), else to the focused pane; `App`
//! then acts on what the pane answered.

use super::compose::{publish, reply, toggle_tracking};
use super::modals::{self, open_help};
use super::{App, Command, ConnectionState, Focus, StatusLevel, VehicleRow};
use crate::store::VehicleFilter;
use crate::tui::keys::{Action, Scope};
use crate::tui::panes::log::{DetailUpdate, LogReaction};
use ratatui::crossterm::event::KeyEvent;

impl App {
    /// Acts on what the log answered: a notice, the detail to show, the
    /// vehicle list's cursor, the focus, a command for the loop.
    pub(super) fn react(&mut self, reaction: LogReaction) -> Option<Command> {
        if let Some(notice) = reaction.notice {
            self.notice = Some(notice);
        }
        if reaction.vehicle_cleared {
            self.vehicles.select(VehicleRow::All);
        }
        match reaction.detail {
            DetailUpdate::Keep => {}
            DetailUpdate::Now => self.refresh_detail(),
            DetailUpdate::Later => self.detail.mark_stale(),
        }
        if reaction.open_detail {
            self.focus = Focus::Detail;
        }
        reaction.command
    }

    /// The detail pane's inner width, while it is on the screen.
    pub(super) fn detail_width(&self) -> Option<usize> {
        self.areas()
            .detail
            .map(|r| usize::from(r.width.saturating_sub(2)))
    }

    /// The detail shows the log's selection, read back here, in `update`.
    pub(super) fn refresh_detail(&mut self) {
        // Hidden (a small terminal shows the focused pane only), it is
        // wrapped as it was; once it shows, at the width it gets.
        let width = self.detail_width().or(self.detail.width()).unwrap_or(80);
        self.detail
            .show(self.log.selected(), &self.history, self.offset, width);
    }

    /// Keeps the log and the detail in step with an entry just filed
    /// (a publish, a refusal).
    pub(super) fn after_push(&mut self, seq: u64) {
        let rows = self.log_rows_visible();
        let detail = self.log.after_push(seq, &self.history, rows);
        self.react(LogReaction {
            detail,
            ..LogReaction::default()
        });
    }

    /// The filter prompt's text, for the pane it filters.
    pub(super) fn set_filter_text(&mut self, target: Focus, text: &str) {
        if target == Focus::Vehicles {
            self.vehicles.set_filter(text.to_owned());
        } else {
            let rows = self.log_rows_visible();
            let reaction = self.log.set_filter_text(text, &self.history, rows);
            self.react(reaction);
        }
    }

    /// Enter on a vehicle row: the log shows that vehicle (or all, or the
    /// unrecognised topics) and the editor targets it.
    pub(super) fn choose_vehicle(&mut self, row: VehicleRow) {
        let filter = match row {
            VehicleRow::All => VehicleFilter::All,
            VehicleRow::Vehicle(vin) => {
                self.editor.set_target(vin.clone());
                self.revalidate();
                VehicleFilter::Vehicle(vin)
            }
            VehicleRow::Unrecognised => VehicleFilter::Unrecognised,
        };
        let rows = self.log_rows_visible();
        let reaction = self.log.show_vehicle(filter, &self.history, rows);
        self.react(reaction);
    }

    /// An action for `pane` (the focused one for a key; the one under the
    /// pointer for the wheel), the focus left as it is.
    pub(super) fn act_on_pane(&mut self, pane: Focus, action: Action) -> Option<Command> {
        match pane {
            Focus::Vehicles => {
                if let Some(row) = self.vehicles.handle(action, &self.history) {
                    self.choose_vehicle(row);
                }
                None
            }
            Focus::Log => {
                let rows = self.log_rows_visible();
                let reaction = self.log.handle(action, &self.history, rows);
                self.react(reaction)
            }
            Focus::Detail => {
                let detail_rows = self
                    .areas()
                    .detail
                    .map_or(10, |r| usize::from(r.height.saturating_sub(2)));
                self.detail.handle(action, detail_rows);
                None
            }
            Focus::Editor => {
                if self.editor.handle(action) {
                    self.revalidate();
                }
                None
            }
        }
    }
}

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Option<Command> {
    if app.modal.is_some() {
        return modals::on_modal_key(app, key);
    }
    // The Alerts pane, up, takes only its own keys (and the interrupt).
    if app.alerts.shown() {
        let action = app.keys.action_for(Scope::Alerts, &key)?;
        return super::alerts::on_alerts_key(app, action);
    }
    // Keys that only work while the login is refused come first.
    if matches!(app.connection, ConnectionState::LoginRefused { .. })
        && let Some(action) = app.keys.action_for(Scope::LoginRefused, &key)
    {
        return on_action(app, action);
    }
    match app.keys.action_for(app.focus.scope(), &key) {
        Some(action) => on_action(app, action),
        None if app.focus == Focus::Editor => {
            if app.editor.input(key) {
                app.revalidate();
            }
            None
        }
        None => None,
    }
}

/// What `App` does itself (focus, windows, publishing, copying); the
/// rest goes to the focused pane.
fn on_action(app: &mut App, action: Action) -> Option<Command> {
    match action {
        Action::Quit | Action::Interrupt => return Some(Command::Quit),
        Action::RetryLogin => {
            if matches!(app.connection, ConnectionState::LoginRefused { .. }) {
                app.connection = ConnectionState::Connecting;
                // The answer comes back at once and the status bar then
                // reads as before: this says the press did something.
                app.notice = Some((
                    StatusLevel::Info,
                    format!(
                        "login tried again at {}",
                        app.now.with_timezone(&app.offset).format("%H:%M:%S")
                    ),
                ));
                return Some(Command::RetryLogin);
            }
        }
        Action::Help => open_help(app),
        Action::ShowAlerts => app.alerts.show(true),
        Action::SaveRule => super::save_rule::open(app),
        Action::FocusNext => app.focus = app.focus.step(true),
        Action::FocusPrevious => app.focus = app.focus.step(false),
        Action::FocusEditor => app.focus = Focus::Editor,
        Action::LeaveEditor => app.focus = Focus::Log,
        Action::Templates => modals::open_templates(app),
        Action::Filter => modals::open_filter(app),
        Action::JumpToTime => modals::open_time_prompt(app),
        Action::JqFilter => modals::open_jq_prompt(app),
        Action::Copy => {
            let seq = app.detail.seq().or(app.log.selected())?;
            let entry = app.history.by_seq(seq)?;
            if let Some(reason) = entry.unavailable {
                app.notice = Some((
                    StatusLevel::Error,
                    format!("nothing copied: the payload is unavailable ({reason})"),
                ));
                return None;
            }
            return Some(Command::Copy(entry.payload.to_vec()));
        }
        Action::Reply => reply(app),
        Action::Publish => return publish(app),
        Action::ToggleTracking => toggle_tracking(app),
        // The footer does not offer marking where nothing can be published;
        // the key, pressed anyway, says why instead of putting a mark that
        // could do nothing.
        Action::Mark | Action::MarkAll | Action::MarkNone
            if let Some(why) = app.read_only_reason() =>
        {
            app.notice = Some((
                StatusLevel::Info,
                format!("no mark: marks are for a fleet publish, and {why}"),
            ));
        }
        // "all vehicles" and the unrecognised group are no vehicle to mark.
        Action::Mark
            if app.focus == Focus::Vehicles
                && !matches!(app.vehicles.selected(), VehicleRow::Vehicle(_)) =>
        {
            app.notice = Some((
                StatusLevel::Info,
                format!(
                    "no mark: {} marks one vehicle, {} every listed one",
                    app.keys.label(Scope::Vehicles, Action::Mark),
                    app.keys.label(Scope::Vehicles, Action::MarkAll)
                ),
            ));
        }
        _ => return app.act_on_pane(app.focus, action),
    }
    None
}
