//! Indexing journal lines that have no entries yet: a foreign file's
//! whole length on its first open, or the tail a crash left unindexed.
//! Read in windows of whole lines; each window is cut at a line boundary
//! near its middle and the halves are parsed on two threads (both cores),
//! their names then merged into the file's, in order.

use super::format::IndexEntry;
use super::names::FileNames;
use super::parse::parse_line;
use crate::domain::record::Gap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// What indexing a stretch of a journal found.
#[derive(Debug, Default)]
pub(super) struct Indexed {
    pub entries: Vec<IndexEntry>,
    /// Name records for the names file, for names first seen here.
    pub new_names: Vec<u8>,
    /// Where the last complete line ends.
    pub covered: u64,
    /// Lines that are not records (counted, not indexed).
    pub skipped: u64,
    /// The stretch ends in a line without its newline (a crash while
    /// writing): not indexed, and the next line must not be glued to it.
    pub torn_tail: bool,
}

/// Bytes read at a time; a longer line grows the window.
const WINDOW: usize = 32 * 1024 * 1024;

/// Indexes the lines of `journal` from `start` up to `end`, adding the
/// names they bring to `names`.
pub(super) fn index_range(
    journal: &Path,
    start: u64,
    end: u64,
    names: &mut FileNames,
) -> std::io::Result<Indexed> {
    let mut indexed = Indexed {
        covered: start,
        ..Indexed::default()
    };
    if end <= start {
        return Ok(indexed);
    }
    let mut file = File::open(journal)?;
    file.seek(SeekFrom::Start(start))?;
    let mut file = file.take(end - start);
    let mut buffer: Vec<u8> = Vec::with_capacity(WINDOW);
    let mut at = start;
    loop {
        let before = buffer.len();
        let want = (WINDOW.max(before * 2)) - before;
        let read = (&mut file).take(want as u64).read_to_end(&mut buffer)?;
        let Some(last_newline) = memchr::memrchr(b'\n', &buffer) else {
            if read == 0 {
                indexed.torn_tail = !buffer.iter().all(u8::is_ascii_whitespace);
                return Ok(indexed);
            }
            continue;
        };
        let whole = &buffer[..=last_newline];
        index_window(whole, at, names, &mut indexed);
        at += whole.len() as u64;
        indexed.covered = at;
        buffer.drain(..=last_newline);
        if read == 0 {
            indexed.torn_tail = !buffer.iter().all(u8::is_ascii_whitespace);
            return Ok(indexed);
        }
    }
}

/// Indexes a window of whole lines starting at byte `at` of the journal.
fn index_window(window: &[u8], at: u64, names: &mut FileNames, indexed: &mut Indexed) {
    // Small windows are not worth a thread.
    let middle = if window.len() < 1024 * 1024 {
        None
    } else {
        memchr::memchr(b'\n', &window[window.len() / 2..]).map(|n| window.len() / 2 + n + 1)
    };
    let Some(middle) = middle.filter(|m| *m < window.len()) else {
        let mut part = Part::default();
        part.index(window, at);
        merge(part, names, indexed);
        return;
    };
    let (first, second) = window.split_at(middle);
    let (a, b) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let mut part = Part::default();
            part.index(second, at + middle as u64);
            part
        });
        let mut part = Part::default();
        part.index(first, at);
        (part, other.join())
    });
    merge(a, names, indexed);
    // A panic in the parser is a bug; that half is indexed here instead.
    let b = b.unwrap_or_else(|_| {
        let mut part = Part::default();
        part.index(second, at + middle as u64);
        part
    });
    merge(b, names, indexed);
}

/// One thread's share: entries with ids into its own names.
#[derive(Default)]
struct Part {
    names: FileNames,
    entries: Vec<IndexEntry>,
    skipped: u64,
}

impl Part {
    fn index(&mut self, lines: &[u8], mut at: u64) {
        let mut ignored = Vec::new();
        for line in lines.split_inclusive(|b| *b == b'\n') {
            let len = line.len();
            let text = std::str::from_utf8(line).unwrap_or_default();
            match parse_line(text.trim_end_matches(['\n', '\r'])) {
                Some(record) => {
                    let line_len = u32::try_from(len).unwrap_or(u32::MAX);
                    let entry = self.names.entry(&record, at, line_len, &mut ignored);
                    ignored.clear();
                    self.entries.push(entry);
                }
                None if line.trim_ascii().is_empty() => {}
                None => match Gap::of_line(text) {
                    Some(gap) => {
                        let line_len = u32::try_from(len).unwrap_or(u32::MAX);
                        self.entries.push(IndexEntry::of_gap(&gap, at, line_len));
                    }
                    None => self.skipped += 1,
                },
            }
            at += len as u64;
        }
    }
}

fn merge(part: Part, names: &mut FileNames, indexed: &mut Indexed) {
    let renumbering = names.absorb(&part.names, &mut indexed.new_names);
    indexed.entries.reserve(part.entries.len());
    for mut entry in part.entries {
        renumbering.apply(&mut entry);
        indexed.entries.push(entry);
    }
    indexed.skipped += part.skipped;
}
