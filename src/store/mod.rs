//! The message history the console shows: what came in and went out, and
//! per-vehicle statistics.
//!
//! The history is the journal. Memory holds a compact index of every
//! message (40 bytes: time, vehicle, topic, kind, action, size and where
//! its line is) and a bounded cache of recent payloads; older payloads are
//! read back from the journal (or the opened file) when they are shown.
//! The index itself is capped (4,000,000 messages in the console); what
//! falls off its front is counted and shown, and stays in the journal.

mod cache;
pub mod export;
pub mod journal;
pub mod popups;
mod read_back;
pub mod search;

use crate::domain::display;
use crate::domain::{InboundMessage, InboundTopic, MessageKind, Vin};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use journal::{JournalStats, LineAt};
use read_back::ReadBack;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::Hash;
use std::path::PathBuf;
use std::sync::Arc;

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a vehicle (a "to" topic).
    Inbound,
    /// Published by this console (a "from" topic).
    Outbound,
    /// Meant for a vehicle and refused before publishing (a fleet publish
    /// that skipped it): shown in the log, never sent, never journaled.
    Refused,
}

impl Direction {
    /// `"in"` or `"out"`, as the journal writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inbound => "in",
            Self::Outbound => "out",
            Self::Refused => "refused",
        }
    }
}

/// One message in the log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Increases by one per entry, never reused.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    /// The vehicle, when the topic is a vehicle's.
    pub vin: Option<Vin>,
    pub topic: String,
    /// The inbound kind's name, or `data` / `popup` for what was published.
    pub kind: &'static str,
    pub action: Option<String>,
    /// The exact bytes, for detail, copy and export (empty when
    /// `unavailable` says why they could not be had).
    pub payload: Bytes,
    /// Whether the payload is JSON (the preview then drops its whitespace).
    pub is_json: bool,
    /// The payload's size in bytes.
    pub size: usize,
    /// Why the payload is not here: it left the memory cache and could
    /// not be read back.
    pub unavailable: Option<String>,
}

/// How long a preview may be; the detail pane shows the rest.
const PREVIEW_CHARS: usize = 300;

/// A one-line preview: JSON without its whitespace, text as it is, both
/// with unsafe characters escaped.
fn preview_of(payload: &[u8], is_json: bool) -> String {
    let head = &payload[..payload.len().min(PREVIEW_CHARS * 4)];
    let shown = |text: &str| {
        if is_json {
            display::one_line(&crate::domain::json::minify(text)).into_owned()
        } else {
            display::one_line(text).into_owned()
        }
    };
    let mut text = match std::str::from_utf8(head) {
        Ok(text) => shown(text),
        // A cut in the middle of a character is not binary: show what is whole.
        Err(err) if err.error_len().is_none() && err.valid_up_to() > 0 => {
            shown(std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => display::bytes_one_line(head),
    };
    if let Some((cut, _)) = text.char_indices().nth(PREVIEW_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl LogEntry {
    /// The entry as a journal record (the line `json_line` writes).
    pub fn record(&self) -> crate::domain::record::Record<'_> {
        crate::domain::record::Record {
            at: self.at,
            vin: self.vin.as_ref().map(Vin::as_str),
            topic: &self.topic,
            payload: &self.payload,
            kind: self.kind,
            is_json: self.is_json,
            dir: Some(self.direction.name()),
        }
    }

    /// A safe one-line preview of at most 300 characters. Made when a row
    /// is drawn, so only visible rows ever pay for it.
    pub fn preview(&self) -> String {
        match &self.unavailable {
            Some(reason) => format!("(payload unavailable: {reason})"),
            None => preview_of(&self.payload, self.is_json),
        }
    }
}

/// What the console knows about one vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleStats {
    /// From the configured fleet.
    pub label: Option<String>,
    pub rx: u64,
    pub tx: u64,
    pub last_seen: Option<DateTime<Utc>>,
    /// The logins (UIDs) whose topics this vehicle was read under, from
    /// opened files: two accounts' files can name one VIN.
    pub accounts: Vec<Arc<str>>,
}

/// Where a message's line is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The line of this ticket in the running journal.
    Journal(u64),
    /// The line at `offset` in an opened file ([`History::add_file`]).
    File { file: u16, offset: u64 },
    /// Nowhere: the journal is off.
    Nowhere,
}

/// The kinds a message can have, by index: inbound kinds, then what the
/// console publishes, then anything a file names otherwise.
const KINDS: [&str; 12] = [
    "content",
    "content-string",
    "popup-ok",
    "popup-cancel",
    "popup-timeout",
    "popup-other",
    "no-content",
    "text",
    "binary",
    "data",
    "popup",
    "other",
];

/// The kinds a record can have: the one list `export --kind` accepts.
pub fn record_kinds() -> &'static [&'static str] {
    // The last entry stands for a kind no record should name.
    &KINDS[..KINDS.len() - 1]
}

