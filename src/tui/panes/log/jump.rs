//! `T`: the log jumps to the first message at or after a time, in the view
//! as filtered (a vehicle, a kind, a text: the jump stays inside them).
//!
//! The history is taken to be in time order: files are merged by time as
//! they are read and live messages arrive after them, each stamped when it
//! arrives. A binary search over the view then reads about 25 times out of
//! 20 million messages, none of them a payload. Where the order is broken
//! (a clock set back while the console ran), the search still lands on a
//! message at or after the time, only maybe not the first.

use super::{DetailUpdate, LogPane, LogReaction};
use crate::store::History;
use crate::tui::editor::StatusLevel;
use chrono::{DateTime, FixedOffset, Utc};

impl LogPane {
    /// Selects the first message of the view received at or after `at`;
    /// a time past the newest message selects nothing and says the range
    /// the view holds, as does one before the oldest (which selects it).
    pub fn jump_to(
        &mut self,
        at: DateTime<Utc>,
        offset: FixedOffset,
        history: &History,
        rows: usize,
    ) -> LogReaction {
        let len = self.len(history);
        let time_at = |index: usize| self.seq_at(index, history).and_then(|seq| history.at(seq));
        let (Some(first), Some(last)) = (time_at(0), len.checked_sub(1).and_then(time_at)) else {
            return LogReaction::notice(
                StatusLevel::Info,
                "no message to jump to: the log is empty".to_owned(),
            );
        };
        let shown = |t: DateTime<Utc>| {
            t.with_timezone(&offset)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        };
        let range = format!("{} to {}", shown(first), shown(last));
        if at > last {
            return LogReaction::notice(
                StatusLevel::Info,
                format!(
                    "no message at or after {}: the log holds {range}",
                    shown(at)
                ),
            );
        }
        let index = partition_point(len, |index| time_at(index).is_some_and(|t| t < at));
        self.selected = self.seq_at(index, history);
        self.follow = index + 1 == len;
        if self.follow {
            self.waiting = 0;
        }
        // The message jumped to heads the window, with what followed it
        // below: scrolling down reads on from that moment.
        self.top = index;
        self.keep_selection_visible(history, rows);
        let notice = if at < first {
            (
                StatusLevel::Info,
                format!(
                    "{} is before the log's first message: the log holds {range}",
                    shown(at)
                ),
            )
        } else {
            (StatusLevel::Success, format!("at {}", shown(at)))
        };
        LogReaction {
            detail: DetailUpdate::Now,
            notice: Some(notice),
            ..LogReaction::default()
        }
    }
}

impl LogPane {
    /// Selects message `seq` (an alert's, from the Alerts pane), heading
    /// the window; `None` when the filter hides it.
    pub fn select_message(
        &mut self,
        seq: u64,
        history: &History,
        rows: usize,
    ) -> Option<LogReaction> {
        let index = self.index_of(seq, history)?;
        self.selected = Some(seq);
        self.follow = index + 1 == self.len(history);
        if self.follow {
            self.waiting = 0;
        }
        self.top = index;
        self.keep_selection_visible(history, rows);
        Some(LogReaction::detail(DetailUpdate::Now))
    }
}

/// The first index of `0..len` for which `before` is false, `before`
/// being true for a prefix (the slice's `partition_point`, over indices).
fn partition_point(len: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut low, mut high) = (0, len);
    while low < high {
        let middle = low + (high - low) / 2;
        if before(middle) {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::partition_point;

    #[test]
    fn the_partition_point_is_the_first_index_not_before() {
        let times = [1, 3, 3, 5, 8];
        for (at, expected) in [(0, 0), (1, 0), (2, 1), (3, 1), (4, 3), (8, 4), (9, 5)] {
            assert_eq!(
                partition_point(times.len(), |i| times[i] < at),
                expected,
                "{at}"
            );
        }
        assert_eq!(partition_point(0, |_| true), 0);
    }
}
