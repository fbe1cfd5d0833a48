//! The message history the console shows: what came in and went out, and
//! per-vehicle statistics.
//!
//! The history is the journal. The history keeps a compact index of every
//! message (a slot: time, vehicle, topic, kind, action, size and where its
//! line is), the newest slots in memory and the older ones in a spill file
//! on disk, and a bounded cache of recent payloads; older payloads are
//! read back from the journal (or the opened file) when they are shown.
//! Every message of the session stays navigable, whatever its length.
//!
//! Here the history itself: recording messages into the index and reading
//! them back with their payloads. One message as the log shows it is in
//! `entry`, the slot's layout and names in `index`, the slots in memory and
//! on disk in `slots`, where a payload is and
//! reading it back in `read_back`, the log's filter and the search's pieces
//! in `filter`, the per-vehicle statistics in `vehicles`.

mod block_read;
mod cache;
mod entry;
pub mod export;
pub mod export_feed;
mod filter;
mod index;
mod indexed;
pub mod journal;
pub mod jq_scan;
pub mod popups;
pub(crate) mod read_back;
pub mod search;
mod slots;
#[cfg(test)]
mod tests;
mod vehicles;
pub mod workers;

pub use entry::{Direction, LogEntry, StoredRecord};
pub use filter::{LogFilter, NameHits, VehicleFilter};
pub use index::{Place, record_kinds};
pub use slots::DEFAULT_IN_MEMORY;
pub use vehicles::VehicleStats;

use crate::domain::{InboundMessage, InboundTopic, Kind, MessageKind, Vin};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use index::{JSON, KINDS, NONE, Names, OUTBOUND, REFUSED, Slot, UNINTERNED};
use journal::{JournalStats, LineAt};
use read_back::ReadBack;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

/// How many distinct actions the index names before it reads them from
/// the payload instead.
const ACTION_NAMES: usize = 65_536;

/// How many of the journal's newest line places stay known past the slots
/// that spilled (8 bytes each): tickets a background piece took from slots
/// just before they were placed are still found.
const PLACES_KEPT: u64 = 1 << 20;

/// The history: the index, the payload cache, the statistics.
#[derive(Debug)]
pub struct History {
    /// One slot per message, by sequence number (the first is 0).
    slots: slots::Slots,
    /// How many messages of each kind (by the kind's index): `kinds()`
    /// without a pass over the history.
    kind_counts: [u64; KINDS],
    vins: Names<Vin>,
    topics: Names<Arc<str>>,
    actions: Names<Arc<str>>,
    /// Recent payloads.
    recent: cache::PayloadCache,
    read_back: RefCell<ReadBack>,
    /// Files opened with `wpconsole open` (or today's journal at start).
    files: Vec<Arc<PathBuf>>,
    /// Each file's id, so naming one more of thousands stays quick.
    file_ids: HashMap<Arc<PathBuf>, u16>,
    journal: Option<Arc<JournalStats>>,
    pub vehicles: BTreeMap<Vin, VehicleStats>,
    /// Messages on topics that are not a vehicle's.
    pub unrecognised: u64,
    /// The logins (UIDs) the topics of files read so far name, in the
    /// order first seen: more than one means the files mix accounts.
    pub accounts: Vec<Arc<str>>,
    /// Everything indexed, history read from files included (the
    /// vehicles pane's totals).
    pub rx: u64,
    pub tx: u64,
    /// What this session received and published itself, not history read
    /// from files: the status bar's `rx`, `tx` and msg/s.
    pub live_rx: u64,
    pub live_tx: u64,
    /// Why each refused message (by seq) was not published: an export
    /// keeps it.
    refusals: BTreeMap<u64, String>,
    /// Each file's names as this history numbers them (by file id), for
    /// entries taken from its index as they are.
    file_names: Vec<indexed::FileIds>,
    /// How many journal line places stay known past the spilled slots.
    places_kept: u64,
}

/// The default payload cache: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

