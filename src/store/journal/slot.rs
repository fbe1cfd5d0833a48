//! The journal a console writes, shared by whoever appends (the intake,
//! the publisher) and whoever closes it at the end (the terminal guard).
//! A console whose account journal is kept by another console starts with
//! the slot empty; when that console ends, this one takes the lock over and
//! fills the slot, and from then on everything that appends finds it.

use super::Journal;
use chrono::{DateTime, Utc};
use std::sync::{Arc, OnceLock};

/// The journal this console writes, once it has one.
#[derive(Clone, Default)]
pub struct JournalSlot(Arc<OnceLock<Kept>>);

/// A journal and the moment this console began to keep it.
struct Kept {
    journal: Arc<Journal>,
    since: DateTime<Utc>,
}

impl JournalSlot {
    /// A slot holding `journal` (kept from now), or an empty one.
    pub fn holding(journal: Option<Journal>) -> Self {
        let slot = Self::default();
        if let Some(journal) = journal {
            slot.fill(journal, Utc::now());
        }
        slot
    }

    /// The journal, if this console keeps one.
    pub fn journal(&self) -> Option<&Arc<Journal>> {
        self.0.get().map(|kept| &kept.journal)
    }

    /// Whether a message received at `at` is this console's to journal.
    /// One received before the takeover was the other console's: it
    /// journaled it already, or it is in the gap between its end and the
    /// takeover; writing it now would put it twice, or out of order.
    pub fn journal_for(&self, at: DateTime<Utc>) -> Option<&Arc<Journal>> {
        self.0
            .get()
            .filter(|kept| at >= kept.since)
            .map(|kept| &kept.journal)
    }

    /// Keeps `journal` from `since` on and returns it. A slot is filled
    /// once: a second journal is refused (`None`, and it stops).
    pub fn fill(&self, journal: Journal, since: DateTime<Utc>) -> Option<&Arc<Journal>> {
        let journal = Arc::new(journal);
        self.0.set(Kept { journal, since }).ok()?;
        self.journal()
    }
}
