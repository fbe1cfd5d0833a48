//! A running search: pieces of the history handed to workers on both
//! cores ([`OrderedWorkers`]), their answers given back in the order the
//! pieces went.

use super::Needle;
use super::blocks::LineScan;
use crate::store::read_back::Files;
use crate::store::workers::OrderedWorkers;
use bytes::Bytes;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

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
    workers: OrderedWorkers<Piece, Found>,
}

impl SearchJob {
    /// Starts the workers searching for `text` (its case ignored).
    pub fn start(text: &str) -> std::io::Result<Self> {
        let needle = Arc::new(Needle::new(text));
        let workers = OrderedWorkers::start("search", || {
            let mut searcher = Searcher::new(needle.clone());
            move |piece: Piece, stop: &AtomicBool| searcher.search(&piece, stop)
        })?;
        Ok(Self { workers })
    }

    /// Hands over a piece if the workers have room; gives it back if not.
    pub fn offer(&mut self, piece: Piece) -> Result<(), Piece> {
        self.workers.offer(piece)
    }

    /// No more pieces will come.
    pub fn end_feed(&mut self) {
        self.workers.end_feed();
    }

    /// What the workers have found since the last call, piece by piece in
    /// the order the pieces were handed over (a piece answered before an
    /// older one waits for it).
    pub fn take_found(&mut self) -> Vec<Found> {
        self.workers.take_answers()
    }
}

/// One worker's means: the scan of lines on disk and the files it reads.
struct Searcher {
    needle: Arc<Needle>,
    scan: LineScan,
    files: Files,
}

impl Searcher {
    fn new(needle: Arc<Needle>) -> Self {
        Self {
            scan: LineScan::new(&needle),
            needle,
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
                &self.needle,
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
