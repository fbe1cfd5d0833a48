//! A file's index entries taken into the history as they are: no record
//! is built, no name is hashed per message. Each name of the file (its
//! own numbering, in the index beside it) is given the history's number
//! the first time it occurs, and each vehicle's statistics are added up
//! once per run of entries. A reopen reads 40 bytes a message and little
//! more.

use super::index::{NONE, Slot, UNINTERNED};
use super::journal::sidecar::{FileNames, IndexEntry};
use super::{ACTION_NAMES, Direction, History, Place};
use crate::domain::{Kind, Vin};
use std::ops::Range;
use std::sync::Arc;

/// A file's names as the history numbers them, learned as they first
/// occur (`None`: not met yet).
#[derive(Debug, Default)]
pub(super) struct FileIds {
    vins: Vec<Option<u32>>,
    topics: Vec<Option<u32>>,
    actions: Vec<Option<u32>>,
    kinds: Vec<Option<u8>>,
}

/// One vehicle's messages in a run, added to its statistics at the end.
#[derive(Default, Clone, Copy)]
struct Tally {
    rx: u64,
    tx: u64,
    last_seen: Option<i64>,
}

impl History {
    /// Records a run of entries of file `file` (ids into `names`, the
    /// file's own); returns their sequence numbers. Gap entries are not
    /// messages and are passed over; an entry whose line holds a refusal's
    /// reason goes through [`History::push_stored`] instead, its reason
    /// read from the line.
    pub fn push_indexed(
        &mut self,
        names: &FileNames,
        entries: &[IndexEntry],
        file: u16,
    ) -> Range<u64> {
        let first = self.slots.len();
        let index = usize::from(file);
        if self.file_names.len() <= index {
            self.file_names.resize_with(index + 1, FileIds::default);
        }
        let mut ids = std::mem::take(&mut self.file_names[index]);
        let mut tallies: Vec<Tally> = Vec::new();
        let mut unrecognised = 0;
        let mut unnamed_tx = 0;
        for entry in entries {
            if !entry.is_message() {
                continue;
            }
            let direction = entry.direction();
            let vehicle = self.vin_of(&mut ids, names, entry.vin);
            match (direction, vehicle == NONE) {
                (Direction::Refused, _) => {}
                (Direction::Inbound, true) => unrecognised += 1,
                (Direction::Outbound, true) => unnamed_tx += 1,
                (Direction::Inbound | Direction::Outbound, false) => {
                    let slot = usize::try_from(vehicle).unwrap_or(usize::MAX);
                    if tallies.len() <= slot {
                        tallies.resize(slot + 1, Tally::default());
                    }
                    let tally = &mut tallies[slot];
                    if direction == Direction::Inbound {
                        tally.rx += 1;
                        tally.last_seen =
                            Some(tally.last_seen.map_or(entry.at, |t| t.max(entry.at)));
                    } else {
                        tally.tx += 1;
                    }
                }
            }
            let counted = direction != Direction::Refused;
            let topic = self.topic_of(&mut ids, names, entry.topic, vehicle, counted);
            let action = self.action_of(&mut ids, names, entry.action);
            let kind = kind_of(&mut ids, names, entry.kind);
            let mut slot = Slot {
                at: entry.at,
                offset: 0,
                size: entry.size,
                vehicle,
                topic,
                action,
                file: 0,
                kind: kind as u8,
                flags: Slot::flags_of(direction, entry.is_json()),
            };
            slot.set_place(Place::File {
                file,
                offset: entry.offset,
            });
            self.push_slot(slot, None);
        }
        self.file_names[index] = ids;
        self.unrecognised += unrecognised;
        self.rx += unrecognised;
        self.tx += unnamed_tx;
        for (vehicle, tally) in tallies.into_iter().enumerate() {
            if tally.rx == 0 && tally.tx == 0 {
                continue;
            }
            let Some(vin) = u32::try_from(vehicle).ok().and_then(|v| self.vins.get(v)) else {
                continue;
            };
            self.rx += tally.rx;
            self.tx += tally.tx;
            let stats = match self.vehicles.get_mut(vin) {
                Some(stats) => stats,
                None => self.vehicles.entry(vin.clone()).or_default(),
            };
            stats.rx += tally.rx;
            stats.tx += tally.tx;
            if let Some(at) = tally
                .last_seen
                .and_then(chrono::DateTime::from_timestamp_micros)
            {
                stats.last_seen = Some(stats.last_seen.map_or(at, |seen| seen.max(at)));
            }
        }
        first..self.slots.len()
    }

    /// The history's number for the file's vehicle `id`.
    fn vin_of(&mut self, ids: &mut FileIds, names: &FileNames, id: u32) -> u32 {
        learned(&mut ids.vins, id, || {
            let vin = names.vins.get(id).and_then(|v| Vin::parse(v).ok());
            self.vin_id(vin.as_ref())
        })
    }

    /// The history's number for the file's topic `id`; a topic new to the
    /// history may name a new account, noted for its vehicle too when the
    /// message is counted for it (as [`History::push_stored`] does).
    fn topic_of(
        &mut self,
        ids: &mut FileIds,
        names: &FileNames,
        id: u32,
        vehicle: u32,
        counted: bool,
    ) -> u32 {
        learned(&mut ids.topics, id, || {
            let topic = names.topics.get(id).unwrap_or_default();
            let known = self.topics.list.len();
            let number = self.topic_id(topic);
            if self.topics.list.len() > known {
                let vin = self.vins.get(vehicle).cloned();
                if counted && let Some(vin) = &vin {
                    self.vehicles.entry(vin.clone()).or_default();
                }
                self.note_account(vin.as_ref(), topic);
            }
            number
        })
    }

    /// The history's number for the file's action `id`.
    fn action_of(&mut self, ids: &mut FileIds, names: &FileNames, id: u32) -> u32 {
        learned(&mut ids.actions, id, || match names.actions.get(id) {
            None => NONE,
            Some(action) => self
                .actions
                .id(action, |a| Arc::from(a), ACTION_NAMES)
                .unwrap_or(UNINTERNED),
        })
    }
}

/// The kind the file's kind `id` names.
fn kind_of(ids: &mut FileIds, names: &FileNames, id: u8) -> Kind {
    let slot = usize::from(id);
    if ids.kinds.len() <= slot {
        ids.kinds.resize(slot + 1, None);
    }
    let number = *ids.kinds[slot].get_or_insert_with(|| {
        names
            .kinds
            .get(u32::from(id))
            .and_then(Kind::parse)
            .unwrap_or(Kind::Other) as u8
    });
    Kind::from_number(number)
}

/// The number learned for `id` of a file's table, learning it with
/// `learn` the first time.
fn learned(table: &mut Vec<Option<u32>>, id: u32, learn: impl FnOnce() -> u32) -> u32 {
    let Ok(slot) = usize::try_from(id) else {
        return learn();
    };
    // A name id past any sensible table (a damaged index) is not cached.
    if slot > 1 << 24 {
        return learn();
    }
    if table.len() <= slot {
        table.resize(slot + 1, None);
    }
    *table[slot].get_or_insert_with(learn)
}
