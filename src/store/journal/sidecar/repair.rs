//! Opening a journal file's index: read it, cut what a crash tore (a
//! partial entry, a partial name, entries past the journal's end or
//! naming names that never reached the disk), reject one that is not this
//! journal's (another version, a journal that shrank, a last entry that
//! is not its line), and index the lines it lacks. Whoever holds the
//! index's lock writes the repair back; anyone else repairs in memory.

use super::build::{Indexed, index_range};
use super::format::{ENTRY_LEN, HEADER_LEN, Header, IndexEntry, decode_names};
use super::names::FileNames;
use super::parse::parse_line;
use super::{IndexPaths, Sidecar};
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt as _;
use std::path::Path;

/// A journal file's index after opening: its entries, and what opening
/// found and did.
#[derive(Debug, Default)]
pub struct Opened {
    pub sidecar: Sidecar,
    /// Bytes of the journal the entries cover (the end of its last whole
    /// line looked at).
    pub covers: u64,
    /// Lines indexed now because the index lacked them.
    pub indexed_now: u64,
    /// Lines that are not records, among those indexed now.
    pub skipped: u64,
    /// The journal ends in a torn line.
    pub torn_tail: bool,
    /// What was on disk.
    pub found: Found,
    /// The repair was written back (this opener held the index's lock).
    pub kept: bool,
}

/// What opening found of an index on disk.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No index (or an empty one): built now.
    #[default]
    Nothing,
    /// An index whose entries all held.
    Whole,
    /// Entries or names a crash tore, cut.
    Torn,
    /// An index of another journal, or of another version: built again.
    Foreign,
}

/// The index files, opened for writing and locked: one writer at a time.
pub(in crate::store::journal) struct Locked {
    pub entries: File,
    pub names: File,
}

impl Locked {
    /// Opens and locks `paths`; `None` when another holds the lock (a
    /// console writing this journal), then the opener repairs in memory.
    pub(in crate::store::journal) fn take(paths: &IndexPaths) -> std::io::Result<Option<Self>> {
        let open = |path: &Path| {
            OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
        };
        let entries = open(&paths.entries)?;
        match entries.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(err)) => return Err(err),
        }
        let names = open(&paths.names)?;
        Ok(Some(Self { entries, names }))
    }
}

/// Opens the index of `journal` (its first `journal_len` bytes), beside
/// it or in the cache, repairing or building it as needed.
pub fn open(journal: &Path, journal_len: u64) -> std::io::Result<Opened> {
    let paths = IndexPaths::for_journal(journal).ok_or_else(|| {
        std::io::Error::other(format!(
            "no place to keep the index of {}: neither its directory nor the cache dir takes files",
            journal.display()
        ))
    })?;
    let mut locked = Locked::take(&paths)?;
    repair(journal, journal_len, &paths, locked.as_mut())
}

/// Reads, checks and completes the index at `paths` of `journal`; with
/// `locked`, the result is written back.
pub(in crate::store::journal) fn repair(
    journal: &Path,
    journal_len: u64,
    paths: &IndexPaths,
    locked: Option<&mut Locked>,
) -> std::io::Result<Opened> {
    let read = |path: &Path| match std::fs::read(path) {
        Ok(bytes) => Ok(bytes),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(err) => Err(err),
    };
    let entry_bytes = read(&paths.entries)?;
    let names_bytes = read(&paths.names)?;
    let mut opened = Opened::default();
    let header = Header::decode(&entry_bytes).filter(|h| h.covers <= journal_len);
    let (records, names_valid) = decode_names(&names_bytes);
    let mut names = FileNames::from_records(&records);
    let mut entries = Vec::new();
    if header.is_some() {
        opened.found = Found::Whole;
        let whole = &entry_bytes[HEADER_LEN..];
        let mut previous_end = 0;
        for chunk in whole.chunks(ENTRY_LEN) {
            let Ok(bytes) = <&[u8; 40]>::try_from(chunk) else {
                opened.found = Found::Torn;
                break;
            };
            let entry = IndexEntry::decode(bytes);
            if entry.offset < previous_end || entry.end() > journal_len || !names.knows(&entry) {
                opened.found = Found::Torn;
                break;
            }
            previous_end = entry.end();
            entries.push(entry);
        }
        if names_valid < names_bytes.len() as u64 {
            opened.found = Found::Torn;
        }
    }
    let ours = header.is_some()
        && entries
            .last()
            .is_none_or(|last| is_its_line(journal, last).unwrap_or(false));
    if !ours {
        opened.found = if entry_bytes.is_empty() && names_bytes.is_empty() {
            Found::Nothing
        } else {
            Found::Foreign
        };
        entries.clear();
        names = FileNames::default();
    }
    let start = entries.last().map_or(0, IndexEntry::end);
    let indexed = index_range(journal, start, journal_len, &mut names)?;
    if let Some(locked) = locked {
        let names_keep = if ours { names_valid } else { 0 };
        let entries_keep = (HEADER_LEN + entries.len() * ENTRY_LEN) as u64;
        write_back(locked, &indexed, names_keep, entries_keep)?;
        opened.kept = true;
    }
    opened.covers = indexed.covered;
    opened.indexed_now = indexed.entries.len() as u64;
    opened.skipped = indexed.skipped;
    opened.torn_tail = indexed.torn_tail;
    entries.extend(indexed.entries);
    opened.sidecar = Sidecar { names, entries };
    Ok(opened)
}

/// Whether `entry` describes the line it points at: that line is whole
/// and says the entry's time (an index of another journal does not).
fn is_its_line(journal: &Path, entry: &IndexEntry) -> std::io::Result<bool> {
    let file = File::open(journal)?;
    let mut line = vec![0; entry.line_len as usize];
    file.read_exact_at(&mut line, entry.offset)?;
    let before_is_newline = entry.offset == 0 || {
        let mut before = [0];
        file.read_exact_at(&mut before, entry.offset - 1)?;
        before[0] == b'\n'
    };
    let Some(text) = line
        .strip_suffix(b"\n")
        .and_then(|l| std::str::from_utf8(l).ok())
    else {
        return Ok(false);
    };
    let text = text.trim_end_matches('\r');
    let at = if entry.is_alert() {
        crate::domain::watch::Alert::of_line(text).map(|alert| alert.at)
    } else if entry.lost().is_some() {
        crate::domain::record::Gap::of_line(text).map(|gap| gap.at)
    } else {
        parse_line(text).map(|record| record.at)
    };
    Ok(before_is_newline && at.is_some_and(|at| at.timestamp_micros() == entry.at))
}

/// Writes the repair: both files cut to what was valid, the new names
/// then the new entries appended, then the header saying what they cover
/// (the header last, so it never claims what is not yet there).
fn write_back(
    locked: &mut Locked,
    indexed: &Indexed,
    names_keep: u64,
    entries_keep: u64,
) -> std::io::Result<()> {
    locked.names.set_len(names_keep)?;
    locked.names.seek(SeekFrom::End(0))?;
    locked.names.write_all(&indexed.new_names)?;
    let names_cover = names_keep + indexed.new_names.len() as u64;
    locked.entries.set_len(entries_keep)?;
    locked.entries.seek(SeekFrom::End(0))?;
    let mut bytes = Vec::with_capacity(indexed.entries.len() * ENTRY_LEN);
    for entry in &indexed.entries {
        entry.encode(&mut bytes);
    }
    locked.entries.write_all(&bytes)?;
    let header = Header {
        covers: indexed.covered,
        names_cover,
    };
    locked.entries.write_all_at(&header.encode(), 0)?;
    Ok(())
}
