//! The log's view of the history: the filtered view's positions, the
//! window of rows a pane of a given height shows, and those rows read
//! from the history in `update` for `render` to draw.

use super::LogPane;
use crate::store::{History, LogEntry};

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

    /// How many messages the log shows under the current filter.
    pub fn len(&self, history: &History) -> usize {
        if self.filter.is_active() {
            self.matches.len()
        } else {
            history.len()
        }
    }

    /// The sequence number at `index` of the filtered view.
    pub fn seq_at(&self, index: usize, history: &History) -> Option<u64> {
        if self.filter.is_active() {
            self.matches.get(index).copied()
        } else {
            let first = history.first_seq()?;
            (index < history.len()).then(|| first + index as u64)
        }
    }

    /// The index of `seq` in the filtered view.
    pub fn index_of(&self, seq: u64, history: &History) -> Option<usize> {
        if self.filter.is_active() {
            self.matches.binary_search(&seq).ok()
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
