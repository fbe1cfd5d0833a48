//! The questions before a publish: the production profile's (one vehicle)
//! and the fleet publish's (who receives it, who is skipped and why). The
//! confirming key publishes; any other key cancels.

use super::{Input, Outcome, block};
use crate::domain::envelope::group;
use crate::domain::{MessageKind, Vin};
use crate::tui::app::Outgoing;
use crate::tui::draw::centered;
use crate::tui::keys::{Action, KeyTable, Scope};
use crate::tui::theme::Theme;
use crate::tui::width::{fit, wrap};
use ratatui::Frame;
use ratatui::text::Line;

/// The questions' width, narrower on a narrow screen.
const WIDTH: u16 = 90;

/// `text` (starting with its one-space margin) wrapped to `inner` cells,
/// each row keeping the margin: nothing a question says is cut.
fn wrapped(text: &str, inner: usize) -> Vec<String> {
    wrap(text.trim_start(), inner.saturating_sub(1))
        .into_iter()
        .map(|row| format!(" {row}"))
        .collect()
}
use ratatui::widgets::Paragraph;

/// The production profile's question before publishing to one vehicle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishConfirmation {
    outgoing: Outgoing,
    broker: String,
    /// How the confirming key is written.
    confirm: String,
}

impl PublishConfirmation {
    pub fn new(outgoing: Outgoing, broker: String, keys: &KeyTable) -> Self {
        Self {
            outgoing,
            broker,
            confirm: keys.label(Scope::Confirm, Action::Confirm),
        }
    }

    pub(super) fn handle(&self, input: Input) -> Outcome {
        match input {
            Input::Action(Action::Confirm) => Outcome::Publish(self.outgoing.clone()),
            _ => Outcome::Cancelled,
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let outgoing = &self.outgoing;
        let inner = usize::from(frame.area().width.min(WIDTH)).saturating_sub(2);
        let texts = [
            format!(" Publish to {} on the PRODUCTION broker", outgoing.vin),
            format!(" {}", self.broker),
            format!(
                " a {} message of {} bytes to {}",
                if outgoing.payload.kind == MessageKind::Popup {
                    "POPUP"
                } else {
                    "data"
                },
                group(outgoing.payload.size.payload),
                outgoing.topic
            ),
        ];
        let mut lines: Vec<Line> = texts
            .iter()
            .flat_map(|text| wrapped(text, inner))
            .map(Line::raw)
            .collect();
        lines.push(Line::raw(""));
        lines.extend(
            wrapped(
                &format!(" {} publishes; any other key cancels", self.confirm),
                inner,
            )
            .into_iter()
            .map(|row| Line::styled(row, theme.key())),
        );
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), WIDTH, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let block = block(" Confirm publish ".to_owned(), theme);
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// A fleet publish's question: the vehicles it goes to (VIN and label),
/// and those it skips and why, in a list that scrolls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetConfirmation {
    outgoing: Vec<Outgoing>,
    refused: Vec<(Vin, String)>,
    /// Each recipient's label, then each skipped vehicle's, in order.
    labels: Vec<String>,
    /// `Some(broker)` on a production profile.
    production: Option<String>,
    confirm: String,
    /// How the keys that scroll the list are written.
    scroll_keys: String,
    /// The first row of the list shown.
    scroll: usize,
}

impl FleetConfirmation {
    /// `label` names a vehicle as the vehicle list does.
    pub fn new(
        outgoing: Vec<Outgoing>,
        refused: Vec<(Vin, String)>,
        label: impl Fn(&Vin) -> String,
        production: Option<String>,
        keys: &KeyTable,
    ) -> Self {
        let labels = outgoing
            .iter()
            .map(|o| &o.vin)
            .chain(refused.iter().map(|(vin, _)| vin))
            .map(label)
            .collect();
        Self {
            outgoing,
            refused,
            labels,
            production,
            confirm: keys.label(Scope::FleetConfirm, Action::Confirm),
            scroll_keys: format!(
                "{}, {}",
                keys.label(Scope::FleetConfirm, Action::Up),
                keys.label(Scope::FleetConfirm, Action::Down)
            ),
            scroll: 0,
        }
    }

