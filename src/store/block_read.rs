//! Journal files read in large blocks at given offsets: the files kept
//! open between blocks (at most 64), one buffer reused. The search and
//! the jq scan read through it.

use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::path::PathBuf;
use std::sync::Arc;

/// Files open for block reads, and the last block read.
#[derive(Debug, Default)]
pub(crate) struct BlockReader {
    open: HashMap<Arc<PathBuf>, File>,
    /// The block last read.
    pub(crate) block: Vec<u8>,
}

impl BlockReader {
    /// Reads up to `len` bytes at `offset` of `path` into the block;
    /// whether the file ended before `len`.
    pub(crate) fn read(
        &mut self,
        path: &Arc<PathBuf>,
        offset: u64,
        len: u64,
    ) -> std::io::Result<bool> {
        if !self.open.contains_key(path) {
            if self.open.len() >= 64 {
                self.open.clear();
            }
            let file = File::open(path.as_path())?;
            self.open.insert(path.clone(), file);
        }
        let Some(file) = self.open.get(path) else {
            return Err(std::io::Error::other("the file was not kept open"));
        };
        let len = usize::try_from(len).map_err(|_| std::io::Error::other("a block too large"))?;
        self.block.resize(len, 0);
        let mut filled = 0;
        while filled < len {
            let read = file.read_at(&mut self.block[filled..], offset + filled as u64)?;
            if read == 0 {
                break;
            }
            filled += read;
        }
        self.block.truncate(filled);
        Ok(filled < len)
    }
}
