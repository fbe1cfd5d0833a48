//! The console's state and its pure `update`: messages in, state and
//! commands out. No I/O, no waiting; the run loop executes the commands.
//! `App` routes: keys, clicks and scrolls go to the pane they are for
//! (see [`super::panes`]), and `App` acts on what the pane answers.

mod compose;
mod modals;
mod mouse;
mod paste;

use super::editor::{EditorState, StatusLevel, Template};
use super::keys::{Action, KeyTable, Scope};
use super::layout::{self, Areas};
use super::panes::detail::DetailPane;
use super::panes::log::{DetailUpdate, LogPane, LogReaction};
use super::panes::vehicles::VehiclesPane;
use crate::domain::envelope::{self, CheckedPayload, MessageKind};
use crate::domain::outbound::{NotReady, OutboundRules};
use crate::domain::tracking::Deliveries;
use crate::domain::{InboundMessage, PopupLedger, Vin};
use crate::mqtt::SessionEvent;
use crate::store::{History, Place, StoredRecord, VehicleFilter};
use chrono::{DateTime, FixedOffset, Utc};
use compose::{on_published, publish, reply, toggle_tracking};
use ratatui::crossterm::event::{KeyEvent, KeyEventKind, MouseEvent};
use ratatui::layout::Rect;
use std::time::Duration;

pub use super::modal::Modal;
pub use super::panes::Focus;
pub use super::panes::vehicles::{VehicleRow, VehicleSort};
pub(crate) use modals::open_help;

/// The connection as the status bar tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Connecting,
    Connected,
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    /// The broker refused the login: no attempt is made until the user
    /// asks (the retry key); `reason` names where the password came from.
    LoginRefused {
        reason: String,
    },
    /// `wpconsole open`: files, no broker (reading them while
    /// [`App::progress`] is set).
    Offline,
}

/// What the title bar says about where the console is connected.
#[derive(Debug, Clone)]
pub struct Header {
    pub profile: Option<String>,
    pub broker: String,
    pub demo: bool,
    pub uid: String,
    /// `--insecure`: the broker's certificate is not verified.
    pub insecure: bool,
    /// Whose history is on the screen.
    pub history_of: HistoryOf,
}

/// Whose history the console shows, for the title bar: one account's
/// history is its own, and the screen says whose it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HistoryOf {
    /// Not said (the title names the UID only).
    #[default]
    Unnamed,
    /// The journal of the account the console is connected to: what it
    /// starts with and what it writes.
    Journal(crate::account::Account),
    /// The account the console is connected to, keeping no journal.
    NoJournal(crate::account::Account),
    /// Files opened offline, with the accounts their directories name
    /// (the per-account layout); the UIDs of their records are in
    /// `History::accounts` as they are read.
    Files(Vec<crate::account::Account>),
}

/// Something the run loop must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Publish(Outgoing),
    /// One payload to several vehicles, each checked on its own.
    PublishMany(Vec<Outgoing>),
    /// Put bytes on the clipboard (OSC 52).
    Copy(Vec<u8>),
    /// Write these records (journal lines) to a new file.
    Export(Vec<String>),
    /// Try the refused login once more.
    RetryLogin,
    Quit,
}

/// A checked payload on its way to a vehicle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub vin: Vin,
    pub topic: String,
    pub payload: CheckedPayload,
    pub text: String,
    /// The correlation id stamped into the content, when tracked.
    pub cid: Option<String>,
}

/// Everything that can happen to the console.
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Text the user pasted (bracketed paste): text for the focused text
    /// field, never keys.
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (drives ages, rates and the popup countdown).
    Tick(DateTime<Utc>),
    Session(SessionEvent),
    /// Messages read back from journals or captures (`wpconsole open`).
    Loaded(Vec<Loaded>),
    /// Messages decoded (and journaled) by the loop, a burst at a time: the
    /// detail is rebuilt once per burst, not once per message.
    Received(Vec<InboundMessage>),
    /// How the journal is doing.
    Journal(JournalState),
    /// The journal the console writes: payloads that left memory are read
    /// back from it.
    JournalOpened(std::sync::Arc<crate::store::journal::JournalStats>),
    /// A publish's log entry was journaled: where its line is.
    Journaled {
        seq: u64,
        place: Place,
    },
    /// `open`: the console reads files, with no broker.
    Offline,
    Published(Outgoing),
    PublishFailed(String),
    /// Something finished in the background: a short notice for the status bar.
    Notice(StatusLevel, String),
    /// How far reading files has come; `None` when it is done.
    Progress(Option<Progress>),
    /// The account's popup ledger as it stands on disk.
    Popups(PopupLedger),
    /// A fleet publish went out: to `sent` of `of` vehicles.
    PublishedToFleet {
        sent: usize,
        of: usize,
    },
}

/// Work in the background the status bar shows as a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub what: String,
}

