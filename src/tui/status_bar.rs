//! The status bar: the connection, this session's counters, the journal,
//! why a connection failed and the last notice. It takes a second (and a
//! third) row rather than cut what must be read whole (a failure's fix, a
//! notice, the journal's trouble).

use super::app::{App, ConnectionState, JournalState};
use super::editor::StatusLevel;
use super::theme::Theme;
use super::width::{self, fit};
use crate::mqtt::certificate::{Expiry, days_in_words};
use crate::tui::draw::group64 as group;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

fn parts(app: &App, theme: Theme) -> Parts {
    // The counters come first so a narrow terminal still shows them; the
    // long parts (broker, the reason of a failure) come last.
    let (state, style, reason) = match &app.connection() {
        ConnectionState::Connecting => ("connecting…".to_owned(), theme.warning(), None),
        ConnectionState::Offline if app.progress().is_some() => {
            ("○ offline: reading files".to_owned(), theme.dim(), None)
        }
        ConnectionState::Offline => ("○ files, no broker".to_owned(), theme.dim(), None),
        ConnectionState::Connected => ("● connected".to_owned(), theme.good(), None),
        ConnectionState::LoginRefused { reason } => ("✗".to_owned(), theme.error(), Some(reason)),
        ConnectionState::Reconnecting { attempt, reason } => (
            format!("○ reconnecting (attempt {attempt})"),
            theme.error(),
            Some(reason),
        ),
    };
    let mut spans = vec![
        Span::styled(format!(" {state} "), style),
        Span::styled(
            if app.header().insecure {
                " INSECURE: certificate not verified "
            } else {
                ""
            },
            theme.error(),
        ),
        // Live traffic only: history read from files is in the log and
        // the vehicles pane, not in what this session received.
        Span::raw(format!(" rx {} ", app.history().live_rx)),
        Span::raw(format!(" tx {} ", app.history().live_tx)),
    ];
    spans.extend(open_alerts(app, theme));
    if let Some(progress) = &app.progress() {
        spans.push(Span::styled(
            format!(
                " {} {} ",
                progress.what,
                bar(progress.done, progress.total, 20)
            ),
            theme.warning(),
        ));
    }
    // A loss stays from the first to the end of the session: its count
    // with the counters (never cut), why with the journal's state (read
    // whole, on a row of its own when the first is full).
    let mut after = Vec::new();
    if let Some(losses) = app.losses() {
        spans.push(Span::styled(
            format!(" lost {} ", group(losses.total)),
            theme.error(),
        ));
        after.push(Span::styled(
            format!(" lost: {} ", losses.reason),
            theme.error(),
        ));
    }
    spans.push(Span::raw(format!(" {:.1} msg/s ", app.rate())));
    // What gives way when the line is too long: the broker, then the
    // profile (the title bar names both), then "no journal"; the counters
    // and a notice are never cut. Each with its rank, the lowest going
    // first.
    let mut broker = vec![(Span::raw(format!(" {} ", app.header().broker)), 0)];
    if let Some(profile) = &app.header().profile {
        broker.insert(0, (Span::raw(format!(" profile {profile} ")), 1));
    }
    match &app.journal() {
        // Said where there is room, after the broker and the profile.
        JournalState::Off => broker.push((Span::styled(" no journal ", theme.dim()), 2)),
        JournalState::KeptElsewhere(kept) => {
            after.push(Span::styled(format!(" {kept} "), theme.warning()));
        }
        JournalState::Writing { unwritten: 0, .. } => {}
        JournalState::Writing {
            unwritten,
            error,
            writing_again,
            ..
        } => after.push(journal_trouble(
            *unwritten,
            error.as_deref(),
            *writing_again,
            theme,
        )),
    }
    let reason = reason.map(|reason| Span::styled(format!(" {reason} "), theme.error()));
    let certificate = app
        .certificate()
        .and_then(|watch| certificate(&watch.at(app.now()), theme));
    let notice = app.notice().as_ref().map(|(level, text)| {
        let style = match level {
            StatusLevel::Info => Style::new(),
            StatusLevel::Success => theme.good(),
            StatusLevel::Error => theme.error(),
        };
        Span::styled(format!(" {text} "), style)
    });
    Parts {
        lead: spans,
        certificate,
        broker,
        after,
        reason,
        notice,
    }
}

/// The open alerts, with the key that lists them: never cut.
fn open_alerts(app: &App, theme: Theme) -> Option<Span<'static>> {
    use crate::tui::keys::{Action, Scope};
    let open = app.alerts().open();
    if open == 0 {
        return None;
    }
    let key = app.keys().first_label(Scope::Global, Action::ShowAlerts);
    let plural = if open == 1 { "" } else { "s" };
    Some(Span::styled(
        format!(" {} open alert{plural} ({key}) ", group(open as u64)),
        theme.error(),
    ))
}

/// The client certificate's end, when near: amber in the warning window,
/// red under 7 days and once expired (a console left running past it).
fn certificate(expiry: &Expiry, theme: Theme) -> Option<Span<'static>> {
    match *expiry {
        Expiry::Fine => None,
        Expiry::Soon { days, date } => Some(Span::styled(
            format!(" certificate expires {date} ({}) ", days_in_words(days)),
            theme.warning(),
        )),
        Expiry::Urgent { days, date } => Some(Span::styled(
            format!(" certificate expires {date} ({}) ", days_in_words(days)),
            theme.error(),
        )),
        Expiry::Expired { date } => Some(Span::styled(
            format!(" certificate expired {date}: ask Stellantis for a renewed one "),
            theme.error(),
        )),
    }
}

