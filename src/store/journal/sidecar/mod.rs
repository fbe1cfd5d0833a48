//! The index beside each journal file: one fixed-size entry per record
//! (time, vehicle, topic, kind, action, size, flags, where its line is)
//! in `DAY.jsonl.idx`, and the names the entries point to (VINs, topics,
//! actions, kinds: file-local ids, append-only) in `DAY.jsonl.names`.
//!
//! Two files, not one with a names section: entries stay fixed-size from
//! the header to the end, so entry `n` is at a known byte and a torn tail
//! is a length that is not a whole number of entries; names grow at their
//! own pace, and both are only ever appended to.
//!
//! The journal writer writes the entries as it writes the lines (same
//! flush, `writer`); whoever opens a journal repairs its index first
//! (`repair`: a torn entry cut, the lines it lacks indexed); a file
//! without an index (a capture, an old journal) gets one built on both
//! cores (`build`), kept beside it when the directory is writable, else in
//! the cache dir. Lines become fields in `parse`, the bytes are in `format`.

mod build;
mod format;
mod names;
mod parse;
mod repair;
#[cfg(test)]
mod tests;
mod writer;

pub use format::{IndexEntry, NO_NAME};
pub use names::FileNames;
pub use parse::{fields_of, parse_line};
pub use repair::{Found, Opened, open};
pub(super) use writer::SidecarWriter;

use crate::store::{Direction, StoredRecord};
use std::path::{Path, PathBuf};

/// A journal file's index, read and repaired: every record's entry, in
/// the file's order, and the names they point to.
#[derive(Debug, Default)]
pub struct Sidecar {
    pub names: FileNames,
    pub entries: Vec<IndexEntry>,
}

impl Sidecar {
    /// An entry as a stored record (the refusal's reason, kept only in
    /// the line, is `None`: [`IndexEntry::has_reason`] says to read it).
    pub fn record(&self, entry: &IndexEntry) -> StoredRecord {
        self.names.record(entry)
    }
}

impl FileNames {
    /// An entry of this file as a stored record (the refusal's reason,
    /// kept only in the line, is `None`).
    pub fn record(&self, entry: &IndexEntry) -> StoredRecord {
        let name = |table: &names::NameTable, id: u32| table.get(id).map(ToString::to_string);
        StoredRecord {
            at: chrono::DateTime::from_timestamp_micros(entry.at).unwrap_or_default(),
            direction: entry.direction(),
            vin: self
                .vins
                .get(entry.vin)
                .and_then(|v| crate::domain::Vin::parse(v).ok()),
            topic: name(&self.topics, entry.topic).unwrap_or_default(),
            kind: name(&self.kinds, u32::from(entry.kind)).unwrap_or_else(|| "other".into()),
            action: name(&self.actions, entry.action),
            size: entry.size as usize,
            is_json: entry.is_json(),
            reason: None,
        }
    }
}

impl IndexEntry {
    /// Which way the message went.
    pub fn direction(&self) -> Direction {
        if self.flags & format::OUTBOUND != 0 {
            Direction::Outbound
        } else if self.flags & format::REFUSED != 0 {
            Direction::Refused
        } else {
            Direction::Inbound
        }
    }

    /// Whether the payload is JSON.
    pub fn is_json(&self) -> bool {
        self.flags & format::JSON != 0
    }

    /// Whether the line holds a refusal's reason.
    pub fn has_reason(&self) -> bool {
        self.flags & format::REASON != 0
    }

    /// Whether this is an alert record's entry (a watch rule's alert, not
    /// a message: its line is read with `domain::watch::Alert::of_line`).
    pub fn is_alert(&self) -> bool {
        self.flags & format::ALERT != 0
    }

    /// Whether this entry is a message's (not a gap's, not an alert's).
    pub fn is_message(&self) -> bool {
        self.flags & (format::GAP | format::ALERT) == 0
    }

    /// The entry of an alert record, whose line of `line_len` bytes starts
    /// at `offset`.
    pub fn of_alert(alert: &crate::domain::watch::Alert, offset: u64, line_len: u32) -> Self {
        Self {
            at: alert.at.timestamp_micros(),
            offset,
            line_len,
            size: 0,
            vin: NO_NAME,
            topic: NO_NAME,
            action: NO_NAME,
            kind: u8::MAX,
            flags: format::ALERT,
        }
    }

    /// How many messages a gap record says were lost, if this is one.
    pub fn lost(&self) -> Option<u64> {
        (self.flags & format::GAP != 0).then_some(u64::from(self.size))
    }

    /// The entry of a gap record, whose line of `line_len` bytes starts at
    /// `offset`.
    pub fn of_gap(gap: &crate::domain::record::Gap, offset: u64, line_len: u32) -> Self {
        Self {
            at: gap.at.timestamp_micros(),
            offset,
            line_len,
            size: u32::try_from(gap.lost).unwrap_or(u32::MAX),
            vin: NO_NAME,
            topic: NO_NAME,
            action: NO_NAME,
            kind: u8::MAX,
            flags: format::GAP,
        }
    }
}

/// Where a journal file's index lives: beside it, or in the cache dir
/// when its directory is not writable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexPaths {
    pub entries: PathBuf,
    pub names: PathBuf,
}

impl IndexPaths {
    /// Beside the journal: `FILE.idx` and `FILE.names`.
    pub fn beside(journal: &Path) -> Self {
        let with = |suffix: &str| {
            let mut name = journal.as_os_str().to_owned();
            name.push(suffix);
            PathBuf::from(name)
        };
        Self {
            entries: with(".idx"),
            names: with(".names"),
        }
    }

    /// In `cache/wpconsole/index/`, named by a hash of the file's canonical
    /// path, length and modification time: a file changed since is a new
    /// name, so a stale index is never found for it.
    pub fn in_cache(cache: &Path, journal: &Path) -> Option<Self> {
        use std::hash::{Hash, Hasher};
        let meta = std::fs::metadata(journal).ok()?;
        let mut hasher = std::hash::DefaultHasher::new();
        std::fs::canonicalize(journal).ok()?.hash(&mut hasher);
        meta.len().hash(&mut hasher);
        meta.modified().ok()?.hash(&mut hasher);
        let stem = cache
            .join("wpconsole")
            .join("index")
            .join(format!("{:016x}", hasher.finish()));
        Some(Self::beside(&stem))
    }

    /// Beside the journal when that directory takes files, else the cache.
    pub fn for_journal(journal: &Path) -> Option<Self> {
        let beside = Self::beside(journal);
        let writable = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&beside.entries)
            .is_ok();
        if writable {
            return Some(beside);
        }
        let cached = Self::in_cache(&dirs::cache_dir()?, journal)?;
        std::fs::create_dir_all(cached.entries.parent()?).ok()?;
        Some(cached)
    }
}
