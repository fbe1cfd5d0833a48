//! The names a journal file's entries point to, by file-local id: ids are
//! given in the order names first appear, so the names file is only ever
//! appended to and the same names read back give the same ids.

use super::format::{IndexEntry, JSON, NO_NAME, OUTBOUND, REASON, REFUSED, Table, encode_name};
use crate::store::{Direction, StoredRecord};
use std::collections::HashMap;
use std::sync::Arc;

/// One table of names (the VINs, say) and their ids.
#[derive(Debug, Default, Clone)]
pub struct NameTable {
    list: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, u32>,
}

impl NameTable {
    /// The name of `id`.
    pub fn get(&self, id: u32) -> Option<&str> {
        self.list.get(usize::try_from(id).ok()?).map(AsRef::as_ref)
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// All names, by id.
    pub fn names(&self) -> &[Arc<str>] {
        &self.list
    }

    /// The id of `name`; a new one is added (and written to `new`).
    fn id(&mut self, table: Table, name: &str, new: &mut Vec<u8>) -> u32 {
        if let Some(id) = self.ids.get(name) {
            return *id;
        }
        let id = u32::try_from(self.list.len()).unwrap_or(NO_NAME - 1);
        let name: Arc<str> = Arc::from(name);
        encode_name(table, &name, new);
        self.list.push(name.clone());
        self.ids.insert(name, id);
        id
    }

    fn contains_id(&self, id: u32) -> bool {
        usize::try_from(id).is_ok_and(|id| id < self.list.len())
    }
}

/// A journal file's names: VINs, topics, actions and kinds.
#[derive(Debug, Default, Clone)]
pub struct FileNames {
    pub vins: NameTable,
    pub topics: NameTable,
    pub actions: NameTable,
    pub kinds: NameTable,
}

impl FileNames {
    /// The names of a names file's records, in order.
    pub(super) fn from_records(records: &[(Table, &str)]) -> Self {
        let mut names = Self::default();
        let mut ignored = Vec::new();
        for (table, name) in records {
            names.table(*table).id(*table, name, &mut ignored);
            ignored.clear();
        }
        names
    }

    fn table(&mut self, table: Table) -> &mut NameTable {
        match table {
            Table::Vin => &mut self.vins,
            Table::Topic => &mut self.topics,
            Table::Action => &mut self.actions,
            Table::Kind => &mut self.kinds,
        }
    }

    fn id(&mut self, table: Table, name: &str, new: &mut Vec<u8>) -> u32 {
        self.table(table).id(table, name, new)
    }

    /// The entry of `record`, whose line of `line_len` bytes starts at
    /// `offset`; names not seen before are added and written to `new`.
    pub fn entry(
        &mut self,
        record: &StoredRecord,
        offset: u64,
        line_len: u32,
        new: &mut Vec<u8>,
    ) -> IndexEntry {
        let vin = record
            .vin
            .as_ref()
            .map_or(NO_NAME, |vin| self.id(Table::Vin, vin.as_str(), new));
        let topic = self.id(Table::Topic, &record.topic, new);
        let action = record
            .action
            .as_deref()
            .map_or(NO_NAME, |action| self.id(Table::Action, action, new));
        let kind = self.id(Table::Kind, &record.kind, new);
        let flags = match record.direction {
            Direction::Inbound => 0,
            Direction::Outbound => OUTBOUND,
            Direction::Refused => REFUSED,
        } | if record.is_json { JSON } else { 0 }
            | if record.reason.is_some() { REASON } else { 0 };
        IndexEntry {
            at: record.at.timestamp_micros(),
            offset,
            line_len,
            size: u32::try_from(record.size).unwrap_or(u32::MAX),
            vin,
            topic,
            action,
            // More than 255 kinds is a file that is not ours: "other".
            kind: u8::try_from(kind).unwrap_or(u8::MAX),
            flags,
        }
    }

    /// Whether every name `entry` points to is here (a names file torn
    /// before the entries that needed it were is caught so).
    pub(super) fn knows(&self, entry: &IndexEntry) -> bool {
        !entry.is_message()
            || ((entry.vin == NO_NAME || self.vins.contains_id(entry.vin))
                && self.topics.contains_id(entry.topic)
                && (entry.action == NO_NAME || self.actions.contains_id(entry.action))
                && self.kinds.contains_id(u32::from(entry.kind)))
    }

    /// `other`'s names added here; returns how `other`'s ids of each
    /// table map to ids here (to renumber `other`'s entries).
    pub(super) fn absorb(&mut self, other: &FileNames, new: &mut Vec<u8>) -> Renumbering {
        let mut map = |table: Table, from: &NameTable| -> Vec<u32> {
            from.list
                .iter()
                .map(|name| self.id(table, name, new))
                .collect()
        };
        Renumbering {
            vins: map(Table::Vin, &other.vins),
            topics: map(Table::Topic, &other.topics),
            actions: map(Table::Action, &other.actions),
            kinds: map(Table::Kind, &other.kinds),
        }
    }
}

/// How one file's name ids map onto another's.
pub(super) struct Renumbering {
    vins: Vec<u32>,
    topics: Vec<u32>,
    actions: Vec<u32>,
    kinds: Vec<u32>,
}

impl Renumbering {
    pub(super) fn apply(&self, entry: &mut IndexEntry) {
        if !entry.is_message() {
            return;
        }
        let look = |ids: &[u32], id: u32| {
            usize::try_from(id)
                .ok()
                .and_then(|i| ids.get(i).copied())
                .unwrap_or(NO_NAME)
        };
        entry.vin = look(&self.vins, entry.vin);
        entry.topic = look(&self.topics, entry.topic);
        entry.action = look(&self.actions, entry.action);
        entry.kind = u8::try_from(look(&self.kinds, u32::from(entry.kind))).unwrap_or(u8::MAX);
    }
}
