//! The log pane's behaviour: filing new entries, filters, following,
//! moving, the detail it feeds, and export.

#[allow(clippy::wildcard_imports)]
use super::*;

/// Keeps the filtered view, follow mode and detail in step with a new entry.
pub(super) fn after_push(app: &mut App, seq: u64) {
    if track(app, seq) {
        settle(app, seq);
    }
}

/// Files a new entry into the filtered view; true when the log shows it.
pub(super) fn track(app: &mut App, seq: u64) -> bool {
    if app.log.filter.is_active() {
        let passes = app.history.by_seq(seq).is_some_and(|entry| {
            let label = entry.vin.as_ref().and_then(|v| app.history.label(v));
            app.log.filter.matches(entry, label)
        });
        if !passes {
            return false;
        }
        app.log.matches.push(seq);
    }
    if !app.log.follow {
        app.log.waiting += 1;
    }
    true
}

/// Moves the selection (following) or keeps it (paused) after new entries,
/// once per burst: `seq` is the newest one the log shows.
pub(super) fn settle(app: &mut App, seq: u64) {
    if let Some(first) = app.history.first_seq() {
        let stale = app.log.matches.partition_point(|s| *s < first);
        app.log.matches.drain(..stale);
    }
    if app.log.follow {
        app.log.selected = Some(seq);
        keep_log_selection_visible(app);
        app.detail.stale = true;
    } else {
        if app
            .log
            .selected
            .is_some_and(|s| app.history.by_seq(s).is_none())
        {
            // The selected message was evicted: hold the oldest kept one.
            app.log.selected = app.log_seq_at(0);
        }
        keep_log_selection_visible(app);
    }
}

pub(super) fn set_filter_text(app: &mut App, target: Focus, text: String) {
    if target == Focus::Vehicles {
        app.vehicles.filter = text;
        app.vehicles.selected = VehicleRow::All;
    } else {
        app.log.filter.text = text.to_lowercase();
        rebuild_matches(app);
    }
}

pub(super) fn clear_filter(app: &mut App) {
    if app.focus == Focus::Vehicles {
        app.vehicles.filter.clear();
        return;
    }
    if app.log.filter.text.is_empty() {
        app.log.filter.vehicle = VehicleFilter::All;
        app.vehicles.selected = VehicleRow::All;
    } else {
        app.log.filter.text.clear();
    }
    rebuild_matches(app);
}

/// Recomputes the filtered view after the filter changed.
pub(super) fn rebuild_matches(app: &mut App) {
    app.log.matches.clear();
    if app.log.filter.is_active() {
        let history = &app.history;
        let filter = &app.log.filter;
        app.log.matches = history
            .iter()
            .filter(|e| filter.matches(e, e.vin.as_ref().and_then(|v| history.label(v))))
            .map(|e| e.seq)
            .collect();
    }
    let still_there = app.log.selected.and_then(|s| app.log_index_of(s)).is_some();
    if app.log.follow || !still_there {
        app.log.selected = app.log_len().checked_sub(1).and_then(|i| app.log_seq_at(i));
    }
    keep_log_selection_visible(app);
    refresh_detail(app);
}

pub(super) fn follow_tail(app: &mut App) {
    app.log.follow = true;
    app.log.waiting = 0;
    app.log.selected = app.log_len().checked_sub(1).and_then(|i| app.log_seq_at(i));
    keep_log_selection_visible(app);
    refresh_detail(app);
}

pub(super) fn move_log(app: &mut App, action: Action) {
    let len = app.log_len();
    if len == 0 {
        return;
    }
    if action == Action::Bottom {
        follow_tail(app);
        return;
    }
    let page = app.log_rows_visible();
    let current = app
        .log
        .selected
        .and_then(|s| app.log_index_of(s))
        .unwrap_or(len - 1);
    let target = match action {
        Action::Up => current.saturating_sub(1),
        Action::Down => (current + 1).min(len - 1),
        Action::PageUp => current.saturating_sub(page),
        Action::PageDown => (current + page).min(len - 1),
        _ => 0,
    };
    app.log.follow = false;
    app.log.selected = app.log_seq_at(target);
    if target == len - 1 && action != Action::Up {
        app.log.follow = true;
        app.log.waiting = 0;
    }
    keep_log_selection_visible(app);
    refresh_detail(app);
}

pub(super) fn keep_log_selection_visible(app: &mut App) {
    let rows = app.log_rows_visible();
    let len = app.log_len();
    let Some(index) = app.log.selected.and_then(|s| app.log_index_of(s)) else {
        app.log.top = len.saturating_sub(rows);
        return;
    };
    if index < app.log.top {
        app.log.top = index;
    } else if index >= app.log.top + rows {
        app.log.top = index + 1 - rows;
    }
    app.log.top = app.log.top.min(len.saturating_sub(1));
}

pub(super) fn refresh_detail(app: &mut App) {
    app.detail.stale = false;
    let Some(seq) = app.log.selected else {
        app.detail = DetailPane::default();
        return;
    };
    if app.detail.seq == Some(seq) {
        return;
    }
    if let Some(entry) = app.history.by_seq(seq) {
        let width = app
            .areas()
            .detail
            .map_or(80, |r| usize::from(r.width.saturating_sub(2)));
        app.detail = DetailPane {
            seq: Some(seq),
            stale: false,
            lines: detail::lines(entry, app.offset, width),
            scroll: 0,
        };
    }
}

/// The log as filtered, as journal lines, for the loop to write.
pub(super) fn export(app: &mut App) -> Option<Command> {
    let lines: Vec<String> = (0..app.log_len())
        .filter_map(|index| app.log_seq_at(index))
        .filter_map(|seq| app.history.by_seq(seq))
        .map(|entry| crate::domain::record::json_line(&entry.record()))
        .collect();
    if lines.is_empty() {
        app.notice = Some((
            StatusLevel::Info,
            "nothing to export: the log is empty".into(),
        ));
        return None;
    }
    app.notice = Some((
        StatusLevel::Info,
        format!("exporting {} message(s)…", lines.len()),
    ));
    Some(Command::Export(lines))
}
