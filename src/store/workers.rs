//! Background work over the history on both cores, answered in order:
//! the UI hands pieces over without waiting, a worker takes whichever
//! piece is next, and the answers are given back in the order the pieces
//! went (an answer that comes early waits for the older one). Dropping
//! the pool cancels: each worker stops within one piece (or sooner, if it
//! looks at the flag it is given). The text search (`search::SearchJob`)
//! and the jq scan (`jq_scan::JqScanJob`) run on it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

/// Workers at most: the console's two cores (the UI thread mostly waits).
const MOST_WORKERS: usize = 2;

/// Pieces of type `P` worked on in the background, answers `A` in order.
#[derive(Debug)]
pub struct OrderedWorkers<P, A> {
    cancel: Arc<AtomicBool>,
    feed: Option<SyncSender<(u64, P)>>,
    found: Receiver<(u64, A)>,
    /// Pieces handed over so far: the next one's number.
    handed: u64,
    /// The number of the next piece whose answer is given out.
    next_answer: u64,
    /// Answers that came before an older piece's.
    early: BTreeMap<u64, A>,
}

impl<P: Send + 'static, A: Send + 'static> OrderedWorkers<P, A> {
    /// Starts one worker per core (at most two), each made by `worker`:
    /// a function of a piece and the cancel flag, `None` once cancelled.
    pub fn start<W>(name: &str, mut worker: impl FnMut() -> W) -> std::io::Result<Self>
    where
        W: FnMut(P, &AtomicBool) -> Option<A> + Send + 'static,
    {
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, MOST_WORKERS);
        let cancel = Arc::new(AtomicBool::new(false));
        let (feed, pieces) = std::sync::mpsc::sync_channel::<(u64, P)>(2 * workers);
        let pieces = Arc::new(Mutex::new(pieces));
        let (answers, found) = std::sync::mpsc::channel();
        for _ in 0..workers {
            let (stop, pieces, answers) = (cancel.clone(), pieces.clone(), answers.clone());
            let mut work = worker();
            std::thread::Builder::new()
                .name(name.to_owned())
                .spawn(move || {
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
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let Some(answer) = work(piece, &stop) else {
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
    pub fn offer(&mut self, piece: P) -> Result<(), P> {
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

    /// The answers since the last call, in the order the pieces were
    /// handed over (one answered before an older one waits for it).
    pub fn take_answers(&mut self) -> Vec<A> {
        self.early.extend(self.found.try_iter());
        let mut given = Vec::new();
        while let Some(answer) = self.early.remove(&self.next_answer) {
            given.push(answer);
            self.next_answer += 1;
        }
        given
    }

    /// Whether every piece handed over has been answered and given out.
    pub fn all_answered(&self) -> bool {
        self.next_answer == self.handed
    }
}

impl<P, A> Drop for OrderedWorkers<P, A> {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
