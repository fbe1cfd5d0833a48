//! The log pane: the history as filtered, the selected message, following
//! the newest one or paused, the search and the jq scan that stream their
//! hits in, and the window of rows it draws (read back from the history in
//! `update`).

mod export;
mod jq;
mod jump;
mod render;
mod search;
mod window;

pub use crate::store::jq_scan::JqCounts;
pub use export::ExportState;
pub use jq::JqExpression;
pub use render::LogView;
pub use search::SearchState;
pub use window::LogRow;

use super::Notice;
use crate::store::{History, LogFilter, VehicleFilter};
use crate::tui::app::Command;
use crate::tui::columns::ColumnChoice;
use crate::tui::editor::StatusLevel;
use crate::tui::keys::Action;

/// The log pane's position, filter and drawn window.
#[derive(Debug)]
pub struct LogPane {
    filter: LogFilter,
    /// The search for the filter's text, while it runs.
    search: Option<SearchState>,
    /// The export being written, while it runs.
    exporting: Option<ExportState>,
    /// The jq filter, ANDed with `filter`.
    jq: Option<JqExpression>,
    /// The jq scan over the history, while it runs.
    jq_run: Option<jq::JqRun>,
    /// What the jq filter did since it was set.
    jq_counts: JqCounts,
    /// jq's hits so far, and the search's while a text is set with jq.
    sides: jq::Sides,
    /// Sequence numbers that pass the filter (only kept while one is active).
    matches: window::Matches,
    /// The scan of the index filling `matches`, while it runs.
    scan: Option<window::FilterScan>,
    selected: Option<u64>,
    follow: bool,
    /// Arrived while follow was paused.
    waiting: u64,
    /// Index (in the filtered view) of the first visible row.
    top: usize,
    /// The rows the pane draws, read from the history at the end of each
    /// update: drawing reads no file.
    window: Vec<LogRow>,
    /// The optional columns the user has on.
    columns: ColumnChoice,
}

/// What the detail pane does after the log moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DetailUpdate {
    /// Nothing changed for it.
    #[default]
    Keep,
    /// Show the selection now.
    Now,
    /// Show the selection at the end of the update (once per burst).
    Later,
}

/// What the log tells `App` after an action or a change.
#[derive(Debug, Default)]
#[must_use]
pub struct LogReaction {
    pub detail: DetailUpdate,
    pub notice: Option<Notice>,
    pub command: Option<Command>,
    /// The vehicle filter was cleared: the vehicle list's cursor goes back
    /// to "all vehicles".
    pub vehicle_cleared: bool,
    /// Enter: the detail pane takes the focus.
    pub open_detail: bool,
}

impl LogReaction {
    fn detail(detail: DetailUpdate) -> Self {
        Self {
            detail,
            ..Self::default()
        }
    }

    fn notice(level: StatusLevel, text: String) -> Self {
        Self {
            notice: Some((level, text)),
            ..Self::default()
        }
    }
}

impl Default for LogPane {
    fn default() -> Self {
        Self {
            filter: LogFilter::default(),
            search: None,
            exporting: None,
            jq: None,
            jq_run: None,
            jq_counts: JqCounts::default(),
            sides: jq::Sides::default(),
            matches: window::Matches::default(),
            scan: None,
            selected: None,
            follow: true,
            waiting: 0,
            top: 0,
            window: Vec::new(),
            columns: ColumnChoice::default(),
        }
    }
}

fn group(n: u64) -> String {
    crate::tui::draw::group64(n)
}

impl LogPane {
    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    /// The selected message, by sequence number.
    pub fn selected(&self) -> Option<u64> {
        self.selected
    }

    /// Whether the selection follows the newest message.
    pub fn follows(&self) -> bool {
        self.follow
    }

    /// Messages that arrived while paused.
    pub fn waiting(&self) -> u64 {
        self.waiting
    }

    /// Whether a text search is still running.
    pub fn searching(&self) -> bool {
        self.search.is_some()
    }

    /// Whether the filtered view is still being filled (a search, the jq
    /// scan or the filter's scan of the index): ticks come at frame rate
    /// meanwhile.
    pub fn filling(&self) -> bool {
        self.search.is_some() || self.scan.is_some() || self.jq_run.is_some()
    }

    /// Whether the log shows less than the whole history: a vehicle, a
    /// kind, a text or a jq expression.
    pub fn filtered(&self) -> bool {
        self.filter.is_active() || self.jq.is_some()
    }

    /// Whether work runs in the background that the log pumps on every
    /// frame: the filtered view being filled, an export being fed.
    pub fn busy(&self) -> bool {
        self.filling() || self.exporting()
    }

    /// Files a new entry into the filtered view; true when the log shows it.
    pub fn track(&mut self, seq: u64, history: &History) -> bool {
        if self.jq.is_some() {
            if !self.jq_passes(seq, history) {
                return false;
            }
            if !self.filter.text.is_empty() && !history.passes(seq, &self.filter) {
                return false;
            }
            self.matches.push(seq);
        } else if self.filter.is_active() {
            if !history.passes(seq, &self.filter) {
                return false;
            }
            self.matches.push(seq);
        }
        if !self.follow {
            self.waiting += 1;
        }
        true
    }

    /// Moves the selection (following) or keeps it (paused) after new
    /// entries, once per burst: `seq` is the newest one the log shows.
    /// Whether the detail must show the new selection.
    pub fn settle(&mut self, seq: u64, history: &History, rows: usize) -> DetailUpdate {
        if self.follow {
            self.selected = Some(seq);
            self.keep_selection_visible(history, rows);
            DetailUpdate::Later
        } else {
            self.keep_selection_visible(history, rows);
            DetailUpdate::Keep
        }
    }

