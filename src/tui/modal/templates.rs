//! The list of templates: pick one for the editor. A broken user
//! template is listed, marked, with why it will not serve as it is.

use super::{Input, Outcome, block};
use crate::tui::draw::centered;
use crate::tui::editor::Template;
use crate::tui::keys::{Action, KeyTable, Scope};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// The template list and the row under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplatePicker {
    /// Each template's name, and why it is broken if it is.
    rows: Vec<(String, Option<String>)>,
    selected: usize,
    /// The title, with the keys that load and cancel.
    title: String,
}

impl TemplatePicker {
    pub fn new(templates: &[Template], keys: &KeyTable) -> Self {
        Self {
            rows: templates
                .iter()
                .map(|t| (t.name.clone(), t.broken.clone()))
                .collect(),
            selected: 0,
            title: format!(
                " Templates ({} loads, {} cancels) ",
                keys.label(Scope::Templates, Action::Select),
                keys.label(Scope::Templates, Action::Close)
            ),
        }
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Up) => {
                self.selected = self.selected.saturating_sub(1);
                Outcome::Keep
            }
            Input::Action(Action::Down) => {
                self.selected = (self.selected + 1).min(self.rows.len().saturating_sub(1));
                Outcome::Keep
            }
            Input::Action(Action::Select) if self.selected < self.rows.len() => {
                Outcome::LoadTemplate(self.selected)
            }
            // Enter on an empty list closes it as Esc does.
            Input::Action(Action::Select | Action::Close) => Outcome::Close,
            _ => Outcome::Keep,
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, (name, broken))| {
                let line = match broken {
                    None => Line::raw(format!("  {name}")),
                    // Listed, so the user knows the file was found and why
                    // it will not serve as it is.
                    Some(why) => Line::from(vec![
                        Span::styled("✗ ", theme.error()),
                        Span::raw(format!("{name} ")),
                        Span::styled(format!("({why})"), theme.error()),
                    ]),
                };
                if i == self.selected {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let widest = lines.iter().map(Line::width).max().unwrap_or(0) + 2;
        let width = u16::try_from(widest).unwrap_or(u16::MAX).clamp(50, 100);
        let area = centered(frame.area(), width, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let block = block(self.title.clone(), theme);
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
