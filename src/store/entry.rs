//! One message as the log shows it (its entry, with the payload and a
//! one-line preview), and one as a file holds it (a stored record, whose
//! payload stays on disk).

use crate::domain::Vin;
use crate::domain::display;
use bytes::Bytes;
use chrono::{DateTime, Utc};

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a vehicle (a "to" topic).
    Inbound,
    /// Published by this console (a "from" topic).
    Outbound,
    /// Meant for a vehicle and refused before publishing (a fleet publish
    /// that skipped it): shown in the log, never sent, never journaled.
    Refused,
}

impl Direction {
    /// `"in"` or `"out"`, as the journal writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inbound => "in",
            Self::Outbound => "out",
            Self::Refused => "refused",
        }
    }
}

/// One message in the log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Increases by one per entry, never reused.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    /// The vehicle, when the topic is a vehicle's.
    pub vin: Option<Vin>,
    pub topic: String,
    /// The inbound kind's name, or `data` / `popup` for what was published.
    pub kind: &'static str,
    pub action: Option<String>,
    /// The exact bytes, for detail, copy and export (empty when
    /// `unavailable` says why they could not be had).
    pub payload: Bytes,
    /// Whether the payload is JSON (the preview then drops its whitespace).
    pub is_json: bool,
    /// The payload's size in bytes.
    pub size: usize,
    /// Why the payload is not here: it left the memory cache and could
    /// not be read back.
    pub unavailable: Option<String>,
    /// Why a refused message was not published.
    pub refusal: Option<String>,
}

/// How long a preview may be; the detail pane shows the rest.
pub(super) const PREVIEW_CHARS: usize = 300;

/// A one-line preview: JSON without its whitespace, text as it is, both
/// with unsafe characters escaped.
fn preview_of(payload: &[u8], is_json: bool) -> String {
    let head = &payload[..payload.len().min(PREVIEW_CHARS * 4)];
    let shown = |text: &str| {
        if is_json {
            display::one_line(&crate::domain::json::minify(text)).into_owned()
        } else {
            display::one_line(text).into_owned()
        }
    };
    let mut text = match std::str::from_utf8(head) {
        Ok(text) => shown(text),
        // A cut in the middle of a character is not binary: show what is whole.
        Err(err) if err.error_len().is_none() && err.valid_up_to() > 0 => {
            shown(std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => display::bytes_one_line(head),
    };
    if let Some((cut, _)) = text.char_indices().nth(PREVIEW_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl LogEntry {
    /// The entry as a journal record (the line `json_line` writes).
    pub fn record(&self) -> crate::domain::record::Record<'_> {
        crate::domain::record::Record {
            at: self.at,
            vin: self.vin.as_ref().map(Vin::as_str),
            topic: &self.topic,
            payload: &self.payload,
            kind: self.kind,
            is_json: self.is_json,
            dir: Some(self.direction.name()),
        }
    }

    /// The entry as a journal line, for an export: a refused one keeps
    /// why it was refused.
    pub fn line(&self) -> String {
        let record = self.record();
        match &self.refusal {
            Some(reason) => crate::domain::record::refused_line(&record, reason),
            None => crate::domain::record::json_line(&record),
        }
    }

    /// A safe one-line preview of at most 300 characters. Made when a row
    /// is drawn, so only visible rows ever pay for it.
    pub fn preview(&self) -> String {
        match &self.unavailable {
            Some(reason) => format!("(payload unavailable: {reason})"),
            None => preview_of(&self.payload, self.is_json),
        }
    }
}

/// A record read from a journal or capture, without its payload: the
/// payload stays in the file and is read back when shown.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub at: DateTime<Utc>,
    pub direction: Direction,
    pub vin: Option<Vin>,
    pub topic: String,
    pub kind: String,
    pub action: Option<String>,
    pub size: usize,
    pub is_json: bool,
    /// Why a refused record was not published.
    pub reason: Option<String>,
}
