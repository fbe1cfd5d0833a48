//! Every loss the intake can see, counted where it happens and told: the
//! session's drops (read from its counter, never from a queue that was
//! full), what the backlog could not hold, and journal lines the disk
//! could not write. Each goes to the console's log; the session's and the
//! backlog's to the status bar; and where the journal is to know of a
//! hole in it, a gap record goes in (for the disk's, once it writes again).

use super::backlog::{NO_JOURNAL, NOT_SHOWN, Unheld};
use crate::domain::record::Gap;
use crate::mqtt::Drops;
use crate::store::journal::JournalSlot;
use crate::tui::app::Losses;
use chrono::Utc;
use std::sync::atomic::Ordering;

/// Why the session's drops were lost.
pub(super) const SESSION_DROPPED: &str =
    "the console could not take messages as fast as the broker sent them";

/// A loss to tell: the console's log says each; the status bar shows the
/// running count when `shown` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::tui) struct LossReport {
    pub lost: u64,
    pub reason: String,
    /// The count on the screen from now on (none: the journal's own state
    /// already shows this one).
    pub shown: Option<Losses>,
}

/// What has been lost so far, and how much of it has been told.
#[derive(Default)]
pub(super) struct Ledger {
    drops: Drops,
    drops_told: u64,
    /// The status bar's count.
    total: u64,
    /// Unwritten journal lines a gap record already stands for.
    unwritten_told: u64,
    /// Lines written when unwritten ones were first seen: once the writer
    /// has written more, the disk writes again and the gap goes in.
    written_at_failure: Option<u64>,
}

impl Ledger {
    pub(super) fn new(drops: Drops) -> Self {
        Self {
            drops,
            ..Self::default()
        }
    }

    /// What was lost since the last look, each loss with its report; gap
    /// records appended to the journal where they belong.
    pub(super) fn look(&mut self, unheld: &mut Unheld, journal: &JournalSlot) -> Vec<LossReport> {
        let mut reports = Vec::new();
        let dropped = self.drops.total() - self.drops_told;
        self.drops_told += dropped;
        for (lost, reason, gap) in [
            (dropped, SESSION_DROPPED, true),
            (std::mem::take(&mut unheld.lost), NO_JOURNAL, false),
            // In the journal already: no hole there.
            (std::mem::take(&mut unheld.not_shown), NOT_SHOWN, false),
        ] {
            if lost == 0 {
                continue;
            }
            self.total += lost;
            if gap && let Some(writer) = journal.journal() {
                append_gap(writer, lost, reason);
            }
            reports.push(LossReport {
                lost,
                reason: reason.to_owned(),
                shown: Some(Losses {
                    total: self.total,
                    reason: reason.to_owned(),
                }),
            });
        }
        reports.extend(self.look_at_the_disk(journal));
        reports
    }

    /// Journal lines the disk could not write: a gap record once it
    /// writes again (before that, the record would be lost as well).
    fn look_at_the_disk(&mut self, journal: &JournalSlot) -> Option<LossReport> {
        let writer = journal.journal()?;
        let unwritten = writer.stats.unwritten.load(Ordering::Relaxed);
        let written = writer.stats.written.load(Ordering::Relaxed);
        if unwritten <= self.unwritten_told {
            return None;
        }
        match self.written_at_failure {
            None => {
                self.written_at_failure = Some(written);
                None
            }
            Some(before) if written > before => {
                let lost = unwritten - self.unwritten_told;
                let reason = format!(
                    "the journal could not write them ({})",
                    writer
                        .stats
                        .error()
                        .unwrap_or_else(|| "unknown reason".into())
                );
                append_gap(writer, lost, &reason);
                self.unwritten_told = unwritten;
                self.written_at_failure = None;
                Some(LossReport {
                    lost,
                    reason,
                    shown: None,
                })
            }
            Some(_) => None,
        }
    }
}

fn append_gap(writer: &crate::store::journal::Journal, lost: u64, reason: &str) {
    let gap = Gap {
        at: Utc::now(),
        lost,
        reason: reason.to_owned(),
    };
    writer.append(gap.at, gap.line());
}