impl History {
    /// An empty history knowing `fleet`, with the default payload cache,
    /// whose index keeps its newest `in_memory` messages in memory (the
    /// older ones go to a spill file: no message is ever dropped).
    pub fn new(in_memory: usize, fleet: impl IntoIterator<Item = (Vin, Option<String>)>) -> Self {
        let vehicles = fleet
            .into_iter()
            .map(|(vin, label)| {
                (
                    vin,
                    VehicleStats {
                        label,
                        ..VehicleStats::default()
                    },
                )
            })
            .collect();
        Self {
            slots: slots::Slots::new(in_memory),
            kind_counts: [0; KINDS],
            vins: Names::default(),
            topics: Names::default(),
            actions: Names::default(),
            recent: cache::PayloadCache::new(DEFAULT_CACHE_BYTES),
            read_back: RefCell::new(ReadBack::default()),
            files: Vec::new(),
            file_ids: HashMap::new(),
            journal: None,
            vehicles,
            unrecognised: 0,
            accounts: Vec::new(),
            rx: 0,
            live_rx: 0,
            live_tx: 0,
            tx: 0,
            refusals: BTreeMap::new(),
            file_names: Vec::new(),
            places_kept: PLACES_KEPT,
        }
    }

    /// Sets the payload cache's size (at least one payload is kept).
    pub fn set_cache_bytes(&mut self, bytes: usize) {
        self.recent.set_budget(bytes);
    }

    /// Reads payloads of [`Place::Journal`] entries back through `stats`.
    pub fn attach_journal(&mut self, stats: Arc<JournalStats>) {
        self.journal = Some(stats);
    }

    /// Names a file that [`Place::File`] entries point into.
    pub fn add_file(&mut self, path: PathBuf) -> u16 {
        if let Some(id) = self.file_ids.get(&path) {
            return *id;
        }
        // Past 65,536 files the ids run out: the later ones share the last.
        let id = u16::try_from(self.files.len()).unwrap_or(u16::MAX);
        let path = Arc::new(path);
        self.files.push(path.clone());
        self.file_ids.insert(path, id);
        id
    }

    /// Why the index stays in memory, when no spill file could be used:
    /// a long session then costs memory; the log says so.
    pub fn index_in_memory_because(&self) -> Option<&str> {
        self.slots.in_memory_because()
    }

    fn push_slot(&mut self, slot: Slot, payload: Option<&[u8]>) -> u64 {
        if self.slots.will_spill() {
            self.place_before_spilling();
        }
        let seq = self.slots.len();
        self.kind_counts[Kind::from_number(slot.kind) as usize] += 1;
        self.slots.push(slot);
        if let Some(payload) = payload {
            self.recent.push(seq, payload);
        }
        seq
    }

    fn vin_id(&mut self, vin: Option<&Vin>) -> u32 {
        vin.and_then(|v| self.vins.id(v, Vin::clone, usize::MAX))
            .unwrap_or(NONE)
    }

    fn topic_id(&mut self, topic: &str) -> u32 {
        self.topics
            .id(topic, |t| Arc::from(t), usize::MAX)
            .unwrap_or(NONE)
    }

    fn action_id(&mut self, action: Option<&str>) -> u32 {
        match action {
            None => NONE,
            Some(action) => self
                .actions
                .id(action, |a| Arc::from(a), ACTION_NAMES)
                .unwrap_or(UNINTERNED),
        }
    }

