//! The jq filter over the history in the background: the index-only
//! filters (vehicle, kind, and the range of sequence numbers the caller
//! gives) choose the candidates on the UI thread from the index alone; the
//! workers on both cores ([`OrderedWorkers`]) ask the expression of each
//! candidate's record, read from its journal line in large blocks and
//! parsed once straight from those bytes into jaq's value (a message not
//! yet written is asked as its entry). Hits come back newest first, a
//! piece at a time, with how many records were asked, matched and errored.
//!
//! [`JqScan`] is the whole scan for a caller that pumps it on each tick;
//! [`JqScanJob`] and [`History::jq_items`] its parts.

use super::block_read::BlockReader;
use super::index::Place;
use super::journal::LineAt;
use super::read_back::Files;
use super::workers::OrderedWorkers;
use super::{History, LogEntry, LogFilter};
use crate::domain::jq::{JqFilter, Verdict};
use std::collections::HashMap;
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Where one candidate's record is.
#[derive(Debug, Clone)]
pub enum JqSource {
    /// Its journal line (or the line of an opened file).
    Line { path: Arc<PathBuf>, offset: u64 },
    /// Not on disk (yet): the entry, its payload from the cache.
    Entry(Box<LogEntry>),
    /// Nowhere to read it from: an error, counted.
    Missing(String),
}

/// One candidate of a jq scan.
#[derive(Debug, Clone)]
pub struct JqItem {
    pub seq: u64,
    pub source: JqSource,
}

/// A piece of work: the candidates among `covered` index positions,
/// newest first.
#[derive(Debug)]
pub struct JqPiece {
    pub items: Vec<JqItem>,
    pub covered: u64,
}

/// What the workers made of one piece.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JqFound {
    /// The hits, in the piece's order (newest first).
    pub seqs: Vec<u64>,
    /// Index positions the piece covered.
    pub covered: u64,
    pub counts: JqCounts,
    /// The first error's message, if any.
    pub first_error: Option<String>,
}

/// Records asked, matched and errored (an error is also no match).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JqCounts {
    pub scanned: u64,
    pub matched: u64,
    pub errors: u64,
}

impl JqCounts {
    fn add(&mut self, other: Self) {
        self.scanned += other.scanned;
        self.matched += other.matched;
        self.errors += other.errors;
    }
}

impl History {
    /// The next piece of a jq scan over `[from, until)`, newest first: at
    /// most `max` index positions, the candidates passing the filter's
    /// vehicle and kind (its text is the search's), each with where its
    /// record is. Returns the piece and where the next one starts.
    pub fn jq_items(&self, filter: &LogFilter, from: u64, until: u64, max: u64) -> (JqPiece, u64) {
        let until = until.min(self.end_seq());
        let lowest = until.saturating_sub(max).max(from.min(until));
        let covered = until - lowest;
        let Some(index) = self.index_filter(filter) else {
            return (
                JqPiece {
                    items: Vec::new(),
                    covered,
                },
                lowest,
            );
        };
        let mut items = Vec::new();
        let mut tickets = Vec::new();
        self.slots.visit(lowest..until, true, |seq, slot| {
            if !index.passes(slot) {
                return ControlFlow::Continue(());
            }
            let source = match slot.place() {
                Place::Journal(ticket) => {
                    tickets.push((items.len(), ticket));
                    JqSource::Missing(String::new())
                }
                _ => self.where_is(slot).map_or_else(
                    |why| self.cached_entry(seq, slot, why),
                    |(path, offset)| JqSource::Line { path, offset },
                ),
            };
            items.push(JqItem { seq, source });
            ControlFlow::Continue(())
        });
        if let Some(journal) = &self.journal {
            let found = journal
                .locations
                .find_many(tickets.iter().map(|(_, ticket)| *ticket));
            for ((index, _), at) in tickets.iter().zip(found) {
                let item = &mut items[*index];
                item.source = match at {
                    LineAt::Written { path, offset } => JqSource::Line { path, offset },
                    LineAt::Pending => self.cached_entry_of(item.seq, "not yet written".into()),
                    LineAt::Unwritten => self.cached_entry_of(
                        item.seq,
                        "the journal could not write it and it left the memory cache".into(),
                    ),
                };
            }
        }
        (JqPiece { items, covered }, lowest)
    }

    fn cached_entry(&self, seq: u64, slot: &super::index::Slot, why: String) -> JqSource {
        match self.cached(seq) {
            Some(payload) => JqSource::Entry(Box::new(self.entry(seq, slot, Ok(payload)))),
            None => JqSource::Missing(why),
        }
    }

