//! Drawing: `view` only reads the state. Only the visible rows of the log
//! and the detail are ever turned into widgets.

use super::app::{
    App, ConnectionState, Focus, HistoryOf, JournalState, Modal, VehicleRow, VehicleSort,
};
use super::columns;
use super::editor::StatusLevel;
use super::keys::{self, Scope};
use super::theme::Theme;
use super::width::{self, fit, pad, pad_left};
use crate::account::Account;
use crate::domain::PopupAction;
use crate::domain::envelope::group;
use crate::domain::tracking::{Delivery, VehicleDeliveries};
use crate::store::Direction;
use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Draws the whole screen.
pub fn view(frame: &mut Frame, app: &App) {
    let theme = Theme {
        color: !app.no_color,
        production: app.rules.production,
    };
    let areas = app.areas();
    title_bar(frame, app, theme, areas.title);
    if let Some(area) = areas.vehicles {
        vehicles(frame, app, theme, area);
    }
    if let Some(area) = areas.log {
        log(frame, app, theme, area);
    }
    if let Some(area) = areas.detail {
        detail(frame, app, theme, area);
    }
    if let Some(area) = areas.editor {
        editor(frame, app, theme, area);
    }
    status_bar(frame, app, theme, areas.status);
    footer(frame, app, theme, areas.footer);
    match &app.modal {
        Some(Modal::Help { scroll }) => help(frame, app, theme, *scroll),
        Some(Modal::Templates { selected }) => templates(frame, app, theme, *selected),
        Some(Modal::ConfirmPublish(outgoing)) => confirm_publish(frame, app, theme, outgoing),
        Some(Modal::ConfirmFleet {
            outgoing,
            refused,
            scroll,
        }) => {
            confirm_fleet(frame, app, theme, outgoing, refused, *scroll);
        }
        Some(Modal::FilterInput { .. }) | None => {}
    }
}

