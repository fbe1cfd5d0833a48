//! The console's state and its pure `update`: messages in, state and
//! commands out. No I/O, no waiting; the run loop executes the commands.
//! Here the state and `update`; the messages and commands in msg.rs,
//! routing in route.rs, what arrives in events.rs.
//! `App` routes: keys, clicks and scrolls go to the pane they are for
//! (see [`super::panes`]), and `App` acts on what the pane answers.

mod alerts;
mod compose;
mod events;

use events::{on_loaded, on_session, on_tick};
mod modals;
mod mouse;
mod msg;
mod paste;
mod read;
mod route;
mod save_rule;
pub use save_rule::RuleToSave;

use route::on_key;
mod status;

use super::editor::{EditorState, StatusLevel, Template};
use super::keys::{Action, KeyTable, Scope};
use super::panes::alerts::AlertsPane;
use super::panes::detail::DetailPane;
use super::panes::log::LogPane;
use super::panes::vehicles::VehiclesPane;
use crate::domain::envelope::{self, MessageKind};
use crate::domain::outbound::{NotReady, OutboundRules};
use crate::domain::tracking::Deliveries;
use crate::domain::{PopupLedger, Vin};
use crate::mqtt::certificate::ExpiryWatch;
use crate::store::{History, Place};
use chrono::{DateTime, FixedOffset, Utc};
use compose::on_published;
use ratatui::crossterm::event::{KeyEvent, KeyEventKind};
use ratatui::layout::Rect;
use std::time::Duration;

pub use super::modal::Modal;
pub use super::panes::Focus;
pub use super::panes::vehicles::{VehicleRow, VehicleSort};
pub use events::NOTICE_FADES_AFTER;
#[cfg(test)]
pub(crate) use modals::open_help;
pub use msg::{Command, Loaded, Losses, Msg, Outgoing, Progress};
pub use status::{ConnectionState, Header, HistoryOf, JournalState};

/// The whole console state.
pub struct App {
    now: DateTime<Utc>,
    /// The time zone times are shown in.
    offset: FixedOffset,
    /// The rules every publish obeys (topics, app id, size limit, catalog,
    /// tracking, read-only, production): the same ones `send` and
    /// `replay` use.
    rules: OutboundRules,
    header: Header,
    history: History,
    connection: ConnectionState,
    /// Messages this session lost, and why the last were.
    losses: Option<Losses>,
    focus: Focus,
    modal: Option<Modal>,
    vehicles: VehiclesPane,
    log: LogPane,
    detail: DetailPane,
    /// What the watch rules raised, and the pane (`A`) that lists it.
    alerts: AlertsPane,
    /// Tracked messages that went unanswered since the run loop last
    /// took them (for the `unacknowledged` watch rules).
    no_replies: Vec<crate::tui::intake::watching::NoReply>,
    /// The config file and profile `W` saves watch rules in.
    rules_file: Option<(std::path::PathBuf, String)>,
    editor: EditorState,
    templates: Vec<Template>,
    /// The account's popup ledger as last read from disk (the run loop
    /// refreshes it and reserves each popup there before publishing).
    popups: PopupLedger,
    /// Messages per second, inbound, live (not history read from files).
    rate: f64,
    rate_mark: (DateTime<Utc>, u64),
    /// A vehicle silent longer than this is marked.
    silent_after: Duration,
    /// Terminal size.
    size: (u16, u16),
    no_color: bool,
    journal: JournalState,
    /// The last background outcome (an export), for the status bar.
    notice: Option<(StatusLevel, String)>,
    /// When the notice was given: one that tells of something done fades
    /// after [`NOTICE_FADES_AFTER`]; an error stays until replaced.
    notice_since: DateTime<Utc>,
    /// Files being indexed, for the status bar's progress bar.
    progress: Option<Progress>,
    deliveries: Deliveries,
    /// Every key: dispatch, footer and help read it.
    keys: KeyTable,
    /// The vehicles a fleet publish refused when it was answered, told
    /// with the run loop's refusals once it is done.
    fleet_refused: Vec<(Vin, String)>,
    /// The client certificate's end, for the status bar to warn as it
    /// nears (`None` without a client certificate).
    certificate: Option<ExpiryWatch>,
}

