//! The log's view of the history: the filtered view's positions (a
//! compressed set filled by a scan of the index in pieces, newest first),
//! the window of rows a pane of a given height shows, and those rows read
//! from the history in `update` for `render` to draw.

use super::{DetailUpdate, LogPane, LogReaction};
use crate::store::{History, LogEntry};
use roaring::RoaringTreemap;

/// The sequence numbers that pass the log's filter: a compressed set
/// (a few bits a message where most pass, a few bytes a match where few
/// do), so a filter over tens of millions of messages costs little memory,
/// and the n-th match and a match's position are answered without a list
/// of them all.
#[derive(Debug, Default, Clone)]
pub(super) struct Matches {
    set: RoaringTreemap,
}

impl Matches {
    pub(super) fn len(&self) -> usize {
        usize::try_from(self.set.len()).unwrap_or(usize::MAX)
    }

    /// The match at position `index`, oldest first.
    pub(super) fn get(&self, index: usize) -> Option<u64> {
        self.set.select(u64::try_from(index).ok()?)
    }

    /// The position of match `seq`.
    pub(super) fn index_of(&self, seq: u64) -> Option<usize> {
        if !self.set.contains(seq) {
            return None;
        }
        usize::try_from(self.set.rank(seq) - 1).ok()
    }

    pub(super) fn push(&mut self, seq: u64) {
        self.set.insert(seq);
    }

    pub(super) fn extend(&mut self, seqs: impl IntoIterator<Item = u64>) {
        self.set.extend(seqs);
    }

    /// Adds every sequence number of `seqs` at once.
    pub(super) fn union(&mut self, seqs: &RoaringTreemap) {
        self.set |= seqs;
    }

    /// The newest match.
    pub(super) fn last(&self) -> Option<u64> {
        self.set.max()
    }

    pub(super) fn clear(&mut self) {
        self.set.clear();
    }
}

/// The scan filling the filtered view from the index, newest first, a
/// piece per tick (tens of millions of slots, most of them read back from
/// disk, take seconds: the screen comes first).
#[derive(Debug, Clone, Copy)]
pub(super) struct FilterScan {
    /// Messages below this sequence number are still to be looked at.
    next: u64,
    /// How many there were to look at when the filter changed (newer ones
    /// are filed as they arrive).
    total: u64,
}

/// Index positions one piece of the scan looks at: most of a frame for
/// slots read back from the spill file. Small in tests, so a test's short
/// history takes several pieces.
const SCAN_PIECE: u64 = if cfg!(test) { 1000 } else { 512 * 1024 };

/// A row of the log as drawn: the entry without its payload, and the
/// payload's one-line preview.
#[derive(Debug, Clone)]
pub struct LogRow {
    pub entry: LogEntry,
    pub preview: String,
}

impl LogPane {
    /// The rows drawn, as resolved at the end of the last update.
    pub fn window(&self) -> &[LogRow] {
        &self.window
    }

    /// How far the filter's scan of the index has come, in percent, while
    /// it runs.
    pub fn filtering(&self) -> Option<u8> {
        let scan = self.scan?;
        let done = scan.total - scan.next;
        Some(
            u8::try_from(done * 100 / scan.total.max(1))
                .unwrap_or(99)
                .min(99),
        )
    }

    /// Starts filling the filtered view for the filter's vehicle and kind
    /// from the index; the newest piece at once.
    pub(super) fn start_filter_scan(&mut self, history: &History) {
        let end = history.end_seq();
        self.scan = Some(FilterScan {
            next: end,
            total: end,
        });
        self.scan_piece(history);
    }

    /// Looks at the next piece of the index for the filter's scan.
    /// Returns how many matches it added.
    fn scan_piece(&mut self, history: &History) -> usize {
        let Some(scan) = self.scan.as_mut() else {
            return 0;
        };
        let mut found = Vec::new();
        scan.next = history.select_newest(&self.filter, 0..scan.next, SCAN_PIECE, &mut found);
        if scan.next == 0 {
            self.scan = None;
        }
        let added = found.len();
        self.matches.extend(found);
        added
    }

    /// The filter's scan goes a piece further (on every tick while it
    /// runs); the rows shown stay where they are.
    pub fn pump_filter(&mut self, history: &History, rows: usize) -> LogReaction {
        if self.scan.is_none() {
            return LogReaction::default();
        }
        let added = self.scan_piece(history);
        if added == 0 {
            return LogReaction::default();
        }
        let mut reaction = LogReaction::default();
        if self.follow || self.selected.is_none() {
            self.selected = self.matches.last();
            reaction.detail = DetailUpdate::Later;
        } else {
            // Older matches went in before the rows shown.
            self.top += added;
        }
        self.keep_selection_visible(history, rows);
        reaction
    }

    /// How many messages the log shows under the current filter.
    pub fn len(&self, history: &History) -> usize {
        if self.filtered() {
            self.matches.len()
        } else {
            history.len()
        }
    }

    /// The sequence number at `index` of the filtered view.
    pub fn seq_at(&self, index: usize, history: &History) -> Option<u64> {
        if self.filtered() {
            self.matches.get(index)
        } else {
            let first = history.first_seq()?;
            (index < history.len()).then(|| first + index as u64)
        }
    }

    /// The index of `seq` in the filtered view.
    pub fn index_of(&self, seq: u64, history: &History) -> Option<usize> {
        if self.filtered() {
            self.matches.index_of(seq)
        } else {
            let first = history.first_seq()?;
            let index = usize::try_from(seq.checked_sub(first)?).ok()?;
            (index < history.len()).then_some(index)
        }
    }

