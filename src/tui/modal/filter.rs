//! The `/` prompt: the filter of the vehicle list or the log, typed a
//! character at a time (each one filters at once), kept or cleared.

use super::{Input, Outcome};
use crate::tui::app::Focus;
use crate::tui::keys::Action;
use ratatui::crossterm::event::KeyModifiers;

/// Typing a filter for a pane; the pane's title shows the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPrompt {
    target: Focus,
    text: String,
}

impl FilterPrompt {
    /// A prompt for `target`'s filter, starting from its current `text`.
    pub fn new(target: Focus, text: String) -> Self {
        Self { target, text }
    }

    /// The pane whose filter this is.
    pub fn target(&self) -> Focus {
        self.target
    }

    /// The text typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Pasted text: its first line, without control characters (a filter
    /// is one line).
    pub fn paste(&mut self, pasted: &str) -> Outcome {
        let first_line = pasted.split('\n').next().unwrap_or_default();
        self.text
            .extend(first_line.chars().filter(|c| !c.is_control()));
        self.changed()
    }

    fn changed(&self) -> Outcome {
        Outcome::Filter {
            target: self.target,
            text: self.text.clone(),
        }
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => Outcome::FilterKept,
            Input::Action(Action::ClearFilter) => Outcome::FilterCleared(self.target),
            Input::Action(Action::DeleteBack) => {
                self.text.pop();
                self.changed()
            }
            Input::Unbound(key) => match key.code {
                ratatui::crossterm::event::KeyCode::Char(c)
                    if !key.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    self.text.push(c);
                    self.changed()
                }
                _ => Outcome::Keep,
            },
            Input::Action(_) => Outcome::Keep,
        }
    }
}
