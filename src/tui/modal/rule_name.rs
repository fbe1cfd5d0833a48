//! The `W` prompt: the name of the watch rule the log's filter becomes,
//! with the rule shown under it; Enter saves it in the profile.

use super::line_field::LineField;
use super::{Input, Outcome};
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;

const WIDTH: u16 = 76;

/// Typing the name of the rule to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleNamePrompt {
    /// The name typed, and why the last one given was not taken.
    field: LineField,
    /// The rule as it will be written (its `when`, its `vins`).
    rule: String,
}

impl RuleNamePrompt {
    /// An empty name for the rule described by `rule`.
    pub fn new(rule: String) -> Self {
        Self {
            field: LineField::default(),
            rule,
        }
    }

    /// The name typed so far.
    pub fn text(&self) -> &str {
        self.field.text()
    }

    /// The name given was not taken: `why`, until it is changed.
    pub fn refuse(&mut self, why: String) {
        self.field.refuse(why);
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => Outcome::SaveRule(self.field.text().trim().to_owned()),
            Input::Action(Action::Close) => Outcome::Close,
            input => self.field.edit(input),
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        self.field.render(
            frame,
            theme,
            WIDTH,
            " Save the filter as a watch rule: its name ",
            &self.rule,
        );
    }
}
