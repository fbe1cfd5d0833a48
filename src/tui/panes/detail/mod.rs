//! The detail pane: the selected message's lines, built once when it is
//! first shown (read back from the history in `update`, never while
//! drawing), and how far they are scrolled.

mod lines;

pub use lines::{DetailLine, Token};

use crate::domain::tracking::Delivery;
use crate::store::History;
use crate::tui::draw::pane_block;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The message shown and its lines.
#[derive(Debug, Clone, Default)]
pub struct DetailPane {
    seq: Option<u64>,
    /// The selection moved; the lines are rebuilt at the end of the update.
    stale: bool,
    lines: Vec<DetailLine>,
    scroll: usize,
    /// The width the lines were wrapped at.
    width: usize,
}

/// What the detail pane draws from besides its own state.
pub struct DetailView {
    /// What became of the shown message, when it was tracked.
    pub delivery: Option<Delivery>,
    pub focused: bool,
    pub theme: Theme,
}

impl DetailPane {
    /// The message shown, by sequence number.
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }

    /// The lines built for it (what the pane draws from).
    pub fn lines(&self) -> &[DetailLine] {
        &self.lines
    }

    /// The first line shown.
    pub fn scroll(&self) -> usize {
        self.scroll
    }

    /// The selection moved: rebuild at the end of this update.
    pub fn mark_stale(&mut self) {
        self.stale = true;
    }

    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Whether the lines shown were wrapped at `width` (or there are none).
    pub fn wrapped_at(&self, width: usize) -> bool {
        self.seq.is_none() || self.width == width
    }

    /// The width the lines were wrapped at, once there are lines.
    pub fn width(&self) -> Option<usize> {
        self.seq.map(|_| self.width)
    }

    /// The pane's width changed: the lines are wrapped again.
    pub fn rewrap(&mut self) {
        self.seq = None;
        self.stale = true;
    }

    /// Shows `selected`, read back from `history` now (in `update`), its
    /// lines wrapped at `width`; nothing is rebuilt when it is already
    /// shown at that width (at another, the same message is wrapped again
    /// and keeps about its scroll). A message the history no longer has
    /// leaves the pane as is.
    pub fn show(
        &mut self,
        selected: Option<u64>,
        history: &History,
        offset: FixedOffset,
        width: usize,
    ) {
        self.stale = false;
        let Some(seq) = selected else {
            *self = Self::default();
            return;
        };
        let same = self.seq == Some(seq);
        if same && self.width == width {
            return;
        }
        if let Some(entry) = history.by_seq(seq) {
            let lines = lines::lines(&entry, offset, width);
            let scroll = if same {
                self.scroll.min(lines.len().saturating_sub(1))
            } else {
                0
            };
            *self = Self {
                seq: Some(seq),
                stale: false,
                lines,
                scroll,
                width,
            };
        }
    }

    /// Scrolling, `page` lines at a time for PgUp/PgDn.
    pub fn handle(&mut self, action: Action, page: usize) {
        let last = self.lines.len().saturating_sub(1);
        self.scroll = match action {
            Action::Up => self.scroll.saturating_sub(1),
            Action::Down => (self.scroll + 1).min(last),
            Action::PageUp => self.scroll.saturating_sub(page),
            Action::PageDown => (self.scroll + page).min(last),
            Action::Top => 0,
            Action::Bottom => last.saturating_sub(page.saturating_sub(1)),
            _ => return,
        };
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, view: &DetailView) {
        let theme = view.theme;
        let total = self.lines.len();
        let title = if total == 0 {
            " Detail ".to_owned()
        } else {
            format!(
                " Detail ({}/{} lines) ",
                (self.scroll + 1).min(total),
                total
            )
        };
        let mut block = pane_block(Line::from(title), view.focused, theme);
        // What became of a tracked message changes after its lines are built,
        // so it is told on the bottom border, read at each frame.
        if let Some(delivery) = &view.delivery {
            block = block.title_bottom(Line::from(format!(" {} ", delivery.describe())));
        }
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let lines: Vec<Line> = self
            .lines
            .iter()
            .skip(self.scroll)
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
}
