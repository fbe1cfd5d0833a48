//! The log row's columns: which show and how wide, from the row's width
//! and the columns the user turned on. As the row narrows, columns give way
//! in one fixed order (narrower first, then gone) until the payload
//! preview has at least a third of the row. Pure: no drawing, no state.

use super::width::{fit_end, pad, pad_left};
use crate::domain::display;
use crate::store::LogEntry;
use chrono::FixedOffset;

/// A column of a log row, left to right; the payload preview follows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// When the message arrived or left: `14:03:00.000`, or `14:03:00`
    /// when narrowed.
    Time,
    /// `←` received, `→` published, `✗` refused.
    Direction,
    /// The login (UID) of the record's topic: only with files of two or
    /// more accounts open.
    Account,
    /// The vehicle's label, or its VIN when it has none.
    Vehicle,
    /// The inbound kind (`content`, `text`, `popup-ok`, ...) or `data` /
    /// `popup` for what was published.
    Kind,
    /// The action named in the content.
    Action,
    /// The payload's size in bytes.
    Size,
}

impl Column {
    /// The column's width when there is room.
    fn full(self, account: usize) -> usize {
        match self {
            Self::Time => 12,
            Self::Direction => 1,
            Self::Account => account,
            Self::Vehicle => 17,
            Self::Kind => 14,
            Self::Action => 18,
            Self::Size => 7,
        }
    }
}

/// The optional columns, as the user has them (keys in the log pane).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnChoice {
    /// The vehicle's label (or VIN).
    pub label: bool,
    pub kind: bool,
    pub action: bool,
}

impl Default for ColumnChoice {
    fn default() -> Self {
        Self {
            label: true,
            kind: true,
            action: true,
        }
    }
}

impl ColumnChoice {
    /// The columns the user turned off, by the names the help gives them.
    pub fn hidden(self) -> Vec<&'static str> {
        [
            (self.label, "label"),
            (self.kind, "kind"),
            (self.action, "action"),
        ]
        .into_iter()
        .filter(|(on, _)| !on)
        .map(|(_, name)| name)
        .collect()
    }
}

/// One step of giving way to the payload.
#[derive(Debug, Clone, Copy)]
enum GiveWay {
    Narrow(Column, usize),
    Drop(Column),
}

/// The order columns give way in as the row narrows. The size and the
/// millisecond go first (the detail pane tells both); which vehicle and
/// which account a message is of, and its direction, stay longest.
const GIVE_WAY: [GiveWay; 10] = [
    GiveWay::Drop(Column::Size),
    GiveWay::Narrow(Column::Kind, 8),
    GiveWay::Narrow(Column::Time, 8),
    GiveWay::Narrow(Column::Action, 12),
    GiveWay::Narrow(Column::Vehicle, 12),
    GiveWay::Drop(Column::Kind),
    GiveWay::Narrow(Column::Account, 8),
    GiveWay::Drop(Column::Action),
    GiveWay::Drop(Column::Time),
    GiveWay::Narrow(Column::Vehicle, 8),
];

/// The decided row: each column shown with its width in cells (a space
/// follows each), the payload preview in the rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLayout {
    pub columns: Vec<(Column, usize)>,
    pub payload: usize,
}

impl RowLayout {
    /// The width given to `column`, when it is shown.
    pub fn width(&self, column: Column) -> Option<usize> {
        self.columns
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, w)| *w)
    }

    fn used(&self) -> usize {
        self.columns.iter().map(|(_, w)| w + 1).sum()
    }
}

/// The columns of a log row `width` cells wide. `account` is the width of
/// the widest UID when files of several accounts are open (the column
/// shows only then).
pub fn decide(width: usize, choice: ColumnChoice, account: Option<usize>) -> RowLayout {
    let wanted = [
        (Column::Time, true),
        (Column::Direction, true),
        (Column::Account, account.is_some()),
        (Column::Vehicle, choice.label),
        (Column::Kind, choice.kind),
        (Column::Action, choice.action),
        (Column::Size, true),
    ];
    let account = account.unwrap_or(0);
    let mut row = RowLayout {
        columns: wanted
            .into_iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| (c, c.full(account)))
            .collect(),
        payload: 0,
    };
    let room = width - width.div_ceil(3);
    for step in GIVE_WAY {
        if row.used() <= room {
            break;
        }
        match step {
            GiveWay::Narrow(column, cells) => {
                if let Some((_, w)) = row.columns.iter_mut().find(|(c, _)| *c == column) {
                    *w = (*w).min(cells);
                }
            }
            GiveWay::Drop(column) => row.columns.retain(|(c, _)| *c != column),
        }
    }
    row.payload = width.saturating_sub(row.used());
    row
}