/// The status bar's pieces, before they are fitted to the room.
struct Parts {
    /// The state and the counters: never cut.
    lead: Vec<Span<'static>>,
    /// The client certificate's end when it nears: never cut, before the
    /// broker (which gives way first) and the failure's reason (cut next).
    certificate: Option<Span<'static>>,
    /// The profile, the broker and "no journal", each with its rank: the
    /// first to give way, the lowest rank first.
    broker: Vec<(Span<'static>, u8)>,
    /// The journal's state.
    after: Vec<Span<'static>>,
    /// Why the connection failed: its end gives way after the broker.
    reason: Option<Span<'static>>,
    /// The last notice: never cut.
    notice: Option<Span<'static>>,
}

fn cells(span: &Span<'_>) -> usize {
    width::of(&span.content)
}

fn cells_of(spans: &[Span<'_>]) -> usize {
    spans.iter().map(cells).sum()
}

impl Parts {
    /// What must show whole: everything but the broker.
    fn needed(&self) -> usize {
        cells_of(&self.lead)
            + self.certificate.as_ref().map_or(0, cells)
            + cells_of(&self.after)
            + self.reason.as_ref().map_or(0, cells)
            + self.notice.as_ref().map_or(0, cells)
    }

    /// The spans fitted to one row of `room` cells.
    fn one_row(self, room: usize) -> Line<'static> {
        let Parts {
            mut lead,
            certificate,
            broker,
            after,
            reason,
            notice,
        } = self;
        lead.extend(certificate);
        let others = cells_of(&lead) + cells_of(&after) + notice.as_ref().map_or(0, cells);
        let broker = give_way(
            broker,
            room.saturating_sub(others + reason.as_ref().map_or(0, cells)),
        );
        let reason =
            reason.and_then(|span| cut(span, room.saturating_sub(others + cells_of(&broker))));
        lead.extend(broker);
        lead.extend(after);
        lead.extend(reason);
        lead.extend(notice);
        Line::from(lead)
    }

    /// The state, counters and journal on a first row of `room` cells,
    /// then why the connection failed and the notice, wrapped by words
    /// over at most `MAX_ROWS - 1` more.
    fn rows(self, room: usize) -> Vec<Line<'static>> {
        let Parts {
            mut lead,
            certificate,
            broker,
            after,
            reason,
            notice,
        } = self;
        // The certificate's end stays on the first row when it fits
        // there, else it is the first said below.
        let certificate = match certificate {
            Some(span) if cells_of(&lead) + cells(&span) <= room => {
                lead.push(span);
                None
            }
            other => other,
        };
        // The journal's state stays on the first row when it fits there,
        // else it is wrapped below with the rest.
        let (after, below) = if cells_of(&lead) + cells_of(&after) <= room {
            (after, Vec::new())
        } else {
            (Vec::new(), after)
        };
        let broker = give_way(
            broker,
            room.saturating_sub(cells_of(&lead) + cells_of(&after)),
        );
        lead.extend(broker);
        lead.extend(after);
        let mut lines = vec![Line::from(lead)];
        for span in certificate
            .into_iter()
            .chain(below)
            .chain(reason)
            .chain(notice)
        {
            lines.extend(
                width::wrap(span.content.trim(), room)
                    .into_iter()
                    .map(|text| Line::styled(text, span.style)),
            );
        }
        if lines.len() > MAX_ROWS {
            lines.truncate(MAX_ROWS);
            if let Some(last) = lines.last_mut() {
                let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
                *last = Line::styled(fit(&(text + " …"), room), last.style);
            }
        }
        lines
    }
}

/// The most rows the status bar takes.
const MAX_ROWS: usize = 3;

/// The spans that fit in `room`, in their order, the lowest rank given up
/// first.
fn give_way(mut ranked: Vec<(Span<'static>, u8)>, room: usize) -> Vec<Span<'static>> {
    while ranked.iter().map(|(span, _)| cells(span)).sum::<usize>() > room {
        let Some(lowest) = ranked
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, rank))| *rank)
            .map(|(at, _)| at)
        else {
            break;
        };
        ranked.remove(lowest);
    }
    ranked.into_iter().map(|(span, _)| span).collect()
}

/// A span cut with an ellipsis to `room` cells; none when hardly any room.
fn cut(span: Span<'static>, room: usize) -> Option<Span<'static>> {
    if cells(&span) <= room {
        Some(span)
    } else {
        (room > 2).then(|| Span::styled(fit(span.content.trim_end(), room), span.style))
    }
}

/// How many rows the status bar takes at `width` columns: more than one
/// (up to three) when what must show whole (a failure's reason with its
/// fix, a notice) does not fit on one.
pub fn rows(app: &App, width: u16) -> u16 {
    let parts = parts(app, app.theme());
    if parts.needed() <= usize::from(width) {
        return 1;
    }
    u16::try_from(parts.rows(usize::from(width)).len().min(MAX_ROWS)).unwrap_or(1)
}

/// Draws the status bar in `area` (one or two rows, see [`rows`]).
pub fn render(frame: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let room = usize::from(area.width);
    let parts = parts(app, theme);
    let lines = if area.height >= 2 {
        parts.rows(room)
    } else {
        vec![parts.one_row(room)]
    };
    frame.render_widget(Paragraph::new(lines), area);
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

/// Lines the journal could not write: while it cannot, in red with why;
/// once it writes again, what was lost, in the past.
fn journal_trouble(
    unwritten: u64,
    error: Option<&str>,
    writing_again: bool,
    theme: Theme,
) -> Span<'static> {
    let why = error.unwrap_or("unknown reason");
    if writing_again {
        // Over: what was lost stays said, beside the gap record the
        // journal holds.
        Span::styled(
            format!(" journal: {unwritten} lost, writing again (it could not: {why}) "),
            theme.warning(),
        )
    } else {
        Span::styled(
            format!(" journal: {unwritten} unwritten ({why}) "),
            theme.error(),
        )
    }
}
