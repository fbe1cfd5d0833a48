//! Drawing the editor: the text, its first problems, the size meter of
//! the exact bytes that would be published, and the last outcome.

use super::EditorState;
use crate::domain::envelope::group;
use crate::tui::draw::pane_block;
use crate::tui::editor::StatusLevel;
use crate::tui::theme::Theme;
use crate::tui::width::{self, fit};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The most rows the editor gives its problems (the text keeps the rest).
const MAX_PROBLEM_ROWS: usize = 4;

/// What the editor draws from besides its own state.
pub struct EditorView<'a> {
    /// The target's label from the fleet, shown beside its VIN.
    pub target_label: Option<&'a str>,
    /// Whether publishes carry a tracking id (the meter counts it).
    pub tracked: bool,
    /// Vehicles marked for a fleet publish: Ctrl-S publishes to them, not
    /// to the target, and the title says so.
    pub marked: usize,
    /// Seconds before a popup to the target is allowed.
    pub popup_wait: Option<u64>,
    pub focused: bool,
    pub theme: Theme,
}

impl EditorState {
    pub fn render(&self, frame: &mut Frame, area: Rect, view: &EditorView<'_>) {
        let theme = view.theme;
        let target = match (view.marked, self.target.as_ref()) {
            (1, _) => "1 marked vehicle".to_owned(),
            (0, None) => "no target: select a vehicle".to_owned(),
            (0, Some(vin)) => match view.target_label {
                Some(label) => format!("{vin} ({label})"),
                None => vin.to_string(),
            },
            (marked, _) => format!("{marked} marked vehicles"),
        };
        let block = pane_block(
            Line::from(format!(" Editor → {target} ")),
            view.focused,
            theme,
        );
        let inner = block.inner(area);
        frame.render_widget(block, area);
        // Each problem wrapped to the pane's width, so its fix is read
        // whole; at most four rows (then the first rows of the text).
        let room = usize::from(inner.width);
        let mut problem_lines: Vec<Line> = Vec::new();
        for p in &self.validation.problems {
            let style = match p.severity {
                crate::domain::envelope::Severity::Error => theme.error(),
                crate::domain::envelope::Severity::Warning => theme.warning(),
            };
            let text = crate::domain::display::one_line(&p.to_string()).into_owned();
            problem_lines.extend(
                width::wrap(&text, room)
                    .into_iter()
                    .map(|row| Line::styled(row, style)),
            );
        }
        problem_lines.truncate(MAX_PROBLEM_ROWS);
        let problem_rows = u16::try_from(problem_lines.len()).unwrap_or(4);
        let [text_area, problems_area, meter_area, status_area] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(problem_rows),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(inner);
        frame.render_widget(&self.textarea, text_area);
        frame.render_widget(Paragraph::new(problem_lines), problems_area);

        frame.render_widget(self.meter(view, usize::from(inner.width)), meter_area);
        if let Some((level, text)) = &self.status {
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
    fn meter(&self, view: &EditorView<'_>, width: usize) -> Line<'static> {
        let theme = view.theme;
        let Some(size) = self.size else {
            return Line::styled("not JSON yet", theme.dim());
        };
        #[allow(clippy::cast_precision_loss)]
        let share = size.payload as f64 / size.limit.max(1) as f64;
        let style = if share > 1.0 {
            theme.error()
        } else if share > 0.9 {
            theme.warning()
        } else {
            theme.good()
        };
        let head = Span::raw(format!(
            "{} / {} B ",
            group(size.payload),
            group(size.limit)
        ));
        // Rounded away from 100 %, so over the limit never reads 100.0 %.
        let percent = Span::styled(
            format!(
                " {:.1}%",
                if share > 1.0 {
                    (share * 1000.0).ceil() / 10.0
                } else {
                    (share * 1000.0).floor() / 10.0
                }
            ),
            style,
        );
        let tail = |short: bool| {
            let mut spans = Vec::new();
            if share > 1.0 {
                spans.push(Span::styled(
                    format!(" over by {} B", group(size.payload - size.limit)),
                    theme.error(),
                ));
            }
            // What the meter measured: the bytes published, id and
            // placeholder values included.
            spans.push(Span::styled(
                if view.tracked {
                    "  tracked"
                } else {
                    "  untracked"
                },
                theme.dim(),
            ));
            if self.resolved_for.is_some() {
                let resolved = if short {
                    "  resolved"
                } else {
                    "  placeholders resolved"
                };
                spans.push(Span::styled(resolved, theme.dim()));
            }
            if let Some(wait) = view.popup_wait {
                let popup = if short {
                    format!("  popup in {wait} s")
                } else {
                    format!("  popup allowed in {wait} s")
                };
                spans.push(Span::styled(popup, theme.warning()));
            }
            spans
        };
        // A narrow pane shortens the words, then the bar, before a word
        // is cut at its edge.
        let cells =
            |spans: &[Span<'_>]| -> usize { spans.iter().map(|s| width::of(&s.content)).sum() };
        let fixed = width::of(&head.content) + width::of(&percent.content) + 2;
        let mut tail_spans = tail(false);
        if fixed + 20 + cells(&tail_spans) > width {
            tail_spans = tail(true);
        }
        let bar_width = width
            .saturating_sub(fixed + cells(&tail_spans))
            .clamp(5, 20);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        #[allow(clippy::cast_precision_loss)]
        let filled = ((share * bar_width as f64).ceil() as usize).min(bar_width);
        let mut spans = vec![
            head,
            Span::styled(
                format!("[{}{}]", "█".repeat(filled), "·".repeat(bar_width - filled)),
                style,
            ),
            percent,
        ];
        spans.extend(tail_spans);
        Line::from(spans)
    }
}
