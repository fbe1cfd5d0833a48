//! The journal: every message in and out, appended as JSON Lines (the
//! `tail --json` format plus `"dir"`), one file per UTC day
//! (`YYYY-MM-DD.jsonl`), continued in `YYYY-MM-DD.1.jsonl`, ... by size.
//!
//! Writing happens on a thread of its own behind a bounded queue: the UI
//! and the session never wait for the disk. When the disk cannot keep up
//! or refuses, the lines are counted as unwritten and the reason is kept
//! for the status bar; nothing is dropped silently. Lines reach the file
//! within 200 ms (flushed every 100 ms while busy, at once when idle).
//!
//! Beside each file its index (`sidecar`): an entry per record, written
//! with the line, repaired when the file is opened after a crash.
//!
//! Here the journal as its users hold it (appending, its statistics);
//! where each line landed in `locations`, the writer thread in `writer`,
//! the day files and reading them back in `files`, the index in `sidecar`.

mod files;
mod locations;
mod lock;
pub mod sidecar;
mod slot;
#[cfg(test)]
mod tests;
mod writer;

pub use files::{ReadReport, day_file, day_files, days_between, flat_day_files, read};
pub use locations::{LineAt, Locations};
pub use lock::{KeptElsewhere, LOCK_FILE};
pub use slot::JournalSlot;

use crate::store::StoredRecord;
use chrono::{DateTime, Utc};
use locations::UNWRITTEN;
use lock::JournalLock;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use writer::Writer;

/// Where and how the journal is written.
#[derive(Debug, Clone)]
pub struct JournalConfig {
    pub dir: PathBuf,
    /// A day's file is continued in a new part past this size.
    pub max_file_bytes: u64,
    /// Lines waiting for the writer before new ones count as unwritten.
    pub queue: usize,
    /// Bytes waiting for the writer before new lines count as unwritten.
    pub queue_bytes: u64,
}

impl JournalConfig {
    /// The platform data dir (`~/.local/share/wpconsole/journal` on Linux).
    pub fn default_dir() -> PathBuf {
        dirs::data_dir()
            .map_or_else(|| PathBuf::from(".wpconsole"), |d| d.join("wpconsole"))
            .join("journal")
    }

    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            max_file_bytes: 256 * 1024 * 1024,
            queue: 65_536,
            queue_bytes: 16 * 1024 * 1024,
        }
    }
}

/// One line for the journal, with the time that picks its day file and,
/// when the caller has them, the fields of its index entry.
#[derive(Debug)]
struct Entry {
    at: DateTime<Utc>,
    line: String,
    ticket: u64,
    fields: Option<StoredRecord>,
}

/// What the writer has done, shared with whoever shows it.
#[derive(Debug, Default)]
pub struct JournalStats {
    pub written: AtomicU64,
    pub unwritten: AtomicU64,
    /// The last write error, in words.
    pub error: Mutex<Option<String>>,
    /// Lines were written since the last error (a disk that was full has
    /// room again): the error is the past's.
    pub writing_again: std::sync::atomic::AtomicBool,
    /// The file being written.
    pub current: Mutex<Option<PathBuf>>,
    /// Bytes queued and not yet written.
    queued_bytes: AtomicU64,
    /// Where each line went, by ticket.
    pub locations: Locations,
    /// Why the index beside the journal stopped being written: the lines
    /// still are, and the next open indexes what the index lacks.
    pub index_error: Mutex<Option<String>>,
}

impl JournalStats {
    fn fail_lines(&self, tickets: impl Iterator<Item = u64>, reason: String) {
        let mut count = 0;
        self.locations.set(tickets.map(|t| {
            count += 1;
            (t, UNWRITTEN)
        }));
        self.fail(count, reason);
    }

    fn fail(&self, count: u64, reason: String) {
        self.unwritten.fetch_add(count, Ordering::Relaxed);
        self.writing_again.store(false, Ordering::Relaxed);
        if let Ok(mut error) = self.error.lock() {
            *error = Some(reason);
        }
    }

    fn index_failed(&self, reason: String) {
        if let Ok(mut error) = self.index_error.lock() {
            *error = Some(reason);
        }
    }

    pub fn error(&self) -> Option<String> {
        self.error.lock().ok().and_then(|e| e.clone())
    }
}

/// A running journal. Shared (`Arc`) by whoever appends: the intake that
/// decodes inbound messages and the console that publishes.
pub struct Journal {
    sender: Mutex<Option<SyncSender<Vec<Entry>>>>,
    queue_bytes: u64,
    pub stats: Arc<JournalStats>,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    pub dir: PathBuf,
    next_ticket: AtomicU64,
    /// Held while the journal runs: no other console writes this journal.
    _lock: Option<JournalLock>,
}

