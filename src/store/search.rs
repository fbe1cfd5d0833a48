//! Text search over payloads in the background: the UI hands the search
//! thread pieces of the history (newest first), each message with what to
//! look in (its cached payload, or where its line is on disk); the thread
//! answers with the hits and how much it covered. Cancelling stops it
//! within one message.

use super::read_back::Files;
use bytes::Bytes;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};

/// A lower-case needle, found regardless of case (all of Unicode, see
/// [`contains`]).
#[derive(Debug, Clone)]
pub struct Needle {
    lower: Vec<u8>,
}

impl Needle {
    pub fn new(text: &str) -> Self {
        Self {
            lower: text.to_lowercase().into_bytes(),
        }
    }

    /// Whether `hay` contains the needle, ignoring case.
    pub fn is_in(&self, hay: &[u8]) -> bool {
        contains(hay, &self.lower)
    }
}

/// Whether `hay` contains `lower` (the searched text lower-cased),
/// ignoring case: the one text match of the console's `/` search and
/// filter, and of `export --text`.
///
/// An ASCII needle (nearly every search: field names, actions, numbers)
/// takes the fast path, a byte scan that folds ASCII case only; a needle
/// with other letters folds the case of both sides character by character,
/// so "é" finds "É" and "straße" finds "STRAßE". A hay that is all ASCII
/// cannot hold a non-ASCII needle and is passed over at once.
pub fn contains(hay: &[u8], lower: &[u8]) -> bool {
    if lower.is_ascii() {
        contains_ascii(hay, lower)
    } else {
        !hay.is_ascii()
            && contains_folded(
                &String::from_utf8_lossy(hay),
                &String::from_utf8_lossy(lower),
            )
    }
}

/// [`contains`] for an ASCII needle.
fn contains_ascii(hay: &[u8], lower: &[u8]) -> bool {
    let Some(&first) = lower.first() else {
        return true;
    };
    let Some(last_start) = hay.len().checked_sub(lower.len()) else {
        return false;
    };
    let mut from = 0;
    while from <= last_start {
        let Some(hit) = memchr::memchr2(first, first.to_ascii_uppercase(), &hay[from..=last_start])
        else {
            return false;
        };
        let at = from + hit;
        if hay[at..at + lower.len()].eq_ignore_ascii_case(lower) {
            return true;
        }
        from = at + 1;
    }
    false
}

/// Whether `hay` contains `needle` with the case of both folded.
fn contains_folded(hay: &str, needle: &str) -> bool {
    let Some(first) = needle.chars().flat_map(fold).next() else {
        return true;
    };
    hay.char_indices()
        .any(|(at, c)| fold(c).next() == Some(first) && starts_with_folded(&hay[at..], needle))
}

/// Whether `hay` starts with `needle`, the case of both folded.
fn starts_with_folded(hay: &str, needle: &str) -> bool {
    let mut needle = needle.chars().flat_map(fold);
    for c in hay.chars().flat_map(fold) {
        match needle.next() {
            None => return true,
            Some(n) if n == c => {}
            Some(_) => return false,
        }
    }
    needle.next().is_none()
}

/// A character's case fold: its lower case, with the final sigma (which
/// `str::to_lowercase` writes at the end of a word) the same as σ.
fn fold(c: char) -> impl Iterator<Item = char> {
    c.to_lowercase().map(|l| if l == 'ς' { 'σ' } else { l })
}

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

/// What the thread found in one piece.
#[derive(Debug, Default)]
pub struct Found {
    /// Newest first.
    pub seqs: Vec<u64>,
    pub covered: u64,
    /// Messages whose payload could not be read.
    pub unreadable: u64,
}

/// A running search.
#[derive(Debug)]
pub struct SearchJob {
    cancel: Arc<AtomicBool>,
    feed: Option<SyncSender<Piece>>,
    found: Receiver<Found>,
}

