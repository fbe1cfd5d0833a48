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
/// each successful flush, so a line listed here can be read back.
#[derive(Debug, Default)]
pub struct Locations {
    lines: Mutex<Vec<u64>>,
    files: Mutex<Vec<Arc<PathBuf>>>,
}

pub(super) const PENDING: u64 = u64::MAX;
pub(super) const UNWRITTEN: u64 = u64::MAX - 1;
pub(super) const OFFSET_BITS: u32 = 48;

impl Locations {
    /// Where the line of `ticket` is.
    pub fn find(&self, ticket: u64) -> LineAt {
        let packed = self
            .lines
            .lock()
            .ok()
            .and_then(|lines| lines.get(usize::try_from(ticket).ok()?).copied())
            .unwrap_or(PENDING);
        self.unpack(packed)
    }

    /// Where the lines of many tickets are, under one lock.
    pub fn find_many(&self, tickets: impl Iterator<Item = u64>) -> Vec<LineAt> {
        let packed: Vec<u64> = match self.lines.lock() {
            Ok(lines) => tickets
                .map(|t| {
                    usize::try_from(t)
                        .ok()
                        .and_then(|t| lines.get(t).copied())
                        .unwrap_or(PENDING)
                })
                .collect(),
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
                let Ok(index) = usize::try_from(ticket) else {
                    continue;
                };
                if index >= lines.len() {
                    lines.resize(index + 1, PENDING);
                }
                lines[index] = packed;
            }
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
