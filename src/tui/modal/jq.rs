//! The `|` prompt: a jq expression for the log, compiled at each key so
//! an expression that does not compile shows where (a caret under its
//! column) and why, while the filter in force stays until Enter applies a
//! new one.

use super::{Input, Outcome, block};
use crate::domain::jq::JqFilter;
use crate::tui::draw::centered;
use crate::tui::keys::Action;
use crate::tui::panes::log::JqExpression;
use crate::tui::theme::Theme;
use crate::tui::width::{self, fit, wrap};
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use std::sync::Arc;

/// The prompt's width, narrower on a narrow screen.
const WIDTH: u16 = 76;

/// What the prompt puts before the text, as the key that opened it.
const LEAD: &str = " | ";

/// Typing the log's jq filter.
#[derive(Debug, Clone)]
pub struct JqPrompt {
    text: String,
    /// Why the text does not compile: its 1-based column (in characters)
    /// and jq's message; `None` when it compiles (or is empty).
    error: Option<(usize, String)>,
    /// The expression in force when the prompt opened, said below.
    in_force: Option<String>,
}

impl PartialEq for JqPrompt {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.in_force == other.in_force
    }
}

impl JqPrompt {
    /// A prompt starting from the expression in force (to edit it), if any.
    pub fn new(in_force: Option<String>) -> Self {
        let mut prompt = Self {
            text: in_force.clone().unwrap_or_default(),
            error: None,
            in_force,
        };
        prompt.compile();
        prompt
    }

    /// The expression typed so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where and why the text does not compile.
    pub fn error(&self) -> Option<(usize, &str)> {
        self.error
            .as_ref()
            .map(|(column, why)| (*column, why.as_str()))
    }

    /// Pasted text: its first line, without control characters (an
    /// expression here is one line).
    pub fn paste(&mut self, pasted: &str) {
        let first_line = pasted.split('\n').next().unwrap_or_default();
        self.text
            .extend(first_line.chars().filter(|c| !c.is_control()));
        self.compile();
    }

    /// Compiles the text as it stands: the error is shown at once.
    fn compile(&mut self) -> Option<Arc<JqFilter>> {
        if self.text.trim().is_empty() {
            self.error = None;
            return None;
        }
        match JqFilter::compile(&self.text) {
            Ok(filter) => {
                self.error = None;
                Some(Arc::new(filter))
            }
            Err(err) => {
                self.error = Some((err.column, err.message.clone()));
                None
            }
        }
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Accept) => {
                let filter = self.compile();
                if self.error.is_some() {
                    // The error is on the screen already; the filter in
                    // force stays and so does the prompt.
                    return Outcome::Keep;
                }
                Outcome::ApplyJq(
                    filter.map(|filter| JqExpression::new(self.text.trim().to_owned(), filter)),
                )
            }
            Input::Action(Action::Close) => Outcome::Close,
            Input::Action(Action::DeleteBack) => {
                self.text.pop();
                self.compile();
                Outcome::Keep
            }
            Input::Unbound(key) => match key.code {
                KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                    self.text.push(c);
                    self.compile();
                    Outcome::Keep
                }
                _ => Outcome::Keep,
            },
            Input::Action(_) => Outcome::Keep,
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let inner = usize::from(frame.area().width.min(WIDTH)).saturating_sub(2);
        // The lead, the text, the cursor.
        let room = inner.saturating_sub(width::of(LEAD) + 1);
        let (shown, skipped) = window(&self.text, room, self.error.as_ref().map(|e| e.0));
        let mut lines = vec![Line::from(vec![
            ratatui::text::Span::styled(LEAD, theme.key()),
            ratatui::text::Span::raw(format!("{shown}▏")),
        ])];
        match &self.error {
            Some((column, why)) => {
                let before: String = self
                    .text
                    .chars()
                    .skip(skipped)
                    .take(column.saturating_sub(1).saturating_sub(skipped))
                    .collect();
                let lead = width::of(LEAD) + usize::from(skipped > 0) + width::of(&before);
                lines.push(Line::styled(
                    format!("{}^", " ".repeat(lead)),
                    theme.error(),
                ));
                lines.extend(
                    wrap(&format!("column {column}: {why}"), inner.saturating_sub(1))
                        .into_iter()
                        .map(|row| Line::styled(format!(" {row}"), theme.error())),
                );
            }
            None if self.text.trim().is_empty() => lines.push(Line::styled(
                " empty: no jq filter (the vehicle, kind and text stay)",
                theme.dim(),
            )),
            None => lines.push(Line::styled(" ✓ compiles", theme.good())),
        }
        let in_force = match &self.in_force {
            Some(expression) => format!(" in force: {expression}"),
            None => " no jq filter in force".to_owned(),
        };
        lines.push(Line::styled(fit(&in_force, inner), theme.dim()));
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), WIDTH, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let title = fit(" jq filter on the log ", inner);
        frame.render_widget(Paragraph::new(lines).block(block(title, theme)), area);
    }
}

/// The part of `text` shown in `room` cells, and how many characters
/// before it are left out (then a `…` stands for them): the end, where
/// the cursor is, unless the error's `column` would be cut off, then from
/// a little before the column.
fn window(text: &str, room: usize, column: Option<usize>) -> (String, usize) {
    if width::of(text) <= room {
        return (text.to_owned(), 0);
    }
    let chars: Vec<char> = text.chars().collect();
    // The shortest tail that fits after a `…`.
    let mut skipped = chars.len();
    let mut used = 0;
    while skipped > 0 {
        let cells = width::of(&chars[skipped - 1].to_string());
        if used + cells > room.saturating_sub(1) {
            break;
        }
        used += cells;
        skipped -= 1;
    }
    if let Some(column) = column
        && column.saturating_sub(1) < skipped
    {
        skipped = column.saturating_sub(8);
        if skipped == 0 {
            return (fit(text, room), 0);
        }
    }
    let rest: String = chars[skipped..].iter().collect();
    (format!("…{}", fit(&rest, room.saturating_sub(1))), skipped)
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn a_long_expression_shows_its_end_unless_the_error_is_before_it() {
        let text = "0123456789abcdefghij";
        assert_eq!(window(text, 30, None), (text.to_owned(), 0));
        assert_eq!(window(text, 10, None), ("…bcdefghij".to_owned(), 11));
        assert_eq!(window(text, 10, Some(15)), ("…bcdefghij".to_owned(), 11));
        assert_eq!(window(text, 10, Some(12)), ("…bcdefghij".to_owned(), 11));
        let (shown, skipped) = window(text, 10, Some(10));
        assert_eq!((shown.as_str(), skipped), ("…23456789…", 2));
        assert_eq!(window(text, 10, Some(3)), ("012345678…".to_owned(), 0));
    }
}