/// What the console starts with.
pub struct AppConfig {
    pub rules: OutboundRules,
    pub header: Header,
    pub fleet: Vec<(Vin, Option<String>)>,
    /// How many of the newest messages' index slots stay in memory
    /// (the older ones spill to a file; none is dropped).
    pub slots_in_memory: usize,
    pub templates: Vec<Template>,
    pub offset: FixedOffset,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    pub no_color: bool,
}

fn unix_ms(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

impl App {
    pub fn new(config: AppConfig) -> Self {
        let first_template = config
            .templates
            .first()
            .map(|t| t.text.clone())
            .unwrap_or_default();
        let mut app = Self {
            now: config.now,
            offset: config.offset,
            rules: config.rules,
            header: config.header,
            history: History::new(config.slots_in_memory, config.fleet),
            connection: ConnectionState::Connecting,
            losses: None,
            focus: Focus::Log,
            modal: None,
            vehicles: VehiclesPane::default(),
            log: LogPane::default(),
            detail: DetailPane::default(),
            alerts: AlertsPane::default(),
            no_replies: Vec::new(),
            rules_file: None,
            editor: EditorState::new(&first_template),
            templates: config.templates,
            popups: PopupLedger::default(),
            rate: 0.0,
            rate_mark: (config.now, 0),
            silent_after: Duration::from_secs(60),
            size: config.size,
            no_color: config.no_color,
            journal: JournalState::Off,
            notice: None,
            notice_since: config.now,
            progress: None,
            deliveries: Deliveries::new(Duration::from_secs(30)),
            keys: KeyTable::default(),
            fleet_refused: Vec::new(),
            certificate: None,
        };
        app.name_keys();
        app.revalidate();
        app
    }

    /// The console with the keys of the config file's `[keys]`.
    #[must_use]
    pub fn with_keys(mut self, keys: KeyTable) -> Self {
        self.keys = keys;
        self.name_keys();
        self
    }

    /// What names a key outside the footer and the help, written from
    /// the table.
    fn name_keys(&mut self) {
        let templates = self.keys.first_label(Scope::Editor, Action::Templates);
        self.editor.name_templates_key(&templates);
    }

    /// The colours the console draws with.
    pub fn theme(&self) -> super::theme::Theme {
        super::theme::Theme {
            color: !self.no_color,
            production: self.rules.production,
        }
    }

    /// The payload cache's budget (`--cache-mb`).
    #[must_use]
    pub fn with_cache_bytes(mut self, bytes: usize) -> Self {
        self.history.set_cache_bytes(bytes);
        self
    }

    /// The client certificate's end, watched: the status bar says it
    /// within the warning window, amber, then red under 7 days.
    #[must_use]
    pub fn with_certificate(mut self, watch: Option<ExpiryWatch>) -> Self {
        self.certificate = watch;
        self
    }

    /// Where `W` saves watch rules: the config file and the profile.
    #[must_use]
    pub fn with_rules_file(mut self, path: std::path::PathBuf, profile: String) -> Self {
        self.rules_file = Some((path, profile));
        self
    }

    /// How long a tracked message waits for its reply (`--track-timeout`).
    #[must_use]
    pub fn with_track_timeout(mut self, timeout: Duration) -> Self {
        self.deliveries.timeout = timeout;
        self
    }

    /// Puts `text` in the editor and validates it, as a paste into an
    /// emptied editor would (tests start from a given text).
    #[cfg(test)]
    pub(crate) fn set_editor_text(&mut self, text: &str) {
        self.editor.set_text(text);
        self.revalidate();
    }

    /// The history, for a test to shape what the fleet configuration
    /// cannot (a label set after traffic).
    #[cfg(test)]
    pub(crate) fn history_mut(&mut self) -> &mut History {
        &mut self.history
    }

    /// Swaps the history for `history` (a test shows what `view` draws
    /// does not come from it).
    #[cfg(test)]
    pub(crate) fn swap_history(&mut self, history: History) -> History {
        std::mem::replace(&mut self.history, history)
    }

    /// Names a file of records for the history before they are loaded
    /// (`open`, today's journal); their [`Loaded::Stored`] records point
    /// into it by the id returned.
    pub fn add_file(&mut self, path: std::path::PathBuf) -> u16 {
        self.history.add_file(path)
    }

    /// The tracked messages that went unanswered since last asked: the
    /// run loop hands them to the intake, where the watch rules are.
    pub fn take_no_replies(&mut self) -> Vec<crate::tui::intake::watching::NoReply> {
        std::mem::take(&mut self.no_replies)
    }

    /// Validates the editor's text for its target (placeholders resolved)
    /// and measures the exact bytes that would be published.
    pub fn revalidate(&mut self) {
        let recipient = self
            .editor
            .target()
            .cloned()
            .or_else(|| self.vehicles.marked().first().cloned());
        self.editor.revalidate(&self.rules, recipient.as_ref());
    }
}

/// Applies one message; returns what the loop must do, if anything.
pub fn update(app: &mut App, msg: Msg) -> Option<Command> {
    // A notice that changed starts its own clock (notices are short and rare).
    let notice_before = app.notice.clone();
    let command = apply(app, msg);
    if app.notice != notice_before {
        app.notice_since = app.now;
    }
    // In a small terminal the detail pane shows only once it has the
    // focus: it is wrapped again at the width it gets then.
    let rewrap = app
        .detail_width()
        .is_some_and(|width| !app.detail.wrapped_at(width));
    if app.detail.is_stale() || rewrap {
        app.refresh_detail();
    }
    app.vehicles
        .hold_order(app.focus == Focus::Vehicles, &app.history);
    // What the log will draw is read now: drawing reads no file.
    let rows = app.log_rows_visible();
    app.log.resolve_window(&app.history, rows);
    modals::refresh_help(app);
    command
}

fn apply(app: &mut App, msg: Msg) -> Option<Command> {
    match msg {
        Msg::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key),
        Msg::Key(_) => None,
        Msg::Mouse(mouse) if app.modal.is_some() => modals::on_modal_mouse(app, mouse),
        Msg::Mouse(mouse) if app.alerts.shown() => alerts::on_alerts_mouse(app, mouse),
        Msg::Mouse(mouse) => {
            mouse::on_mouse(app, mouse);
            None
        }
        Msg::Paste(text) => {
            paste::on_paste(app, &text);
            None
        }
        Msg::Resize(width, height) => {
            let before = app.areas().detail.map(|r| r.width);
            app.size = (width, height);
            let rows = app.log_rows_visible();
            app.log.keep_selection_visible(&app.history, rows);
            if app.areas().detail.map(|r| r.width) != before {
                // Rewrap the detail for the new width.
                app.detail.rewrap();
            }
            None
        }
        Msg::Tick(now) => {
            on_tick(app, now);
            None
        }
        Msg::Session(event) => {
            on_session(app, event);
            None
        }
        Msg::Received(messages) => apply(
            app,
            Msg::Loaded(
                messages
                    .into_iter()
                    .map(|m| Loaded::Received(m, Place::Nowhere))
                    .collect(),
            ),
        ),
        Msg::Loaded(records) => {
            on_loaded(app, records);
            None
        }
        Msg::Alerts(raised) => {
            alerts::on_alerts(app, raised);
            None
        }
        Msg::Journal(state) => {
            app.header.journal_now(&state);
            app.journal = state;
            None
        }
        Msg::JournalOpened(stats) => {
            app.history.attach_journal(stats);
            None
        }
        Msg::Journaled { seq, place } => {
            app.history.set_place(seq, place);
            None
        }
        Msg::Offline => {
            app.connection = ConnectionState::Offline;
            None
        }
        Msg::Published(outgoing) => {
            on_published(app, outgoing);
            None
        }
        Msg::Notice(level, text) => {
            app.notice = Some((level, text));
            None
        }
        Msg::Progress(progress) => {
            app.progress = progress;
            None
        }
        Msg::Lost(losses) => {
            app.losses = Some(losses);
            None
        }
        Msg::Popups(ledger) => {
            app.popups = ledger;
            None
        }
        Msg::PublishRefused { outgoing, reason } => {
            compose::on_refused(app, &outgoing, &reason);
            None
        }
        Msg::PublishedToFleet { sent, refused } => {
            compose::on_published_to_fleet(app, &sent, &refused);
            None
        }
        Msg::PublishFailed(reason) => {
            app.editor.set_status(StatusLevel::Error, reason);
            None
        }
    }
}