    /// The first row of the filtered view shown in a pane of `rows` rows.
    /// Derived from the remembered top with the pane's height at this
    /// moment, so a resize, a focus change in a small terminal or a filter
    /// that shortened the view never leaves rows empty below the newest one.
    pub fn top(&self, history: &History, rows: usize) -> usize {
        window_top(
            self.top,
            self.selected.and_then(|s| self.index_of(s, history)),
            self.len(history),
            rows,
        )
    }

    /// Reads the rows a pane of `rows` rows shows from the history (only
    /// those it did not hold already), for `render` to draw.
    pub fn resolve_window(&mut self, history: &History, rows: usize) {
        let top = self.top(history, rows);
        let end = self.len(history).min(top + rows);
        let mut old = std::mem::take(&mut self.window).into_iter().peekable();
        let mut window = Vec::with_capacity(end.saturating_sub(top));
        for seq in (top..end).filter_map(|index| self.seq_at(index, history)) {
            // Both ascend: skip what scrolled out, keep what is still in.
            while old.next_if(|row| row.entry.seq < seq).is_some() {}
            if let Some(row) = old.next_if(|row| row.entry.seq == seq) {
                window.push(row);
            } else if let Some(mut entry) = history.by_seq(seq) {
                let preview = entry.preview();
                // The preview is what is drawn; the payload stays in the history.
                entry.payload = bytes::Bytes::new();
                window.push(LogRow { entry, preview });
            }
        }
        self.window = window;
    }

    pub fn keep_selection_visible(&mut self, history: &History, rows: usize) {
        self.top = self.top(history, rows);
    }
}

/// The first row of a log window of `rows` rows over `len` rows, moved
/// from `top` as little as keeps the `selected` row in it, and never so far
/// down that rows stay empty below the last one while older rows exist:
/// a following log (its selection the newest row) shows the newest rows
/// from the pane's top to its bottom.
fn window_top(top: usize, selected: Option<usize>, len: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    let top = match selected {
        Some(index) if index < top => index,
        Some(index) if index >= top + rows => index + 1 - rows,
        Some(_) => top,
        None => len,
    };
    top.min(len.saturating_sub(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Vin;
    use crate::store::{Direction, LogFilter, StoredRecord, VehicleFilter};
    use crate::tui::keys::Action;

    fn history(messages: u64, vins: &[Vin]) -> History {
        // A small tail: most of the scan reads the spill file.
        let mut history = History::new(100, []);
        let file = history.add_file("capture.jsonl".into());
        for seq in 0..messages {
            let vin = &vins[usize::try_from(seq).unwrap() % vins.len()];
            let record = StoredRecord {
                at: chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
                direction: Direction::Inbound,
                vin: Some(vin.clone()),
                topic: format!("p/to/uid/U/opa/{vin}/"),
                kind: "content".into(),
                action: None,
                size: 10,
                is_json: true,
                reason: None,
            };
            history.push_stored(&record, file, seq * 100);
        }
        history
    }

    #[test]
    fn a_vehicle_filter_shows_its_newest_rows_first_and_fills_in_by_pieces() {
        let vins = [
            Vin::parse("VF3AAAAAAAAAAAAA1").unwrap(),
            Vin::parse("VF3BBBBBBBBBBBBB2").unwrap(),
        ];
        let history = history(5_000, &vins);
        let mut pane = LogPane::default();
        let wanted = VehicleFilter::Vehicle(vins[0].clone());
        let _ = pane.show_vehicle(wanted.clone(), &history, 20);
        assert_eq!(pane.filtering(), Some(20), "one piece of five looked at");
        assert_eq!(pane.len(&history), 500);
        assert_eq!(pane.selected(), Some(4_998), "the newest match, at once");
        let mut pieces = 1;
        while pane.filtering().is_some() {
            let _ = pane.pump_filter(&history, 20);
            pieces += 1;
        }
        assert_eq!(pieces, 5);
        let all = history.select(&LogFilter {
            vehicle: wanted,
            ..LogFilter::default()
        });
        assert_eq!(pane.len(&history), all.len());
        let shown: Vec<u64> = (0..pane.len(&history))
            .filter_map(|i| pane.seq_at(i, &history))
            .collect();
        assert_eq!(shown, all);
        assert_eq!(pane.index_of(4_998, &history), Some(2_499));
        assert_eq!(pane.index_of(4_999, &history), None, "the other vehicle's");
    }

    #[test]
    fn a_paused_selection_stays_on_its_message_while_older_matches_come_in() {
        let vins = [
            Vin::parse("VF3AAAAAAAAAAAAA1").unwrap(),
            Vin::parse("VF3BBBBBBBBBBBBB2").unwrap(),
        ];
        let history = history(3_000, &vins);
        let mut pane = LogPane::default();
        let _ = pane.show_vehicle(VehicleFilter::Vehicle(vins[1].clone()), &history, 10);
        let _ = pane.handle(Action::PageUp, &history, 10);
        let held = pane.selected().unwrap();
        assert!(!pane.follows());
        while pane.filtering().is_some() {
            let _ = pane.pump_filter(&history, 10);
        }
        assert_eq!(pane.selected(), Some(held));
        let index = pane.index_of(held, &history).unwrap();
        let top = pane.top(&history, 10);
        assert!(
            (top..top + 10).contains(&index),
            "still on screen: {index} in {top}.."
        );
    }
}
