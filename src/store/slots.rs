//! The index's slots, one per message, by sequence number: the newest in
//! memory, the older ones in a spill file on disk, so the history's length
//! costs disk, not memory.
//!
//! Memory holds a bounded tail of the newest slots (the ones the log
//! follows and the journal still sets places on) and a few blocks read
//! back lately. When the tail fills, its older half is appended to an
//! unlinked temporary file (in the cache dir, else the temp dir) in one
//! write; a slot there is read back by a positioned read of its block. When
//! no file can be made, the slots stay in memory and the history says so.

use super::index::Slot;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::ops::{ControlFlow, Range};
use std::os::unix::fs::FileExt as _;
use std::path::PathBuf;

/// Slots kept in memory by default before the older half is spilled:
/// 256 Ki slots, 10 MiB.
pub const DEFAULT_IN_MEMORY: usize = 256 * 1024;

/// A slot's size in the spill file.
const SLOT_BYTES: usize = 36;
/// Slots read back (and cached) together: 144 KiB of the file.
const BLOCK: u64 = 4096;
/// Blocks kept after a read: 2.5 MiB in memory.
const CACHED_BLOCKS: usize = 16;
/// Slots read at a time by a scan (not cached: a scan passes once).
const SCAN: u64 = 64 * 1024;

/// The index's slots (see the module's doc).
#[derive(Debug)]
pub(super) struct Slots {
    /// The newest slots: `tail[0]` is slot number `spilled`.
    tail: VecDeque<Slot>,
    /// How many slots the tail holds before its older half is spilled.
    in_memory: usize,
    /// Slots `0..spilled` are in the spill file.
    spilled: u64,
    spill: Spill,
    /// Where a spill file is tried, in order.
    dirs: Vec<PathBuf>,
    cache: RefCell<BlockCache>,
}

#[derive(Debug)]
enum Spill {
    /// Nothing spilled yet: no file made.
    NotYet,
    File(File),
    /// No file could be made or written: every slot stays in memory.
    InMemory {
        why: String,
    },
}

impl Slots {
    /// Slots spilling past `in_memory` into a file in the cache dir (else
    /// the temp dir).
    pub(super) fn new(in_memory: usize) -> Self {
        let mut dirs = Vec::new();
        if let Some(cache) = dirs::cache_dir() {
            dirs.push(cache.join("wpconsole"));
        }
        dirs.push(std::env::temp_dir());
        Self::spilling_into(in_memory, dirs)
    }

    /// Slots spilling past `in_memory` into a file in the first of `dirs`
    /// where one can be made.
    pub(super) fn spilling_into(in_memory: usize, dirs: Vec<PathBuf>) -> Self {
        // At least two, so a spill always leaves the newest one in memory.
        let in_memory = in_memory.max(2);
        Self {
            tail: VecDeque::new(),
            in_memory,
            spilled: 0,
            spill: Spill::NotYet,
            dirs,
            cache: RefCell::new(BlockCache::default()),
        }
    }

    /// Whether slot `seq` is in the spill file (no longer in memory).
    pub(super) fn is_spilled(&self, seq: u64) -> bool {
        seq < self.spilled
    }

    pub(super) fn len(&self) -> u64 {
        self.spilled + self.tail.len() as u64
    }

    /// Why the slots stay in memory, when no spill file could be used.
    pub(super) fn in_memory_because(&self) -> Option<&str> {
        match &self.spill {
            Spill::InMemory { why } => Some(why),
            _ => None,
        }
    }

    /// Whether the next push spills the older half of the tail to disk.
    pub(super) fn will_spill(&self) -> bool {
        self.tail.len() >= self.in_memory && !matches!(self.spill, Spill::InMemory { .. })
    }

    /// The older half of the tail: what the next spill writes.
    pub(super) fn older_half_mut(&mut self) -> impl Iterator<Item = &mut Slot> {
        let count = self.tail.len() / 2;
        self.tail.range_mut(..count)
    }