fn kind_id(name: &str) -> u8 {
    let index = KINDS
        .iter()
        .position(|k| *k == name)
        .unwrap_or(KINDS.len() - 1);
    u8::try_from(index).unwrap_or(u8::MAX)
}

const NONE: u32 = u32::MAX;
/// An action that was not interned (too many distinct ones): it is read
/// from the payload when shown.
const UNINTERNED: u32 = u32::MAX - 1;
const FILE_JOURNAL: u16 = u16::MAX;
const FILE_NOWHERE: u16 = u16::MAX - 1;
const OUTBOUND: u8 = 1;
const REFUSED: u8 = 4;
const JSON: u8 = 2;

/// One message in the index: 40 bytes.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Microseconds since the Unix epoch.
    at: i64,
    /// The journal ticket or the file offset, as `file` says.
    offset: u64,
    size: u32,
    vehicle: u32,
    topic: u32,
    action: u32,
    file: u16,
    kind: u8,
    flags: u8,
}

impl Slot {
    fn place(&self) -> Place {
        match self.file {
            FILE_JOURNAL => Place::Journal(self.offset),
            FILE_NOWHERE => Place::Nowhere,
            file => Place::File {
                file,
                offset: self.offset,
            },
        }
    }

    fn set_place(&mut self, place: Place) {
        (self.file, self.offset) = match place {
            Place::Journal(ticket) => (FILE_JOURNAL, ticket),
            Place::File { file, offset } => (file, offset),
            Place::Nowhere => (FILE_NOWHERE, 0),
        };
    }
}

/// Strings stored once and named by a number.
#[derive(Debug)]
struct Names<T> {
    list: Vec<T>,
    ids: HashMap<T, u32>,
}

impl<T> Default for Names<T> {
    fn default() -> Self {
        Self {
            list: Vec::new(),
            ids: HashMap::new(),
        }
    }
}

impl<T: Clone + Eq + Hash> Names<T> {
    /// The id of `name`, made with `make` the first time (no allocation
    /// for a name already known); `None` past `cap` names.
    fn id<Q>(&mut self, name: &Q, make: impl FnOnce(&Q) -> T, cap: usize) -> Option<u32>
    where
        T: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if let Some(id) = self.ids.get(name) {
            return Some(*id);
        }
        if self.list.len() >= cap {
            return None;
        }
        let id = u32::try_from(self.list.len()).ok()?;
        let name = make(name);
        self.list.push(name.clone());
        self.ids.insert(name, id);
        Some(id)
    }

    fn get(&self, id: u32) -> Option<&T> {
        self.list.get(usize::try_from(id).ok()?)
    }
}

/// A record read from a journal or capture, without its payload: the
/// payload stays in the file and is read back when shown.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    pub at: DateTime<Utc>,
    pub direction: Direction,
    pub vin: Option<Vin>,
    pub topic: String,
    pub kind: String,
    pub action: Option<String>,
    pub size: usize,
    pub is_json: bool,
}

