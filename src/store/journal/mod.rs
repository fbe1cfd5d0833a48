//! The journal: every message in and out, appended as JSON Lines (the
//! `tail --json` format plus `"dir"`), one file per UTC day
//! (`YYYY-MM-DD.jsonl`), continued in `YYYY-MM-DD.1.jsonl`, ... by size.
//!
//! Writing happens on a thread of its own behind a bounded queue: the UI
//! and the session never wait for the disk. When the disk cannot keep up
//! or refuses, the lines are counted as unwritten and the reason is kept
//! for the status bar; nothing is dropped silently. Lines reach the file
//! within 200 ms (flushed every 100 ms while busy, at once when idle).

use chrono::{DateTime, NaiveDate, Utc};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often buffered lines are flushed while traffic keeps coming.
const FLUSH_EVERY: Duration = Duration::from_millis(100);

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

/// One line for the journal, with the time that picks its day file.
#[derive(Debug)]
struct Entry {
    at: DateTime<Utc>,
    line: String,
    ticket: u64,
}

/// Where a journal line is, once written: the history reads payloads back
/// from here when they are no longer in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineAt {
    /// The line starts at `offset` in `path`.
    Written { path: Arc<PathBuf>, offset: u64 },
    /// Queued, not yet on disk.
    Pending,
    /// The journal could not write it (counted as unwritten).
    Unwritten,
}

/// Where each ticket's line landed: 8 bytes per line, the file id in the
/// top 16 bits and the offset in the rest. Published by the writer after
/// each successful flush, so a line listed here can be read back.
#[derive(Debug, Default)]
pub struct Locations {
    lines: Mutex<Vec<u64>>,
    files: Mutex<Vec<Arc<PathBuf>>>,
}

const PENDING: u64 = u64::MAX;
const UNWRITTEN: u64 = u64::MAX - 1;
const OFFSET_BITS: u32 = 48;

impl Locations {
    /// Where the line of `ticket` is.
    pub fn find(&self, ticket: u64) -> LineAt {
        let packed = self
            .lines
            .lock()
            .ok()
            .and_then(|lines| lines.get(usize::try_from(ticket).ok()?).copied())
            .unwrap_or(PENDING);
        self.unpack(packed)
    }

    /// Where the lines of many tickets are, under one lock.
    pub fn find_many(&self, tickets: impl Iterator<Item = u64>) -> Vec<LineAt> {
        let packed: Vec<u64> = match self.lines.lock() {
            Ok(lines) => tickets
                .map(|t| {
                    usize::try_from(t)
                        .ok()
                        .and_then(|t| lines.get(t).copied())
                        .unwrap_or(PENDING)
                })
                .collect(),
            Err(_) => return Vec::new(),
        };
        packed.into_iter().map(|p| self.unpack(p)).collect()
    }

    fn unpack(&self, packed: u64) -> LineAt {
        match packed {
            PENDING => LineAt::Pending,
            UNWRITTEN => LineAt::Unwritten,
            packed => {
                let file = usize::try_from(packed >> OFFSET_BITS).unwrap_or(usize::MAX);
                let offset = packed & ((1 << OFFSET_BITS) - 1);
                match self.files.lock().ok().and_then(|f| f.get(file).cloned()) {
                    Some(path) => LineAt::Written { path, offset },
                    None => LineAt::Unwritten,
                }
            }
        }
    }

    fn set(&self, marks: impl Iterator<Item = (u64, u64)>) {
        if let Ok(mut lines) = self.lines.lock() {
            for (ticket, packed) in marks {
                let Ok(index) = usize::try_from(ticket) else {
                    continue;
                };
                if index >= lines.len() {
                    lines.resize(index + 1, PENDING);
                }
                lines[index] = packed;
            }
        }
    }

    fn file_id(&self, path: &Path) -> u64 {
        let Ok(mut files) = self.files.lock() else {
            return 0;
        };
        let id = files
            .iter()
            .position(|f| f.as_path() == path)
            .unwrap_or_else(|| {
                files.push(Arc::new(path.to_owned()));
                files.len() - 1
            });
        id as u64
    }
}

/// What the writer has done, shared with whoever shows it.
#[derive(Debug, Default)]
pub struct JournalStats {
    pub written: AtomicU64,
    pub unwritten: AtomicU64,
    /// The last write error, in words.
    pub error: Mutex<Option<String>>,
    /// The file being written.
    pub current: Mutex<Option<PathBuf>>,
    /// Bytes queued and not yet written.
    queued_bytes: AtomicU64,
    /// Where each line went, by ticket.
    pub locations: Locations,
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
        if let Ok(mut error) = self.error.lock() {
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
}

impl Journal {
    /// Starts the writer. A directory that cannot be created does not stop
    /// the console: the journal then counts every line as unwritten.
    pub fn start(config: JournalConfig) -> Self {
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
        }
    }

