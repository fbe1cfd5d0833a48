//! What `App` lets others read: the panes, the history, the rules and the
//! state the bars tell. Nothing outside `app` writes them; changes come
//! as `Msg`s through `update`.

use super::{
    App, ConnectionState, DetailPane, EditorState, Focus, Header, History, JournalState, LogPane,
    Modal, OutboundRules, PopupLedger, Progress, StatusLevel, Template, VehiclesPane,
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

    /// Messages the session dropped because the console could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped
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
}
