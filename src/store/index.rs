//! The index's own shapes: one message as 40 bytes (a slot), the names
//! it points to by number, the kinds by index, and where a line is.

use crate::domain::Kind;
use std::collections::HashMap;
use std::hash::Hash;

/// Where a message's line is on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// The line of this ticket in the running journal.
    Journal(u64),
    /// The line at `offset` in an opened file ([`super::History::add_file`]).
    File { file: u16, offset: u64 },
    /// Nowhere: the journal is off.
    Nowhere,
}

/// How many kinds there are ([`Kind::ALL`]): the slot keeps a kind's number.
pub(super) const KINDS: usize = Kind::ALL.len();

/// The kinds a record can have: the one list `export --kind` accepts.
pub fn record_kinds() -> Vec<&'static str> {
    Kind::recorded_names().collect()
}

/// The number a slot keeps for the kind named `name` (`Other` for a name
/// no record should carry).
pub(super) fn kind_id(name: &str) -> u8 {
    Kind::parse(name).unwrap_or(Kind::Other) as u8
}

pub(super) const NONE: u32 = u32::MAX;
/// An action that was not interned (too many distinct ones): it is read
/// from the payload when shown.
pub(super) const UNINTERNED: u32 = u32::MAX - 1;
pub(super) const OUTBOUND: u8 = 1;
pub(super) const REFUSED: u8 = 4;
pub(super) const JSON: u8 = 2;
/// The place is a journal ticket (in `offset`), not a file's line: a flag
/// rather than a file id, so every id of `file` names a real file.
const PLACE_JOURNAL: u8 = 8;
/// The place is nowhere (the journal is off).
const PLACE_NOWHERE: u8 = 16;
const PLACE: u8 = PLACE_JOURNAL | PLACE_NOWHERE;

/// One message in the index: 40 bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot {
    /// Microseconds since the Unix epoch.
    pub(super) at: i64,
    /// The journal ticket or the file offset, as `flags` says.
    pub(super) offset: u64,
    pub(super) size: u32,
    pub(super) vehicle: u32,
    pub(super) topic: u32,
    pub(super) action: u32,
    pub(super) file: u16,
    pub(super) kind: u8,
    pub(super) flags: u8,
}

impl Slot {
    /// The flags of a message that went `direction`, its payload JSON or not
    /// (its place is set apart, [`Slot::set_place`]).
    pub(super) fn flags_of(direction: super::Direction, is_json: bool) -> u8 {
        (match direction {
            super::Direction::Inbound => 0,
            super::Direction::Outbound => OUTBOUND,
            super::Direction::Refused => REFUSED,
        }) | if is_json { JSON } else { 0 }
    }

    pub(super) fn place(&self) -> Place {
        match self.flags & PLACE {
            PLACE_JOURNAL => Place::Journal(self.offset),
            PLACE_NOWHERE => Place::Nowhere,
            _ => Place::File {
                file: self.file,
                offset: self.offset,
            },
        }
    }

    pub(super) fn set_place(&mut self, place: Place) {
        let (kind, file, offset) = match place {
            Place::Journal(ticket) => (PLACE_JOURNAL, 0, ticket),
            Place::File { file, offset } => (0, file, offset),
            Place::Nowhere => (PLACE_NOWHERE, 0, 0),
        };
        (self.file, self.offset) = (file, offset);
        self.flags = (self.flags & !PLACE) | kind;
    }
}

/// Strings stored once and named by a number.
#[derive(Debug)]
pub(super) struct Names<T> {
    pub(super) list: Vec<T>,
    pub(super) ids: HashMap<T, u32>,
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
    pub(super) fn id<Q>(&mut self, name: &Q, make: impl FnOnce(&Q) -> T, cap: usize) -> Option<u32>
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

    pub(super) fn get(&self, id: u32) -> Option<&T> {
        self.list.get(usize::try_from(id).ok()?)
    }
}

#[cfg(test)]
mod tests {
    use super::Slot;

    #[test]
    fn an_index_entry_fits_in_40_bytes() {
        assert!(
            std::mem::size_of::<Slot>() <= 40,
            "{}",
            std::mem::size_of::<Slot>()
        );
    }
}
