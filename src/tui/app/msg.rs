//! What comes into `update` (messages) and what goes out of it (commands
//! for the run loop).

use super::JournalState;
use crate::domain::envelope::CheckedPayload;
use crate::domain::tracking::Acknowledgement;
use crate::domain::{InboundMessage, PopupLedger, Vin};
use crate::mqtt::SessionEvent;
use crate::store::{Place, StoredRecord};
use crate::tui::editor::StatusLevel;
use chrono::{DateTime, Utc};
use ratatui::crossterm::event::{KeyEvent, MouseEvent};

/// Something the run loop must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Publish(Outgoing),
    /// One payload to several vehicles, each checked on its own.
    PublishMany(Vec<Outgoing>),
    /// Put bytes on the clipboard (OSC 52).
    Copy(Vec<u8>),
    /// Write an export to a new file: its worker's end, fed by the log.
    Export(crate::store::export_feed::ExportWork),
    /// Try the refused login once more.
    RetryLogin,
    /// Write a watch rule into the profile's config file.
    SaveRule(super::RuleToSave),
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
    /// Alerts the watch rules raised (the intake, after the messages they
    /// are about), or read back from the journal (the loader).
    Alerts(Vec<crate::tui::panes::alerts::Alert>),
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
    /// Messages were lost: how many so far, and why the last were.
    Lost(Losses),
    /// The account's popup ledger as it stands on disk.
    Popups(PopupLedger),
    /// The run loop did not send this publish, for `reason`: the account's
    /// popup ledger refused it (a popup went to the vehicle from another
    /// process, `send` or a second console, since it was checked). It goes
    /// into the log as refused.
    PublishRefused {
        outgoing: Outgoing,
        reason: String,
    },
    /// A fleet publish is done: who it went to, and who refused it in the
    /// run loop (with why).
    PublishedToFleet {
        sent: Vec<Vin>,
        refused: Vec<(Vin, String)>,
    },
}

/// Work in the background the status bar shows as a bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
    pub what: String,
}

/// Messages this session lost (the session dropped them, or the screen
/// fell behind with no journal to keep them): the status bar shows the
/// count from the first loss to the end, with the reason of the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Losses {
    pub total: u64,
    pub reason: String,
}

/// A message for the history: live from the broker, or a record of a
/// journal or capture.
#[derive(Debug)]
pub enum Loaded {
    /// From the broker; its journal line is at `Place`.
    Received(InboundMessage, Place),
    /// From the broker, held by the intake while the UI was behind: its
    /// payload was left behind (`message.payload` is empty; it was `size`
    /// bytes) and is read back from its journal line, `ticket`, when shown.
    /// What it acknowledges (a tracked delivery, a popup's answer) was read
    /// from the payload before it was left.
    Held {
        message: InboundMessage,
        size: usize,
        ticket: u64,
        acknowledgement: Option<Acknowledgement>,
    },
    /// A record whose payload stays in its file, at `offset` of the
    /// history's file `file`.
    Stored {
        record: StoredRecord,
        file: u16,
        offset: u64,
    },
    /// A run of entries from the index of the history's file `file`, taken
    /// as they are (their names are ids into `names`, the file's own).
    Indexed {
        names: std::sync::Arc<crate::store::journal::sidecar::FileNames>,
        entries: Vec<crate::store::journal::sidecar::IndexEntry>,
        file: u16,
    },
}
