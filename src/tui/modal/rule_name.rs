//! The `W` prompt: the name of the watch rule the log's filter becomes,
//! with the rule shown under it; Enter saves it in the profile.

use super::{Input, Outcome, block};
use crate::tui::draw::centered;
use crate::tui::keys::Action;
use crate::tui::theme::Theme;
use crate::tui::width::{fit, fit_end, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const WIDTH: u16 = 76;

/// Typing the name of the rule to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleNamePrompt {
    text: String,
    /// The rule as it will be written (its `when`, its `vins`).
    rule: String,
    /// Why the name given was not taken, until it changes.
    refused: Option<String>,
}

impl RuleNamePrompt {
    /// An empty name for the rule described by `rule`.
    pub fn new(rule: String) -> Self {
        Self {
            text: String::new(),
            rule,
            refused: None,
        }
    }

    /// The name typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The name given was not taken: `why`, until it is changed.
    pub fn refuse(&mut self, why: String) {
        self.refused = Some(why);
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => Outcome::SaveRule(self.text.trim().to_owned()),
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
        let mut lines = vec![Line::raw(format!(
            " {}▏",
            fit_end(&self.text, inner.saturating_sub(2))
        ))];
        let (below, style) = match &self.refused {
            Some(why) => (why.clone(), theme.error()),
            None => (self.rule.clone(), theme.dim()),
        };
        lines.extend(
            wrap(&below, inner.saturating_sub(1))
                .into_iter()
                .map(|row| Line::styled(format!(" {row}"), style)),
        );
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), WIDTH, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let title = fit(" Save the filter as a watch rule: its name ", inner);
        frame.render_widget(Paragraph::new(lines).block(block(title, theme)), area);
    }
}