/// A message for the history: live from the broker, or a record of a
/// journal or capture.
#[derive(Debug)]
pub enum Loaded {
    /// From the broker; its journal line is at `Place`.
    Received(InboundMessage, Place),
    /// A record whose payload stays in its file, at `offset` of the
    /// history's file `file`.
    Stored {
        record: StoredRecord,
        file: u16,
        offset: u64,
    },
}

/// The whole console state.
pub struct App {
    pub now: DateTime<Utc>,
    /// The time zone times are shown in.
    pub offset: FixedOffset,
    /// The rules every publish obeys (topics, app id, size limit, catalog,
    /// tracking, read-only, production): the same ones `send` and
    /// `replay` use.
    pub rules: OutboundRules,
    pub header: Header,
    pub history: History,
    pub connection: ConnectionState,
    pub dropped: u64,
    pub focus: Focus,
    pub modal: Option<Modal>,
    pub vehicles: VehiclesPane,
    pub log: LogPane,
    pub detail: DetailPane,
    pub editor: EditorState,
    pub templates: Vec<Template>,
    /// The account's popup ledger as last read from disk (the run loop
    /// refreshes it and reserves each popup there before publishing).
    pub popups: PopupLedger,
    /// Messages per second, inbound, live (not history read from files).
    pub rate: f64,
    rate_mark: (DateTime<Utc>, u64),
    /// A vehicle silent longer than this is marked.
    pub silent_after: Duration,
    /// Terminal size.
    pub size: (u16, u16),
    pub no_color: bool,
    pub journal: JournalState,
    /// The last background outcome (an export), for the status bar.
    pub notice: Option<(StatusLevel, String)>,
    /// When the notice was given: one that tells of something done fades
    /// after [`NOTICE_FADES_AFTER`]; an error stays until replaced.
    notice_since: DateTime<Utc>,
    /// Files being indexed, for the status bar's progress bar.
    pub progress: Option<Progress>,
    pub deliveries: Deliveries,
    /// Every key: dispatch, footer and help read it.
    pub keys: KeyTable,
}

/// The journal as the status bar tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum JournalState {
    /// `--no-journal`.
    #[default]
    Off,
    Writing {
        dir: String,
        /// Lines that could not be written.
        unwritten: u64,
        error: Option<String>,
    },
}