    /// `track` then `settle`, for one entry.
    pub fn after_push(&mut self, seq: u64, history: &History, rows: usize) -> DetailUpdate {
        if self.track(seq, history) {
            self.settle(seq, history, rows)
        } else {
            DetailUpdate::Keep
        }
    }

    /// The vehicle filter (Enter on a vehicle): the log follows it.
    pub fn show_vehicle(
        &mut self,
        vehicle: VehicleFilter,
        history: &History,
        rows: usize,
    ) -> LogReaction {
        self.filter.vehicle = vehicle;
        self.follow = true;
        self.rebuild_matches(history, rows)
    }

    /// The filter prompt's text.
    pub fn set_filter_text(&mut self, text: &str, history: &History, rows: usize) -> LogReaction {
        self.filter.text = text.to_lowercase();
        if self.jq.is_some() {
            self.rebuild_text(history, rows)
        } else {
            self.rebuild_matches(history, rows)
        }
    }

    /// An action of the log's scope.
    pub fn handle(&mut self, action: Action, history: &History, rows: usize) -> LogReaction {
        match action {
            Action::Up
            | Action::Down
            | Action::PageUp
            | Action::PageDown
            | Action::Top
            | Action::Bottom => self.move_selection(action, history, rows),
            Action::Select => LogReaction {
                detail: DetailUpdate::Now,
                open_detail: true,
                ..LogReaction::default()
            },
            Action::ClearFilter => self.clear_filter(history, rows),
            Action::CycleKind => self.cycle_kind(history, rows),
            Action::ToggleFollow if self.follow => {
                self.follow = false;
                LogReaction::default()
            }
            Action::ToggleFollow => self.follow_tail(history, rows),
            Action::Export => self.export(history),
            Action::ToggleLabelColumn => self.toggle(|c| &mut c.label),
            Action::ToggleKindColumn => self.toggle(|c| &mut c.kind),
            Action::ToggleActionColumn => self.toggle(|c| &mut c.action),
            _ => LogReaction::default(),
        }
    }

    /// Hides or shows an optional column.
    fn toggle(&mut self, column: impl Fn(&mut ColumnChoice) -> &mut bool) -> LogReaction {
        *column(&mut self.columns) ^= true;
        LogReaction::default()
    }

    /// A click on the `row`th line of the pane selects its message.
    pub fn click(&mut self, row: usize, history: &History, rows: usize) -> LogReaction {
        match self.seq_at(self.top(history, rows) + row, history) {
            Some(seq) => {
                self.selected = Some(seq);
                self.follow = false;
                LogReaction::detail(DetailUpdate::Now)
            }
            None => LogReaction::default(),
        }
    }

    /// Esc in the log: stops a running search or jq scan (keeping what
    /// they found), then clears the text, then the jq expression, then the
    /// kind, then the vehicle.
    fn clear_filter(&mut self, history: &History, rows: usize) -> LogReaction {
        if self.search.is_some() || self.jq_run.is_some() {
            let mut stopped = Vec::new();
            if let Some(search) = self.search.take() {
                stopped.push(format!(
                    "search stopped after {} of {} messages: {} found",
                    group(search.scanned),
                    group(search.total),
                    group(search.found)
                ));
            }
            if let Some(said) = self.stop_jq() {
                stopped.push(said);
            }
            return LogReaction::notice(StatusLevel::Info, stopped.join("; "));
        }
        let mut vehicle_cleared = false;
        if !self.filter.text.is_empty() {
            return self.set_filter_text("", history, rows);
        } else if self.jq.is_some() {
            return self.set_jq(None, history, rows);
        } else if self.filter.kind.is_some() {
            self.filter.kind = None;
        } else {
            self.filter.vehicle = VehicleFilter::All;
            vehicle_cleared = true;
        }
        LogReaction {
            vehicle_cleared,
            ..self.rebuild_matches(history, rows)
        }
    }

    /// `K`: the next kind present in the history, then all kinds again.
    fn cycle_kind(&mut self, history: &History, rows: usize) -> LogReaction {
        let kinds = history.kinds();
        let next = match self.filter.kind {
            None => kinds.first().copied(),
            Some(current) => kinds.iter().skip_while(|k| **k != current).nth(1).copied(),
        };
        self.filter.kind = next;
        self.rebuild_matches(history, rows)
    }

    fn follow_tail(&mut self, history: &History, rows: usize) -> LogReaction {
        self.follow = true;
        self.waiting = 0;
        self.selected = self.newest(history);
        self.keep_selection_visible(history, rows);
        LogReaction::detail(DetailUpdate::Now)
    }

    fn newest(&self, history: &History) -> Option<u64> {
        self.len(history)
            .checked_sub(1)
            .and_then(|i| self.seq_at(i, history))
    }

    fn move_selection(&mut self, action: Action, history: &History, rows: usize) -> LogReaction {
        let len = self.len(history);
        if len == 0 {
            return LogReaction::default();
        }
        if action == Action::Bottom {
            return self.follow_tail(history, rows);
        }
        let page = rows;
        let current = self
            .selected
            .and_then(|s| self.index_of(s, history))
            .unwrap_or(len - 1);
        let target = match action {
            Action::Up => current.saturating_sub(1),
            Action::Down => (current + 1).min(len - 1),
            Action::PageUp => current.saturating_sub(page),
            Action::PageDown => (current + page).min(len - 1),
            _ => 0,
        };
        self.follow = false;
        self.selected = self.seq_at(target, history);
        if target == len - 1 && action != Action::Up {
            self.follow = true;
            self.waiting = 0;
        }
        self.keep_selection_visible(history, rows);
        LogReaction::detail(DetailUpdate::Now)
    }
}
