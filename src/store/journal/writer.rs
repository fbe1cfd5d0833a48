//! The journal's writer thread: lines in the order handed over, into the
//! day's file (a new part once one is full), flushed every 100 ms while
//! busy and at once when idle; each line's place published after its flush,
//! each failure counted with its reason. Each file's index is written
//! beside it with the same flush; a file left with a torn last line (a
//! crash) gets a newline before the next line, never glued to it.

use super::locations::OFFSET_BITS;
use super::sidecar::{SidecarWriter, parse_line};
use super::{Entry, JournalConfig, JournalStats, day_file};
use chrono::NaiveDate;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// How often buffered lines are flushed while traffic keeps coming.
pub(super) const FLUSH_EVERY: Duration = Duration::from_millis(100);

pub(super) struct Writer {
    config: JournalConfig,
    stats: Arc<JournalStats>,
    file: Option<(NaiveDate, u32, BufWriter<File>, u64)>,
    last_flush: Instant,
    /// Lines in the buffer, by ticket with their packed place: written
    /// once a flush succeeds, unwritten if it fails.
    buffered: Vec<(u64, u64)>,
    /// The current file's id in [`Locations`].
    file_id: u64,
    /// The current file's index; `None` once it fails (the next open
    /// of the file repairs what it lacks).
    sidecar: Option<SidecarWriter>,
    /// The current file's index was held by another (a loader repairing
    /// it at start): taken at the next flush that finds it free.
    index_busy: bool,
}

impl Writer {
    pub(super) fn new(config: JournalConfig, stats: Arc<JournalStats>) -> Self {
        Self {
            config,
            stats,
            file: None,
            last_flush: Instant::now(),
            buffered: Vec::new(),
            file_id: 0,
            sidecar: None,
            index_busy: false,
        }
    }

    pub(super) fn run(mut self, receiver: &Receiver<Vec<Entry>>) {
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
        let Some((_, _, file, size)) = &mut self.file else {
            return;
        };
        let buffered = std::mem::take(&mut self.buffered);
        match file.flush() {
            Ok(()) => {
                let covers = *size;
                if self.index_busy {
                    self.open_index(covers);
                }
                self.flush_index(covers);
                self.stats
                    .written
                    .fetch_add(buffered.len() as u64, Ordering::Relaxed);
                if !buffered.is_empty() {
                    self.stats.writing_again.store(true, Ordering::Relaxed);
                }
                self.stats.locations.set(buffered.into_iter());
            }
            Err(err) => {
                self.stats.fail_lines(
                    buffered.into_iter().map(|(ticket, _)| ticket),
                    format!("cannot write the journal: {err}"),
                );
                // Start a fresh file next time rather than append after a torn write.
                self.file = None;
                self.sidecar = None;
            }
        }
    }

    /// Opens the current file's index, its first `covers` bytes written.
    fn open_index(&mut self, covers: u64) {
        let path = self.stats.current.lock().ok().and_then(|c| c.clone());
        let Some(path) = path else {
            return;
        };
        self.index_busy = false;
        self.sidecar = match SidecarWriter::open(&path, covers) {
            Ok((sidecar, _)) => Some(sidecar),
            Err(err) if err.kind() == std::io::ErrorKind::WouldBlock => {
                self.index_busy = true;
                None
            }
            Err(err) => {
                self.stats.index_failed(format!(
                    "cannot keep the index of {}: {err}",
                    path.display()
                ));
                None
            }
        };
    }

    fn flush_index(&mut self, covers: u64) {
        if let Some(sidecar) = &mut self.sidecar
            && let Err(err) = sidecar.flush(covers)
        {
            self.stats
                .index_failed(format!("cannot write the journal's index: {err}"));
            self.sidecar = None;
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
                if let Some(sidecar) = &mut self.sidecar {
                    // Only lines without their fields are read again (what
                    // the console publishes; received messages come decoded).
                    if let Some(fields) = &entry.fields {
                        sidecar.add(fields, *size, bytes);
                    } else if let Some(fields) = parse_line(&entry.line) {
                        sidecar.add(&fields, *size, bytes);
                    } else if let Some(gap) = crate::domain::record::Gap::of_line(&entry.line) {
                        sidecar.add_gap(&gap, *size, bytes);
                    } else if let Some(alert) = crate::domain::watch::Alert::of_line(&entry.line) {
                        sidecar.add_alert(&alert, *size, bytes);
                    }
                }
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
                self.sidecar = None;
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
                let mut file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .read(true)
                    .open(&path)
                    .map_err(|err| format!("cannot open the journal {}: {err}", path.display()))?;
                let size = end_torn_line(&mut file, size)
                    .map_err(|err| format!("cannot write the journal {}: {err}", path.display()))?;
                self.file_id = self.stats.locations.file_id(&path);
                if let Ok(mut current) = self.stats.current.lock() {
                    *current = Some(path);
                }
                self.file = Some((day, part, BufWriter::with_capacity(256 * 1024, file), size));
                self.open_index(size);
                return Ok(());
            }
            part += 1;
        }
    }
}

/// Ends a torn last line (a crash mid-write) with a newline, so the next
/// record starts on a line of its own; returns the file's size after.
fn end_torn_line(file: &mut File, size: u64) -> std::io::Result<u64> {
    use std::os::unix::fs::FileExt as _;
    if size == 0 {
        return Ok(0);
    }
    let mut last = [0];
    file.read_exact_at(&mut last, size - 1)?;
    if last[0] == b'\n' {
        return Ok(size);
    }
    file.write_all(b"\n")?;
    Ok(size + 1)
}
