//! The scan of journal lines read in large blocks: one read for the lines
//! of many messages, the block's ASCII case folded once and searched with
//! a SIMD substring search, and only the lines where the needle may be
//! decoded and checked exactly.
//!
//! A line holds its payload verbatim (JSON), as a JSON string (text) or in
//! base64 (binary, or JSON with blanks). JSON escapes a string character by
//! character, so a payload holding the needle has a line holding the needle
//! or the needle as JSON escapes it; a base64 payload cannot be seen in its
//! line, so such a line is always checked. A needle with letters outside
//! ASCII (whose case folds beyond bytes) checks every line.

use super::Needle;
use crate::store::block_read::BlockReader;
use crate::store::read_back::Files;
use memchr::memmem::Finder;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Lines starting within this many bytes of a block's first are read in
/// one go.
const BLOCK: u64 = 4 * 1024 * 1024;
/// Read past the last line's start, for its end; a line longer than this
/// is read on its own.
const TAIL: u64 = 64 * 1024;

/// What marks a line whose payload is in base64.
const BASE64_MARK: &[u8] = b"{\"base64\":\"";

/// Searches the lines of one worker; keeps its buffers between blocks.
pub(super) struct LineScan {
    /// The needle, ASCII-lower-cased, and as JSON escapes it (if that
    /// differs), and the base64 mark; none when every line is checked.
    finders: Vec<Finder<'static>>,
    blocks: BlockReader,
    folded: Vec<u8>,
}

impl LineScan {
    pub(super) fn new(needle: &Needle) -> Self {
        let finders = match std::str::from_utf8(&needle.lower) {
            Ok(text) if needle.lower.is_ascii() => {
                let escaped = serde_json::Value::String(text.to_owned()).to_string();
                let escaped = escaped[1..escaped.len() - 1].to_ascii_lowercase();
                let mut finders = vec![
                    Finder::new(&needle.lower).into_owned(),
                    Finder::new(BASE64_MARK).into_owned(),
                ];
                if escaped.as_bytes() != needle.lower.as_slice() {
                    finders.push(Finder::new(escaped.as_bytes()).into_owned());
                }
                finders
            }
            _ => Vec::new(),
        };
        Self {
            finders,
            blocks: BlockReader::default(),
            folded: Vec::new(),
        }
    }

    /// Marks in `hit` the lines of `path` (each an item's index and its
    /// line's offset) whose payload holds the needle; returns how many
    /// could not be read, or `None` once cancelled.
    pub(super) fn scan(
        &mut self,
        files: &mut Files,
        path: &Arc<PathBuf>,
        lines: &mut [(usize, u64)],
        hit: &mut [bool],
        needle: &Needle,
        stop: &AtomicBool,
    ) -> Option<u64> {
        lines.sort_unstable_by_key(|&(_, offset)| offset);
        let mut unreadable = 0;
        let mut rest = &lines[..];
        while let Some(&(_, first)) = rest.first() {
            if stop.load(Ordering::Relaxed) {
                return None;
            }
            let count = rest.partition_point(|&(_, offset)| offset - first < BLOCK);
            let (group, after) = rest.split_at(count);
            rest = after;
            unreadable += self.scan_block(files, path, group, hit, needle);
        }
        Some(unreadable)
    }

    /// One block's lines, sorted by offset.
    fn scan_block(
        &mut self,
        files: &mut Files,
        path: &Arc<PathBuf>,
        group: &[(usize, u64)],
        hit: &mut [bool],
        needle: &Needle,
    ) -> u64 {
        let (Some(&(_, first)), Some(&(_, last))) = (group.first(), group.last()) else {
            return 0;
        };
        let wanted = last - first + TAIL;
        let Ok(at_end) = self.blocks.read(path, first, wanted) else {
            return group.len() as u64;
        };
        // Where each line is in the block; a line running past it is read
        // on its own.
        let mut spans = Vec::with_capacity(group.len());
        let mut long = Vec::new();
        for &(index, offset) in group {
            let start = usize::try_from(offset - first).unwrap_or(usize::MAX);
            let Some(from) = self.blocks.block.get(start..) else {
                long.push((index, offset));
                continue;
            };
            match memchr::memchr(b'\n', from) {
                Some(end) => spans.push((index, start, start + end)),
                None if at_end => spans.push((index, start, self.blocks.block.len())),
                None => long.push((index, offset)),
            }
        }
        let candidate = self.candidates(&spans);
        let mut unreadable = 0;
        for (&(index, start, end), candidate) in spans.iter().zip(candidate) {
            if candidate {
                match payload_of(&self.blocks.block[start..end]) {
                    Some(payload) => hit[index] = needle.is_in(&payload),
                    None => unreadable += 1,
                }
            }
        }
        for (index, offset) in long {
            match files.payload_at(path, offset) {
                Ok(payload) => hit[index] = needle.is_in(&payload),
                Err(_) => unreadable += 1,
            }
        }
        unreadable
    }

    /// Which of the block's lines may hold the needle.
    fn candidates(&mut self, spans: &[(usize, usize, usize)]) -> Vec<bool> {
        if self.finders.is_empty() {
            return vec![true; spans.len()];
        }
        self.folded.clear();
        self.folded.extend_from_slice(&self.blocks.block);
        self.folded.make_ascii_lowercase();
        let mut candidate = vec![false; spans.len()];
        for finder in &self.finders {
            let len = finder.needle().len();
            for at in finder.find_iter(&self.folded) {
                // The line that starts last at or before the hit holds it,
                // if the hit ends before the line does.
                let line = spans.partition_point(|&(_, start, _)| start <= at);
                if let Some(line) = line.checked_sub(1)
                    && at + len <= spans[line].2
                {
                    candidate[line] = true;
                }
            }
        }
        candidate
    }
}

/// The exact payload of a journal line, or `None` when the line is not a
/// record (it changed since it was indexed).
fn payload_of(line: &[u8]) -> Option<Vec<u8>> {
    let line = std::str::from_utf8(line).ok()?;
    crate::domain::record::payload_bytes(line).ok()
}

#[cfg(test)]
mod tests;