/// How many distinct actions the index names before it reads them from
/// the payload instead.
const ACTION_NAMES: usize = 65_536;

/// The history: the index, the payload cache, the statistics.
#[derive(Debug)]
pub struct History {
    slots: VecDeque<Slot>,
    cap: usize,
    /// The sequence number of `slots[0]`.
    first_seq: u64,
    pub evicted: u64,
    vins: Names<Vin>,
    topics: Names<Arc<str>>,
    actions: Names<Arc<str>>,
    /// Recent payloads.
    recent: cache::PayloadCache,
    read_back: RefCell<ReadBack>,
    /// Files opened with `wpconsole open` (or today's journal at start).
    files: Vec<Arc<PathBuf>>,
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
}

/// The default payload cache: 64 MiB.
pub const DEFAULT_CACHE_BYTES: usize = 64 * 1024 * 1024;

impl History {
    /// An empty history indexing at most `cap` messages, knowing `fleet`,
    /// with the default payload cache.
    pub fn new(cap: usize, fleet: impl IntoIterator<Item = (Vin, Option<String>)>) -> Self {
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
            // Reserved once, so the index never grows by copying itself;
            // the system hands out the pages only as they fill.
            slots: VecDeque::with_capacity(cap.max(1)),
            cap: cap.max(1),
            first_seq: 0,
            evicted: 0,
            vins: Names::default(),
            topics: Names::default(),
            actions: Names::default(),
            recent: cache::PayloadCache::new(DEFAULT_CACHE_BYTES),
            read_back: RefCell::new(ReadBack::default()),
            files: Vec::new(),
            journal: None,
            vehicles,
            unrecognised: 0,
            accounts: Vec::new(),
            rx: 0,
            live_rx: 0,
            live_tx: 0,
            tx: 0,
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
        if let Some(id) = self.files.iter().position(|f| **f == path) {
            return u16::try_from(id).unwrap_or(0);
        }
        self.files.push(Arc::new(path));
        u16::try_from(self.files.len() - 1).unwrap_or(FILE_NOWHERE - 1)
    }