    /// Whether every marked vehicle refused the payload.
    pub(super) fn nothing(&self) -> bool {
        self.outgoing.is_empty()
    }

    pub(super) fn handle(&mut self, input: Input) -> Outcome {
        let rows = self.outgoing.len() + self.refused.len();
        let scrolled = match input {
            Input::Action(Action::Down) => Some(self.scroll + 1),
            Input::Action(Action::Up) => Some(self.scroll.saturating_sub(1)),
            Input::Action(Action::PageDown) => Some(self.scroll + 10),
            Input::Action(Action::PageUp) => Some(self.scroll.saturating_sub(10)),
            _ => None,
        };
        if let Some(scroll) = scrolled {
            self.scroll = scroll.min(rows.saturating_sub(1));
            return Outcome::Keep;
        }
        if self.nothing() {
            // Nothing to confirm: whatever key was meant as the answer (a
            // habitual `y`) closes this and goes nowhere else.
            return Outcome::Close;
        }
        match input {
            Input::Action(Action::Confirm) => Outcome::PublishFleet {
                outgoing: self.outgoing.clone(),
                refused: self.refused.clone(),
            },
            _ => Outcome::Cancelled,
        }
    }

    pub(super) fn render(&self, frame: &mut Frame, theme: Theme) {
        let where_to = self
            .production
            .as_ref()
            .map(|broker| format!(" on the PRODUCTION broker {broker}"))
            .unwrap_or_default();
        let largest = self
            .outgoing
            .iter()
            .map(|o| o.payload.size.payload)
            .max()
            .unwrap_or(0);
        let inner = usize::from(frame.area().width.min(WIDTH)).saturating_sub(2);
        let (head, head_style) = if self.nothing() {
            (
                format!(
                    " Nothing to publish: every marked vehicle ({}) refused it; nothing was sent",
                    self.refused.len()
                ),
                theme.warning(),
            )
        } else {
            (
                format!(
                    " Publish to {} vehicle(s){where_to}, up to {} bytes each; {} skipped",
                    self.outgoing.len(),
                    group(largest),
                    self.refused.len()
                ),
                ratatui::style::Style::new(),
            )
        };
        let head: Vec<Line> = wrapped(&head, inner)
            .into_iter()
            .map(|row| Line::styled(row, head_style))
            .collect();
        let mut labels = self.labels.iter();
        let rows: Vec<Line> = self
            .outgoing
            .iter()
            .map(|o| {
                let label = labels.next().map_or("", String::as_str);
                Line::raw(fit(&format!(" → {} {label}", o.vin), inner))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .chain(self.refused.iter().map(|(vin, why)| {
                let label = labels.next().map_or("", String::as_str);
                Line::styled(
                    fit(&format!(" ✗ {vin} {label}: skipped, {why}"), inner),
                    theme.warning(),
                )
            }))
            .collect();
        let total = rows.len();
        let room = usize::from(frame.area().height.saturating_sub(8)).clamp(1, 20);
        let first = self.scroll.min(total.saturating_sub(room));
        let mut lines = head;
        lines.extend(rows.into_iter().skip(first).take(room));
        lines.push(Line::raw(""));
        let more = if total > room {
            format!(
                " rows {}-{} of {total}, {} scroll; ",
                first + 1,
                (first + room).min(total),
                self.scroll_keys
            )
        } else {
            " ".to_owned()
        };
        let answer = if self.nothing() {
            "any key closes".to_owned()
        } else {
            format!("{} publishes; any other key cancels", self.confirm)
        };
        lines.extend(
            wrapped(&format!("{more}{answer}"), inner)
                .into_iter()
                .map(|row| Line::styled(row, theme.key())),
        );
        let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
        let area = centered(frame.area(), WIDTH, height);
        crate::tui::draw::clear_popup(frame.buffer_mut(), area);
        let block = block(" Confirm fleet publish ".to_owned(), theme);
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
