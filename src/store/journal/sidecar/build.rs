//! Indexing journal lines that have no entries yet: a foreign file's
//! whole length on its first open, or the tail a crash left unindexed.
//! A long stretch is cut at a line boundary near its middle and each half
//! read, in windows of whole lines, and parsed on a thread of its own (both
//! cores), their names then merged into the file's, in order.

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

/// A stretch shorter than this is indexed on one thread.
const SPLIT_FROM: u64 = 4 * 1024 * 1024;

/// Indexes the lines of `journal` from `start` up to `end`, adding the
/// names they bring to `names`. A long stretch is cut at the line that
/// starts nearest its middle and each half read and parsed on a thread of
/// its own (both cores read and parse, each from its own position).
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
    let middle = if end - start < SPLIT_FROM {
        None
    } else {
        line_start_after(journal, start + (end - start) / 2, end)?
    };
    let Some(middle) = middle else {
        let scanned = scan(journal, start, end)?;
        merge(scanned.part, names, &mut indexed);
        indexed.covered = scanned.covered;
        indexed.torn_tail = scanned.torn_tail;
        return Ok(indexed);
    };
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| scan(journal, middle, end));
        let first = scan(journal, start, middle);
        // A panic in the parser is a bug; that half is read here instead.
        (
            first,
            second.join().unwrap_or_else(|_| scan(journal, middle, end)),
        )
    });
    let (first, second) = (first?, second?);
    merge(first.part, names, &mut indexed);
    merge(second.part, names, &mut indexed);
    indexed.covered = second.covered;
    indexed.torn_tail = second.torn_tail;
    Ok(indexed)
}

/// Where the first line starting after byte `from - 1` starts (`from` itself
/// when a line ends just before it), if one starts before `end`.
fn line_start_after(journal: &Path, from: u64, end: u64) -> std::io::Result<Option<u64>> {
    let mut file = File::open(journal)?;
    let mut at = from - 1;
    file.seek(SeekFrom::Start(at))?;
    let mut block = vec![0u8; 64 * 1024];
    while at < end {
        let read = file.read(&mut block)?;
        if read == 0 {
            break;
        }
        if let Some(newline) = memchr::memchr(b'\n', &block[..read]) {
            let next = at + newline as u64 + 1;
            return Ok((next < end).then_some(next));
        }
        at += read as u64;
    }
    Ok(None)
}

/// One thread's reading of a stretch: its entries and names, where its last
/// complete line ends, whether a line was left without its newline.
struct Scanned {
    part: Part,
    covered: u64,
    torn_tail: bool,
}

/// Reads the lines of `journal` from `start` up to `end` in windows of whole
/// lines and indexes them.
fn scan(journal: &Path, start: u64, end: u64) -> std::io::Result<Scanned> {
    let mut file = File::open(journal)?;
    file.seek(SeekFrom::Start(start))?;
    let mut file = file.take(end - start);
    let mut buffer: Vec<u8> =
        Vec::with_capacity(WINDOW.min(usize::try_from(end - start).unwrap_or(WINDOW)));
    let mut part = Part::default();
    let mut at = start;
    loop {
        let before = buffer.len();
        let want = (WINDOW.max(before * 2)) - before;
        let read = (&mut file).take(want as u64).read_to_end(&mut buffer)?;
        let Some(last_newline) = memchr::memrchr(b'\n', &buffer) else {
            if read == 0 {
                return Ok(Scanned {
                    part,
                    covered: at,
                    torn_tail: !buffer.iter().all(u8::is_ascii_whitespace),
                });
            }
            continue;
        };
        let whole = &buffer[..=last_newline];
        part.index(whole, at);
        at += whole.len() as u64;
        buffer.drain(..=last_newline);
        if read == 0 {
            return Ok(Scanned {
                part,
                covered: at,
                torn_tail: !buffer.iter().all(u8::is_ascii_whitespace),
            });
        }
    }
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
        // Lines found with memchr (a slice's split looks at each byte).
        let ends = memchr::memchr_iter(b'\n', lines)
            .map(|newline| newline + 1)
            .chain((!lines.ends_with(b"\n") && !lines.is_empty()).then_some(lines.len()));
        let mut start = 0;
        for end in ends {
            let line = &lines[start..end];
            start = end;
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
                None => {
                    let line_len = u32::try_from(len).unwrap_or(u32::MAX);
                    if let Some(gap) = Gap::of_line(text) {
                        self.entries.push(IndexEntry::of_gap(&gap, at, line_len));
                    } else if let Some(alert) = crate::domain::watch::Alert::of_line(text) {
                        self.entries
                            .push(IndexEntry::of_alert(&alert, at, line_len));
                    } else {
                        self.skipped += 1;
                    }
                }
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
