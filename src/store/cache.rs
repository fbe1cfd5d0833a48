//! The cache of recent payloads: appended into blocks of 1 MiB and let go
//! a whole block at a time, oldest first, once over budget. Memory is the
//! budget plus one block, whatever the sizes and the threads that made the
//! payloads (many small allocations freed across threads fragment the heap
//! and made a 64 MiB cache of single payloads cost twice that).

use bytes::Bytes;
use std::collections::VecDeque;

const BLOCK: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy)]
struct Entry {
    seq: u64,
    /// The block's number since the cache began.
    block: u64,
    start: usize,
    len: usize,
}

#[derive(Debug)]
pub(super) struct PayloadCache {
    budget: usize,
    /// Full blocks, oldest first; `blocks[0]` is block number `first_block`.
    blocks: VecDeque<Bytes>,
    first_block: u64,
    held: usize,
    /// The block being filled (number `first_block + blocks.len()`).
    current: Vec<u8>,
    entries: VecDeque<Entry>,
}

impl PayloadCache {
    pub(super) fn new(budget: usize) -> Self {
        Self {
            budget,
            blocks: VecDeque::new(),
            first_block: 0,
            held: 0,
            current: Vec::new(),
            entries: VecDeque::new(),
        }
    }

    pub(super) fn set_budget(&mut self, budget: usize) {
        self.budget = budget;
        self.trim();
    }

    fn current_number(&self) -> u64 {
        self.first_block + self.blocks.len() as u64
    }

    /// Keeps a copy of `payload` as message `seq`'s (sequence numbers rise).
    pub(super) fn push(&mut self, seq: u64, payload: &[u8]) {
        if !self.current.is_empty() && self.current.len() + payload.len() > BLOCK {
            let mut full = std::mem::take(&mut self.current);
            full.shrink_to_fit();
            self.held += full.len();
            self.blocks.push_back(Bytes::from(full));
        }
        if self.current.capacity() == 0 {
            self.current = Vec::with_capacity(BLOCK.max(payload.len()));
        }
        self.entries.push_back(Entry {
            seq,
            block: self.current_number(),
            start: self.current.len(),
            len: payload.len(),
        });
        self.current.extend_from_slice(payload);
        self.trim();
    }

    fn trim(&mut self) {
        while self.held + self.current.capacity() > self.budget {
            let Some(gone) = self.blocks.pop_front() else {
                break;
            };
            self.held -= gone.len();
            self.first_block += 1;
        }
        while self
            .entries
            .front()
            .is_some_and(|e| e.block < self.first_block)
        {
            self.entries.pop_front();
        }
    }

    /// The payload of message `seq`, if still cached.
    pub(super) fn get(&self, seq: u64) -> Option<Bytes> {
        let index = self.entries.binary_search_by_key(&seq, |e| e.seq).ok()?;
        let entry = self.entries.get(index)?;
        let range = entry.start..entry.start + entry.len;
        if entry.block == self.current_number() {
            return Some(Bytes::copy_from_slice(&self.current[range]));
        }
        let block = self
            .blocks
            .get(usize::try_from(entry.block - self.first_block).ok()?)?;
        Some(block.slice(range))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_come_back_from_full_and_open_blocks() {
        let mut cache = PayloadCache::new(usize::MAX);
        let big = vec![7u8; BLOCK - 10];
        cache.push(0, &big);
        cache.push(1, b"second, in a new block");
        cache.push(2, &vec![1u8; 3 * BLOCK]);
        assert_eq!(cache.get(0).unwrap(), big);
        assert_eq!(cache.get(1).unwrap(), &b"second, in a new block"[..]);
        assert_eq!(
            cache.get(2).unwrap().len(),
            3 * BLOCK,
            "a large payload gets its own block"
        );
        assert!(cache.get(3).is_none());
    }

    #[test]
    fn the_budget_lets_the_oldest_blocks_go() {
        let mut cache = PayloadCache::new(3 * BLOCK);
        let payload = vec![b'x'; 1000];
        for seq in 0..10_000 {
            cache.push(seq, &payload);
        }
        assert!(cache.held + cache.current.capacity() <= 3 * BLOCK);
        assert!(cache.get(0).is_none(), "the oldest left");
        assert_eq!(cache.get(9_999).unwrap(), payload);
        let kept = (0..10_000).filter(|s| cache.get(*s).is_some()).count();
        assert!(kept > 2_000, "about three blocks' worth stays: {kept}");
    }
}
