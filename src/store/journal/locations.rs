//! Where each journal line landed, by ticket: published by the writer
//! after each successful flush, so a line found here can be read back.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Where a journal line is, once written: the history reads payloads back
/// from here when they are no longer in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineAt {
    /// The line starts at `offset` in `path`.
    Written { path: Arc<PathBuf>, offset: u64 },
    /// Queued, not yet on disk.
    Pending,
    /// The journal could not write it (counted as unwritten).
    Unwritten,
}

/// Where each ticket's line landed: 8 bytes per line, the file id in the
/// top 16 bits and the offset in the rest. Published by the writer after
/// each successful flush, so a line listed here can be read back. The
/// history takes the places of the lines it spills to disk and has this
/// forget them ([`Locations::forget_before`]): memory holds the newest
/// lines' places, whatever the session's length.
#[derive(Debug, Default)]
pub struct Locations {
    lines: Mutex<Lines>,
    files: Mutex<Vec<Arc<PathBuf>>>,
}

/// The places of the tickets from `first` on.
#[derive(Debug, Default)]
struct Lines {
    first: u64,
    packed: std::collections::VecDeque<u64>,
}

impl Lines {
    fn get(&self, ticket: u64) -> u64 {
        ticket
            .checked_sub(self.first)
            .and_then(|at| usize::try_from(at).ok())
            .and_then(|at| self.packed.get(at).copied())
            .unwrap_or(PENDING)
    }
}

pub(super) const PENDING: u64 = u64::MAX;
pub(super) const UNWRITTEN: u64 = u64::MAX - 1;
pub(super) const OFFSET_BITS: u32 = 48;

impl Locations {
    /// Where the line of `ticket` is.
    pub fn find(&self, ticket: u64) -> LineAt {
        let packed = self.lines.lock().map_or(PENDING, |lines| lines.get(ticket));
        self.unpack(packed)
    }

    /// Where the lines of many tickets are, under one lock.
    pub fn find_many(&self, tickets: impl Iterator<Item = u64>) -> Vec<LineAt> {
        let packed: Vec<u64> = match self.lines.lock() {
            Ok(lines) => tickets.map(|t| lines.get(t)).collect(),
            Err(_) => return Vec::new(),
        };
        packed.into_iter().map(|p| self.unpack(p)).collect()
    }

    fn unpack(&self, packed: u64) -> LineAt {
        match packed {
            PENDING => LineAt::Pending,
            UNWRITTEN => LineAt::Unwritten,
            packed => {
                let file = usize::try_from(packed >> OFFSET_BITS).unwrap_or(usize::MAX);
                let offset = packed & ((1 << OFFSET_BITS) - 1);
                match self.files.lock().ok().and_then(|f| f.get(file).cloned()) {
                    Some(path) => LineAt::Written { path, offset },
                    None => LineAt::Unwritten,
                }
            }
        }
    }

    pub(super) fn set(&self, marks: impl Iterator<Item = (u64, u64)>) {
        if let Ok(mut lines) = self.lines.lock() {
            for (ticket, packed) in marks {
                // A ticket already forgotten is the history's to place.
                let Some(index) = ticket
                    .checked_sub(lines.first)
                    .and_then(|at| usize::try_from(at).ok())
                else {
                    continue;
                };
                if index >= lines.packed.len() {
                    lines.packed.resize(index + 1, PENDING);
                }
                lines.packed[index] = packed;
            }
        }
    }

    /// Forgets the places of the tickets before `ticket`: the history holds
    /// them itself now (they read as pending if asked again).
    pub fn forget_before(&self, ticket: u64) {
        if let Ok(mut lines) = self.lines.lock()
            && let Some(count) = ticket
                .checked_sub(lines.first)
                .and_then(|n| usize::try_from(n).ok())
        {
            let count = count.min(lines.packed.len());
            lines.packed.drain(..count);
            lines.first += count as u64;
        }
    }

    pub(super) fn file_id(&self, path: &Path) -> u64 {
        let Ok(mut files) = self.files.lock() else {
            return 0;
        };
        let id = files
            .iter()
            .position(|f| f.as_path() == path)
            .unwrap_or_else(|| {
                files.push(Arc::new(path.to_owned()));
                files.len() - 1
            });
        id as u64
    }
}