fn pane_block(title: Line<'_>, focused: bool, theme: Theme) -> Block<'_> {
    Block::new()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(title)
}

/// `5s`, `3m`, `2h`, `4d`; `-` for never.
pub fn age(now: DateTime<Utc>, then: Option<DateTime<Utc>>) -> String {
    let Some(then) = then else { return "-".into() };
    let seconds = (now - then).num_seconds().max(0);
    match seconds {
        0..60 => format!("{seconds}s"),
        60..3600 => format!("{}m", seconds / 60),
        3600..86_400 => format!("{}h", seconds / 3600),
        _ => format!("{}d", seconds / 86_400),
    }
}

fn title_bar(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = vec![Span::styled(" wpconsole ", theme.title(app.header.demo))];
    if app.header.demo {
        spans.push(Span::styled("DEMO ", theme.title(true)));
    }
    if app.rules.production && app.rules.read_only {
        spans.push(Span::styled(
            "PRODUCTION ",
            theme
                .warning()
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    } else if app.rules.production {
        spans.push(Span::styled(
            "PRODUCTION: every publish asks first ",
            theme
                .warning()
                .add_modifier(ratatui::style::Modifier::REVERSED),
        ));
    }
    if app.rules.read_only {
        spans.push(Span::styled("READ-ONLY ", theme.warning()));
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let room = usize::from(area.width).saturating_sub(used);
    spans.push(Span::raw(title_text(app, room)));
    frame.render_widget(Line::from(spans), area);
}

/// Whose history is on the screen, fitted to `room` columns, then the
/// prefix.
fn title_text(app: &App, room: usize) -> String {
    let whose = match &app.header.history_of {
        HistoryOf::Unnamed => format!("─ uid {}", app.header.uid),
        HistoryOf::Journal(account) => {
            format!("─ journal {}", account.fitted(room.saturating_sub(11)))
        }
        HistoryOf::NoJournal(account) => {
            format!("─ {} (no journal)", account.fitted(room.saturating_sub(16)))
        }
        HistoryOf::Files(dirs) => {
            let accounts = file_accounts(dirs, &app.history.accounts);
            match accounts.as_slice() {
                [] => "─ files of an account not known yet".to_owned(),
                [one] => format!("─ files of {one}"),
                many => format!(
                    "─ files of {} accounts, vehicles labelled by UID: {}",
                    many.len(),
                    many.join(", ")
                ),
            }
        }
    };
    // Past the edge the line is cut: the prefix goes before the account.
    format!("{} ─ prefix {}", fit(&whose, room), app.rules.topics.prefix)
}

/// The accounts of opened files: each UID their records name, with its
/// broker when the file's directory tells it, and accounts whose files
/// have not been read yet.
fn file_accounts(dirs: &[Account], uids: &[std::sync::Arc<str>]) -> Vec<String> {
    let mut shown: Vec<String> = uids
        .iter()
        .map(|uid| {
            dirs.iter()
                .find(|a| *a.uid == **uid)
                .map_or_else(|| uid.to_string(), ToString::to_string)
        })
        .collect();
    for dir in dirs {
        if !uids.iter().any(|uid| **uid == *dir.uid) {
            shown.push(dir.to_string());
        }
    }
    shown.dedup();
    // UIDs come from the files: shown through the display sanitiser.
    shown
        .iter()
        .map(|a| crate::domain::display::one_line(a).into_owned())
        .collect()
}

/// A vehicle's label; with files of several accounts open, led by the
/// UIDs it was seen under, so two accounts' vehicles are told apart.
fn vehicle_label(app: &App, stats: &crate::store::VehicleStats) -> String {
    let label = stats.label.clone().unwrap_or_default();
    if app.history.accounts.len() < 2 || stats.accounts.is_empty() {
        return label;
    }
    let uids = stats
        .accounts
        .iter()
        .map(|a| crate::domain::display::one_line(a).into_owned())
        .collect::<Vec<_>>()
        .join("+");
    if label.is_empty() {
        uids
    } else {
        format!("{uids} · {label}")
    }
}

fn vehicles(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let focused = app.focus == Focus::Vehicles;
    let rows = app.vehicle_rows();
    let sort = match app.vehicles.sort {
        VehicleSort::LastSeen => "by last seen",
        VehicleSort::Vin => "by label",
    };
    let mut title = format!(" Vehicles ({}) {sort} ", rows.len().saturating_sub(1));
    if let Some(Modal::FilterInput {
        target: Focus::Vehicles,
        text,
    }) = &app.modal
    {
        title = format!("{title}/{text}█ ");
    } else if !app.vehicles.filter.is_empty() {
        title = format!("{title}/{} ", app.vehicles.filter);
    }
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let height = usize::from(inner.height);
    let cursor = app.vehicle_cursor(&rows);
    let top = super::app::vehicle_list_top(cursor, height);
    let label_width = usize::from(inner.width).saturating_sub(2 + 18 + 23).max(4);
    let lines: Vec<Line> = rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(index, row)| {
            let (text, silent) = match row {
                VehicleRow::All => (
                    format!(
                        "  {:<18}{} rx {:<6} tx {:<5}",
                        "all vehicles",
                        pad("", label_width),
                        app.history.rx,
                        app.history.tx
                    ),
                    false,
                ),
                VehicleRow::Unrecognised => (
                    format!(
                        "  {:<18}{} rx {:<6}",
                        "unrecognised",
                        pad("(other topics)", label_width),
                        app.history.unrecognised
                    ),
                    false,
                ),
                VehicleRow::Vehicle(vin) => {
                    let stats = &app.history.vehicles[vin];
                    let deliveries = app.deliveries.vehicle(vin);
                    let flooded = deliveries.is_some_and(VehicleDeliveries::flooded);
                    let silent = app.is_silent(stats.last_seen) || flooded;
                    // `!` silent (or too many unacknowledged), `*` marked for a
                    // fleet publish, `>` the editor's target.
                    let mark = if app.vehicles.marked.contains(vin) {
                        '*'
                    } else if app.editor.target.as_ref() == Some(vin) {
                        '>'
                    } else {
                        ' '
                    };
                    let marker = if silent {
                        format!("!{mark}")
                    } else {
                        format!("{mark} ")
                    };
                    (
                        format!(
                            "{marker}{vin} {} rx {:<6} tx {:<5}{:>4}",
                            // The label says which vehicle; tracking's figures
                            // stand beside it.
                            pad(
                                &label_and_figures(
                                    &vehicle_label(app, stats),
                                    deliveries,
                                    label_width
                                ),
                                label_width
                            ),
                            stats.rx,
                            stats.tx,
                            age(app.now, stats.last_seen),
                        ),
                        silent,
                    )
                }
            };
            let mut style = if silent {
                theme.warning()
            } else {
                Style::new()
            };
            if index == cursor {
                style = style.patch(theme.selected());
            }
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The log's title: count, filters, search progress, follow state.
fn log_title(app: &App, theme: Theme) -> Vec<Span<'static>> {
    let len = app.log_len();
    let mut title = vec![Span::raw(format!(" Log ({}) ", group(len)))];
    match &app.log.filter.vehicle {
        crate::store::VehicleFilter::All => {}
        crate::store::VehicleFilter::Vehicle(vin) => {
            title.push(Span::raw(format!("vehicle {vin} ")));
        }
        crate::store::VehicleFilter::Unrecognised => title.push(Span::raw("unrecognised topics ")),
    }
    if let Some(kind) = app.log.filter.kind {
        title.push(Span::raw(format!("kind {kind} ")));
    }
    if let Some(Modal::FilterInput {
        target: Focus::Log,
        text,
    }) = &app.modal
    {
        title.push(Span::styled(format!("/{text}█ "), theme.key()));
        title.push(Span::raw(format!("{} match(es) ", group(len))));
    } else if !app.log.filter.text.is_empty() {
        title.push(Span::raw(format!(
            "/{} {} match(es) ",
            app.log.filter.text,
            group(len)
        )));
    }
    if let Some(search) = &app.log.search {
        title.push(Span::styled(
            format!(
                "searching… {} of {} scanned (Esc stops) ",
                group64(search.scanned),
                group64(search.total)
            ),
            theme.warning(),
        ));
    }
    let hidden = app.log.columns.hidden();
    if !hidden.is_empty() {
        title.push(Span::styled(
            format!("hiding {} ", hidden.join(", ")),
            theme.dim(),
        ));
    }
    if app.log.follow {
        title.push(Span::styled("following ", theme.dim()));
    } else {
        title.push(Span::styled(
            format!(
                "PAUSED, {} new (G or f to follow) ",
                group(usize::try_from(app.log.waiting).unwrap_or(usize::MAX))
            ),
            theme.warning(),
        ));
    }
    if app.history.evicted > 0 {
        title.push(Span::styled(
            format!(
                "{} oldest dropped from memory ",
                group(usize::try_from(app.history.evicted).unwrap_or(usize::MAX))
            ),
            theme.warning(),
        ));
    }
    title
}

/// The account column's width: the widest UID, when files of several
/// accounts are open (it shows only then).
fn account_column(app: &App) -> Option<usize> {
    (app.history.accounts.len() > 1).then(|| {
        app.history
            .accounts
            .iter()
            .map(|uid| width::of(&crate::domain::display::one_line(uid)))
            .max()
            .unwrap_or(0)
            .clamp(3, 16)
    })
}

fn log(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let focused = app.focus == Focus::Log;
    let len = app.log_len();
    let title = log_title(app, theme);
    let block = pane_block(Line::from(title), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let row = columns::decide(
        usize::from(inner.width),
        app.log.columns,
        account_column(app),
    );
    let top = app.log_top();
    let lines: Vec<Line> = (top..len.min(top + usize::from(inner.height)))
        .filter_map(|index| app.log_seq_at(index))
        .filter_map(|seq| app.history.by_seq(seq))
        .map(|entry| {
            let (arrow, arrow_style) = match entry.direction {
                Direction::Inbound => ("←", theme.inbound()),
                Direction::Outbound => ("→", theme.outbound()),
                Direction::Refused => ("✗", theme.error()),
            };
            let label = entry.vin.as_ref().and_then(|vin| app.history.label(vin));
            let (time, head) = columns::texts(&row, &entry, label, app.offset, arrow);
            let (delivery, delivery_style) = match app.deliveries.state(entry.seq) {
                None => (String::new(), Style::new()),
                Some(Delivery::Sent) => ("sent… ".to_owned(), theme.dim()),
                Some(Delivery::Acknowledged(rtt)) => {
                    (format!("✓ {} ms ", rtt.as_millis()), theme.good())
                }
                Some(Delivery::Answered(answer, rtt)) => (
                    format!("✓ {} {} ms ", answer.label(), rtt.as_millis()),
                    if answer == PopupAction::Ok {
                        theme.good()
                    } else {
                        theme.warning()
                    },
                ),
                Some(Delivery::NoReply) => ("✗ no reply ".to_owned(), theme.error()),
                Some(Delivery::Refused(reason)) => (format!("refused: {reason} "), theme.error()),
            };
            let rest = row.payload.saturating_sub(width::of(&delivery));
            let mut line = Line::from(vec![
                Span::raw(time),
                Span::styled(head, arrow_style),
                Span::styled(delivery, delivery_style),
                Span::raw(fit(&entry.preview(), rest)),
            ]);
            if app.log.selected == Some(entry.seq) {
                line = line.style(theme.selected());
            }
            line
        })
        .collect();
    if lines.is_empty() {
        let waiting = if app.log.filter.is_active() {
            "no message matches the filter (Esc clears it)"
        } else {
            "waiting for messages from vehicles…"
        };
        frame.render_widget(Paragraph::new(Line::styled(waiting, theme.dim())), inner);
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn detail(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let focused = app.focus == Focus::Detail;
    let total = app.detail.lines.len();
    let title = if total == 0 {
        " Detail ".to_owned()
    } else {
        format!(
            " Detail ({}/{} lines) ",
            (app.detail.scroll + 1).min(total),
            total
        )
    };
    let mut block = pane_block(Line::from(title), focused, theme);
    // What became of a tracked message changes after its lines are built,
    // so it is told on the bottom border, read at each frame.
    if let Some(delivery) = app.detail.seq.and_then(|seq| app.deliveries.state(seq)) {
        block = block.title_bottom(Line::from(format!(" {} ", delivery.describe())));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = app
        .detail
        .lines
        .iter()
        .skip(app.detail.scroll)
        .take(usize::from(inner.height))
        .map(|tokens| {
            Line::from(
                tokens
                    .iter()
                    .map(|(token, text)| Span::styled(text.as_str(), theme.token(*token)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    if lines.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled("select a message in the log", theme.dim())),
            inner,
        );
    } else {
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

fn editor(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let focused = app.focus == Focus::Editor;
    let target = app.editor.target.as_ref().map_or_else(
        || "no target: select a vehicle".to_owned(),
        |vin| match app.history.label(vin) {
            Some(label) => format!("{vin} ({label})"),
            None => vin.to_string(),
        },
    );
    let block = pane_block(Line::from(format!(" Editor → {target} ")), focused, theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let errors: Vec<_> = app.editor.validation.problems.iter().collect();
    let problem_rows = u16::try_from(errors.len().min(4)).unwrap_or(4);
    let [text_area, problems_area, meter_area, status_area] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(problem_rows),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    frame.render_widget(&app.editor.textarea, text_area);

    let problem_lines: Vec<Line> = errors
        .iter()
        .take(usize::from(problem_rows))
        .map(|p| {
            let style = match p.severity {
                crate::domain::envelope::Severity::Error => theme.error(),
                crate::domain::envelope::Severity::Warning => theme.warning(),
            };
            Line::styled(
                fit(
                    &crate::domain::display::one_line(&p.to_string()),
                    usize::from(inner.width),
                ),
                style,
            )
        })
        .collect();
    frame.render_widget(Paragraph::new(problem_lines), problems_area);

    let meter = meter(app, theme);
    frame.render_widget(meter, meter_area);
    if let Some((level, text)) = &app.editor.status {
        let style = match level {
            StatusLevel::Info => Style::new(),
            StatusLevel::Success => theme.good(),
            StatusLevel::Error => theme.error(),
        };
        frame.render_widget(
            Line::styled(fit(text, usize::from(inner.width)), style),
            status_area,
        );
    }
}

/// The size meter of the exact bytes that would be published, and what
/// they include.
fn meter(app: &App, theme: Theme) -> Line<'static> {
    match app.editor.size {
        Some(size) => {
            #[allow(clippy::cast_precision_loss)]
            let share = size.payload as f64 / size.limit.max(1) as f64;
            let bar_width = 20usize;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let filled = ((share * 20.0).ceil() as usize).min(bar_width);
            let style = if share > 1.0 {
                theme.error()
            } else if share > 0.9 {
                theme.warning()
            } else {
                theme.good()
            };
            let mut spans = vec![
                Span::raw(format!(
                    "{} / {} B ",
                    group(size.payload),
                    group(size.limit)
                )),
                Span::styled(
                    format!("[{}{}]", "█".repeat(filled), "·".repeat(bar_width - filled)),
                    style,
                ),
                // Rounded away from 100 %, so over the limit never reads 100.0 %.
                Span::styled(
                    format!(
                        " {:.1}%",
                        if share > 1.0 {
                            (share * 1000.0).ceil() / 10.0
                        } else {
                            (share * 1000.0).floor() / 10.0
                        }
                    ),
                    style,
                ),
            ];
            if share > 1.0 {
                spans.push(Span::styled(
                    format!(" over by {} B", group(size.payload - size.limit)),
                    theme.error(),
                ));
            }
            // What the meter measured: the bytes published, id and
            // placeholder values included.
            spans.push(Span::styled(
                if app.rules.track {
                    "  tracked"
                } else {
                    "  untracked"
                },
                theme.dim(),
            ));
            if app.editor.resolved_for.is_some() {
                spans.push(Span::styled("  placeholders resolved", theme.dim()));
            }
            if let Some(wait) = app.popup_wait() {
                spans.push(Span::styled(
                    format!("  popup allowed in {wait} s"),
                    theme.warning(),
                ));
            }
            Line::from(spans)
        }
        None => Line::styled("not JSON yet", theme.dim()),
    }
}

fn status_bar(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    // The counters come first so a narrow terminal still shows them; the
    // long parts (broker, the reason of a failure) come last.
    let (state, style, reason) = match &app.connection {
        ConnectionState::Connecting => ("connecting…".to_owned(), theme.warning(), None),
        ConnectionState::Offline if app.progress.is_some() => {
            ("○ offline: reading files".to_owned(), theme.dim(), None)
        }
        ConnectionState::Offline => ("○ files, no broker".to_owned(), theme.dim(), None),
        ConnectionState::Connected => ("● connected".to_owned(), theme.good(), None),
        ConnectionState::LoginRefused { reason } => (format!("✗ {reason}"), theme.error(), None),
        ConnectionState::Reconnecting { attempt, reason } => (
            format!("○ reconnecting (attempt {attempt})"),
            theme.error(),
            Some(reason),
        ),
    };
    let mut spans = vec![
        Span::styled(format!(" {state} "), style),
        Span::styled(
            if app.header.insecure {
                " INSECURE: certificate not verified "
            } else {
                ""
            },
            theme.error(),
        ),
        // Live traffic only: history read from files is in the log and
        // the vehicles pane, not in what this session received.
        Span::raw(format!(" rx {} ", app.history.live_rx)),
        Span::raw(format!(" tx {} ", app.history.live_tx)),
    ];
    if let Some(progress) = &app.progress {
        spans.push(Span::styled(
            format!(
                " {} {} ",
                progress.what,
                bar(progress.done, progress.total, 20)
            ),
            theme.warning(),
        ));
    }
    if app.dropped > 0 {
        spans.push(Span::styled(
            format!(" dropped {} (the console could not keep up) ", app.dropped),
            theme.error(),
        ));
    }
    spans.push(Span::raw(format!(" {:.1} msg/s ", app.rate)));
    // What gives way when the line is too long: the broker and the
    // profile (the title bar names them), then the end of a failure's
    // reason; the counters and a notice are never cut.
    let mut broker = vec![Span::raw(format!(" {} ", app.header.broker))];
    if let Some(profile) = &app.header.profile {
        broker.insert(0, Span::raw(format!(" profile {profile} ")));
    }
    let mut after = Vec::new();
    match &app.journal {
        JournalState::Off => after.push(Span::styled(" no journal ", theme.dim())),
        JournalState::Writing { unwritten: 0, .. } => {}
        JournalState::Writing {
            unwritten, error, ..
        } => after.push(Span::styled(
            format!(
                " journal: {unwritten} unwritten ({}) ",
                error.as_deref().unwrap_or("unknown reason")
            ),
            theme.error(),
        )),
    }
    let mut reason = reason.map(|reason| Span::styled(format!(" {reason} "), theme.error()));
    let notice = app.notice.as_ref().map(|(level, text)| {
        let style = match level {
            StatusLevel::Info => Style::new(),
            StatusLevel::Success => theme.good(),
            StatusLevel::Error => theme.error(),
        };
        Span::styled(format!(" {text} "), style)
    });
    let cells = |span: &Span<'_>| width::of(&span.content);
    let width = |spans: &[Span<'_>]| spans.iter().map(cells).sum::<usize>();
    let room = usize::from(area.width);
    let others = width(&spans) + width(&after) + notice.as_ref().map_or(0, cells);
    while !broker.is_empty() && others + width(&broker) + reason.as_ref().map_or(0, cells) > room {
        broker.pop();
    }
    if let Some(span) = &reason {
        let left = room.saturating_sub(others + width(&broker));
        if cells(span) > left {
            reason =
                (left > 2).then(|| Span::styled(fit(span.content.trim_end(), left), span.style));
        }
    }
    spans.extend(broker);
    spans.extend(after);
    spans.extend(reason);
    spans.extend(notice);
    frame.render_widget(Line::from(spans), area);
}

fn footer(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    if let Some(Modal::FilterInput { .. }) = &app.modal {
        frame.render_widget(
            Line::from(vec![
                Span::styled(" type to filter ", theme.key()),
                Span::raw(" Enter keeps it, Esc clears it, Backspace deletes"),
            ]),
            area,
        );
        return;
    }
    let scope = match app.focus {
        Focus::Vehicles => Scope::Vehicles,
        Focus::Log => Scope::Log,
        Focus::Detail => Scope::Detail,
        Focus::Editor => Scope::Editor,
    };
    let mut spans = Vec::new();
    let refused = matches!(app.connection, ConnectionState::LoginRefused { .. });
    let offer = app.offer();
    let first = if refused {
        keys::hints(Scope::LoginRefused, offer)
    } else {
        Vec::new()
    };
    for (keys, hint) in first.into_iter().chain(keys::hints(scope, offer)) {
        spans.push(Span::styled(format!(" {keys}"), theme.key()));
        spans.push(Span::raw(format!(" {hint} ")));
    }
    if scope == Scope::Editor && offer.read_only {
        spans.push(Span::styled(
            " read-only: nothing is published ",
            theme.warning(),
        ));
    }
    if scope == Scope::Editor {
        spans.push(Span::styled(" ?", theme.key()));
        spans.push(Span::raw(" help (outside the editor)"));
    }
    frame.render_widget(Line::from(spans), area);
}

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

fn help(frame: &mut Frame, app: &App, theme: Theme, scroll: usize) {
    let width = super::help::text_width(frame.area());
    let lines = super::help::lines(app, theme, width);
    let area = super::help::area(frame.area(), lines.len());
    let below = lines
        .len()
        .saturating_sub(scroll + usize::from(area.height.saturating_sub(2)));
    // A help taller than the terminal says so where the eye is.
    let title = if below > 0 {
        format!(" Help: {below} more below (↓, PgDn) ")
    } else {
        " Help ".to_owned()
    };
    let shown: Vec<Line> = lines.into_iter().skip(scroll).collect();
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(shown).block(pane_block(Line::from(title), true, theme)),
        area,
    );
}

fn templates(frame: &mut Frame, app: &App, theme: Theme, selected: usize) {
    let lines: Vec<Line> = app
        .templates
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let line = match &t.broken {
                None => Line::raw(format!("  {}", t.name)),
                // Listed, so the user knows the file was found and why it
                // will not serve as it is.
                Some(why) => Line::from(vec![
                    Span::styled("✗ ", theme.error()),
                    Span::raw(format!("{} ", t.name)),
                    Span::styled(format!("({why})"), theme.error()),
                ]),
            };
            if i == selected {
                line.style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
    let width = u16::try_from(widest).unwrap_or(u16::MAX).clamp(50, 100);
    let area = centered(frame.area(), width, height);
    frame.render_widget(Clear, area);
    let block = pane_block(
        Line::from(" Templates (Enter loads, Esc cancels) "),
        true,
        theme,
    );
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn group64(n: u64) -> String {
    group(usize::try_from(n).unwrap_or(usize::MAX))
}

/// A text progress bar `width` cells wide, with the percentage.
fn bar(done: u64, total: u64, width: usize) -> String {
    let share = if total == 0 {
        1.0
    } else {
        #[allow(clippy::cast_precision_loss)]
        let share = done as f64 / total as f64;
        share.clamp(0.0, 1.0)
    };
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let filled =
        ((share * f64::from(u16::try_from(width).unwrap_or(u16::MAX))).round() as usize).min(width);
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let percent = (share * 100.0).floor() as u32;
    format!(
        "[{}{}] {percent}%",
        "█".repeat(filled),
        "░".repeat(width - filled)
    )
}

/// A vehicle's round trips and unacknowledged messages, for its row:
/// `120/95ms 2… 3✗ popup OK 812ms` (last/median round trip, tracked
/// messages still within their timeout, those with no reply within it, `!`
/// past the 10 messages a sleeping vehicle keeps; the last popup's answer
/// and how long the user took). `compact`, for a narrow row, drops the
/// median and the word "popup".
fn delivery_summary(deliveries: &VehicleDeliveries, compact: bool) -> String {
    let mut parts = Vec::new();
    match (deliveries.last_ms(), deliveries.p50_ms()) {
        (Some(last), _) if compact => parts.push(format!("{last}ms")),
        (Some(last), Some(p50)) => parts.push(format!("{last}/{p50}ms")),
        _ => {}
    }
    if deliveries.waiting > 0 {
        parts.push(format!("{}…", deliveries.waiting));
    }
    if deliveries.unacknowledged > 0 {
        parts.push(format!("{}✗", deliveries.unacknowledged));
    }
    if deliveries.flooded() {
        parts.push("!".into());
    }
    if let Some((answer, ms)) = &deliveries.last_answer {
        let popup = if compact { "" } else { "popup " };
        parts.push(format!("{popup}{} {ms}ms", answer.label()));
    }
    parts.join(" ").replace(" !", "!")
}

/// A vehicle's label, then its tracking figures at the right, in `width`
/// columns. When both do not fit the figures go compact, then the label
/// shortens (keeping its first 6 columns, it says
/// which vehicle), then the figures are cut.
fn label_and_figures(label: &str, deliveries: Option<&VehicleDeliveries>, width: usize) -> String {
    let Some(deliveries) = deliveries else {
        return fit(label, width);
    };
    let fits = |figures: &str| width::of(label) + 1 + width::of(figures) <= width;
    let full = delivery_summary(deliveries, false);
    let figures = if fits(&full) {
        full
    } else {
        delivery_summary(deliveries, true)
    };
    if figures.is_empty() {
        return fit(label, width);
    }
    if label.is_empty() {
        return pad_left(&figures, width);
    }
    let label_room = width
        .saturating_sub(width::of(&figures) + 1)
        .max(width::of(label).min(6))
        .min(width);
    let label = fit(label, label_room);
    let room = width.saturating_sub(width::of(&label) + 1);
    if room == 0 {
        return label;
    }
    format!("{label} {}", pad_left(&figures, room))
}

/// The production profile's question before a publish.
fn confirm_publish(
    frame: &mut Frame,
    app: &App,
    theme: Theme,
    outgoing: &crate::tui::app::Outgoing,
) {
    let lines = vec![
        Line::raw(format!(
            " Publish to {} on the PRODUCTION broker",
            outgoing.vin
        )),
        Line::raw(format!(" {}", app.header.broker)),
        Line::raw(format!(
            " a {} message of {} bytes to {}",
            if outgoing.payload.kind == crate::domain::MessageKind::Popup {
                "POPUP"
            } else {
                "data"
            },
            group(outgoing.payload.size.payload),
            outgoing.topic
        )),
        Line::raw(""),
        Line::styled(" y publishes; any other key cancels", theme.key()),
    ];
    let area = centered(frame.area(), 90, 7);
    frame.render_widget(Clear, area);
    let block = pane_block(Line::from(" Confirm publish "), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// A fleet publish lists who will receive it (VIN and label), and who it
/// skips and why; the list scrolls.
fn confirm_fleet(
    frame: &mut Frame,
    app: &App,
    theme: Theme,
    outgoing: &[crate::tui::app::Outgoing],
    refused: &[(crate::domain::Vin, String)],
    scroll: usize,
) {
    let where_to = if app.rules.production {
        format!(" on the PRODUCTION broker {}", app.header.broker)
    } else {
        String::new()
    };
    let largest = outgoing
        .iter()
        .map(|o| o.payload.size.payload)
        .max()
        .unwrap_or(0);
    let nothing = outgoing.is_empty();
    let head = if nothing {
        Line::styled(
            format!(
                " Nothing to publish: every marked vehicle ({}) refused it; nothing was sent",
                refused.len()
            ),
            theme.warning(),
        )
    } else {
        Line::raw(format!(
            " Publish to {} vehicle(s){where_to}, up to {} bytes each; {} skipped",
            outgoing.len(),
            group(largest),
            refused.len()
        ))
    };
    let rows: Vec<Line> = outgoing
        .iter()
        .map(|o| {
            let label = app.history.label(&o.vin).unwrap_or_default();
            Line::raw(format!(" → {} {label}", o.vin))
        })
        .chain(refused.iter().map(|(vin, why)| {
            let label = app.history.label(vin).unwrap_or_default();
            Line::styled(format!(" ✗ {vin} {label}: skipped, {why}"), theme.warning())
        }))
        .collect();
    let total = rows.len();
    let room = usize::from(frame.area().height.saturating_sub(8)).clamp(1, 20);
    let first = scroll.min(total.saturating_sub(room));
    let mut lines = vec![head];
    lines.extend(rows.into_iter().skip(first).take(room));
    lines.push(Line::raw(""));
    let more = if total > room {
        format!(
            " rows {}-{} of {total}, ↑/↓ scroll; ",
            first + 1,
            (first + room).min(total)
        )
    } else {
        " ".to_owned()
    };
    let answer = if nothing {
        "any key closes"
    } else {
        "y publishes; any other key cancels"
    };
    lines.push(Line::styled(format!("{more}{answer}"), theme.key()));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let area = centered(frame.area(), 90, height);
    frame.render_widget(Clear, area);
    let block = pane_block(Line::from(" Confirm fleet publish "), true, theme);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
