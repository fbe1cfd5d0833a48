//! The log's filter (a vehicle, a kind, a text) and the search's pieces of
//! work, answered from the index: vehicle and kind by number, names once
//! per search, payloads only where a name did not match.

use super::index::{KINDS, NONE, Place, Slot, kind_id};
use super::journal::LineAt;
use super::{History, search};
use crate::domain::Kind;
use crate::domain::Vin;
use std::ops::{ControlFlow, Range};

impl History {
    /// The filter's vehicle and kind as index values.
    pub(super) fn index_filter(&self, filter: &LogFilter) -> Option<IndexFilter> {
        let vehicle = match &filter.vehicle {
            VehicleFilter::All => None,
            VehicleFilter::Unrecognised => Some(NONE),
            // A vehicle never heard from has no messages.
            VehicleFilter::Vehicle(vin) => Some(*self.vins.ids.get(vin)?),
        };
        let kind = filter.kind.map(kind_id);
        Some(IndexFilter { vehicle, kind })
    }

    /// The sequence numbers passing the filter's vehicle and kind, from
    /// the index alone (the text goes to [`search`]), oldest first. A pass
    /// over the whole index: the log fills its view a piece at a time with
    /// [`History::select_newest`] instead.
    pub fn select(&self, filter: &LogFilter) -> Vec<u64> {
        let mut seqs = Vec::new();
        let mut next = self.end_seq();
        while next > 0 {
            let piece_start = next.saturating_sub(SELECT_PIECE);
            let mut piece = Vec::new();
            next = self.select_newest(filter, piece_start..next, u64::MAX, &mut piece);
            seqs.extend(piece);
        }
        seqs.reverse();
        seqs
    }

    /// Looks at the messages of `range` newest first, at most `max` of
    /// them, and appends those passing the filter's vehicle and kind to
    /// `found`, newest first. Returns where the range's unlooked-at part
    /// ends (its start when all of it was looked at).
    pub fn select_newest(
        &self,
        filter: &LogFilter,
        range: Range<u64>,
        max: u64,
        found: &mut Vec<u64>,
    ) -> u64 {
        let end = range.end.min(self.end_seq());
        let start = range.start.min(end);
        let lowest = end.saturating_sub(max).max(start);
        let Some(index) = self.index_filter(filter) else {
            return lowest;
        };
        self.slots.visit(lowest..end, true, |seq, slot| {
            if index.passes(slot) {
                found.push(seq);
            }
            ControlFlow::Continue(())
        });
        lowest
    }

    /// Whether message `seq` passes the filter, text included (for one
    /// new message: its payload is in the cache).
    pub fn passes(&self, seq: u64, filter: &LogFilter) -> bool {
        let Some(slot) = self.slot_at(seq) else {
            return false;
        };
        let slot = &slot;
        if !self.index_filter(filter).is_some_and(|f| f.passes(slot)) {
            return false;
        }
        if filter.text.is_empty() {
            return true;
        }
        // The filter's text is lower-case already.
        let lower = filter.text.as_bytes();
        self.vin_names_match(slot.vehicle, lower)
            || self
                .topics
                .get(slot.topic)
                .is_some_and(|t| search::contains(t.as_bytes(), lower))
            || search::contains(Kind::from_number(slot.kind).name().as_bytes(), lower)
            || self
                .payload(seq, slot)
                .is_ok_and(|payload| search::contains(&payload, lower))
    }

    /// Whether a vehicle's VIN or label contains `lower`.
    fn vin_names_match(&self, vehicle: u32, lower: &[u8]) -> bool {
        self.vins.get(vehicle).is_some_and(|vin| {
            search::contains(vin.as_str().as_bytes(), lower)
                || self
                    .label(vin)
                    .is_some_and(|l| search::contains(l.as_bytes(), lower))
        })
    }

