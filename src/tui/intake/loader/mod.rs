//! The loader: journals or captures read on a thread of its own, merged
//! by time, each line an index entry pointing at the line, handed to the
//! UI in bursts with progress; torn and foreign lines counted. A file's
//! records come from the index beside it (no JSON parsed: a reopen reads
//! 40 bytes a message); a file without one gets it built on first open,
//! on both cores, and kept beside it or in the cache dir.

use super::{Burst, Intake};
use crate::store::StoredRecord;
use crate::store::journal::sidecar::{self, FileNames, IndexEntry};
use crate::store::read_back::Files;
use crate::tui::app::{App, Loaded, Msg, Progress};
use crate::tui::draw::group64 as group;
use crate::tui::editor::StatusLevel;
use crate::tui::update;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts the loader, the status bar saying so from the first frame (the
/// loader's own progress comes later; `None` says it is done).
pub(super) fn start_loader(
    app: &mut App,
    files: Vec<ToRead>,
    results_tx: &mpsc::UnboundedSender<Msg>,
) -> Burst {
    update(
        app,
        Msg::Progress(Some(Progress {
            done: 0,
            total: files.iter().map(|f| f.size).sum(),
            what: "indexing…".to_owned(),
        })),
    );
    spawn_loader(files, results_tx.clone())
}

/// A file to read: its path, its size when reading starts (reading stops
/// there) and its id in the history.
pub(super) struct ToRead {
    path: PathBuf,
    size: u64,
    id: u16,
}

/// Names each file in the history and measures it.
pub(super) fn with_sizes(app: &mut App, paths: Vec<PathBuf>) -> Vec<ToRead> {
    paths
        .into_iter()
        .map(|path| {
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            let id = app.add_file(path.clone());
            ToRead { path, size, id }
        })
        .collect()
}

/// Indexes journals or captures on a thread of its own: each line becomes
/// an index entry pointing at the line (payloads stay in the file), handed
/// to the UI in bursts, with progress in the status bar. The files are
/// merged by time as they are read (each is in time order; the earliest
/// head of all the files goes next), so the log is in time order across
/// files. Torn and foreign lines are counted and reported at the end.
pub(super) fn spawn_loader(
    files: Vec<ToRead>,
    notices: mpsc::UnboundedSender<Msg>,
) -> mpsc::Receiver<Vec<Intake>> {
    let (to_ui, from_loader) = mpsc::channel::<Vec<Intake>>(8);
    let total: u64 = files.iter().map(|f| f.size).sum();
    let failure = notices.clone();
    let spawned = std::thread::Builder::new()
        .name("loader".into())
        .spawn(move || {
            let mut counts = Counts::default();
            let mut loaded = 0u64;
            let mut last_notice = std::time::Instant::now();
            let mut burst = Vec::new();
            let progress = |read_bytes: u64, loaded: u64| {
                let _ = notices.send(Msg::Progress(Some(Progress {
                    done: read_bytes,
                    total,
                    what: format!("indexing… {} messages", group(loaded)),
                })));
            };
            let mut readers = Vec::with_capacity(files.len());
            for file in &files {
                match FileRecords::open(file, &mut counts) {
                    Ok(reader) => readers.push((reader, file.id)),
                    Err(err) => {
                        let _ = notices.send(Msg::Notice(
                            StatusLevel::Error,
                            format!("cannot read {}: {err}", file.path.display()),
                        ));
                    }
                }
            }
            let mut merge = Merge::new(readers, &mut counts);
            let mut in_burst = 0;
            while let Some((item, index)) = merge.next(&mut counts) {
                let file = merge.files[index].1;
                add_to_burst(&mut burst, item, file, || merge.names(index));
                loaded += 1;
                in_burst += 1;
                if in_burst == BURST {
                    in_burst = 0;
                    if to_ui.blocking_send(std::mem::take(&mut burst)).is_err() {
                        return;
                    }
                    if last_notice.elapsed() > Duration::from_millis(100) {
                        last_notice = std::time::Instant::now();
                        progress(counts.read_bytes, loaded);
                    }
                }
            }
            // The alerts of those days, after the messages they are about.
            if !counts.alerts.is_empty() {
                let mut alerts = std::mem::take(&mut counts.alerts);
                alerts.sort_by_key(|alert| alert.at);
                burst.push(Intake::Alerts(alerts));
            }
            // The last records, then what is said of them, in one order.
            burst.push(Intake::Said(Msg::Progress(None)));
            let skipped_note = if counts.skipped > 0 {
                format!(
                    "; skipped {} line(s) that are not records (a torn last line, say)",
                    counts.skipped
                )
            } else {
                String::new()
            };
            let lost_note = if counts.lost > 0 {
                format!(
                    "; the journal says {} message(s) were lost when received (gap records)",
                    group(counts.lost)
                )
            } else {
                String::new()
            };
            let summary = format!(
                "loaded {} message(s) from {} file(s){skipped_note}{lost_note}",
                group(loaded),
                files.len()
            );
            burst.push(Intake::Said(Msg::Notice(StatusLevel::Success, summary)));
            let _ = to_ui.blocking_send(burst);
        });
    if let Err(err) = spawned {
        let _ = failure.send(Msg::Progress(None));
        let _ = failure.send(Msg::Notice(
            StatusLevel::Error,
            format!("cannot start reading the files: {err}"),
        ));
    }
    from_loader
}

/// Adds a file's next message to the burst: entries of one file in a row
/// go as one run.
fn add_to_burst(
    burst: &mut Vec<Intake>,
    item: Item,
    file: u16,
    names: impl FnOnce() -> Option<std::sync::Arc<FileNames>>,
) {
    match item {
        Item::Entry(entry) => match burst.last_mut() {
            Some(Intake::Replayed(Loaded::Indexed {
                entries,
                file: run_of,
                ..
            })) if *run_of == file => entries.push(entry),
            _ => {
                // Only an indexed file gives entries: it has names.
                let Some(names) = names() else { return };
                let mut entries = Vec::with_capacity(BURST);
                entries.push(entry);
                burst.push(Intake::Replayed(Loaded::Indexed {
                    names,
                    entries,
                    file,
                }));
            }
        },
        Item::Record(record, offset) => burst.push(Intake::Replayed(Loaded::Stored {
            record,
            file,
            offset,
        })),
    }
}

/// Messages handed to the UI at a time.
const BURST: usize = 4096;

/// What the loader has read so far, over all files: bytes for the
/// progress bar, lines that are not records for the summary.
#[derive(Default)]
struct Counts {
    read_bytes: u64,
    skipped: u64,
    /// Messages the gap records say were lost when they were received.
    lost: u64,
    /// The alert records read, for the Alerts pane.
    alerts: Vec<crate::tui::panes::alerts::Alert>,
}

/// One file's records in the file's order, each with the offset of its
/// line: from the file's index when it has a valid one (or one can be
/// built: beside the file, or in the cache dir), else read line by line.
enum FileRecords {
    Indexed(Box<IndexedRecords>),
    Lines(LineRecords),
}

impl FileRecords {
    /// Opens the file's index (repairing or building it); its lines when
    /// no index can be had.
    fn open(file: &ToRead, counts: &mut Counts) -> std::io::Result<Self> {
        match sidecar::open(&file.path, file.size) {
            Ok(opened) => {
                // A torn last line (a crash while writing) is said, as the
                // lines read one by one say it.
                counts.skipped += opened.skipped + u64::from(opened.torn_tail);
                Ok(Self::Indexed(Box::new(IndexedRecords {
                    names: std::sync::Arc::new(opened.sidecar.names),
                    entries: opened.sidecar.entries,
                    next: 0,
                    path: std::sync::Arc::new(file.path.clone()),
                    lines: Files::default(),
                })))
            }
            Err(_) => LineRecords::open(file).map(Self::Lines),
        }
    }

    fn next(&mut self, counts: &mut Counts) -> Option<Item> {
        match self {
            Self::Indexed(records) => records.next(counts),
            Self::Lines(records) => records
                .next(counts)
                .map(|(record, offset)| Item::Record(record, offset)),
        }
    }
}

/// A file's next message: an entry of its index, taken as it is, or a
/// record read from its line (a file without an index, a refusal whose
/// reason only the line holds).
enum Item {
    Entry(IndexEntry),
    Record(StoredRecord, u64),
}

impl Item {
    /// When it was received, in microseconds (the merge's order).
    fn at(&self) -> i64 {
        match self {
            Self::Entry(entry) => entry.at,
            Self::Record(record, _) => record.at.timestamp_micros(),
        }
    }
}

/// A file's records from its index: no line is read (but the rare one
/// holding a refusal's reason).
struct IndexedRecords {
    names: std::sync::Arc<FileNames>,
    entries: Vec<IndexEntry>,
    next: usize,
    path: std::sync::Arc<PathBuf>,
    lines: Files,
}

impl IndexedRecords {
    fn next(&mut self, counts: &mut Counts) -> Option<Item> {
        let entry = loop {
            let entry = *self.entries.get(self.next)?;
            self.next += 1;
            counts.read_bytes += u64::from(entry.line_len);
            match entry.lost() {
                Some(lost) => counts.lost += lost,
                // The Alerts pane's, not the log's: its line is read (an
                // alert is rare beside messages).
                None if entry.is_alert() => {
                    if let Some(alert) = self
                        .lines
                        .line_at(&self.path, entry.offset)
                        .ok()
                        .and_then(|line| String::from_utf8(line).ok())
                        .and_then(|line| super::alert_record::of_line(line.trim_end()))
                    {
                        counts.alerts.push(alert);
                    }
                }
                None => break entry,
            }
        };
        if !entry.has_reason() {
            return Some(Item::Entry(entry));
        }
        let mut record = self.names.record(&entry);
        {
            record.reason = self
                .lines
                .line_at(&self.path, entry.offset)
                .ok()
                .and_then(|line| String::from_utf8(line).ok())
                .and_then(|line| stored_record(&line))
                .and_then(|read| read.reason);
        }
        Some(Item::Record(record, entry.offset))
    }
}

/// A file's records read line by line. Reading stops at the size the
/// file had when reading started.
struct LineRecords {
    reader: std::io::BufReader<std::io::Take<std::fs::File>>,
    offset: u64,
    line: Vec<u8>,
}

impl LineRecords {
    fn open(file: &ToRead) -> std::io::Result<Self> {
        let opened = std::fs::File::open(&file.path)?;
        Ok(Self {
            reader: std::io::BufReader::with_capacity(
                1024 * 1024,
                std::io::Read::take(opened, file.size),
            ),
            offset: 0,
            line: Vec::new(),
        })
    }
    /// The next record of this file and its line's offset; blank lines
    /// are passed over and the others that are not records counted.
    fn next(&mut self, counts: &mut Counts) -> Option<(StoredRecord, u64)> {
        loop {
            self.line.clear();
            // A read error ends the file as its end would: what was read
            // stays indexed.
            let read =
                std::io::BufRead::read_until(&mut self.reader, b'\n', &mut self.line).unwrap_or(0);
            if read == 0 {
                return None;
            }
            let at = self.offset;
            self.offset += read as u64;
            counts.read_bytes += read as u64;
            let text = std::str::from_utf8(&self.line).unwrap_or_default();
            match stored_record(text.trim_end_matches(['\n', '\r'])) {
                Some(record) => return Some((record, at)),
                None if self.line.trim_ascii().is_empty() => {}
                None => match crate::domain::record::Gap::of_line(text) {
                    Some(gap) => counts.lost += gap.lost,
                    // The Alerts pane's, not the log's.
                    None => match super::alert_record::of_line(text.trim_end()) {
                        Some(alert) => counts.alerts.push(alert),
                        None => counts.skipped += 1,
                    },
                },
            }
        }
    }
}

/// A k-way merge of files each in time order: the next record is the
/// earliest of the files' next ones (the earlier file first on a tie), so
/// only one record per file is held at a time.
struct Merge {
    /// Each file's records and its id in the history.
    files: Vec<(FileRecords, u16)>,
    heads: Vec<Option<Item>>,
    order: std::collections::BinaryHeap<std::cmp::Reverse<(i64, usize)>>,
}

impl Merge {
    fn new(mut files: Vec<(FileRecords, u16)>, counts: &mut Counts) -> Self {
        let mut order = std::collections::BinaryHeap::with_capacity(files.len());
        let heads = files
            .iter_mut()
            .enumerate()
            .map(|(index, (file, _))| {
                let head = file.next(counts);
                if let Some(item) = &head {
                    order.push(std::cmp::Reverse((item.at(), index)));
                }
                head
            })
            .collect();
        Self {
            files,
            heads,
            order,
        }
    }

    /// The names of file `index`, if its entries come from its index.
    fn names(&self, index: usize) -> Option<std::sync::Arc<FileNames>> {
        match &self.files.get(index)?.0 {
            FileRecords::Indexed(records) => Some(records.names.clone()),
            FileRecords::Lines(_) => None,
        }
    }

    /// The earliest next message of all the files, and which file's.
    fn next(&mut self, counts: &mut Counts) -> Option<(Item, usize)> {
        let std::cmp::Reverse((_, index)) = self.order.pop()?;
        let next = self.files[index].0.next(counts);
        if let Some(item) = &next {
            self.order.push(std::cmp::Reverse((item.at(), index)));
        }
        let item = std::mem::replace(&mut self.heads[index], next)?;
        Some((item, index))
    }
}

/// One journal or capture line as an index record, if it is one (the
/// same reading the journal's index is built with).
pub(in crate::tui) use crate::store::journal::sidecar::parse_line as stored_record;

#[cfg(test)]
mod tests;
