//! A prompt's one-line field: the text typed, and why the last text given
//! was refused, shown under it until the text changes; drawn as a small
//! popup with a hint under the field. The `T` and `W` prompts are one.

use super::{Input, Outcome, block};
use crate::tui::draw::centered;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use crate::tui::width::{fit, fit_end, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The text typed and why the last one given was refused.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LineField {
    text: String,
    refused: Option<String>,
}

impl LineField {
    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text given was not taken: `why`, until it is changed.
    pub fn refuse(&mut self, why: String) {
        self.refused = Some(why);
    }

    /// Pasted text: its first line, without control characters.
    pub fn paste(&mut self, pasted: &str) {
        let first_line = pasted.split('\n').next().unwrap_or_default();
        self.text
            .extend(first_line.chars().filter(|c| !c.is_control()));
        self.refused = None;
    }

    /// A key that is not the prompt's own: a character typed or deleted.
    pub fn edit(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::DeleteBack) => {
                self.text.pop();
                self.refused = None;
            }
            Input::Unbound(key) => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.contains(KeyModifiers::CONTROL)
                {
                    self.text.push(c);
                    self.refused = None;
                }
            }
            Input::Action(_) => {}
        }
        Outcome::Keep
    }

    /// Draws the field in a popup of at most `width` cells titled
    /// `title`, with the refusal under it, or else `hint`.
    pub fn render(&self, frame: &mut Frame, theme: Theme, width: u16, title: &str, hint: &str) {
        let inner = usize::from(frame.area().width.min(width)).saturating_sub(2);
        // The end of a long text stays in view, as in any one-line field.
        let mut lines = vec![Line::raw(format!(
            " {}▏",
            fit_end(&self.text, inner.saturating_sub(2))
        ))];
        let (below, style) = match &self.refused {
            Some(why) => (why.as_str(), theme.error()),
            None => (hint, theme.dim()),
        };
        lines.extend(
            wrap(below, inner.saturating_sub(1))
                .into_iter()
                .map(|row| Line::styled(format!(" {row}"), style)),
        );
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), width, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let title = fit(title, inner);
        frame.render_widget(Paragraph::new(lines).block(block(title, theme)), area);
    }
}