    /// Queues a line without waiting; a full queue counts it as unwritten.
    /// Returns the line's ticket: [`Locations::find`] tells where it is.
    pub fn append(&self, at: DateTime<Utc>, line: String) -> u64 {
        self.append_all(vec![(at, line)]).start
    }

    /// Queues lines in few hand-overs (one wake-up of the writer per MiB
    /// of a burst, not per line); returns their tickets, in order. A piece
    /// the queue has no room for is counted as unwritten.
    pub fn append_all(&self, lines: Vec<(DateTime<Utc>, String)>) -> std::ops::Range<u64> {
        const PIECE_BYTES: u64 = 1024 * 1024;
        let count = lines.len() as u64;
        let first = self.next_ticket.fetch_add(count, Ordering::Relaxed);
        let mut piece = Vec::new();
        let mut piece_bytes = 0;
        for ((at, line), ticket) in lines.into_iter().zip(first..) {
            piece_bytes += line.len() as u64 + 1;
            piece.push(Entry { at, line, ticket });
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

struct Writer {
    config: JournalConfig,
    stats: Arc<JournalStats>,
    file: Option<(NaiveDate, u32, BufWriter<File>, u64)>,
    last_flush: Instant,
    /// Lines in the buffer, by ticket with their packed place: written
    /// once a flush succeeds, unwritten if it fails.
    buffered: Vec<(u64, u64)>,
    /// The current file's id in [`Locations`].
    file_id: u64,
}

impl Writer {
    fn new(config: JournalConfig, stats: Arc<JournalStats>) -> Self {
        Self {
            config,
            stats,
            file: None,
            last_flush: Instant::now(),
            buffered: Vec::new(),
            file_id: 0,
        }
    }

    fn run(mut self, receiver: &Receiver<Vec<Entry>>) {
        loop {
            match receiver.recv_timeout(FLUSH_EVERY) {
                Ok(batch) => {
                    for entry in &batch {
                        self.write(entry);
                        self.stats
                            .queued_bytes
                            .fetch_sub(entry.line.len() as u64 + 1, Ordering::Relaxed);
                    }
                    if self.last_flush.elapsed() >= FLUSH_EVERY {
                        self.flush();
                    }
                }
                Err(RecvTimeoutError::Timeout) => self.flush(),
                Err(RecvTimeoutError::Disconnected) => {
                    self.flush();
                    return;
                }
            }
        }
    }

    fn flush(&mut self) {
        self.last_flush = Instant::now();
        let Some((_, _, file, _)) = &mut self.file else {
            return;
        };
        let buffered = std::mem::take(&mut self.buffered);
        match file.flush() {
            Ok(()) => {
                self.stats
                    .written
                    .fetch_add(buffered.len() as u64, Ordering::Relaxed);
                self.stats.locations.set(buffered.into_iter());
            }
            Err(err) => {
                self.stats.fail_lines(
                    buffered.into_iter().map(|(ticket, _)| ticket),
                    format!("cannot write the journal: {err}"),
                );
                // Start a fresh file next time rather than append after a torn write.
                self.file = None;
            }
        }
    }

    fn write(&mut self, entry: &Entry) {
        let day = entry.at.date_naive();
        let bytes = entry.line.len() as u64 + 1;
        let rotate = match &self.file {
            Some((file_day, _, _, size)) => {
                *file_day != day || size + bytes > self.config.max_file_bytes
            }
            None => true,
        };
        if rotate && let Err(reason) = self.open(day) {
            self.stats.fail_lines(std::iter::once(entry.ticket), reason);
            return;
        }
        let Some((_, _, file, size)) = &mut self.file else {
            return;
        };
        let written = file
            .write_all(entry.line.as_bytes())
            .and_then(|()| file.write_all(b"\n"));
        match written {
            Ok(()) => {
                self.buffered
                    .push((entry.ticket, self.file_id << OFFSET_BITS | *size));
                *size += bytes;
            }
            Err(err) => {
                let lost = std::mem::take(&mut self.buffered);
                self.stats.fail_lines(
                    lost.into_iter()
                        .map(|(ticket, _)| ticket)
                        .chain(std::iter::once(entry.ticket)),
                    format!("cannot write the journal: {err}"),
                );
                self.file = None;
            }
        }
    }

    /// Opens the next file for `day`: `YYYY-MM-DD.jsonl`, then
    /// `YYYY-MM-DD.1.jsonl`, ... once a file is full.
    fn open(&mut self, day: NaiveDate) -> Result<(), String> {
        self.flush();
        std::fs::create_dir_all(&self.config.dir).map_err(|err| {
            format!(
                "cannot create the journal directory {}: {err}",
                self.config.dir.display()
            )
        })?;
        let mut part = match &self.file {
            Some((file_day, part, _, _)) if *file_day == day => part + 1,
            _ => 0,
        };
        loop {
            let path = day_file(&self.config.dir, day, part);
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            if size < self.config.max_file_bytes {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .map_err(|err| format!("cannot open the journal {}: {err}", path.display()))?;
                self.file_id = self.stats.locations.file_id(&path);
                if let Ok(mut current) = self.stats.current.lock() {
                    *current = Some(path);
                }
                self.file = Some((day, part, BufWriter::with_capacity(256 * 1024, file), size));
                return Ok(());
            }
            part += 1;
        }
    }
}

/// The journal file of `day`, part `part`.
pub fn day_file(dir: &Path, day: NaiveDate, part: u32) -> PathBuf {
    if part == 0 {
        dir.join(format!("{day}.jsonl"))
    } else {
        dir.join(format!("{day}.{part}.jsonl"))
    }
}

/// The journal files of `day`, in order.
pub fn day_files(dir: &Path, day: NaiveDate) -> Vec<PathBuf> {
    (0..u32::MAX)
        .map(|part| day_file(dir, day, part))
        .take_while(|path| path.exists())
        .collect()
}

/// Day files lying directly in `root`: journals of the layout before one
/// journal per account, when every account wrote into one directory. They
/// stay readable with `open` and `export FILE`, but they are no account's
/// history, so nothing reads them by itself. Sorted by name (by day).
pub fn flat_day_files(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".jsonl"))
                .and_then(|stem| stem.get(..10))
                .is_some_and(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok())
        })
        .collect();
    files.sort();
    files
}

