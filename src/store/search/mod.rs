//! Text search over payloads in the background: the UI hands the search
//! workers pieces of the history (newest first), each message with what to
//! look in (its cached payload, or where its line is on disk); the workers
//! answer with the hits and how much they covered, in the order the pieces
//! were handed over. Cancelling stops them within one block.
//!
//! Here the one text match (a needle found regardless of case); the
//! running search and its workers in `job`, the scan of journal lines read
//! in large blocks in `blocks`.

mod blocks;
mod job;

pub use job::{Found, Item, Piece, SearchJob, Source};

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

    #[test]
    fn answers_come_back_in_the_order_the_pieces_went() {
        let mut job = SearchJob::start("x").unwrap();
        // Big and small pieces alternate, so a worker with a small one
        // finishes before the other's big one.
        let pieces: Vec<Piece> = (0..40u64)
            .map(|n| Piece {
                items: (0..if n % 2 == 0 { 20_000 } else { 1 })
                    .map(|i| Item {
                        seq: n * 100_000 + i,
                        source: Source::Cached(bytes::Bytes::from_static(b"yyyyyyyyyyyyyyyyyyyyx")),
                    })
                    .collect(),
                covered: n,
            })
            .collect();
        let mut given = Vec::new();
        let mut pieces = pieces.into_iter();
        let mut held = pieces.next();
        while given.len() < 40 {
            while let Some(piece) = held.take() {
                match job.offer(piece) {
                    Ok(()) => held = pieces.next(),
                    Err(piece) => {
                        held = Some(piece);
                        break;
                    }
                }
            }
            given.extend(job.take_found().into_iter().map(|f| f.covered));
            std::thread::yield_now();
        }
        assert_eq!(given, (0..40).collect::<Vec<u64>>());
    }
}
