//! Drawing the Alerts pane: a row per alert, newest first, the cursor kept
//! on screen; open alerts marked `●`, acknowledged ones dimmed.

use super::{AlertsPane, Filed};
use crate::domain::display::one_line;
use crate::tui::draw::{clear_popup, pane_block};
use crate::tui::theme::Theme;
use crate::tui::width::{fit, pad};
use chrono::FixedOffset;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// What the Alerts pane draws from besides its own state.
pub struct AlertsView<'a> {
    /// The zone times are shown in.
    pub offset: FixedOffset,
    /// How the keys are written, for the title: acknowledge, Enter.
    pub acknowledge_key: &'a str,
    pub theme: Theme,
}

/// The rule column's width.
const RULE: usize = 16;

impl AlertsPane {
    /// Draws the list over `area` (the panes' place).
    pub fn render(&self, frame: &mut Frame, area: Rect, view: &AlertsView<'_>) {
        let theme = view.theme;
        let mut title = format!(" Alerts: {} open of {} ", self.open(), self.len());
        if self.left() > 0 {
            title = format!(
                "{title}({} older not listed: the journal has them) ",
                self.left()
            );
        }
        clear_popup(frame.buffer_mut(), area);
        let block = pane_block(Line::from(title), true, theme);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let height = usize::from(inner.height);
        let width = usize::from(inner.width);
        if self.is_empty() {
            let text = format!(
                "No alert yet. The profile's watch rules raise them ([[profiles.NAME.watch]]); \
                 {} acknowledges one once read.",
                view.acknowledge_key
            );
            let lines: Vec<Line> = crate::tui::width::wrap(&text, width)
                .into_iter()
                .map(|l| Line::styled(l, theme.dim()))
                .collect();
            frame.render_widget(Paragraph::new(lines), inner);
            return;
        }
        let top = self.cursor().saturating_sub(height.saturating_sub(1));
        let lines: Vec<Line> = self
            .newest_first()
            .enumerate()
            .skip(top)
            .take(height)
            .map(|(index, filed)| {
                let mut line = row(filed, view, width);
                if index == self.cursor() {
                    line = line.patch_style(theme.selected());
                }
                line
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// One alert: open mark, time, rule, vehicle, why, the message.
fn row(filed: &Filed, view: &AlertsView<'_>, width: usize) -> Line<'static> {
    let theme = view.theme;
    let alert = &filed.alert;
    let mark = if filed.open { "● " } else { "  " };
    let time = alert
        .at
        .with_timezone(&view.offset)
        .format("%m-%d %H:%M:%S")
        .to_string();
    let vin = alert
        .vin
        .as_ref()
        .map_or_else(|| "(any vehicle)".to_owned(), ToString::to_string);
    // The rule's name is the user's text: one line, sanitised.
    let head = format!(
        "{mark}{time}  {}  {vin:<17}  {:<8}  ",
        pad(&fit(&one_line(&alert.rule), RULE), RULE),
        alert.raised.label()
    );
    let room = width.saturating_sub(crate::tui::width::of(&head));
    let message = fit(&filed.message, room);
    let style = if filed.open {
        theme.warning()
    } else {
        theme.dim()
    };
    Line::from(vec![
        Span::styled(head, style),
        Span::styled(message, Style::new()),
    ])
}
