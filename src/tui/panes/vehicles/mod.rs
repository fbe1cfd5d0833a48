//! The vehicle list: its cursor (by identity), sort, filter, marks for a
//! fleet publish, and the order it holds while it has the focus.

mod figures;
mod render;

use crate::domain::Vin;
use crate::domain::tracking::Deliveries;
use crate::store::History;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use chrono::{DateTime, Utc};
use std::collections::BTreeSet;
use std::time::Duration;

/// How the vehicle list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VehicleSort {
    LastSeen,
    Vin,
}

/// A row of the vehicle list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VehicleRow {
    All,
    Vehicle(Vin),
    Unrecognised,
}

/// The vehicle pane: the row under the cursor, order, filter and marks.
#[derive(Debug, Clone)]
pub struct VehiclesPane {
    /// The row under the cursor, by identity: the list reorders as
    /// vehicles talk, the cursor stays on its vehicle.
    selected: VehicleRow,
    sort: VehicleSort,
    filter: String,
    /// Vehicles marked (Space) for a fleet publish.
    marked: BTreeSet<Vin>,
    /// The order the list had when the pane took the focus: it holds still
    /// while you move and mark in it (a row never slides under the
    /// cursor); vehicles that appear meanwhile come last.
    held_order: Option<Vec<Vin>>,
}

/// What the vehicle pane draws from besides its own state.
pub struct VehiclesView<'a> {
    pub history: &'a History,
    pub deliveries: &'a Deliveries,
    pub now: DateTime<Utc>,
    /// A vehicle silent longer than this is marked.
    pub silent_after: Duration,
    /// The editor's target, marked `>`.
    pub target: Option<&'a Vin>,
    /// The alerts raised: a vehicle with open ones wears a badge.
    pub alerts: &'a crate::tui::panes::alerts::AlertsPane,
    /// The filter being typed, when the prompt is open for this pane.
    pub prompt: Option<&'a str>,
    pub focused: bool,
    pub theme: Theme,
}

/// The first visible row of the vehicle list: the cursor stays on screen.
pub fn list_top(cursor: usize, height: usize) -> usize {
    cursor.saturating_sub(height.saturating_sub(1))
}

impl Default for VehiclesPane {
    fn default() -> Self {
        Self {
            selected: VehicleRow::All,
            sort: VehicleSort::LastSeen,
            filter: String::new(),
            marked: BTreeSet::new(),
            held_order: None,
        }
    }
}

impl VehiclesPane {
    /// The row under the cursor.
    pub fn selected(&self) -> &VehicleRow {
        &self.selected
    }

    /// Puts the cursor on `row` (Enter then chooses it).
    pub fn select(&mut self, row: VehicleRow) {
        self.selected = row;
    }

    /// The vehicles marked for a fleet publish.
    pub fn marked(&self) -> &BTreeSet<Vin> {
        &self.marked
    }

    /// Marks `vin` (or unmarks it when marked).
    pub fn toggle_mark(&mut self, vin: &Vin) {
        if !self.marked.remove(vin) {
            self.marked.insert(vin.clone());
        }
    }

    /// The marks were for one publish: clears them, saying how many.
    /// Unmarks `vin`; whether it was marked.
    pub fn unmark(&mut self, vin: &Vin) -> bool {
        self.marked.remove(vin)
    }

    pub fn take_marks(&mut self) -> usize {
        std::mem::take(&mut self.marked).len()
    }

    pub fn sort(&self) -> VehicleSort {
        self.sort
    }

    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// A new filter text: the cursor goes back to "all vehicles".
    pub fn set_filter(&mut self, text: String) {
        self.filter = text;
        self.selected = VehicleRow::All;
        // Other rows now: the order to hold is the one they come back in.
        self.held_order = None;
    }

    pub fn clear_filter(&mut self) {
        self.filter.clear();
        self.held_order = None;
    }

    /// The list holds its order while it has the focus, and follows the
    /// sort again once it is left.
    pub fn hold_order(&mut self, focused: bool, history: &History) {
        if !focused {
            self.held_order = None;
        } else if self.held_order.is_none() {
            let order = self
                .rows(history)
                .into_iter()
                .filter_map(|row| match row {
                    VehicleRow::Vehicle(vin) => Some(vin),
                    _ => None,
                })
                .collect();
            self.held_order = Some(order);
        }
    }

