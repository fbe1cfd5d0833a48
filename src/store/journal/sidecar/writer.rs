//! The index as the journal writer keeps it: an entry per line written,
//! names as they first appear, both flushed with the lines and the header
//! last, so after a kill the index never claims a line it lacks.

use super::IndexPaths;
use super::format::Header;
use super::names::FileNames;
use super::repair::{Locked, Opened, repair};
use crate::store::StoredRecord;
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt as _;
use std::path::Path;

/// The index of the journal file being written.
pub(in crate::store::journal) struct SidecarWriter {
    locked: Locked,
    names: FileNames,
    names_len: u64,
    /// Entries and names since the last flush.
    entries: Vec<u8>,
    new_names: Vec<u8>,
    /// What the header last said the entries cover.
    covers: u64,
}

impl SidecarWriter {
    /// Opens (repairing) the index of `journal`, whose first `journal_len`
    /// bytes are written, to go on appending to it; `WouldBlock` while
    /// another holds it (a loader repairing it: try again later).
    pub(in crate::store::journal) fn open(
        journal: &Path,
        journal_len: u64,
    ) -> std::io::Result<(Self, Opened)> {
        let paths = IndexPaths::beside(journal);
        let mut locked = Locked::take(&paths)?.ok_or_else(|| {
            std::io::Error::new(
                std::io::ErrorKind::WouldBlock,
                format!(
                    "the index {} is being written by another program",
                    paths.entries.display()
                ),
            )
        })?;
        let mut opened = repair(journal, journal_len, &paths, Some(&mut locked))?;
        let names_len = locked.names.seek(SeekFrom::End(0))?;
        locked.entries.seek(SeekFrom::End(0))?;
        let names = std::mem::take(&mut opened.sidecar.names);
        opened.sidecar.entries = Vec::new();
        Ok((
            Self {
                locked,
                names,
                names_len,
                entries: Vec::new(),
                new_names: Vec::new(),
                covers: opened.covers,
            },
            opened,
        ))
    }

    /// Adds the entry of `record`, whose line of `line_len` bytes (its
    /// newline included) starts at `offset`.
    pub(in crate::store::journal) fn add(
        &mut self,
        record: &StoredRecord,
        offset: u64,
        line_len: u64,
    ) {
        let line_len = u32::try_from(line_len).unwrap_or(u32::MAX);
        let entry = self
            .names
            .entry(record, offset, line_len, &mut self.new_names);
        entry.encode(&mut self.entries);
    }

    /// Adds the entry of a gap record.
    pub(in crate::store::journal) fn add_gap(
        &mut self,
        gap: &crate::domain::record::Gap,
        offset: u64,
        line_len: u64,
    ) {
        let line_len = u32::try_from(line_len).unwrap_or(u32::MAX);
        super::IndexEntry::of_gap(gap, offset, line_len).encode(&mut self.entries);
    }

    /// Adds the entry of an alert record.
    pub(in crate::store::journal) fn add_alert(
        &mut self,
        alert: &crate::domain::watch::Alert,
        offset: u64,
        line_len: u64,
    ) {
        let line_len = u32::try_from(line_len).unwrap_or(u32::MAX);
        super::IndexEntry::of_alert(alert, offset, line_len).encode(&mut self.entries);
    }

    /// Writes what was added; the journal's first `covers` bytes are on
    /// disk. Names first (entries point to them), the header last.
    pub(in crate::store::journal) fn flush(&mut self, covers: u64) -> std::io::Result<()> {
        if covers == self.covers && self.entries.is_empty() {
            return Ok(());
        }
        if !self.new_names.is_empty() {
            self.locked.names.write_all(&self.new_names)?;
            self.names_len += self.new_names.len() as u64;
            self.new_names.clear();
        }
        if !self.entries.is_empty() {
            self.locked.entries.write_all(&self.entries)?;
            self.entries.clear();
        }
        let header = Header {
            covers,
            names_cover: self.names_len,
        };
        self.locked.entries.write_all_at(&header.encode(), 0)?;
        self.covers = covers;
        Ok(())
    }
}