    /// Appends `slot` as number `len()`.
    pub(super) fn push(&mut self, slot: Slot) {
        if self.tail.len() >= self.in_memory && !matches!(self.spill, Spill::InMemory { .. }) {
            self.spill_older_half();
        }
        self.tail.push_back(slot);
    }

    /// Writes the older half of the tail to the spill file in one write.
    fn spill_older_half(&mut self) {
        let file = match &self.spill {
            Spill::File(file) => file,
            Spill::NotYet => match self.make_file() {
                Ok(file) => {
                    self.spill = Spill::File(file);
                    let Spill::File(file) = &self.spill else {
                        return;
                    };
                    file
                }
                Err(why) => {
                    self.spill = Spill::InMemory { why };
                    return;
                }
            },
            Spill::InMemory { .. } => return,
        };
        let count = self.tail.len() / 2;
        let mut bytes = Vec::with_capacity(count * SLOT_BYTES);
        for slot in self.tail.range(..count) {
            bytes.extend_from_slice(&encode(slot));
        }
        if let Err(err) = file.write_all_at(&bytes, self.spilled * SLOT_BYTES as u64) {
            // A full disk: keep the slots here rather than lose them.
            self.spill = Spill::InMemory {
                why: format!("writing the spill file failed: {err}"),
            };
            return;
        }
        // A block that was partly on disk is read again with its new part.
        self.cache.borrow_mut().forget_from(self.spilled / BLOCK);
        self.tail.drain(..count);
        self.spilled += count as u64;
    }

    fn make_file(&self) -> Result<File, String> {
        let mut tried = Vec::new();
        for dir in &self.dirs {
            match std::fs::create_dir_all(dir).and_then(|()| tempfile::tempfile_in(dir)) {
                Ok(file) => return Ok(file),
                Err(err) => tried.push(format!("{}: {err}", dir.display())),
            }
        }
        Err(format!(
            "no spill file could be made ({}); the index stays in memory, so a long session uses more of it",
            tried.join("; ")
        ))
    }

    /// Slot number `seq`.
    pub(super) fn get(&self, seq: u64) -> Option<Slot> {
        if seq >= self.spilled {
            return self
                .tail
                .get(usize::try_from(seq - self.spilled).ok()?)
                .copied();
        }
        let Spill::File(file) = &self.spill else {
            return None;
        };
        self.cache.borrow_mut().get(file, seq, self.spilled)
    }

    /// Changes slot number `seq` with `change`, on disk too when it was
    /// spilled already.
    pub(super) fn update(&mut self, seq: u64, change: impl FnOnce(&mut Slot)) {
        if seq >= self.spilled {
            if let Some(slot) = usize::try_from(seq - self.spilled)
                .ok()
                .and_then(|i| self.tail.get_mut(i))
            {
                change(slot);
            }
            return;
        }
        let Some(mut slot) = self.get(seq) else {
            return;
        };
        change(&mut slot);
        let Spill::File(file) = &self.spill else {
            return;
        };
        if file
            .write_all_at(&encode(&slot), seq * SLOT_BYTES as u64)
            .is_ok()
        {
            self.cache.borrow_mut().put(seq, slot);
        }
    }

