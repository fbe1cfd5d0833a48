//! An export of the log fed from the history in pieces: the UI hands over
//! each message's fields and where its payload is (a few microseconds
//! each, a piece per frame), and a worker reads the payloads back, writes
//! the lines as they come and tells how far it is. The export is never
//! held in memory and the UI never waits for the disk.

use super::read_back::Files;
use super::{History, LogEntry};
use bytes::Bytes;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// Where a message's payload is, for the worker to fetch.
#[derive(Debug, Clone)]
pub enum PayloadAt {
    /// Still in memory.
    Here(Bytes),
    /// In the line at `offset` of `path`.
    Line { path: Arc<PathBuf>, offset: u64 },
    /// Nowhere to be had (not written, journal off): left out, counted.
    Unavailable,
}

/// One message of an export: its fields (the payload empty) and where the
/// payload is.
#[derive(Debug, Clone)]
pub struct ExportItem {
    entry: LogEntry,
    payload: PayloadAt,
}

impl History {
    /// Message `seq` for an export, its payload not read: that is the
    /// worker's job.
    pub fn export_item(&self, seq: u64) -> Option<ExportItem> {
        let slot = self.slot_at(seq)?;
        let payload = match self.cached(seq) {
            Some(payload) => PayloadAt::Here(payload),
            None => match self.where_is(&slot) {
                Ok((path, offset)) => PayloadAt::Line { path, offset },
                Err(_) => PayloadAt::Unavailable,
            },
        };
        Some(ExportItem {
            entry: self.entry(seq, &slot, Ok(Bytes::new())),
            payload,
        })
    }
}

/// How far an export is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportProgress {
    pub written: u64,
    /// Messages whose payload could not be read back.
    pub left_out: u64,
}

/// The UI's end of an export: hands pieces over, hears how far it is.
#[derive(Debug)]
pub struct ExportFeed {
    pieces: Option<SyncSender<Vec<ExportItem>>>,
    progress: Receiver<ExportProgress>,
    last: ExportProgress,
    /// Whether the worker has stopped (done, or failed).
    ended: bool,
}

/// The worker's end of an export, handed once to whoever writes the file
/// (shared so that the command carrying it can be compared and cloned).
#[derive(Debug, Clone)]
pub struct ExportWork(Arc<Mutex<Option<Worker>>>);

#[derive(Debug)]
struct Worker {
    pieces: Receiver<Vec<ExportItem>>,
    progress: Sender<ExportProgress>,
}

impl PartialEq for ExportWork {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for ExportWork {}

/// A new export's two ends.
pub fn export_channel() -> (ExportFeed, ExportWork) {
    // Two pieces in flight: the worker always has the next one.
    let (pieces_tx, pieces) = std::sync::mpsc::sync_channel(2);
    let (progress_tx, progress) = std::sync::mpsc::channel();
    (
        ExportFeed {
            pieces: Some(pieces_tx),
            progress,
            last: ExportProgress::default(),
            ended: false,
        },
        ExportWork(Arc::new(Mutex::new(Some(Worker {
            pieces,
            progress: progress_tx,
        })))),
    )
}

impl ExportFeed {
    /// Hands over a piece if the worker has room; gives it back if not.
    pub fn offer(&mut self, piece: Vec<ExportItem>) -> Result<(), Vec<ExportItem>> {
        match &self.pieces {
            Some(pieces) => match pieces.try_send(piece) {
                Ok(()) => Ok(()),
                Err(TrySendError::Full(piece) | TrySendError::Disconnected(piece)) => Err(piece),
            },
            None => Err(piece),
        }
    }

    /// No more pieces will come: the worker finishes the file.
    pub fn end(&mut self) {
        self.pieces = None;
    }

    /// How far the worker is, and whether it has stopped.
    pub fn progress(&mut self) -> (ExportProgress, bool) {
        loop {
            match self.progress.try_recv() {
                Ok(progress) => self.last = progress,
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.ended = true;
                    break;
                }
            }
        }
        (self.last, self.ended)
    }
}

impl ExportWork {
    /// Writes the export to `out` as its pieces come, telling how far it
    /// is after each; returns the count once the feed has ended. A second
    /// call writes nothing.
    pub fn run(&self, out: impl Write) -> io::Result<ExportProgress> {
        let worker = self.0.lock().ok().and_then(|mut w| w.take());
        let Some(worker) = worker else {
            return Ok(ExportProgress::default());
        };
        let mut out = io::BufWriter::with_capacity(1024 * 1024, out);
        let mut files = Files::default();
        let mut progress = ExportProgress::default();
        for piece in &worker.pieces {
            for ExportItem { mut entry, payload } in piece {
                let payload = match payload {
                    PayloadAt::Here(payload) => Some(payload),
                    PayloadAt::Line { path, offset } => {
                        files.payload_at(&path, offset).ok().map(Bytes::from)
                    }
                    PayloadAt::Unavailable => None,
                };
                let Some(payload) = payload else {
                    progress.left_out += 1;
                    continue;
                };
                entry.payload = payload;
                writeln!(out, "{}", entry.line())?;
                progress.written += 1;
            }
            // Told once the piece is on its way to the disk.
            let _ = worker.progress.send(progress);
        }
        out.flush()?;
        let _ = worker.progress.send(progress);
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::record::{Record, json_line};
    use crate::store::{Direction, StoredRecord};

    fn stored(n: u32) -> (StoredRecord, String) {
        let at = chrono::Utc::now();
        let payload = format!("{{\"n\":{n}}}");
        let line = json_line(&Record {
            at,
            vin: None,
            topic: "elsewhere/n",
            payload: payload.as_bytes(),
            kind: "content",
            is_json: true,
            dir: Some("in"),
        });
        let record = StoredRecord {
            at,
            direction: Direction::Inbound,
            vin: None,
            topic: "elsewhere/n".into(),
            kind: "content".into(),
            action: None,
            size: payload.len(),
            is_json: true,
            reason: None,
        };
        (record, line)
    }

    #[test]
    fn an_export_reads_payloads_back_writes_them_and_counts_what_it_left_out() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        let mut history = History::new(100, []);
        let here = history.add_file(file.path().to_owned());
        let gone = history.add_file(PathBuf::from("/nonexistent/wpconsole.jsonl"));
        let mut offset = 0;
        for n in 0..2 {
            let (record, line) = stored(n);
            writeln!(file, "{line}").unwrap();
            history.push_stored(&record, here, offset);
            offset += line.len() as u64 + 1;
        }
        history.push_stored(&stored(2).0, gone, 0);
        file.flush().unwrap();

        let (mut feed, work) = export_channel();
        let writer = std::thread::spawn(move || {
            let mut out = Vec::new();
            let progress = work.run(&mut out).unwrap();
            (out, progress)
        });
        let items = (0..3).map(|seq| history.export_item(seq).unwrap());
        assert!(feed.offer(items.collect()).is_ok());
        feed.end();
        let (out, progress) = writer.join().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            progress,
            ExportProgress {
                written: 2,
                left_out: 1
            }
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        for (n, line) in lines.iter().enumerate() {
            assert_eq!(
                crate::domain::record::payload_bytes(line).unwrap(),
                format!("{{\"n\":{n}}}").into_bytes()
            );
        }
        let (told, ended) = feed.progress();
        assert_eq!(told, progress);
        assert!(ended);
    }
}