    /// Which VINs (with labels), topics and kinds contain `text` (lower-
    /// case): worked out once per search, so the search looks names up by
    /// number for each message. Names first seen later cannot be in the
    /// messages the search covers.
    pub fn name_hits(&self, text: &str) -> NameHits {
        let lower = text.as_bytes();
        let ids = |count: usize| (0..count).filter_map(|id| u32::try_from(id).ok());
        NameHits {
            vins: ids(self.vins.list.len())
                .map(|id| self.vin_names_match(id, lower))
                .collect(),
            topics: self
                .topics
                .list
                .iter()
                .map(|t| search::contains(t.as_bytes(), lower))
                .collect(),
            kinds: Kind::ALL.map(|k| search::contains(k.name().as_bytes(), lower)),
        }
    }

    /// The next piece of work for a search over `[from, until)`, newest
    /// first: at most `max` messages of the index, those passing the
    /// filter's vehicle and kind, each with what to look in. Returns the
    /// items and where the next piece starts.
    pub fn search_items(
        &self,
        filter: &LogFilter,
        names: &NameHits,
        from: u64,
        until: u64,
        max: usize,
    ) -> (Vec<search::Item>, u64) {
        let lowest = until.saturating_sub(max as u64).max(from);
        let Some(index) = self.index_filter(filter) else {
            return (Vec::new(), lowest);
        };
        let mut items = Vec::new();
        let mut tickets = Vec::new();
        self.slots.visit(lowest..until, true, |seq, slot| {
            if !index.passes(slot) {
                return ControlFlow::Continue(());
            }
            let source = if names.matches(slot) {
                search::Source::Named
            } else if let Some(payload) = self.cached(seq) {
                search::Source::Cached(payload)
            } else if let Place::Journal(ticket) = slot.place() {
                tickets.push((items.len(), ticket));
                search::Source::Missing
            } else {
                self.where_is(slot)
                    .map_or(search::Source::Missing, |(path, offset)| {
                        search::Source::Stored { path, offset }
                    })
            };
            items.push(search::Item { seq, source });
            ControlFlow::Continue(())
        });
        if let Some(journal) = &self.journal {
            let found = journal
                .locations
                .find_many(tickets.iter().map(|(_, ticket)| *ticket));
            for ((index, _), at) in tickets.iter().zip(found) {
                if let LineAt::Written { path, offset } = at {
                    items[*index].source = search::Source::Stored { path, offset };
                }
            }
        }
        (items, lowest)
    }
}

/// Index positions [`History::select`] looks at per piece.
const SELECT_PIECE: u64 = 1 << 20;

/// Which names contain a search's text ([`History::name_hits`]).
#[derive(Debug, Clone, Default)]
pub struct NameHits {
    vins: Vec<bool>,
    topics: Vec<bool>,
    kinds: [bool; KINDS],
}

impl NameHits {
    fn matches(&self, slot: &Slot) -> bool {
        let hit = |hits: &[bool], id: u32| {
            usize::try_from(id)
                .ok()
                .and_then(|i| hits.get(i))
                .copied()
                .unwrap_or(false)
        };
        hit(&self.vins, slot.vehicle)
            || hit(&self.topics, slot.topic)
            || self.kinds[Kind::from_number(slot.kind) as usize]
    }
}

#[derive(Debug, Clone, Copy)]
pub(super) struct IndexFilter {
    vehicle: Option<u32>,
    kind: Option<u8>,
}

impl IndexFilter {
    pub(super) fn passes(self, slot: &Slot) -> bool {
        self.vehicle.is_none_or(|v| slot.vehicle == v) && self.kind.is_none_or(|k| slot.kind == k)
    }
}

/// Which vehicle(s) the log shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VehicleFilter {
    #[default]
    All,
    Vehicle(Vin),
    /// Messages on topics that are not a vehicle's.
    Unrecognised,
}

/// The log's filter: a vehicle, a kind and a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogFilter {
    pub vehicle: VehicleFilter,
    /// One kind (`content`, `popup-ok`, `data`, ...), or all.
    pub kind: Option<&'static str>,
    /// Lower-case; empty matches everything. Searched in VIN, label,
    /// topic, kind and payload.
    pub text: String,
}

impl LogFilter {
    pub fn is_active(&self) -> bool {
        self.vehicle != VehicleFilter::All || self.kind.is_some() || !self.text.is_empty()
    }
}