/// What reading a journal or capture found.
#[derive(Debug, Default)]
pub struct ReadReport {
    pub records: Vec<serde_json::Value>,
    /// Lines that are not a JSON object (kept out, counted).
    pub bad_lines: u64,
    /// The last line was cut short (a crash while writing): ignored.
    pub torn_last_line: bool,
}

/// Reads a journal or a `tail --json` capture. A torn last line is
/// ignored and reported; other bad lines are counted.
pub fn read(path: &Path) -> std::io::Result<ReadReport> {
    let mut report = ReadReport::default();
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(report);
        }
        let complete = line.last() == Some(&b'\n');
        match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(value) if value.is_object() => report.records.push(value),
            _ if !complete => report.torn_last_line = true,
            _ if line.iter().all(u8::is_ascii_whitespace) => {}
            _ => report.bad_lines += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, 10, 0, second).unwrap()
    }

    fn wait_for(stats: &JournalStats, written: u64) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while stats.written.load(Ordering::Relaxed) < written && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn lines_land_in_the_day_file_within_the_flush_window() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
        journal.append(at(24, 0), r#"{"n":1}"#.into());
        wait_for(&journal.stats, 1);
        std::thread::sleep(FLUSH_EVERY * 2);
        let text = std::fs::read_to_string(dir.path().join("2026-11-24.jsonl")).unwrap();
        assert_eq!(text, "{\"n\":1}\n", "flushed without closing");
        journal.append(at(25, 0), r#"{"n":2}"#.into());
        journal.close();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("2026-11-25.jsonl")).unwrap(),
            "{\"n\":2}\n"
        );
    }

    #[test]
    fn each_ticket_tells_where_its_line_landed() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = JournalConfig::new(dir.path().to_owned());
        config.max_file_bytes = 20;
        let journal = Journal::start(config);
        let tickets: Vec<u64> = (0..3)
            .map(|n| journal.append(at(24, n), format!(r#"{{"n":{n}}}"#)))
            .collect();
        journal.close();
        for (n, ticket) in tickets.iter().enumerate() {
            let LineAt::Written { path, offset } = journal.stats.locations.find(*ticket) else {
                panic!("ticket {ticket} not written");
            };
            let text = std::fs::read_to_string(path.as_path()).unwrap();
            let line = text[usize::try_from(offset).unwrap()..]
                .lines()
                .next()
                .unwrap();
            assert_eq!(line, format!(r#"{{"n":{n}}}"#));
        }
        assert_eq!(journal.stats.locations.find(99), LineAt::Pending);
        let blocked = tempfile::tempdir().unwrap();
        let file = blocked.path().join("file");
        std::fs::write(&file, "x").unwrap();
        let unwritable = Journal::start(JournalConfig::new(file.join("journal")));
        let ticket = unwritable.append(at(24, 0), "{}".into());
        unwritable.close();
        assert_eq!(unwritable.stats.locations.find(ticket), LineAt::Unwritten);
    }

    #[test]
    fn a_burst_goes_in_pieces_and_a_piece_without_room_is_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = JournalConfig::new(dir.path().to_owned());
        config.queue_bytes = 100;
        let journal = Journal::start(config);
        let small: Vec<_> = (0..3)
            .map(|n| (at(24, n), format!("{{\"n\":{n}}}")))
            .collect();
        assert_eq!(journal.append_all(small), 0..3);
        let too_big: Vec<_> = (0..20).map(|n| (at(24, n), "x".repeat(10))).collect();
        assert_eq!(
            journal.append_all(too_big),
            3..23,
            "tickets are still given"
        );
        journal.close();
        assert_eq!(journal.stats.written.load(Ordering::Relaxed), 3);
        assert_eq!(journal.stats.unwritten.load(Ordering::Relaxed), 20);
        assert_eq!(journal.stats.locations.find(10), LineAt::Unwritten);
        let text = std::fs::read_to_string(dir.path().join("2026-11-24.jsonl")).unwrap();
        assert_eq!(text.lines().count(), 3);
    }

    #[test]
    fn a_full_file_continues_in_a_new_part() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = JournalConfig::new(dir.path().to_owned());
        config.max_file_bytes = 20;
        let journal = Journal::start(config);
        for n in 0..5 {
            journal.append(at(24, n), format!(r#"{{"n":{n}}}"#));
        }
        journal.close();
        let files = day_files(dir.path(), at(24, 0).date_naive());
        assert_eq!(files.len(), 3, "{files:?}");
        let all: usize = files.iter().map(|f| read(f).unwrap().records.len()).sum();
        assert_eq!(all, 5);
    }

    #[test]
    fn old_flat_day_files_are_found_and_account_directories_are_not() {
        let root = tempfile::tempdir().unwrap();
        for name in [
            "2026-11-24.jsonl",
            "2026-11-25.1.jsonl",
            "notes.jsonl",
            "2026-11-24.idx",
        ] {
            std::fs::write(root.path().join(name), "").unwrap();
        }
        std::fs::create_dir_all(root.path().join("h_1883/P1")).unwrap();
        std::fs::write(root.path().join("h_1883/P1/2026-11-24.jsonl"), "").unwrap();
        let names: Vec<_> = flat_day_files(root.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["2026-11-24.jsonl", "2026-11-25.1.jsonl"]);
        assert!(flat_day_files(&root.path().join("missing")).is_empty());
    }

    #[test]
    fn an_unwritable_directory_counts_every_line_and_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("not-a-dir");
        std::fs::write(&blocker, "x").unwrap();
        let journal = Journal::start(JournalConfig::new(blocker.join("journal")));
        journal.append(at(24, 0), "{}".into());
        journal.append(at(24, 1), "{}".into());
        let stats = journal.stats.clone();
        journal.close();
        assert_eq!(stats.unwritten.load(Ordering::Relaxed), 2);
        assert!(
            stats
                .error()
                .unwrap()
                .contains("cannot create the journal directory"),
            "{:?}",
            stats.error()
        );
    }

    #[test]
    fn a_full_queue_counts_instead_of_waiting() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = JournalConfig::new(dir.path().to_owned());
        config.queue = 1;
        let journal = Journal::start(config);
        for n in 0..10_000 {
            journal.append(at(24, 0), format!("{{\"n\":{n}}}"));
        }
        let stats = journal.stats.clone();
        journal.close();
        let written = stats.written.load(Ordering::Relaxed);
        let unwritten = stats.unwritten.load(Ordering::Relaxed);
        assert_eq!(
            written + unwritten,
            10_000,
            "every line is either written or counted"
        );
    }

    #[test]
    fn queued_bytes_are_bounded_too() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = JournalConfig::new(dir.path().to_owned());
        config.queue_bytes = 1000;
        let journal = Journal::start(config);
        journal.append(at(24, 0), "x".repeat(2000));
        let stats = journal.stats.clone();
        journal.close();
        assert_eq!(
            stats.unwritten.load(Ordering::Relaxed),
            1,
            "a line larger than the budget is refused"
        );
    }

    #[test]
    fn a_torn_last_line_is_ignored_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        std::fs::write(&path, "{\"a\":1}\nnot json\n\n{\"b\":2}\n{\"c\":").unwrap();
        let report = read(&path).unwrap();
        assert_eq!(report.records.len(), 2);
        assert_eq!(report.bad_lines, 1);
        assert!(report.torn_last_line);
    }
}