    fn push_slot(&mut self, slot: Slot, payload: Option<&[u8]>) -> u64 {
        if self.slots.len() == self.cap {
            self.slots.pop_front();
            self.first_seq += 1;
            self.evicted += 1;
        }
        self.slots.push_back(slot);
        let seq = self.first_seq + self.slots.len() as u64 - 1;
        if let Some(payload) = payload {
            self.recent.forget_before(self.first_seq);
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

    #[allow(clippy::too_many_arguments)]
    fn slot(
        &mut self,
        at: DateTime<Utc>,
        direction: Direction,
        vin: Option<&Vin>,
        topic: &str,
        kind: &str,
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
            file: FILE_NOWHERE,
            kind: kind_id(kind),
            flags: match direction {
                Direction::Inbound => 0,
                Direction::Outbound => OUTBOUND,
                Direction::Refused => REFUSED,
            } | if is_json { JSON } else { 0 },
        };
        slot.set_place(place);
        slot
    }

    fn count(&mut self, direction: Direction, vin: Option<&Vin>, at: DateTime<Utc>) {
        match (direction, vin) {
            (Direction::Inbound, Some(vin)) => {
                self.rx += 1;
                if !self.vehicles.contains_key(vin) {
                    self.vehicles.insert(vin.clone(), VehicleStats::default());
                }
                let Some(stats) = self.vehicles.get_mut(vin) else {
                    return;
                };
                stats.rx += 1;
                stats.last_seen = Some(stats.last_seen.map_or(at, |seen| seen.max(at)));
            }
            (Direction::Inbound, None) => {
                self.rx += 1;
                self.unrecognised += 1;
            }
            (Direction::Outbound, vin) => {
                self.tx += 1;
                if let Some(vin) = vin {
                    self.vehicles.entry(vin.clone()).or_default().tx += 1;
                }
            }
            (Direction::Refused, _) => {}
        }
    }

    /// Records a message from a vehicle, its line at `place`; returns its
    /// sequence number.
    pub fn push_inbound(&mut self, message: &InboundMessage, place: Place) -> u64 {
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
            message.classified.kind.name(),
            message.classified.action.as_deref(),
            message.payload.len(),
            message.classified.is_json,
            place,
        );
        self.push_slot(slot, Some(&message.payload))
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
            kind.name(),
            action.as_deref(),
            payload.len(),
            true,
            Place::Nowhere,
        );
        self.push_slot(slot, Some(payload.as_bytes()))
    }

    /// Records a payload that was meant for `vin` and refused: a log row
    /// only (nothing was sent, nothing is counted or journaled).
    pub fn push_refused(
        &mut self,
        vin: &Vin,
        topic: &str,
        payload: &str,
        kind: &str,
        at: DateTime<Utc>,
    ) -> u64 {
        let slot = self.slot(
            at,
            Direction::Refused,
            Some(vin),
            topic,
            kind,
            None,
            payload.len(),
            true,
            Place::Nowhere,
        );
        self.push_slot(slot, Some(payload.as_bytes()))
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
            &record.kind,
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
        self.push_slot(slot, None)
    }

    /// Notes the login a stored record's topic names, for the history and
    /// for its vehicle, so files of two accounts are never one list
    /// without a word.
    fn note_account(&mut self, vin: Option<&Vin>, topic: &str) {
        let Some(uid) = crate::account::uid_of_topic(topic) else {
            return;
        };
        let known = if let Some(known) = self.accounts.iter().find(|a| ***a == *uid) {
            known.clone()
        } else {
            let new: Arc<str> = Arc::from(uid);
            self.accounts.push(new.clone());
            new
        };
        if let Some(stats) = vin.and_then(|vin| self.vehicles.get_mut(vin))
            && !stats.accounts.contains(&known)
        {
            stats.accounts.push(known);
        }
    }

    /// Tells where the line of message `seq` went.
    pub fn set_place(&mut self, seq: u64, place: Place) {
        if let Some(slot) = self.slot_at(seq).and_then(|i| self.slots.get_mut(i)) {
            slot.set_place(place);
        }
    }

    fn slot_at(&self, seq: u64) -> Option<usize> {
        let index = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        (index < self.slots.len()).then_some(index)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The oldest sequence number still indexed.
    pub fn first_seq(&self) -> Option<u64> {
        (!self.slots.is_empty()).then_some(self.first_seq)
    }

    /// One past the newest sequence number.
    pub fn end_seq(&self) -> u64 {
        self.first_seq + self.slots.len() as u64
    }

    /// The newest message.
    pub fn last(&self) -> Option<LogEntry> {
        self.by_seq(self.end_seq().checked_sub(1)?)
    }

    /// The message with sequence number `seq`, if still indexed, with its
    /// payload from the cache or read back from disk.
    pub fn by_seq(&self, seq: u64) -> Option<LogEntry> {
        let slot = *self.slots.get(self.slot_at(seq)?)?;
        let payload = self.payload(seq, &slot);
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
        Some(LogEntry {
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
            kind: KINDS[usize::from(slot.kind).min(KINDS.len() - 1)],
            action,
            payload,
            is_json: slot.flags & JSON != 0,
            size: slot.size as usize,
            unavailable,
        })
    }

    /// The cached payload of `seq`, if it is still in memory.
    fn cached(&self, seq: u64) -> Option<Bytes> {
        self.recent.get(seq)
    }

    fn where_is(&self, slot: &Slot) -> Result<(Arc<PathBuf>, u64), String> {
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

    fn payload(&self, seq: u64, slot: &Slot) -> Result<Bytes, String> {
        if let Some(payload) = self.cached(seq) {
            return Ok(payload);
        }
        let (path, offset) = self.where_is(slot)?;
        self.read_back.borrow_mut().payload(seq, &path, offset)
    }

    /// The label of a vehicle, if the fleet gives one.
    pub fn label(&self, vin: &Vin) -> Option<&str> {
        self.vehicles.get(vin).and_then(|v| v.label.as_deref())
    }

    /// The kinds present in the history, in the table's order.
    pub fn kinds(&self) -> Vec<&'static str> {
        let mut seen = [false; KINDS.len()];
        for slot in &self.slots {
            seen[usize::from(slot.kind).min(KINDS.len() - 1)] = true;
        }
        KINDS
            .iter()
            .zip(seen)
            .filter_map(|(kind, seen)| seen.then_some(*kind))
            .collect()
    }

    /// The filter's vehicle and kind as index values.
    fn index_filter(&self, filter: &LogFilter) -> Option<IndexFilter> {
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
    /// the index alone (the text goes to [`search`]).
    pub fn select(&self, filter: &LogFilter) -> Vec<u64> {
        let Some(index) = self.index_filter(filter) else {
            return Vec::new();
        };
        let first = self.first_seq;
        self.slots
            .iter()
            .zip(first..)
            .filter(|(slot, _)| index.passes(slot))
            .map(|(_, seq)| seq)
            .collect()
    }

    /// Whether message `seq` passes the filter, text included (for one
    /// new message: its payload is in the cache).
    pub fn passes(&self, seq: u64, filter: &LogFilter) -> bool {
        let Some(slot) = self.slot_at(seq).and_then(|i| self.slots.get(i)) else {
            return false;
        };
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
            || search::contains(
                KINDS[usize::from(slot.kind).min(KINDS.len() - 1)].as_bytes(),
                lower,
            )
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
            kinds: KINDS.map(|k| search::contains(k.as_bytes(), lower)),
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
        let from = from.max(self.first_seq);
        let lowest = until.saturating_sub(max as u64).max(from);
        let Some(index) = self.index_filter(filter) else {
            return (Vec::new(), lowest);
        };
        let mut items = Vec::new();
        let mut tickets = Vec::new();
        for seq in (lowest..until).rev() {
            let Some(slot) = self.slot_at(seq).and_then(|i| self.slots.get(i)) else {
                continue;
            };
            if !index.passes(slot) {
                continue;
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
        }
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

/// Which names contain a search's text ([`History::name_hits`]).
#[derive(Debug, Clone, Default)]
pub struct NameHits {
    vins: Vec<bool>,
    topics: Vec<bool>,
    kinds: [bool; KINDS.len()],
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
            || self.kinds[usize::from(slot.kind).min(KINDS.len() - 1)]
    }
}

#[derive(Debug, Clone, Copy)]
struct IndexFilter {
    vehicle: Option<u32>,
    kind: Option<u8>,
}

impl IndexFilter {
    fn passes(self, slot: &Slot) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TopicScheme;
    use chrono::TimeZone;

    fn scheme() -> TopicScheme {
        TopicScheme::new("p", "U", true).unwrap()
    }

    fn inbound(vin: &str, payload: &str) -> InboundMessage {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        InboundMessage::new(
            &scheme(),
            format!("p/to/uid/U/opa/{vin}/"),
            Bytes::from(payload.to_owned()),
            at,
        )
    }

    const VIN: &str = "0123456789ABCDEFG";

    #[test]
    fn an_index_entry_fits_in_40_bytes() {
        assert!(
            std::mem::size_of::<Slot>() <= 40,
            "{}",
            std::mem::size_of::<Slot>()
        );
    }

    #[test]
    fn the_cap_evicts_the_oldest_and_counts_it() {
        let mut history = History::new(2, []);
        for n in 0..5 {
            history.push_inbound(&inbound(VIN, &format!("{{\"n\":{n}}}")), Place::Nowhere);
        }
        assert_eq!(history.len(), 2);
        assert_eq!(history.evicted, 3);
        assert_eq!(history.rx, 5);
        assert!(history.by_seq(2).is_none());
        assert_eq!(history.by_seq(4).unwrap().preview(), "{\"n\":4}");
        let vin = Vin::parse(VIN).unwrap();
        assert_eq!(history.vehicles[&vin].rx, 5, "statistics outlive eviction");
    }

    #[test]
    fn payloads_past_the_cache_without_a_journal_say_why_they_are_gone() {
        let mut history = History::new(10, []);
        history.set_cache_bytes(0);
        let old = history.push_inbound(&inbound(VIN, r#"{"n":"first"}"#), Place::Nowhere);
        // A payload that fills the cache's block on its own.
        let second = format!("{{\"n\":\"{}\"}}", "x".repeat(1 << 20));
        let new = history.push_inbound(&inbound(VIN, &second), Place::Nowhere);
        let gone = history.by_seq(old).unwrap();
        assert!(gone.payload.is_empty());
        assert!(
            gone.preview().contains("--no-journal"),
            "{}",
            gone.preview()
        );
        assert_eq!(gone.size, 13, "the size stays in the index");
        assert_eq!(history.by_seq(new).unwrap().payload, second.as_bytes());
    }

    #[test]
    fn payloads_past_the_cache_are_read_back_from_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let journal = journal::Journal::start(journal::JournalConfig::new(dir.path().into()));
        let mut history = History::new(100, []);
        history.set_cache_bytes(0);
        history.attach_journal(journal.stats.clone());
        let pretty = "{\n  \"content\": {\"action\": \"Unlock\"}\n}";
        let mut seqs = Vec::new();
        for payload in [pretty, "plain \u{1b} text", r#"{"n":2}"#] {
            let message = inbound(VIN, payload);
            let ticket = journal.append(message.received_at, message.journal_line());
            seqs.push(history.push_inbound(&message, Place::Journal(ticket)));
        }
        // A payload that closes the cache's block: the three above leave memory.
        let large = inbound(VIN, &format!("{{\"pad\":\"{}\"}}", "x".repeat(1 << 20)));
        let ticket = journal.append(large.received_at, large.journal_line());
        history.push_inbound(&large, Place::Journal(ticket));
        assert!(seqs.iter().all(|seq| history.cached(*seq).is_none()));
        let waiting = history.by_seq(seqs[0]).unwrap();
        journal.close();
        assert!(
            waiting.unavailable.is_some() || waiting.payload == pretty.as_bytes(),
            "before the flush a payload is either read or said to be pending"
        );
        let first = history.by_seq(seqs[0]).unwrap();
        assert_eq!(first.payload, pretty.as_bytes(), "{:?}", first.unavailable);
        assert_eq!(first.action.as_deref(), Some("Unlock"));
        assert_eq!(
            history.by_seq(seqs[1]).unwrap().payload,
            "plain \u{1b} text".as_bytes()
        );
        assert_eq!(history.by_seq(seqs[2]).unwrap().payload, &b"{\"n\":2}"[..]);
    }

    #[test]
    fn stored_records_are_read_back_from_their_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("capture.jsonl");
        let first = inbound(VIN, r#"{"content":{"action":"Lock"}}"#).json_line();
        let second = inbound(VIN, "text").json_line();
        std::fs::write(&path, format!("{first}\n{second}\n")).unwrap();
        let mut history = History::new(10, []);
        let file = history.add_file(path);
        let record = StoredRecord {
            at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
            direction: Direction::Inbound,
            vin: Some(Vin::parse(VIN).unwrap()),
            topic: "t".into(),
            kind: "text".into(),
            action: None,
            size: 4,
            is_json: false,
        };
        let seq = history.push_stored(&record, file, first.len() as u64 + 1);
        assert_eq!(history.by_seq(seq).unwrap().payload, &b"text"[..]);
        assert_eq!(history.rx, 1);
    }

    #[test]
    fn fleet_vehicles_are_known_before_they_talk() {
        let vin = Vin::parse("VF3ABCDEFGH123456").unwrap();
        let history = History::new(10, [(vin.clone(), Some("bench".into()))]);
        assert_eq!(history.label(&vin), Some("bench"));
        assert_eq!(history.vehicles[&vin].last_seen, None);
    }

    #[test]
    fn unrecognised_topics_are_kept_and_counted() {
        let mut history = History::new(10, []);
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        history.push_inbound(
            &InboundMessage::new(&scheme(), "odd".into(), Bytes::from_static(b"x"), at),
            Place::Nowhere,
        );
        assert_eq!(history.unrecognised, 1);
        assert_eq!(history.len(), 1);
        let entry = history.by_seq(0).unwrap();
        assert!(entry.vin.is_none());
        assert_eq!(entry.topic, "odd");
    }

    #[test]
    fn previews_are_safe_and_short() {
        let mut history = History::new(10, []);
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(10_000));
        let seq = history.push_inbound(&inbound(VIN, &long), Place::Nowhere);
        assert!(history.by_seq(seq).unwrap().preview().chars().count() <= PREVIEW_CHARS + 1);
        let seq = history.push_inbound(&inbound(VIN, "\u{1b}[2J\u{202e}"), Place::Nowhere);
        assert_eq!(
            history.by_seq(seq).unwrap().preview(),
            "\\u{1b}[2J\\u{202e}"
        );
        let seq = history.push_inbound(&inbound(VIN, "plain text, not JSON"), Place::Nowhere);
        assert_eq!(
            history.by_seq(seq).unwrap().preview(),
            "plain text, not JSON",
            "text keeps its spaces"
        );
    }

    #[test]
    fn filters_combine_vehicle_kind_and_text() {
        let mut history = History::new(10, []);
        for (vin, payload) in [
            (VIN, r#"{"content":{"action":"Unlock"}}"#),
            ("VF3ABCDEFGH123456", r#"{"content":{"action":"unlock"}}"#),
            ("VF3ABCDEFGH123456", r#"{"content":{"action":"lock"}}"#),
            ("VF3ABCDEFGH123456", "unlock, as text"),
        ] {
            history.push_inbound(&inbound(vin, payload), Place::Nowhere);
        }
        let vehicle = VehicleFilter::Vehicle(Vin::parse("VF3ABCDEFGH123456").unwrap());
        let by_vehicle = LogFilter {
            vehicle: vehicle.clone(),
            ..LogFilter::default()
        };
        assert_eq!(history.select(&by_vehicle), [1, 2, 3]);
        let by_kind = LogFilter {
            vehicle: vehicle.clone(),
            kind: Some("text"),
            ..LogFilter::default()
        };
        assert_eq!(history.select(&by_kind), [3]);
        assert_eq!(history.kinds(), ["content", "text"]);
        let with_text = LogFilter {
            vehicle,
            kind: None,
            text: "unlock".into(),
        };
        let hits: Vec<u64> = (0..4).filter(|s| history.passes(*s, &with_text)).collect();
        assert_eq!(hits, [1, 3]);
        let unknown = LogFilter {
            vehicle: VehicleFilter::Vehicle(Vin::parse("VF3ZZZZZZZZ999999").unwrap()),
            ..LogFilter::default()
        };
        assert!(history.select(&unknown).is_empty());
    }

    #[test]
    fn search_items_go_newest_first_and_name_hits_skip_the_payload() {
        let mut history = History::new(10, []);
        for n in 0..5 {
            history.push_inbound(&inbound(VIN, &format!("{{\"n\":{n}}}")), Place::Nowhere);
        }
        let filter = LogFilter {
            text: "abcdef".into(),
            ..LogFilter::default()
        };
        let (items, next) =
            history.search_items(&filter, &history.name_hits(&filter.text), 0, 5, 3);
        assert_eq!(next, 2);
        let seqs: Vec<u64> = items.iter().map(|i| i.seq).collect();
        assert_eq!(seqs, [4, 3, 2]);
        assert!(
            items
                .iter()
                .all(|i| matches!(i.source, search::Source::Named)),
            "the VIN contains the text"
        );
    }
}