    fn cached_entry_of(&self, seq: u64, why: String) -> JqSource {
        match self.slot_at(seq) {
            Some(slot) => self.cached_entry(seq, &slot, why),
            None => JqSource::Missing(why),
        }
    }
}

/// A running jq scan's workers.
#[derive(Debug)]
pub struct JqScanJob {
    workers: OrderedWorkers<JqPiece, JqFound>,
}

impl JqScanJob {
    /// Starts the workers, each with its own copy of `filter` (jaq's
    /// values are not shared between threads).
    pub fn start(filter: &JqFilter) -> std::io::Result<Self> {
        let workers = OrderedWorkers::start("jq", || {
            let mut asker = Asker {
                filter: filter.clone(),
                lines: LineBlocks::default(),
            };
            move |piece: JqPiece, stop: &AtomicBool| asker.ask(&piece, stop)
        })?;
        Ok(Self { workers })
    }

    /// Hands over a piece if the workers have room; gives it back if not.
    pub fn offer(&mut self, piece: JqPiece) -> Result<(), JqPiece> {
        self.workers.offer(piece)
    }

    /// No more pieces will come.
    pub fn end_feed(&mut self) {
        self.workers.end_feed();
    }

    /// The pieces answered since the last call, in the order they went.
    pub fn take_found(&mut self) -> Vec<JqFound> {
        self.workers.take_answers()
    }

    /// Whether every piece handed over was answered.
    pub fn all_answered(&self) -> bool {
        self.workers.all_answered()
    }
}

/// Index positions per piece: small enough that a piece is answered in a
/// few tens of milliseconds, large enough that reads go in big blocks.
pub const JQ_PIECE: u64 = if cfg!(test) { 100 } else { 16_384 };

/// A whole jq scan over a range of the history, newest first, pumped on
/// each tick: hands pieces to the workers without waiting and gives back
/// the hits found since the last pump. Dropping it cancels the workers.
#[derive(Debug)]
pub struct JqScan {
    job: JqScanJob,
    filter: LogFilter,
    /// The range's start: positions below it are not scanned.
    from: u64,
    /// Positions below this are still to be handed over.
    next: u64,
    /// Positions in the range when it began.
    total: u64,
    /// Positions handed over and answered.
    covered: u64,
    held: Option<JqPiece>,
    counts: JqCounts,
    first_error: Option<String>,
}

/// What a pump brought.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct JqProgress {
    /// New hits, newest first (each older than every hit before).
    pub hits: Vec<u64>,
    /// Whether the scan has covered its whole range.
    pub done: bool,
}

impl JqScan {
    /// Starts a scan of `filter` (vehicle and kind, from the index) and
    /// `jq` over `range` of `history` (its sequence numbers).
    pub fn start(
        jq: &JqFilter,
        filter: LogFilter,
        range: std::ops::Range<u64>,
    ) -> std::io::Result<Self> {
        Ok(Self {
            job: JqScanJob::start(jq)?,
            filter,
            from: range.start,
            next: range.end,
            total: range.end.saturating_sub(range.start),
            covered: 0,
            held: None,
            counts: JqCounts::default(),
            first_error: None,
        })
    }

    /// Takes the workers' answers and hands them more, without waiting.
    pub fn pump(&mut self, history: &History) -> JqProgress {
        let mut progress = JqProgress::default();
        for found in self.job.take_found() {
            self.covered += found.covered;
            self.counts.add(found.counts);
            if self.first_error.is_none() {
                self.first_error = found.first_error;
            }
            progress.hits.extend(found.seqs);
        }
        loop {
            let piece = match self.held.take() {
                Some(piece) => piece,
                None if self.next > self.from => {
                    let (piece, next) =
                        history.jq_items(&self.filter, self.from, self.next, JQ_PIECE);
                    // A history shorter than the range (cleared meanwhile):
                    // what is not there is covered.
                    self.covered += self.next - next - piece.covered;
                    self.next = next;
                    piece
                }
                None => {
                    self.job.end_feed();
                    break;
                }
            };
            if let Err(piece) = self.job.offer(piece) {
                self.held = Some(piece);
                break;
            }
        }
        progress.done = self.done();
        progress
    }

    /// Whether the whole range was scanned and every answer taken.
    pub fn done(&self) -> bool {
        self.next <= self.from && self.held.is_none() && self.job.all_answered()
    }

    /// Records asked, matched and errored so far.
    pub fn counts(&self) -> JqCounts {
        self.counts
    }

