//! What `App` lets others read: the panes, the history, the rules and the
//! state the bars tell. Nothing outside `app` writes them; changes come
//! as `Msg`s through `update`.

use super::{
    App, ConnectionState, DetailPane, EditorState, Focus, Header, History, JournalState, LogPane,
    Losses, Modal, OutboundRules, PopupLedger, Progress, StatusLevel, Template, VehiclesPane,
};
use crate::domain::tracking::Deliveries;
use crate::tui::keys::KeyTable;
use chrono::{DateTime, FixedOffset, Utc};
use std::time::Duration;

impl App {
    /// The clock as the last tick or key set it.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// The time zone times are shown in.
    pub fn offset(&self) -> FixedOffset {
        self.offset
    }

    /// The rules every publish obeys.
    pub fn rules(&self) -> &OutboundRules {
        &self.rules
    }

    /// The client certificate's end, when one is used.
    pub fn certificate(&self) -> Option<&crate::mqtt::certificate::ExpiryWatch> {
        self.certificate.as_ref()
    }

    /// What the title bar says about where the console is connected.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The message history.
    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn connection(&self) -> &ConnectionState {
        &self.connection
    }

    /// Messages this session lost (none while the journal is on and the
    /// disk writes), and why the last ones were.
    pub fn losses(&self) -> Option<&Losses> {
        self.losses.as_ref()
    }

    /// The focused pane.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// The popup open over the panes, if any.
    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    pub fn vehicles(&self) -> &VehiclesPane {
        &self.vehicles
    }

    pub fn log(&self) -> &LogPane {
        &self.log
    }

    /// The alerts the watch rules raised, and their pane.
    pub fn alerts(&self) -> &crate::tui::panes::alerts::AlertsPane {
        &self.alerts
    }

    pub fn detail(&self) -> &DetailPane {
        &self.detail
    }

    pub fn editor(&self) -> &EditorState {
        &self.editor
    }

    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The account's popup ledger as last read from disk.
    pub fn popups(&self) -> &PopupLedger {
        &self.popups
    }

    /// Messages per second, inbound, live.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// A vehicle silent longer than this is marked.
    pub fn silent_after(&self) -> Duration {
        self.silent_after
    }

    /// The terminal's size.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    pub fn journal(&self) -> &JournalState {
        &self.journal
    }

    /// The last background outcome, for the status bar.
    pub fn notice(&self) -> Option<&(StatusLevel, String)> {
        self.notice.as_ref()
    }

    /// Files being indexed, for the status bar's progress bar.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// What became of tracked messages.
    pub fn deliveries(&self) -> &Deliveries {
        &self.deliveries
    }

    /// Every key: dispatch, footer and help read it.
    pub fn keys(&self) -> &KeyTable {
        &self.keys
    }

    /// Where each pane is on the current terminal.
    pub fn areas(&self) -> crate::tui::layout::Areas {
        let status_rows = crate::tui::status_bar::rows(self, self.size.0);
        crate::tui::layout::areas(
            ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1),
            self.focus,
            status_rows,
        )
    }

    /// The log pane's height in rows (10 while it is not shown).
    pub(super) fn log_rows_visible(&self) -> usize {
        self.areas()
            .log
            .map_or(10, |r| usize::from(r.height.saturating_sub(2)).max(1))
    }

    /// The first row of the filtered view the log pane shows.
    pub fn log_top(&self) -> usize {
        self.log.top(&self.history, self.log_rows_visible())
    }

    /// How many messages the log shows under the current filter.
    pub fn log_len(&self) -> usize {
        self.log.len(&self.history)
    }

    /// The sequence number at `index` of the filtered view.
    pub fn log_seq_at(&self, index: usize) -> Option<u64> {
        self.log.seq_at(index, &self.history)
    }

    /// The vehicle list as shown: "all", each vehicle, "unrecognised".
    pub fn vehicle_rows(&self) -> Vec<super::VehicleRow> {
        self.vehicles.rows(&self.history)
    }

    /// Why nothing can be published from this console, if so: no broker
    /// (`open` reads files, and files are read-only), or read-only rules.
    /// The publish refusal, the footer and the help all ask here.
    pub fn read_only_reason(&self) -> Option<String> {
        if matches!(self.connection, ConnectionState::Offline) {
            Some(
                "there is no broker: `open` reads files, and files are read-only; to publish, start the console on a broker: `wpconsole --broker URL --uid UID` or `wpconsole --profile NAME`"
                    .into(),
            )
        } else if self.rules.read_only {
            Some(crate::domain::outbound::NotReady::ReadOnly.to_string())
        } else {
            None
        }
    }

    /// What the footer and help offer: no publishing key when nothing
    /// can be published.
    pub fn offer(&self) -> crate::tui::keys::Offer {
        crate::tui::keys::Offer {
            read_only: self.read_only_reason().is_some(),
        }
    }

    /// Seconds to wait before a popup to the editor's target is allowed.
    pub fn popup_wait(&self) -> Option<u64> {
        let vin = self.editor.target()?;
        self.popups
            .check(vin, super::unix_ms(self.now))
            .err()
            .map(|e| e.seconds_left)
    }
}
