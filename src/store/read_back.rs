//! Reading a payload back from its journal line when it has left the
//! memory cache: where its line is, one positioned read per line, the
//! last few kept.

use super::index::Slot;
use super::journal::LineAt;
use super::{History, Place};
use bytes::Bytes;
use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::PathBuf;
use std::sync::Arc;

impl History {
    /// The cached payload of `seq`, if it is still in memory.
    pub(super) fn cached(&self, seq: u64) -> Option<Bytes> {
        self.recent.get(seq)
    }

    /// Where the line of a message's payload is, or why it cannot be had.
    pub(super) fn where_is(&self, slot: &Slot) -> Result<(Arc<PathBuf>, u64), String> {
        match slot.place() {
            Place::File { file, offset } => self
                .files
                .get(usize::from(file))
                .map(|path| (path.clone(), offset))
                .ok_or_else(|| "its file is not known".to_owned()),
            Place::Journal(ticket) => {
                let journal = self
                    .journal
                    .as_ref()
                    .ok_or_else(|| "the journal is not open".to_owned())?;
                match journal.locations.find(ticket) {
                    LineAt::Written { path, offset } => Ok((path, offset)),
                    LineAt::Pending => Err("the journal has not written it yet".into()),
                    LineAt::Unwritten => Err("the journal could not write it".into()),
                }
            }
            Place::Nowhere => {
                Err("it left the memory cache and the journal is off (--no-journal)".into())
            }
        }
    }

    /// The payload of message `seq`: from the cache, else read back from
    /// its line.
    pub(super) fn payload(&self, seq: u64, slot: &Slot) -> Result<Bytes, String> {
        if let Some(payload) = self.cached(seq) {
            return Ok(payload);
        }
        let (path, offset) = self.where_is(slot)?;
        self.read_back.borrow_mut().payload(seq, &path, offset)
    }
}

/// Payloads read back lately, and the files they came from.
#[derive(Debug, Default)]
pub(super) struct ReadBack {
    payloads: HashMap<u64, Bytes>,
    order: VecDeque<u64>,
    bytes: usize,
    files: Files,
}

/// At most this many payloads read back are kept (a few screens' worth).
const KEEP: usize = 1024;
/// ... and at most this many bytes of them.
const KEEP_BYTES: usize = 16 * 1024 * 1024;

impl ReadBack {
    /// The payload of message `seq`, whose line starts at `offset` in `path`.
    pub(super) fn payload(
        &mut self,
        seq: u64,
        path: &Arc<PathBuf>,
        offset: u64,
    ) -> Result<Bytes, String> {
        if let Some(payload) = self.payloads.get(&seq) {
            return Ok(payload.clone());
        }
        let payload = Bytes::from(self.files.payload_at(path, offset)?);
        self.bytes += payload.len();
        self.payloads.insert(seq, payload.clone());
        self.order.push_back(seq);
        while self.order.len() > KEEP || self.bytes > KEEP_BYTES {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(gone) = self.payloads.remove(&old) {
                self.bytes -= gone.len();
            }
        }
        Ok(payload)
    }
}

/// Open files, by path (a handful: the journal's parts, opened files).
#[derive(Debug, Default)]
pub struct Files {
    open: HashMap<Arc<PathBuf>, File>,
}

/// A journal line longer than this is not read back (a payload is at
/// most 16 MiB, which base64 makes under 22 MiB).
const MAX_LINE: usize = 64 * 1024 * 1024;

impl Files {
    fn file(&mut self, path: &Arc<PathBuf>) -> Result<&File, String> {
        if !self.open.contains_key(path) {
            if self.open.len() >= 64 {
                self.open.clear();
            }
            let file = File::open(path.as_path())
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            self.open.insert(path.clone(), file);
        }
        self.open
            .get(path)
            .ok_or_else(|| format!("cannot read {}", path.display()))
    }

    /// The line that starts at `offset` in `path`, without its newline.
    pub fn line_at(&mut self, path: &Arc<PathBuf>, offset: u64) -> Result<Vec<u8>, String> {
        let file = self.file(path)?;
        let mut line = Vec::new();
        let mut chunk = vec![0; 4096];
        loop {
            let read = file
                .read_at(&mut chunk, offset + line.len() as u64)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            if read == 0 {
                return Ok(line);
            }
            if let Some(end) = memchr::memchr(b'\n', &chunk[..read]) {
                line.extend_from_slice(&chunk[..end]);
                return Ok(line);
            }
            line.extend_from_slice(&chunk[..read]);
            if line.len() > MAX_LINE {
                return Err(format!(
                    "the line at byte {offset} of {} is too long",
                    path.display()
                ));
            }
            if chunk.len() < 1024 * 1024 {
                chunk.resize(chunk.len() * 4, 0);
            }
        }
    }

    /// The exact payload bytes of the record at `offset` in `path`.
    pub fn payload_at(&mut self, path: &Arc<PathBuf>, offset: u64) -> Result<Vec<u8>, String> {
        let line = self.line_at(path, offset)?;
        let line = std::str::from_utf8(&line).map_err(|_| {
            format!(
                "the line at byte {offset} of {} is not text",
                path.display()
            )
        })?;
        crate::domain::record::payload_bytes(line).map_err(|err| {
            format!(
                "the line at byte {offset} of {} changed: {err}",
                path.display()
            )
        })
    }
}
