//! A running search: pieces of the history handed to workers on both
//! cores, their answers given back in the order the pieces went.

use super::Needle;
use super::blocks::LineScan;
use crate::store::read_back::Files;
use bytes::Bytes;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// Where to look for the needle in one message.
#[derive(Debug, Clone)]
pub enum Source {
    /// Its VIN, label, topic or kind already matched.
    Named,
    /// Its payload, still in memory.
    Cached(Bytes),
    /// Its line on disk.
    Stored { path: Arc<PathBuf>, offset: u64 },
    /// Nowhere to read it from (not written, journal off): counted.
    Missing,
}

/// One message to search.
#[derive(Debug, Clone)]
pub struct Item {
    pub seq: u64,
    pub source: Source,
}

/// A piece of work: the messages of `covered` index positions.
#[derive(Debug)]
pub struct Piece {
    pub items: Vec<Item>,
    pub covered: u64,
}

/// What the workers found in one piece.
#[derive(Debug, Default)]
pub struct Found {
    /// In the piece's order (newest first).
    pub seqs: Vec<u64>,
    pub covered: u64,
    /// Messages whose payload could not be read.
    pub unreadable: u64,
}

/// A running search.
#[derive(Debug)]
pub struct SearchJob {
    cancel: Arc<AtomicBool>,
    feed: Option<SyncSender<(u64, Piece)>>,
    found: Receiver<(u64, Found)>,
    /// Pieces handed over so far: the next one's number.
    handed: u64,
    /// The number of the next piece whose answer is given out.
    next_answer: u64,
    /// Answers that came before an older piece's.
    early: BTreeMap<u64, Found>,
}

/// Searchers at most: the console's two cores (the UI thread mostly waits).
const MOST_WORKERS: usize = 2;

impl SearchJob {
    /// Starts the workers searching for `text` (its case ignored).
    pub fn start(text: &str) -> std::io::Result<Self> {
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, MOST_WORKERS);
        let needle = Arc::new(Needle::new(text));
        let cancel = Arc::new(AtomicBool::new(false));
        let (feed, pieces) = std::sync::mpsc::sync_channel::<(u64, Piece)>(2 * workers);
        let pieces = Arc::new(Mutex::new(pieces));
        let (answers, found) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let (needle, stop, pieces, answers) = (
                needle.clone(),
                cancel.clone(),
                pieces.clone(),
                answers.clone(),
            );
            std::thread::Builder::new()
                .name("search".into())
                .spawn(move || {
                    let mut searcher = Searcher::new(&needle);
                    loop {
                        // One worker waits for the next piece, the others
                        // for the lock: a piece goes to whoever is free.
                        let next = pieces
                            .lock()
                            .map_err(drop)
                            .and_then(|p| p.recv().map_err(drop));
                        let Ok((number, piece)) = next else {
                            return;
                        };
                        let Some(answer) = searcher.search(&piece, &stop) else {
                            return;
                        };
                        if answers.send((number, answer)).is_err() {
                            return;
                        }
                    }
                })?;
        }
        Ok(Self {
            cancel,
            feed: Some(feed),
            found,
            handed: 0,
            next_answer: 0,
            early: BTreeMap::new(),
        })
    }

    /// Hands over a piece if the workers have room; gives it back if not.
    pub fn offer(&mut self, piece: Piece) -> Result<(), Piece> {
        match &self.feed {
            Some(feed) => match feed.try_send((self.handed, piece)) {
                Ok(()) => {
                    self.handed += 1;
                    Ok(())
                }
                Err(TrySendError::Full((_, piece)) | TrySendError::Disconnected((_, piece))) => {
                    Err(piece)
                }
            },
            None => Err(piece),
        }
    }

    /// No more pieces will come.
    pub fn end_feed(&mut self) {
        self.feed = None;
    }

    /// What the workers have found since the last call, piece by piece in
    /// the order the pieces were handed over (a piece answered before an
    /// older one waits for it).
    pub fn take_found(&mut self) -> Vec<Found> {
        self.early.extend(self.found.try_iter());
        let mut given = Vec::new();
        while let Some(found) = self.early.remove(&self.next_answer) {
            given.push(found);
            self.next_answer += 1;
        }
        given
    }
}

impl Drop for SearchJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// One worker's means: the scan of lines on disk and the files it reads.
struct Searcher<'a> {
    needle: &'a Needle,
    scan: LineScan,
    files: Files,
}

impl<'a> Searcher<'a> {
    fn new(needle: &'a Needle) -> Self {
        Self {
            needle,
            scan: LineScan::new(needle),
            files: Files::default(),
        }
    }

    /// The hits of one piece, in its order; `None` once cancelled.
    fn search(&mut self, piece: &Piece, stop: &AtomicBool) -> Option<Found> {
        let mut answer = Found {
            covered: piece.covered,
            ..Found::default()
        };
        let mut hit = vec![false; piece.items.len()];
        // Lines on disk, by file, each with its item's index: read in
        // large blocks, not one read per line.
        let mut stored: HashMap<&Arc<PathBuf>, Vec<(usize, u64)>> = HashMap::new();
        for (index, item) in piece.items.iter().enumerate() {
            match &item.source {
                Source::Named => hit[index] = true,
                Source::Cached(payload) => hit[index] = self.needle.is_in(payload),
                Source::Stored { path, offset } => {
                    stored.entry(path).or_default().push((index, *offset));
                }
                Source::Missing => answer.unreadable += 1,
            }
        }
        for (path, mut lines) in stored {
            answer.unreadable += self.scan.scan(
                &mut self.files,
                path,
                &mut lines,
                &mut hit,
                self.needle,
                stop,
            )?;
        }
        answer.seqs = piece
            .items
            .iter()
            .zip(hit)
            .filter_map(|(item, hit)| hit.then_some(item.seq))
            .collect();
        Some(answer)
    }
}
