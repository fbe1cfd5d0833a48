//! The `T` prompt: a time to jump the log to, typed then read on Enter by
//! the parser `--since` and `--until` use (`domain::moment`). A time that
//! cannot be read keeps the prompt open with the reason under the text.

use super::{Input, Outcome, block};
use crate::domain::moment::MOMENT_FORMS;
use crate::tui::draw::centered;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use crate::tui::width::{fit, fit_end, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The prompt's width, narrower on a narrow screen.
const WIDTH: u16 = 72;

/// Typing the time the log jumps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimePrompt {
    text: String,
    /// Why the last text given was not read, shown until the text changes.
    refused: Option<String>,
    /// The zone times are read in, as the log's time column shows it.
    zone: String,
}

impl TimePrompt {
    /// An empty prompt reading times in `zone` (`UTC+01:00`, say).
    pub fn new(zone: String) -> Self {
        Self {
            text: String::new(),
            refused: None,
            zone,
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text given could not be read: `why`, until it is changed.
    pub fn refuse(&mut self, why: String) {
        self.refused = Some(why);
    }

    /// Pasted text: its first line, without control characters.
    pub fn paste(&mut self, pasted: &str) -> Outcome {
        let first_line = pasted.split('\n').next().unwrap_or_default();
        self.text
            .extend(first_line.chars().filter(|c| !c.is_control()));
        self.refused = None;
        Outcome::Keep
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => Outcome::JumpTo(self.text.clone()),
            Input::Action(Action::Close) => Outcome::Close,
            Input::Action(Action::DeleteBack) => {
                self.text.pop();
                self.refused = None;
                Outcome::Keep
            }
            Input::Unbound(key) => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.text.push(c);
                    self.refused = None;
                    Outcome::Keep
                }
                _ => Outcome::Keep,
            },
            Input::Action(_) => Outcome::Keep,
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let inner = usize::from(frame.area().width.min(WIDTH)).saturating_sub(2);
        // The end of a long text stays in view, as in any one-line field.
        let mut lines = vec![Line::raw(format!(
            " {}▏",
            fit_end(&self.text, inner.saturating_sub(2))
        ))];
        let below = match &self.refused {
            Some(why) => (why.clone(), theme.error()),
            None => (format!("{MOMENT_FORMS}; in {}", self.zone), theme.dim()),
        };
        lines.extend(
            wrap(&below.0, inner.saturating_sub(1))
                .into_iter()
                .map(|row| Line::styled(format!(" {row}"), below.1)),
        );
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), WIDTH, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let title = fit(" Jump to a time ", inner);
        frame.render_widget(Paragraph::new(lines).block(block(title, theme)), area);
    }
}