    /// The first error's message, if any.
    pub fn first_error(&self) -> Option<&str> {
        self.first_error.as_deref()
    }

    /// Index positions covered so far, of all in the range.
    pub fn progress(&self) -> (u64, u64) {
        (self.covered, self.total)
    }
}

/// One worker's means: its copy of the expression and its block reader.
struct Asker {
    filter: JqFilter,
    lines: LineBlocks,
}

impl Asker {
    /// The verdicts on one piece; `None` once cancelled.
    fn ask(&mut self, piece: &JqPiece, stop: &AtomicBool) -> Option<JqFound> {
        let mut verdicts: Vec<Option<Verdict>> = vec![None; piece.items.len()];
        let mut stored: HashMap<&Arc<PathBuf>, Vec<(usize, u64)>> = HashMap::new();
        for (index, item) in piece.items.iter().enumerate() {
            match &item.source {
                JqSource::Line { path, offset } => {
                    stored.entry(path).or_default().push((index, *offset));
                }
                JqSource::Entry(entry) => {
                    verdicts[index] = Some(self.filter.verdict(&entry.record()));
                }
                JqSource::Missing(why) => {
                    verdicts[index] = Some(Verdict::Error(format!("record unavailable: {why}")));
                }
            }
        }
        for (path, mut lines) in stored {
            let filter = &self.filter;
            self.lines
                .each_line(path, &mut lines, stop, |index, line| {
                    verdicts[index] = Some(match line {
                        Ok(line) => filter.verdict_line(line),
                        Err(why) => Verdict::Error(format!("record unavailable: {why}")),
                    });
                })?;
        }
        let mut found = JqFound {
            covered: piece.covered,
            ..JqFound::default()
        };
        for (item, verdict) in piece.items.iter().zip(verdicts) {
            found.counts.scanned += 1;
            match verdict {
                Some(Verdict::Match) => {
                    found.counts.matched += 1;
                    found.seqs.push(item.seq);
                }
                Some(Verdict::NoMatch) => {}
                Some(Verdict::Error(why)) => {
                    found.counts.errors += 1;
                    found.first_error.get_or_insert(why);
                }
                None => {
                    found.counts.errors += 1;
                    found
                        .first_error
                        .get_or_insert_with(|| "record unavailable".to_owned());
                }
            }
        }
        Some(found)
    }
}

/// Lines starting within this many bytes of a block's first are read in
/// one go.
const BLOCK: u64 = 4 * 1024 * 1024;
/// Read past the last line's start, for its end; a line longer than this
/// is read on its own.
const TAIL: u64 = 64 * 1024;

/// Reads the lines of one file at many offsets in large blocks.
#[derive(Default)]
struct LineBlocks {
    blocks: BlockReader,
    files: Files,
}

impl LineBlocks {
    /// Calls `each` with every line (its index and bytes, without the
    /// newline, or why it could not be read); `None` once cancelled.
    fn each_line(
        &mut self,
        path: &Arc<PathBuf>,
        lines: &mut [(usize, u64)],
        stop: &AtomicBool,
        mut each: impl FnMut(usize, Result<&[u8], String>),
    ) -> Option<()> {
        lines.sort_unstable_by_key(|&(_, offset)| offset);
        let mut rest = &lines[..];
        while let Some(&(_, first)) = rest.first() {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let count = rest.partition_point(|&(_, offset)| offset - first < BLOCK);
            let (group, after) = rest.split_at(count);
            rest = after;
            let last = group.last().map_or(first, |&(_, offset)| offset);
            let at_end = match self.blocks.read(path, first, last - first + TAIL) {
                Ok(at_end) => at_end,
                Err(err) => {
                    let why = format!("cannot read {}: {err}", path.display());
                    for &(index, _) in group {
                        each(index, Err(why.clone()));
                    }
                    continue;
                }
            };
            for &(index, offset) in group {
                let start = usize::try_from(offset - first).unwrap_or(usize::MAX);
                let within = self.blocks.block.get(start..).and_then(|from| {
                    match memchr::memchr(b'\n', from) {
                        Some(end) => Some(&from[..end]),
                        None if at_end => Some(from),
                        None => None,
                    }
                });
                match within {
                    Some(line) => each(index, Ok(line)),
                    // Longer than the block holds: on its own.
                    None => match self.files.line_at(path, offset) {
                        Ok(line) => each(index, Ok(&line)),
                        Err(why) => each(index, Err(why)),
                    },
                }
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests;
