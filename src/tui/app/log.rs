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
        if !app.history.passes(seq, &app.log.filter) {
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
        // Other rows now: the order to hold is the one they come back in.
        app.vehicles.held_order = None;
    } else {
        app.log.filter.text = text.to_lowercase();
        rebuild_matches(app);
    }
}

/// Esc in the log: stops a running search (keeping what it found), then
/// clears the text, then the kind, then the vehicle.
pub(super) fn clear_filter(app: &mut App) {
    if app.focus == Focus::Vehicles {
        app.vehicles.filter.clear();
        app.vehicles.held_order = None;
        return;
    }
    if let Some(search) = app.log.search.take() {
        app.notice = Some((
            StatusLevel::Info,
            format!(
                "search stopped after {} of {} messages: {} found",
                group(search.scanned),
                group(search.total),
                group(search.found)
            ),
        ));
        return;
    }
    if !app.log.filter.text.is_empty() {
        app.log.filter.text.clear();
    } else if app.log.filter.kind.is_some() {
        app.log.filter.kind = None;
    } else {
        app.log.filter.vehicle = VehicleFilter::All;
        app.vehicles.selected = VehicleRow::All;
    }
    rebuild_matches(app);
}

/// `K`: the next kind present in the history, then all kinds again.
pub(super) fn cycle_kind(app: &mut App) {
    let kinds = app.history.kinds();
    let next = match app.log.filter.kind {
        None => kinds.first().copied(),
        Some(current) => kinds.iter().skip_while(|k| **k != current).nth(1).copied(),
    };
    app.log.filter.kind = next;
    rebuild_matches(app);
}

fn group(n: u64) -> String {
    crate::domain::envelope::group(usize::try_from(n).unwrap_or(usize::MAX))
}

/// Index positions handed to the search thread at a time.
const SEARCH_PIECE: usize = 8192;

/// Recomputes the filtered view after the filter changed: vehicle and
/// kind from the index at once; a text starts a search in the background
/// whose hits stream in ([`pump_search`]).
pub(super) fn rebuild_matches(app: &mut App) {
    app.log.search = None;
    app.log.matches.clear();
    if !app.log.filter.text.is_empty() {
        let end = app.history.end_seq();
        match SearchJob::start(&app.log.filter.text) {
            Ok(job) => {
                app.log.search = Some(SearchState {
                    job,
                    names: app.history.name_hits(&app.log.filter.text),
                    next: end,
                    held: None,
                    scanned: 0,
                    total: app.history.len() as u64,
                    fed: 0,
                    found: 0,
                    unreadable: 0,
                });
                pump_search(app);
            }
            Err(err) => {
                app.notice = Some((StatusLevel::Error, format!("cannot search: {err}")));
            }
        }
    } else if app.log.filter.is_active() {
        app.log.matches = app.history.select(&app.log.filter);
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
    app.log.top = app.log_top();
}

/// The first row of a log window of `rows` rows over `len` rows, moved
/// from `top` as little as keeps the `selected` row in it, and never so far
/// down that rows stay empty below the last one while older rows exist:
/// a following log (its selection the newest row) shows the newest rows
/// from the pane's top to its bottom.
pub(super) fn window_top(top: usize, selected: Option<usize>, len: usize, rows: usize) -> usize {
    let rows = rows.max(1);
    let top = match selected {
        Some(index) if index < top => index,
        Some(index) if index >= top + rows => index + 1 - rows,
        Some(_) => top,
        None => len,
    };
    top.min(len.saturating_sub(rows))
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
            lines: detail::lines(&entry, app.offset, width),
            scroll: 0,
        };
    }
}

/// The log as filtered, as journal lines, for the loop to write. A
/// message whose payload cannot be read back is left out and counted.
pub(super) fn export(app: &mut App) -> Option<Command> {
    let mut left_out = 0;
    let lines: Vec<String> = (0..app.log_len())
        .filter_map(|index| app.log_seq_at(index))
        .filter_map(|seq| app.history.by_seq(seq))
        .filter(|entry| {
            let whole = entry.unavailable.is_none();
            left_out += u64::from(!whole);
            whole
        })
        .map(|entry| crate::domain::record::json_line(&entry.record()))
        .collect();
    let left_out = if left_out > 0 {
        format!(" ({} left out: payload unavailable)", group(left_out))
    } else {
        String::new()
    };
    if lines.is_empty() {
        app.notice = Some((
            StatusLevel::Info,
            format!("nothing to export: the log is empty{left_out}"),
        ));
        return None;
    }
    app.notice = Some((
        StatusLevel::Info,
        format!("exporting {} message(s)…{left_out}", lines.len()),
    ));
    Some(Command::Export(lines))
}

/// Takes the search thread's hits into the view and hands it more work,
/// without waiting (on every tick, and when the search starts).
pub(super) fn pump_search(app: &mut App) {
    let Some(search) = app.log.search.as_mut() else {
        return;
    };
    let mut hits: Vec<u64> = Vec::new();
    for found in search.job.take_found() {
        search.scanned += found.covered;
        search.unreadable += found.unreadable;
        search.found += found.seqs.len() as u64;
        // Newest first, each piece older than the one before: reversed,
        // the pieces go in front of what is already shown.
        hits.splice(0..0, found.seqs.into_iter().rev());
    }
    let first = app.history.first_seq().unwrap_or(0);
    loop {
        let piece = match search.held.take() {
            Some(piece) => piece,
            None if search.next > first => {
                let (items, next) = app.history.search_items(
                    &app.log.filter,
                    &search.names,
                    first,
                    search.next,
                    SEARCH_PIECE,
                );
                let covered = search.next - next;
                search.next = next;
                Piece { items, covered }
            }
            None => {
                search.job.end_feed();
                break;
            }
        };
        let covered = piece.covered;
        match search.job.offer(piece) {
            Ok(()) => search.fed += covered,
            Err(piece) => {
                search.held = Some(piece);
                break;
            }
        }
    }
    let done = search.next <= first && search.held.is_none() && search.scanned >= search.fed;
    if done {
        let unreadable = if search.unreadable > 0 {
            format!(
                "; {} payload(s) could not be read back",
                group(search.unreadable)
            )
        } else {
            String::new()
        };
        let summary = format!(
            "search done: {} found in {} messages{unreadable}",
            group(search.found),
            group(search.scanned)
        );
        app.log.search = None;
        app.notice = Some((StatusLevel::Success, summary));
    }
    if hits.is_empty() {
        return;
    }
    let added = hits.len();
    let stale = hits.partition_point(|s| *s < first);
    app.log.matches.splice(0..0, hits.into_iter().skip(stale));
    if app.log.follow || app.log.selected.is_none() {
        app.log.selected = app.log.matches.last().copied();
        app.detail.stale = true;
    } else {
        app.log.top += added - stale;
    }
    keep_log_selection_visible(app);
}
