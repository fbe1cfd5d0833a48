//! The `T` prompt: a time to jump the log to, typed then read on Enter by
//! the parser `--since` and `--until` use (`domain::moment`). A time that
//! cannot be read keeps the prompt open with the reason under the text.

use super::line_field::LineField;
use super::{Input, Outcome};
use crate::domain::moment::MOMENT_FORMS;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;

/// The prompt's width, narrower on a narrow screen.
const WIDTH: u16 = 72;

/// Typing the time the log jumps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimePrompt {
    /// The time typed, and why the last one given was not read.
    field: LineField,
    /// The zone times are read in, as the log's time column shows it.
    zone: String,
}

impl TimePrompt {
    /// An empty prompt reading times in `zone` (`UTC+01:00`, say).
    pub fn new(zone: String) -> Self {
        Self {
            field: LineField::default(),
            zone,
        }
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        self.field.text()
    }

    /// The text given could not be read: `why`, until it is changed.
    pub fn refuse(&mut self, why: String) {
        self.field.refuse(why);
    }

    /// Pasted text: its first line, without control characters.
    pub fn paste(&mut self, pasted: &str) -> Outcome {
        self.field.paste(pasted);
        Outcome::Keep
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => Outcome::JumpTo(self.field.text().to_owned()),
            Input::Action(Action::Close) => Outcome::Close,
            input => self.field.edit(input),
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let hint = format!("{MOMENT_FORMS}; in {}", self.zone);
        self.field
            .render(frame, theme, WIDTH, " Jump to a time ", &hint);
    }
}