    #[expect(
        clippy::too_many_arguments,
        reason = "a slot is every field of one message, each named at the call"
    )]
    fn slot(
        &mut self,
        at: DateTime<Utc>,
        direction: Direction,
        vin: Option<&Vin>,
        topic: &str,
        kind: Kind,
        action: Option<&str>,
        size: usize,
        is_json: bool,
        place: Place,
    ) -> Slot {
        let mut slot = Slot {
            at: at.timestamp_micros(),
            offset: 0,
            size: u32::try_from(size).unwrap_or(u32::MAX),
            vehicle: self.vin_id(vin),
            topic: self.topic_id(topic),
            action: self.action_id(action),
            file: 0,
            kind: kind as u8,
            flags: Slot::flags_of(direction, is_json),
        };
        slot.set_place(place);
        slot
    }

    /// Records a message from a vehicle, its line at `place`; returns its
    /// sequence number.
    pub fn push_inbound(&mut self, message: &InboundMessage, place: Place) -> u64 {
        self.push_received(
            message,
            message.payload.len(),
            Some(&message.payload),
            place,
        )
    }

    /// Records a message from a vehicle whose payload was left behind
    /// (`message.payload` is empty; the payload was `size` bytes): the
    /// intake held it while the UI was behind, and its journal line at
    /// `place` gives the payload back when it is shown.
    pub fn push_held(&mut self, message: &InboundMessage, size: usize, place: Place) -> u64 {
        self.push_received(message, size, None, place)
    }

    fn push_received(
        &mut self,
        message: &InboundMessage,
        size: usize,
        payload: Option<&[u8]>,
        place: Place,
    ) -> u64 {
        let vin = match &message.source {
            InboundTopic::Vehicle { vin, .. } => Some(vin.clone()),
            InboundTopic::Unrecognised(_) => None,
        };
        self.count(Direction::Inbound, vin.as_ref(), message.received_at);
        self.live_rx += 1;
        let slot = self.slot(
            message.received_at,
            Direction::Inbound,
            vin.as_ref(),
            &message.topic,
            message.classified.kind.kind(),
            message.classified.action.as_deref(),
            size,
            message.classified.is_json,
            place,
        );
        self.push_slot(slot, payload)
    }

    /// Records what the console published; [`History::set_place`] tells
    /// where the journal put it.
    pub fn push_outbound(
        &mut self,
        vin: &Vin,
        topic: &str,
        payload: &str,
        kind: MessageKind,
        at: DateTime<Utc>,
    ) -> u64 {
        self.count(Direction::Outbound, Some(vin), at);
        self.live_tx += 1;
        let action = crate::domain::classify(payload.as_bytes()).action;
        let slot = self.slot(
            at,
            Direction::Outbound,
            Some(vin),
            topic,
            kind.kind(),
            action.as_deref(),
            payload.len(),
            true,
            Place::Nowhere,
        );
        self.push_slot(slot, Some(payload.as_bytes()))
    }

    /// Records a payload that was meant for `vin` and refused for
    /// `reason`: a log row only (nothing was sent, counted or journaled).
    pub fn push_refused(
        &mut self,
        vin: &Vin,
        topic: &str,
        (payload, kind): (&str, &str),
        reason: &str,
        at: DateTime<Utc>,
    ) -> u64 {
        let slot = self.slot(
            at,
            Direction::Refused,
            Some(vin),
            topic,
            Kind::parse(kind).unwrap_or(Kind::Other),
            None,
            payload.len(),
            true,
            Place::Nowhere,
        );
        let seq = self.push_slot(slot, Some(payload.as_bytes()));
        self.refusals.insert(seq, reason.to_owned());
        seq
    }

    /// Records a message read from a file; its payload stays there.
    pub fn push_stored(&mut self, record: &StoredRecord, file: u16, offset: u64) -> u64 {
        self.count(record.direction, record.vin.as_ref(), record.at);
        let topics_known = self.topics.list.len();
        let slot = self.slot(
            record.at,
            record.direction,
            record.vin.as_ref(),
            &record.topic,
            Kind::parse(&record.kind).unwrap_or(Kind::Other),
            record.action.as_deref(),
            record.size,
            record.is_json,
            Place::File { file, offset },
        );
        // A topic names one UID and one VIN: only a topic not seen before
        // can bring a new account or a new vehicle of an account.
        if self.topics.list.len() > topics_known {
            self.note_account(record.vin.as_ref(), &record.topic);
        }
        let seq = self.push_slot(slot, None);
        if let Some(reason) = &record.reason {
            self.refusals.insert(seq, reason.clone());
        }
        seq
    }

    /// The slots about to be spilled take their journal lines' places
    /// (file and offset) from the journal, which then forgets them: what
    /// memory holds of the journal's places stays the newest ones'.
    fn place_before_spilling(&mut self) {
        let Some(journal) = self.journal.clone() else {
            return;
        };
        let tickets: Vec<u64> = self
            .slots
            .older_half_mut()
            .filter_map(|slot| match slot.place() {
                Place::Journal(ticket) => Some(ticket),
                _ => None,
            })
            .collect();
        let Some(&newest) = tickets.last() else {
            return;
        };
        let mut last: Option<(Arc<PathBuf>, u16)> = None;
        let places: Vec<Option<Place>> = journal
            .locations
            .find_many(tickets.iter().copied())
            .into_iter()
            .map(|at| match at {
                LineAt::Written { path, offset } => {
                    let file = match &last {
                        Some((known, id)) if Arc::ptr_eq(known, &path) => *id,
                        _ => {
                            let id = self.add_file(path.as_ref().clone());
                            last = Some((path, id));
                            id
                        }
                    };
                    Some(Place::File { file, offset })
                }
                LineAt::Pending | LineAt::Unwritten => None,
            })
            .collect();
        let mut places = places.into_iter();
        let mut first_unplaced = None;
        for slot in self.slots.older_half_mut() {
            if let Place::Journal(ticket) = slot.place() {
                match places.next().flatten() {
                    Some(place) => slot.set_place(place),
                    None => {
                        first_unplaced.get_or_insert(ticket);
                    }
                }
            }
        }
        // A margin stays: a scan or an export working on a piece may have
        // taken tickets from the slots just before they were placed.
        journal.locations.forget_before(
            first_unplaced
                .unwrap_or(newest + 1)
                .saturating_sub(self.places_kept),
        );
    }

    /// Tells where the line of message `seq` went.
    ///
    /// The journal tells it a moment after the push; by then the slot may
    /// have been spilled, and the file is written through. A spilled slot
    /// takes its line's file and offset at once when the line is written:
    /// the journal forgets the places of spilled slots.
    pub fn set_place(&mut self, seq: u64, place: Place) {
        let place = match (place, &self.journal) {
            (Place::Journal(ticket), Some(journal)) if self.slots.is_spilled(seq) => {
                match journal.locations.find(ticket) {
                    LineAt::Written { path, offset } => Place::File {
                        file: self.add_file(path.as_ref().clone()),
                        offset,
                    },
                    LineAt::Pending | LineAt::Unwritten => place,
                }
            }
            _ => place,
        };
        self.slots.update(seq, |slot| slot.set_place(place));
    }

    /// The slot of message `seq`.
    fn slot_at(&self, seq: u64) -> Option<Slot> {
        self.slots.get(seq)
    }

    pub fn len(&self) -> usize {
        usize::try_from(self.slots.len()).unwrap_or(usize::MAX)
    }

    pub fn is_empty(&self) -> bool {
        self.slots.len() == 0
    }

    /// The oldest sequence number indexed (0: nothing leaves the index).
    pub fn first_seq(&self) -> Option<u64> {
        (!self.is_empty()).then_some(0)
    }

    /// One past the newest sequence number.
    pub fn end_seq(&self) -> u64 {
        self.slots.len()
    }

    /// The newest message.
    pub fn last(&self) -> Option<LogEntry> {
        self.by_seq(self.end_seq().checked_sub(1)?)
    }

    /// When message `seq` was received (sent, for what went out), read
    /// from the index alone: the log's jump to a time searches by it.
    pub fn at(&self, seq: u64) -> Option<DateTime<Utc>> {
        DateTime::from_timestamp_micros(self.slot_at(seq)?.at)
    }

    /// The message with sequence number `seq`, if still indexed, with its
    /// payload from the cache or read back from disk.
    pub fn by_seq(&self, seq: u64) -> Option<LogEntry> {
        let slot = self.slot_at(seq)?;
        Some(self.entry(seq, &slot, self.payload(seq, &slot)))
    }

    /// Message `seq` as an entry, with its payload or why there is none.
    fn entry(&self, seq: u64, slot: &Slot, payload: Result<Bytes, String>) -> LogEntry {
        let vin = self.vins.get(slot.vehicle).cloned();
        let topic = self
            .topics
            .get(slot.topic)
            .map_or_else(String::new, ToString::to_string);
        let (payload, unavailable) = match payload {
            Ok(payload) => (payload, None),
            Err(reason) => (Bytes::new(), Some(reason)),
        };
        let action = match slot.action {
            NONE => None,
            UNINTERNED => crate::domain::classify(&payload).action,
            id => self.actions.get(id).map(ToString::to_string),
        };
        LogEntry {
            seq,
            at: DateTime::from_timestamp_micros(slot.at).unwrap_or_default(),
            direction: if slot.flags & OUTBOUND != 0 {
                Direction::Outbound
            } else if slot.flags & REFUSED != 0 {
                Direction::Refused
            } else {
                Direction::Inbound
            },
            vin,
            topic,
            kind: Kind::from_number(slot.kind).name(),
            action,
            payload,
            is_json: slot.flags & JSON != 0,
            size: slot.size as usize,
            unavailable,
            refusal: self.refusals.get(&seq).cloned(),
        }
    }

    /// The kinds present in the history, in the table's order.
    pub fn kinds(&self) -> Vec<&'static str> {
        Kind::ALL
            .into_iter()
            .zip(self.kind_counts)
            .filter_map(|(kind, count)| (count > 0).then_some(kind.name()))
            .collect()
    }
}