impl Journal {
    /// Takes the journal's lock and starts the writer; refused when another
    /// console writes this journal. A directory that cannot be created does
    /// not stop the console: the journal then counts every line as
    /// unwritten.
    pub fn open(config: JournalConfig) -> Result<Self, KeptElsewhere> {
        let lock = JournalLock::take(&config.dir)?;
        Ok(Self::start_with(config, lock))
    }

    /// Starts the writer without the lock (tests of the writer).
    #[cfg(test)]
    pub(crate) fn start(config: JournalConfig) -> Self {
        Self::start_with(config, None)
    }

    fn start_with(config: JournalConfig, lock: Option<JournalLock>) -> Self {
        let stats = Arc::new(JournalStats::default());
        let (sender, receiver) = std::sync::mpsc::sync_channel(config.queue.max(1));
        let dir = config.dir.clone();
        let queue_bytes = config.queue_bytes;
        let writer_stats = stats.clone();
        let writer = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || Writer::new(config, writer_stats).run(&receiver))
            .ok();
        if writer.is_none() {
            stats.fail(0, "cannot start the journal writer thread".into());
        }
        Self {
            queue_bytes,
            sender: Mutex::new(writer.is_some().then_some(sender)),
            stats,
            writer: Mutex::new(writer),
            dir,
            next_ticket: AtomicU64::new(0),
            _lock: lock,
        }
    }

    /// Queues a line without waiting; a full queue counts it as unwritten.
    /// Returns the line's ticket: [`Locations::find`] tells where it is.
    pub fn append(&self, at: DateTime<Utc>, line: String) -> u64 {
        self.append_all(vec![(at, line)]).start
    }

    /// Queues lines in few hand-overs (one wake-up of the writer per MiB
    /// of a burst, not per line); returns their tickets, in order. A piece
    /// the queue has no room for is counted as unwritten. The writer reads
    /// each line again for its index entry: a caller that has the fields
    /// hands them with [`Journal::append_indexed`].
    pub fn append_all(&self, lines: Vec<(DateTime<Utc>, String)>) -> std::ops::Range<u64> {
        self.queue(lines.into_iter().map(|(at, line)| (at, line, None)))
    }

    /// Queues records' lines with the fields their index entries hold
    /// (the intake has them decoded: the writer does not parse the line).
    /// The record's time picks the day file.
    pub fn append_indexed(&self, records: Vec<(String, StoredRecord)>) -> std::ops::Range<u64> {
        self.queue(
            records
                .into_iter()
                .map(|(line, fields)| (fields.at, line, Some(fields))),
        )
    }

    fn queue(
        &self,
        lines: impl ExactSizeIterator<Item = (DateTime<Utc>, String, Option<StoredRecord>)>,
    ) -> std::ops::Range<u64> {
        const PIECE_BYTES: u64 = 1024 * 1024;
        let count = lines.len() as u64;
        let first = self.next_ticket.fetch_add(count, Ordering::Relaxed);
        let mut piece = Vec::new();
        let mut piece_bytes = 0;
        for ((at, line, fields), ticket) in lines.zip(first..) {
            piece_bytes += line.len() as u64 + 1;
            piece.push(Entry {
                at,
                line,
                ticket,
                fields,
            });
            if piece_bytes >= PIECE_BYTES {
                self.hand_over(std::mem::take(&mut piece), piece_bytes);
                piece_bytes = 0;
            }
        }
        if !piece.is_empty() {
            self.hand_over(piece, piece_bytes);
        }
        first..first + count
    }

    fn hand_over(&self, piece: Vec<Entry>, bytes: u64) {
        let unwritten = |piece: &[Entry], reason: &str| {
            self.stats
                .fail_lines(piece.iter().map(|e| e.ticket), reason.to_owned());
        };
        let sender = self.sender.lock().ok();
        let Some(sender) = sender.as_ref().and_then(|s| s.as_ref()) else {
            unwritten(&piece, "the journal writer stopped");
            return;
        };
        if self.stats.queued_bytes.load(Ordering::Relaxed) + bytes > self.queue_bytes {
            unwritten(&piece, "the disk is not keeping up");
            return;
        }
        self.stats.queued_bytes.fetch_add(bytes, Ordering::Relaxed);
        match sender.try_send(piece) {
            Ok(()) => {}
            Err(TrySendError::Full(piece)) => {
                self.stats.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                unwritten(&piece, "the disk is not keeping up");
            }
            Err(TrySendError::Disconnected(piece)) => {
                self.stats.queued_bytes.fetch_sub(bytes, Ordering::Relaxed);
                unwritten(&piece, "the journal writer stopped");
            }
        }
    }

    /// Writes what is queued and stops the writer (on quit and on signals).
    pub fn close(&self) {
        if let Ok(mut sender) = self.sender.lock() {
            sender.take();
        }
        let writer = self.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(writer) = writer {
            let _ = writer.join();
        }
    }
}