    /// Calls `visit` with each slot of `range` in order (`newest_first` or
    /// oldest first) until it breaks; the spilled ones are read a piece at
    /// a time, never all at once.
    pub(super) fn visit(
        &self,
        range: Range<u64>,
        newest_first: bool,
        mut visit: impl FnMut(u64, &Slot) -> ControlFlow<()>,
    ) {
        let end = range.end.min(self.len());
        let start = range.start.min(end);
        let on_disk = start..end.min(self.spilled);
        let in_memory = start.max(self.spilled)..end;
        let memory = |seq: u64| {
            usize::try_from(seq - self.spilled)
                .ok()
                .and_then(|i| self.tail.get(i))
        };
        let mut buffer = Vec::new();
        if newest_first {
            for seq in in_memory.rev() {
                if let Some(slot) = memory(seq)
                    && visit(seq, slot).is_break()
                {
                    return;
                }
            }
            let mut piece_end = on_disk.end;
            while piece_end > on_disk.start {
                let piece_start = piece_end.saturating_sub(SCAN).max(on_disk.start);
                if !self.read(piece_start..piece_end, &mut buffer) {
                    return;
                }
                for (i, slot) in buffer.iter().enumerate().rev() {
                    if visit(piece_start + i as u64, slot).is_break() {
                        return;
                    }
                }
                piece_end = piece_start;
            }
        } else {
            let mut piece_start = on_disk.start;
            while piece_start < on_disk.end {
                let piece_end = (piece_start + SCAN).min(on_disk.end);
                if !self.read(piece_start..piece_end, &mut buffer) {
                    return;
                }
                for (seq, slot) in (piece_start..piece_end).zip(&buffer) {
                    if visit(seq, slot).is_break() {
                        return;
                    }
                }
                piece_start = piece_end;
            }
            for seq in in_memory {
                if let Some(slot) = memory(seq)
                    && visit(seq, slot).is_break()
                {
                    return;
                }
            }
        }
    }

    /// Reads spilled slots `range` into `into`; false when the file
    /// cannot be read.
    fn read(&self, range: Range<u64>, into: &mut Vec<Slot>) -> bool {
        let Spill::File(file) = &self.spill else {
            return false;
        };
        read_slots(file, range, into).is_ok()
    }
}

/// Reads slots `range` of the spill file into `into`.
fn read_slots(file: &File, range: Range<u64>, into: &mut Vec<Slot>) -> std::io::Result<()> {
    let count = usize::try_from(range.end - range.start).unwrap_or(0);
    let mut bytes = vec![0; count * SLOT_BYTES];
    file.read_exact_at(&mut bytes, range.start * SLOT_BYTES as u64)?;
    into.clear();
    into.extend(bytes.chunks_exact(SLOT_BYTES).map(decode));
    Ok(())
}

/// Blocks of the spill file read lately, the most recent last.
#[derive(Debug, Default)]
struct BlockCache {
    blocks: VecDeque<(u64, Vec<Slot>)>,
}

impl BlockCache {
    /// Slot `seq` of the file, whose first `spilled` slots are written.
    fn get(&mut self, file: &File, seq: u64, spilled: u64) -> Option<Slot> {
        let number = seq / BLOCK;
        let within = usize::try_from(seq % BLOCK).ok()?;
        if let Some(at) = self.blocks.iter().position(|(n, _)| *n == number) {
            let block = self.blocks.remove(at)?;
            let slot = block.1.get(within).copied();
            self.blocks.push_back(block);
            return slot;
        }
        let start = number * BLOCK;
        let mut block = Vec::new();
        read_slots(file, start..(start + BLOCK).min(spilled), &mut block).ok()?;
        let slot = block.get(within).copied();
        if self.blocks.len() >= CACHED_BLOCKS {
            self.blocks.pop_front();
        }
        self.blocks.push_back((number, block));
        slot
    }

    /// Slot `seq` changed: a cached copy of its block changes too.
    fn put(&mut self, seq: u64, slot: Slot) {
        let number = seq / BLOCK;
        if let Some((_, block)) = self.blocks.iter_mut().find(|(n, _)| *n == number)
            && let Some(cached) = usize::try_from(seq % BLOCK)
                .ok()
                .and_then(|i| block.get_mut(i))
        {
            *cached = slot;
        }
    }

    /// Forgets blocks numbered `first` and after.
    fn forget_from(&mut self, first: u64) {
        self.blocks.retain(|(n, _)| *n < first);
    }
}

fn encode(slot: &Slot) -> [u8; SLOT_BYTES] {
    let mut bytes = [0; SLOT_BYTES];
    bytes[0..8].copy_from_slice(&slot.at.to_le_bytes());
    bytes[8..16].copy_from_slice(&slot.offset.to_le_bytes());
    bytes[16..20].copy_from_slice(&slot.size.to_le_bytes());
    bytes[20..24].copy_from_slice(&slot.vehicle.to_le_bytes());
    bytes[24..28].copy_from_slice(&slot.topic.to_le_bytes());
    bytes[28..32].copy_from_slice(&slot.action.to_le_bytes());
    bytes[32..34].copy_from_slice(&slot.file.to_le_bytes());
    bytes[34] = slot.kind;
    bytes[35] = slot.flags;
    bytes
}