impl SearchJob {
    /// Starts the search thread for `text` (lower-cased).
    pub fn start(text: &str) -> std::io::Result<Self> {
        let needle = Needle::new(text);
        let cancel = Arc::new(AtomicBool::new(false));
        let (feed, pieces) = std::sync::mpsc::sync_channel::<Piece>(2);
        let (answers, found) = std::sync::mpsc::channel();
        let stop = cancel.clone();
        std::thread::Builder::new()
            .name("search".into())
            .spawn(move || {
                let mut files = Files::default();
                for piece in pieces {
                    let mut answer = Found {
                        covered: piece.covered,
                        ..Found::default()
                    };
                    for item in piece.items {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let hit = match &item.source {
                            Source::Named => true,
                            Source::Cached(payload) => needle.is_in(payload),
                            Source::Stored { path, offset } => {
                                if let Ok(payload) = files.payload_at(path, *offset) {
                                    needle.is_in(&payload)
                                } else {
                                    answer.unreadable += 1;
                                    false
                                }
                            }
                            Source::Missing => {
                                answer.unreadable += 1;
                                false
                            }
                        };
                        if hit {
                            answer.seqs.push(item.seq);
                        }
                    }
                    if answers.send(answer).is_err() {
                        return;
                    }
                }
            })?;
        Ok(Self {
            cancel,
            feed: Some(feed),
            found,
        })
    }

    /// Hands over a piece if the thread has room; gives it back if not.
    pub fn offer(&self, piece: Piece) -> Result<(), Piece> {
        match &self.feed {
            Some(feed) => match feed.try_send(piece) {
                Ok(()) => Ok(()),
                Err(TrySendError::Full(piece) | TrySendError::Disconnected(piece)) => Err(piece),
            },
            None => Err(piece),
        }
    }

    /// No more pieces will come.
    pub fn end_feed(&mut self) {
        self.feed = None;
    }

    /// What the thread has found since the last call.
    pub fn take_found(&self) -> Vec<Found> {
        self.found.try_iter().collect()
    }
}

impl Drop for SearchJob {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_needle_folds_the_case_of_all_of_unicode() {
        for (needle, hay) in [
            ("é", "CAFÉ"),
            ("É", "café"),
            ("Café", "{\"text\":\"CAFÉ ouvert\"}"),
            ("straße", "STRAßE"),
            ("ΟΔΟΣ", "οδος"),
            ("οδος", "ΟΔΟΣ"),
            ("привет", "ПРИВЕТ мир"),
            ("ü", "aaÜ"),
        ] {
            assert!(
                Needle::new(needle).is_in(hay.as_bytes()),
                "{needle:?} in {hay:?}"
            );
        }
        for (needle, hay) in [("é", "CAFE"), ("é", "cafe"), ("éa", "é"), ("ü", "ÿ")] {
            assert!(
                !Needle::new(needle).is_in(hay.as_bytes()),
                "{needle:?} not in {hay:?}"
            );
        }
        // Bytes that are not UTF-8 are passed over, not a panic.
        assert!(Needle::new("é").is_in(b"\xff\xfe caf\xc3\x89"));
        assert!(!Needle::new("é").is_in(b"\xff\xc3"));
        // The store's callers hand `contains` text lower-cased by
        // `str::to_lowercase`, with its final sigma.
        assert!(contains("ΟΔΟΣ".as_bytes(), "οδος".as_bytes()));
        assert!(contains(
            "οδοσ".as_bytes(),
            "ΟΔΟΣ".to_lowercase().as_bytes()
        ));
    }

    #[test]
    fn the_needle_ignores_ascii_case() {
        let needle = Needle::new("UnLock");
        assert!(needle.is_in(br#"{"action":"unlock"}"#));
        assert!(needle.is_in(b"UNLOCK"));
        assert!(!needle.is_in(b"unlocked"[..5].as_ref()));
        assert!(!needle.is_in(b"un-lock"));
        assert!(Needle::new("").is_in(b""));
        assert!(
            Needle::new("ab").is_in(b"aab"),
            "a false start is passed over"
        );
    }
}