    /// The list as shown: "all", each vehicle, "unrecognised".
    pub fn rows(&self, history: &History) -> Vec<VehicleRow> {
        let needle = self.filter.to_lowercase();
        let mut vins: Vec<(&Vin, &crate::store::VehicleStats)> = history
            .vehicles
            .iter()
            .filter(|(vin, stats)| {
                needle.is_empty()
                    || vin.as_str().to_lowercase().contains(&needle)
                    || stats
                        .label
                        .as_deref()
                        .is_some_and(|l| l.to_lowercase().contains(&needle))
                    || stats
                        .accounts
                        .iter()
                        .any(|uid| uid.to_lowercase().contains(&needle))
            })
            .collect();
        match self.sort {
            VehicleSort::LastSeen => {
                vins.sort_by(|a, b| b.1.last_seen.cmp(&a.1.last_seen).then(a.0.cmp(b.0)));
            }
            VehicleSort::Vin => vins.sort_by(|a, b| {
                a.1.label
                    .is_none()
                    .cmp(&b.1.label.is_none())
                    .then(a.1.label.cmp(&b.1.label))
                    .then(a.0.cmp(b.0))
            }),
        }
        if let Some(held) = &self.held_order {
            let place: std::collections::HashMap<&Vin, usize> =
                held.iter().enumerate().map(|(at, vin)| (vin, at)).collect();
            // Stable: newcomers keep the sort's order among themselves.
            vins.sort_by_key(|(vin, _)| place.get(vin).copied().unwrap_or(usize::MAX));
        }
        let mut rows = vec![VehicleRow::All];
        rows.extend(
            vins.into_iter()
                .map(|(vin, _)| VehicleRow::Vehicle(vin.clone())),
        );
        if history.unrecognised > 0 {
            rows.push(VehicleRow::Unrecognised);
        }
        rows
    }

    /// Where the cursor is in `rows` (the first row when its vehicle is
    /// filtered out).
    pub fn cursor(&self, rows: &[VehicleRow]) -> usize {
        rows.iter().position(|r| *r == self.selected).unwrap_or(0)
    }

    /// An action of the pane's scope; the row chosen (Enter), if any.
    pub fn handle(&mut self, action: Action, history: &History) -> Option<VehicleRow> {
        match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.move_cursor(action, history),
            Action::Select => return Some(self.selected.clone()),
            Action::Mark => {
                let rows = self.rows(history);
                if let Some(VehicleRow::Vehicle(vin)) = rows.get(self.cursor(&rows)) {
                    self.toggle_mark(vin);
                }
            }
            Action::MarkAll => {
                let listed: Vec<Vin> = self
                    .rows(history)
                    .into_iter()
                    .filter_map(|row| match row {
                        VehicleRow::Vehicle(vin) => Some(vin),
                        VehicleRow::All | VehicleRow::Unrecognised => None,
                    })
                    .collect();
                self.marked.extend(listed);
            }
            Action::MarkNone => self.marked.clear(),
            Action::ToggleSort => {
                self.sort = match self.sort {
                    VehicleSort::LastSeen => VehicleSort::Vin,
                    VehicleSort::Vin => VehicleSort::LastSeen,
                };
                // Asked for: the new order is the one to hold.
                self.held_order = None;
            }
            Action::ClearFilter => self.clear_filter(),
            _ => {}
        }
        None
    }

    fn move_cursor(&mut self, action: Action, history: &History) {
        let rows = self.rows(history);
        let current = self.cursor(&rows);
        let last = rows.len().saturating_sub(1);
        let target = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(last),
            Action::PageUp | Action::Top => 0,
            Action::PageDown | Action::Bottom => last,
            _ => current,
        };
        if let Some(row) = rows.get(target) {
            self.selected = row.clone();
        }
    }

    /// A click on the `row`th line inside a pane `height` lines high: the
    /// row under it is chosen, as Enter would.
    pub fn click(&mut self, row: usize, height: usize, history: &History) -> Option<VehicleRow> {
        let rows = self.rows(history);
        let clicked = rows.get(list_top(self.cursor(&rows), height) + row)?;
        self.selected = clicked.clone();
        Some(self.selected.clone())
    }
}

/// Whether a vehicle last seen at `last_seen` has been silent longer than
/// `silent_after` at `now`.
pub fn is_silent(
    now: DateTime<Utc>,
    last_seen: Option<DateTime<Utc>>,
    silent_after: Duration,
) -> bool {
    last_seen.is_some_and(|seen| (now - seen).to_std().is_ok_and(|age| age > silent_after))
}