fn decode(bytes: &[u8]) -> Slot {
    let u32_at =
        |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    let u64_at = |at: usize| {
        let mut eight = [0; 8];
        eight.copy_from_slice(&bytes[at..at + 8]);
        u64::from_le_bytes(eight)
    };
    Slot {
        at: u64_at(0).cast_signed(),
        offset: u64_at(8),
        size: u32_at(16),
        vehicle: u32_at(20),
        topic: u32_at(24),
        action: u32_at(28),
        file: u16::from_le_bytes([bytes[32], bytes[33]]),
        kind: bytes[34],
        flags: bytes[35],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slot(n: u64) -> Slot {
        Slot {
            at: i64::try_from(n).unwrap() * 1000 - 5,
            offset: n * 7,
            size: u32::try_from(n % 1000).unwrap(),
            vehicle: u32::try_from(n % 20).unwrap(),
            topic: u32::try_from(n % 3).unwrap(),
            action: u32::MAX - 1,
            file: u16::try_from(n % 65_536).unwrap(),
            kind: u8::try_from(n % 12).unwrap(),
            flags: u8::try_from(n % 32).unwrap(),
        }
    }

    fn spilling(in_memory: usize) -> (Slots, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        (
            Slots::spilling_into(in_memory, vec![dir.path().to_owned()]),
            dir,
        )
    }

    fn same(a: Slot, b: Slot) -> bool {
        encode(&a) == encode(&b)
    }

    #[test]
    fn a_slot_reads_back_from_the_spill_file_as_it_was_written() {
        let (mut slots, _dir) = spilling(8);
        for n in 0..100 {
            slots.push(slot(n));
        }
        assert!(
            slots.spilled >= 90,
            "the tail stays small: {}",
            slots.spilled
        );
        assert!(slots.tail.len() <= 8);
        for n in 0..100 {
            assert!(same(slots.get(n).unwrap(), slot(n)), "slot {n}");
        }
        assert!(slots.get(100).is_none());
    }

    #[test]
    fn the_spill_boundary_loses_and_repeats_nothing() {
        let (mut slots, _dir) = spilling(4);
        for n in 0..4 {
            slots.push(slot(n));
        }
        assert_eq!(slots.spilled, 0, "nothing spilled until the tail is full");
        slots.push(slot(4));
        assert_eq!((slots.spilled, slots.tail.len()), (2, 3));
        // Read a block while it is partly on disk, then spill more of it.
        assert!(same(slots.get(1).unwrap(), slot(1)));
        for n in 5..9 {
            slots.push(slot(n));
        }
        assert!(slots.spilled > 2);
        for n in 0..9 {
            assert!(same(slots.get(n).unwrap(), slot(n)), "slot {n}");
        }
    }

    #[test]
    fn a_place_set_after_the_slot_spilled_is_kept() {
        let (mut slots, _dir) = spilling(4);
        for n in 0..20 {
            slots.push(slot(n));
        }
        assert!(slots.get(3).is_some(), "its block is cached");
        slots.update(3, |s| s.offset = 999_999);
        slots.update(17, |s| s.offset = 888);
        assert_eq!(slots.get(3).unwrap().offset, 999_999);
        assert_eq!(slots.get(17).unwrap().offset, 888);
        // Past the block cache: read from the file again.
        slots.cache.borrow_mut().forget_from(0);
        assert_eq!(slots.get(3).unwrap().offset, 999_999);
    }

    #[test]
    fn a_scan_visits_a_range_both_ways_and_stops_when_told() {
        let (mut slots, _dir) = spilling(1000);
        let count = 3 * SCAN + 1500;
        for n in 0..count {
            slots.push(slot(n));
        }
        assert!(slots.spilled > SCAN, "several scan pieces on disk");
        let range = 10..count - 3;
        let mut oldest_first = Vec::new();
        slots.visit(range.clone(), false, |seq, s| {
            assert!(same(*s, slot(seq)));
            oldest_first.push(seq);
            ControlFlow::Continue(())
        });
        assert_eq!(oldest_first, range.clone().collect::<Vec<_>>());
        let mut newest_first = Vec::new();
        slots.visit(range.clone(), true, |seq, s| {
            assert!(same(*s, slot(seq)));
            newest_first.push(seq);
            ControlFlow::Continue(())
        });
        assert_eq!(newest_first, range.rev().collect::<Vec<_>>());
        let mut seen = 0;
        slots.visit(0..count, true, |_, _| {
            seen += 1;
            if seen == 5 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        assert_eq!(seen, 5);
    }

    #[test]
    fn without_a_place_for_a_spill_file_the_slots_stay_in_memory_and_say_why() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("a-file");
        std::fs::write(&not_a_dir, "").unwrap();
        let mut slots = Slots::spilling_into(4, vec![not_a_dir.join("cache")]);
        for n in 0..50 {
            slots.push(slot(n));
        }
        let why = slots.in_memory_because().unwrap();
        assert!(why.contains("a-file"), "{why}");
        assert!(why.contains("stays in memory"), "{why}");
        for n in 0..50 {
            assert!(same(slots.get(n).unwrap(), slot(n)));
        }
    }

    #[test]
    fn the_next_place_is_tried_when_the_first_cannot_hold_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_dir = dir.path().join("a-file");
        std::fs::write(&not_a_dir, "").unwrap();
        let mut slots =
            Slots::spilling_into(4, vec![not_a_dir.join("cache"), dir.path().to_owned()]);
        for n in 0..50 {
            slots.push(slot(n));
        }
        assert!(slots.in_memory_because().is_none());
        assert!(slots.spilled > 0);
        assert!(same(slots.get(0).unwrap(), slot(0)));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push(u64),
        Update(u64, u64),
        Get(u64),
        Visit(u64, u64, bool),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<u64>().prop_map(Op::Push),
            1 => (0..200u64, any::<u64>()).prop_map(|(s, o)| Op::Update(s, o)),
            1 => (0..200u64).prop_map(Op::Get),
            1 => (0..200u64, 0..200u64, any::<bool>()).prop_map(|(a, b, n)| Op::Visit(a, b, n)),
        ]
    }

    proptest! {
        #[test]
        fn slots_behave_as_a_vec(in_memory in 2usize..20, ops in proptest::collection::vec(op(), 0..300)) {
            let (mut slots, _dir) = spilling(in_memory);
            let mut model: Vec<Slot> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(n) => {
                        slots.push(slot(n % 100_000));
                        model.push(slot(n % 100_000));
                    }
                    Op::Update(seq, offset) => {
                        slots.update(seq, |s| s.offset = offset);
                        if let Some(s) = model.get_mut(usize::try_from(seq).unwrap()) {
                            s.offset = offset;
                        }
                    }
                    Op::Get(seq) => {
                        let want = model.get(usize::try_from(seq).unwrap()).copied();
                        let got = slots.get(seq);
                        prop_assert_eq!(got.map(|s| encode(&s)), want.map(|s| encode(&s)));
                    }
                    Op::Visit(a, b, newest_first) => {
                        let mut got = Vec::new();
                        slots.visit(a..b, newest_first, |seq, s| {
                            got.push((seq, encode(s)));
                            ControlFlow::Continue(())
                        });
                        let end = usize::try_from(b).unwrap().min(model.len());
                        let start = usize::try_from(a).unwrap().min(end);
                        let mut want: Vec<_> = (start..end)
                            .map(|i| (i as u64, encode(&model[i])))
                            .collect();
                        if newest_first {
                            want.reverse();
                        }
                        prop_assert_eq!(got, want);
                    }
                }
                prop_assert_eq!(slots.len(), model.len() as u64);
            }
        }
    }
}