/// What the console starts with.
pub struct AppConfig {
    pub rules: OutboundRules,
    pub header: Header,
    pub fleet: Vec<(Vin, Option<String>)>,
    pub history_cap: usize,
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
            history: History::new(config.history_cap, config.fleet),
            connection: ConnectionState::Connecting,
            dropped: 0,
            focus: Focus::Log,
            modal: None,
            vehicles: VehiclesPane::default(),
            log: LogPane::default(),
            detail: DetailPane::default(),
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
        };
        app.revalidate();
        app
    }

    /// The console with the keys of the config file's `[keys]`.
    #[must_use]
    pub fn with_keys(mut self, keys: KeyTable) -> Self {
        self.keys = keys;
        self
    }

    /// The colours the console draws with.
    pub fn theme(&self) -> super::theme::Theme {
        super::theme::Theme {
            color: !self.no_color,
            production: self.rules.production,
        }
    }

    /// Names a file of records for the history before they are loaded
    /// (`open`, today's journal); their [`Loaded::Stored`] records point
    /// into it by the id returned.
    pub fn add_file(&mut self, path: std::path::PathBuf) -> u16 {
        self.history.add_file(path)
    }

    /// Where each pane is on the current terminal.
    pub fn areas(&self) -> Areas {
        layout::areas(Rect::new(0, 0, self.size.0, self.size.1), self.focus)
    }

    /// The log pane's height in rows (10 while it is not shown).
    fn log_rows_visible(&self) -> usize {
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
    pub fn vehicle_rows(&self) -> Vec<VehicleRow> {
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
    pub fn offer(&self) -> super::keys::Offer {
        super::keys::Offer {
            read_only: self.read_only_reason().is_some(),
        }
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

    /// Seconds to wait before a popup to the editor's target is allowed.
    pub fn popup_wait(&self) -> Option<u64> {
        let vin = self.editor.target()?;
        self.popups
            .check(vin, unix_ms(self.now))
            .err()
            .map(|e| e.seconds_left)
    }

    /// Acts on what the log answered: a notice, the detail to show, the
    /// vehicle list's cursor, the focus, a command for the loop.
    fn react(&mut self, reaction: LogReaction) -> Option<Command> {
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
    fn detail_width(&self) -> Option<usize> {
        self.areas()
            .detail
            .map(|r| usize::from(r.width.saturating_sub(2)))
    }

    /// The detail shows the log's selection, read back here, in `update`.
    fn refresh_detail(&mut self) {
        // Hidden (a small terminal shows the focused pane only), it is
        // wrapped as it was; once it shows, at the width it gets.
        let width = self.detail_width().or(self.detail.width()).unwrap_or(80);
        self.detail
            .show(self.log.selected(), &self.history, self.offset, width);
    }

    /// Keeps the log and the detail in step with an entry just filed
    /// (a publish, a refusal).
    fn after_push(&mut self, seq: u64) {
        let rows = self.log_rows_visible();
        let detail = self.log.after_push(seq, &self.history, rows);
        self.react(LogReaction {
            detail,
            ..LogReaction::default()
        });
    }

    /// The filter prompt's text, for the pane it filters.
    fn set_filter_text(&mut self, target: Focus, text: &str) {
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
    fn choose_vehicle(&mut self, row: VehicleRow) {
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
    fn act_on_pane(&mut self, pane: Focus, action: Action) -> Option<Command> {
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
        Msg::Journal(state) => {
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
        Msg::Popups(ledger) => {
            app.popups = ledger;
            None
        }
        Msg::PublishedToFleet { sent, of } => {
            compose::on_published_to_fleet(app, sent, of);
            None
        }
        Msg::PublishFailed(reason) => {
            app.editor.set_status(StatusLevel::Error, reason);
            None
        }
    }
}

/// How long a notice of something done (an export, a fleet publish)
/// stays in the status bar: long enough to read, short enough not to be
/// taken for the state of now.
pub const NOTICE_FADES_AFTER: chrono::Duration = chrono::Duration::seconds(10);

/// Files messages into the history, the log and the deliveries they
/// acknowledge; the log settles once per burst.
fn on_loaded(app: &mut App, records: Vec<Loaded>) {
    let mut last = None;
    for record in records {
        let seq = match record {
            Loaded::Received(message, place) => {
                if app.deliveries.awaiting()
                    && let Some(acknowledgement) =
                        app.rules.tracking.acknowledgement(&message.payload)
                {
                    app.deliveries
                        .acknowledge(&acknowledgement, message.received_at);
                }
                app.history.push_inbound(&message, place)
            }
            Loaded::Stored {
                record,
                file,
                offset,
            } => app.history.push_stored(&record, file, offset),
        };
        if app.log.track(seq, &app.history) {
            last = Some(seq);
        }
    }
    if let Some(seq) = last {
        let rows = app.log_rows_visible();
        let detail = app.log.settle(seq, &app.history, rows);
        app.react(LogReaction {
            detail,
            ..LogReaction::default()
        });
    }
}

fn on_tick(app: &mut App, now: DateTime<Utc>) {
    app.now = now;
    if let Some((level, _)) = &app.notice
        && *level != StatusLevel::Error
        && now - app.notice_since >= NOTICE_FADES_AFTER
    {
        app.notice = None;
    }
    let rows = app.log_rows_visible();
    let reaction = app.log.pump_search(&app.history, rows);
    app.react(reaction);
    app.deliveries.expire(now);
    let (mark_at, mark_rx) = app.rate_mark;
    let elapsed = (now - mark_at).to_std().unwrap_or_default().as_secs_f64();
    if elapsed >= 1.0 {
        #[allow(clippy::cast_precision_loss)]
        let arrived = (app.history.live_rx - mark_rx) as f64;
        app.rate = arrived / elapsed;
        app.rate_mark = (now, app.history.live_rx);
    }
}

fn on_session(app: &mut App, event: SessionEvent) {
    match event {
        SessionEvent::Connected | SessionEvent::Subscribed => {
            app.connection = ConnectionState::Connected;
        }
        SessionEvent::Disconnected {
            reason,
            attempt,
            retry_in,
        } => {
            app.connection = if retry_in.is_some() {
                ConnectionState::Reconnecting {
                    attempt,
                    reason: reason.text,
                }
            } else {
                ConnectionState::LoginRefused {
                    reason: reason.text,
                }
            };
        }
        SessionEvent::Message(publish) => {
            let message = InboundMessage::new(
                &app.rules.topics,
                publish.topic,
                publish.payload,
                publish.received_at,
            );
            // The same path as the run loop's bursts.
            apply(app, Msg::Received(vec![message]));
        }
        SessionEvent::Dropped(total) => app.dropped = total,
        SessionEvent::Published => {}
    }
}

fn on_key(app: &mut App, key: KeyEvent) -> Option<Command> {
    if app.modal.is_some() {
        return modals::on_modal_key(app, key);
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
                return Some(Command::RetryLogin);
            }
        }
        Action::Help => open_help(app),
        Action::FocusNext => app.focus = app.focus.step(true),
        Action::FocusPrevious => app.focus = app.focus.step(false),
        Action::FocusEditor => app.focus = Focus::Editor,
        Action::LeaveEditor => app.focus = Focus::Log,
        Action::Templates => modals::open_templates(app),
        Action::Filter => modals::open_filter(app),
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
        _ => return app.act_on_pane(app.focus, action),
    }
    None
}
