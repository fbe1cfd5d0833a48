//! Drawing the log: its title (count, filters, search, follow state) and
//! the window of rows resolved in `update`.

use super::{LogPane, LogRow, group};
use crate::domain::PopupAction;
use crate::domain::tracking::{Deliveries, Delivery};
use crate::store::{Direction, History};
use crate::tui::columns;
use crate::tui::draw::pane_block;
use crate::tui::keys::{Action, KeyTable, Scope};
use crate::tui::theme::Theme;
use crate::tui::width::{self, fit};
use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the log draws from besides its own state.
pub struct LogView<'a> {
    /// For counts and labels (held in memory: nothing is read from files).
    pub history: &'a History,
    pub deliveries: &'a Deliveries,
    /// The time zone times are shown in.
    pub offset: FixedOffset,
    /// Now: rows of another day than today's say their day in the title.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The filter being typed, when the prompt is open for this pane.
    pub prompt: Option<&'a str>,
    pub focused: bool,
    pub theme: Theme,
    /// The keys, for the ones the title and an empty log name.
    pub keys: &'a KeyTable,
}

impl LogPane {
    /// The log's title: count, filters, search progress, follow state,
    /// fitted to `room` cells.
    fn title(&self, view: &LogView<'_>, room: usize) -> Vec<Span<'static>> {
        let theme = view.theme;
        let len = self.len(view.history) as u64;
        let mut title = vec![TitlePart::kept(Span::raw(format!(
            " Log ({}) ",
            group(len)
        )))];
        title.extend(self.day_part(view));
        match &self.filter.vehicle {
            crate::store::VehicleFilter::All => {}
            crate::store::VehicleFilter::Vehicle(vin) => title.push(TitlePart::giving_way(
                GiveWay::Vehicle,
                Span::raw(format!("vehicle {vin} ")),
                Span::raw(format!("{vin} ")),
            )),
            crate::store::VehicleFilter::Unrecognised => {
                title.push(TitlePart::kept(Span::raw("unrecognised topics ")));
            }
        }
        if let Some(kind) = self.filter.kind {
            title.push(TitlePart::kept(Span::raw(format!("kind {kind} "))));
        }
        if let Some(text) = view.prompt {
            title.push(TitlePart::kept(Span::styled(
                format!("/{text}█ "),
                theme.key(),
            )));
            title.push(TitlePart::kept(Span::raw(format!(
                "{} match(es) ",
                group(len)
            ))));
        } else if !self.filter.text.is_empty() {
            title.push(TitlePart::kept(Span::raw(format!(
                "/{} {} match(es) ",
                self.filter.text,
                group(len)
            ))));
        }
        self.jq_parts(view, &mut title);
        if let Some(search) = &self.search {
            let (scanned, total) = (group(search.scanned), group(search.total));
            let stop = view.keys.first_label(Scope::Log, Action::ClearFilter);
            title.push(TitlePart::giving_way(
                GiveWay::Search,
                Span::styled(
                    format!("searching… {scanned} of {total} scanned ({stop} stops) "),
                    theme.warning(),
                ),
                Span::styled(format!("searching… {scanned}/{total} "), theme.warning()),
            ));
        }
        if let Some(done) = self.filtering() {
            title.push(TitlePart::giving_way(
                GiveWay::Search,
                Span::styled(format!("filtering… {done}% "), theme.warning()),
                Span::styled(format!("{done}% "), theme.warning()),
            ));
        }
        let hidden = self.columns.hidden();
        if !hidden.is_empty() {
            title.push(TitlePart::giving_way(
                GiveWay::Hidden,
                Span::styled(format!("hiding {} ", hidden.join(", ")), theme.dim()),
                Span::raw(""),
            ));
        }
        if self.follow {
            title.push(TitlePart::giving_way(
                GiveWay::Following,
                Span::styled("following ", theme.dim()),
                Span::raw(""),
            ));
        } else {
            // Nothing new is not news.
            let new = match self.waiting {
                0 => String::new(),
                n => format!(", {} new", group(n)),
            };
            let bottom = view.keys.first_label(Scope::Log, Action::Bottom);
            let follow = view.keys.first_label(Scope::Log, Action::ToggleFollow);
            title.push(TitlePart::giving_way(
                GiveWay::Paused,
                Span::styled(
                    format!("PAUSED{new} ({bottom} or {follow} to follow) "),
                    theme.warning(),
                ),
                Span::styled(format!("PAUSED{new} ({bottom}) "), theme.warning()),
            ));
        }
        if view.history.index_in_memory_because().is_some() {
            // Only that memory grows: the places tried and why they failed
            // are History::index_in_memory_because.
            title.push(TitlePart::giving_way(
                GiveWay::IndexInMemory,
                Span::styled("index in memory (no spill file) ", theme.warning()),
                Span::styled("index in memory ", theme.warning()),
            ));
        }
        fit_title(title, room)
    }

    /// The day the rows shown are of, when it is not today (the time
    /// column says no day): `Sun 2026-11-29`, or `11-29 → 11-30` for rows
    /// that cross midnight.
    fn day_part(&self, view: &LogView<'_>) -> Option<TitlePart> {
        let day = |row: &LogRow| row.entry.at.with_timezone(&view.offset).date_naive();
        let first = day(self.window.first()?);
        let last = day(self.window.last()?);
        let today = view.now.with_timezone(&view.offset).date_naive();
        if first == last && last == today {
            return None;
        }
        let (full, short) = if first == last {
            (
                format!("{} ", first.format("%a %Y-%m-%d")),
                format!("{} ", first.format("%m-%d")),
            )
        } else {
            let (older, newer) = (first.min(last), first.max(last));
            let both = format!("{} → {} ", older.format("%m-%d"), newer.format("%m-%d"));
            (both.clone(), both)
        };
        Some(TitlePart::giving_way(
            GiveWay::Day,
            Span::styled(full, view.theme.key()),
            Span::styled(short, view.theme.key()),
        ))
    }

    /// The jq expression with its counts, and the scan's progress while
    /// it runs.
    fn jq_parts(&self, view: &LogView<'_>, title: &mut Vec<TitlePart>) {
        let theme = view.theme;
        if let Some((full, short)) = self.jq_title() {
            title.push(TitlePart::giving_way(
                GiveWay::Jq,
                Span::styled(full, theme.key()),
                Span::styled(short, theme.key()),
            ));
        }
        if let Some((done, total)) = self.jq_progress() {
            let stop = view.keys.first_label(Scope::Log, Action::ClearFilter);
            title.push(TitlePart::giving_way(
                GiveWay::Search,
                Span::styled(
                    format!("jq… {} of {} ({stop} stops) ", group(done), group(total)),
                    theme.warning(),
                ),
                Span::styled(
                    format!("jq… {}/{} ", group(done), group(total)),
                    theme.warning(),
                ),
            ));
        }
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, view: &LogView<'_>) {
        let theme = view.theme;
        // A border cell stays between the title and the corner.
        let room = usize::from(area.width.saturating_sub(3));
        let block = pane_block(Line::from(self.title(view, room)), view.focused, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let layout = columns::decide(
            usize::from(inner.width),
            self.columns,
            account_column(view.history),
        );
        let lines: Vec<Line> = self
            .window
            .iter()
            .take(usize::from(inner.height))
            .map(|row| {
                let entry = &row.entry;
                let (arrow, arrow_style) = match entry.direction {
                    Direction::Inbound => ("←", theme.inbound()),
                    Direction::Outbound => ("→", theme.outbound()),
                    Direction::Refused => ("✗", theme.error()),
                };
                let label = entry.vin.as_ref().and_then(|vin| view.history.label(vin));
                let (time, head) = columns::texts(&layout, entry, label, view.offset, arrow);
                let (delivery, delivery_style) = match view.deliveries.state(entry.seq) {
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
                    Some(Delivery::Refused(reason)) => {
                        (format!("refused: {reason} "), theme.error())
                    }
                };
                let rest = layout.payload.saturating_sub(width::of(&delivery));
                let mut line = Line::from(vec![
                    Span::raw(time),
                    Span::styled(head, arrow_style),
                    Span::styled(delivery, delivery_style),
                    Span::raw(fit(&row.preview, rest)),
                ]);
                if self.selected == Some(entry.seq) {
                    line = line.style(theme.selected());
                }
                line
            })
            .collect();
        if lines.is_empty() {
            let waiting = if self.filtered() {
                format!(
                    "no message matches the filter ({} clears it)",
                    view.keys.first_label(Scope::Log, Action::ClearFilter)
                )
            } else {
                "waiting for messages from vehicles…".to_owned()
            };
            frame.render_widget(Paragraph::new(Line::styled(waiting, theme.dim())), inner);
        } else {
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

/// The account column's width: the widest UID, when files of several
/// accounts are open (it shows only then).
fn account_column(history: &History) -> Option<usize> {
    (history.accounts.len() > 1).then(|| {
        history
            .accounts
            .iter()
            .map(|uid| width::of(&crate::domain::display::one_line(uid)))
            .max()
            .unwrap_or(0)
            .clamp(3, 16)
    })
}

/// The parts of the log's title that give way when it does not fit, in
/// the order they do: what the eye can do without first, what the user
/// must know (paused, what is filtered) last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum GiveWay {
    Following,
    Hidden,
    Paused,
    Search,
    /// The jq expression and its counts (the short form keeps the matches).
    Jq,
    /// No spill file: the index grows in memory.
    IndexInMemory,
    Vehicle,
    /// The selected message's day, when not the newest's (the short form
    /// keeps month and day).
    Day,
}

/// A part of the log's title, and its short form (empty: it goes).
struct TitlePart {
    full: Span<'static>,
    short: Option<(GiveWay, Span<'static>)>,
}

impl TitlePart {
    fn kept(full: Span<'static>) -> Self {
        Self { full, short: None }
    }

    fn giving_way(when: GiveWay, full: Span<'static>, short: Span<'static>) -> Self {
        Self {
            full,
            short: Some((when, short)),
        }
    }
}

/// The title's parts in `room` cells: parts take their short form in
/// [`GiveWay`] order until the title fits (past that, it is cut).
fn fit_title(mut parts: Vec<TitlePart>, room: usize) -> Vec<Span<'static>> {
    let cells =
        |parts: &[TitlePart]| -> usize { parts.iter().map(|p| width::of(&p.full.content)).sum() };
    let mut order: Vec<GiveWay> = parts
        .iter()
        .filter_map(|p| Some(p.short.as_ref()?.0))
        .collect();
    order.sort();
    for when in order {
        if cells(&parts) <= room {
            break;
        }
        for part in &mut parts {
            if part.short.as_ref().is_some_and(|(w, _)| *w == when)
                && let Some((_, short)) = part.short.take()
            {
                part.full = short;
            }
        }
    }
    parts
        .into_iter()
        .map(|p| p.full)
        .filter(|span| !span.content.is_empty())
        .collect()
}