/// The text of `entry`'s columns as `row` lays them out, each padded to
/// its width and followed by a space: the time apart (it is drawn in the
/// row's plain style), then the others up to the payload. `label` is the
/// vehicle's, `arrow` the direction's mark.
pub fn texts(
    row: &RowLayout,
    entry: &LogEntry,
    label: Option<&str>,
    offset: FixedOffset,
    arrow: &str,
) -> (String, String) {
    let mut time = String::new();
    let mut rest = String::new();
    for &(column, cells) in &row.columns {
        let text = match column {
            Column::Time => {
                let format = if cells >= 12 {
                    "%H:%M:%S%.3f"
                } else {
                    "%H:%M:%S"
                };
                let at = entry.at.with_timezone(&offset).format(format).to_string();
                time = pad(&at, cells) + " ";
                continue;
            }
            Column::Direction => pad(arrow, cells),
            Column::Account => pad(
                &crate::account::uid_of_topic(&entry.topic)
                    .map_or_else(|| "?".into(), display::one_line),
                cells,
            ),
            Column::Vehicle => match (label, &entry.vin) {
                (Some(label), _) => pad(label, cells),
                // A VIN's serial number is at its end: that is what tells
                // two vehicles of one model apart.
                (None, Some(vin)) => pad(&fit_end(vin.as_str(), cells), cells),
                // No VIN in the topic: its end says what it is.
                (None, None) => pad(&fit_end(&display::one_line(&entry.topic), cells), cells),
            },
            Column::Kind => pad(entry.kind, cells),
            // The action name comes from the payload: shown through the
            // display sanitiser, as the preview is.
            Column::Action => pad(
                &entry
                    .action
                    .as_deref()
                    .map_or_else(|| "-".into(), display::one_line),
                cells,
            ),
            Column::Size => pad_left(&format!("{}B", entry.size), cells),
        };
        rest.push_str(&text);
        rest.push(' ');
    }
    (time, rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(row: &RowLayout) -> Vec<(Column, usize)> {
        row.columns.clone()
    }

    #[test]
    fn a_wide_row_shows_every_column_at_full_width() {
        let row = decide(160, ColumnChoice::default(), None);
        assert_eq!(
            names(&row),
            [
                (Column::Time, 12),
                (Column::Direction, 1),
                (Column::Vehicle, 17),
                (Column::Kind, 14),
                (Column::Action, 18),
                (Column::Size, 7),
            ]
        );
        assert_eq!(row.payload, 160 - 75);
    }

    #[test]
    fn the_payload_keeps_at_least_a_third_of_the_row_at_every_width() {
        for account in [None, Some(8), Some(16)] {
            for width in 30..200 {
                let row = decide(width, ColumnChoice::default(), account);
                assert!(
                    row.payload * 3 >= width,
                    "{width} ({account:?}): {} for the payload",
                    row.payload
                );
                assert_eq!(row.used() + row.payload, width);
            }
        }
    }

    #[test]
    fn columns_give_way_in_order_as_the_row_narrows() {
        // An 80-column terminal shows the log alone, 78 cells inside.
        let row = decide(78, ColumnChoice::default(), None);
        assert_eq!(row.width(Column::Size), None);
        assert_eq!(row.width(Column::Time), Some(8));
        assert_eq!(row.width(Column::Vehicle), Some(17));
        assert_eq!(row.width(Column::Action), Some(12));
        let row = decide(58, ColumnChoice::default(), None);
        assert_eq!(row.width(Column::Kind), None);
        assert_eq!(row.width(Column::Vehicle), Some(12));
        assert!(row.width(Column::Action).is_some());
        let row = decide(20, ColumnChoice::default(), None);
        assert_eq!(
            names(&row),
            [(Column::Direction, 1), (Column::Vehicle, 8)],
            "which vehicle and which way stay longest"
        );
    }

    #[test]
    fn columns_the_user_turned_off_leave_their_room_to_the_others() {
        let all = decide(78, ColumnChoice::default(), None);
        let choice = ColumnChoice {
            label: false,
            kind: false,
            action: true,
        };
        let row = decide(78, choice, None);
        assert_eq!(row.width(Column::Vehicle), None);
        assert_eq!(row.width(Column::Kind), None);
        assert_eq!(row.width(Column::Action), Some(18));
        assert!(row.payload > all.payload);
        assert_eq!(choice.hidden(), ["label", "kind"]);
    }

    #[test]
    fn the_account_column_shows_only_when_asked_and_stays() {
        assert_eq!(
            decide(160, ColumnChoice::default(), None).width(Column::Account),
            None
        );
        assert_eq!(
            decide(160, ColumnChoice::default(), Some(10)).width(Column::Account),
            Some(10)
        );
        assert_eq!(
            decide(40, ColumnChoice::default(), Some(10)).width(Column::Account),
            Some(8)
        );
    }
}
