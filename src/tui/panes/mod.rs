//! The four panes. Each is a type with private state, a `handle` for the
//! actions of its scope, and a `render` that draws from that state and the
//! borrowed context it is given (the history, the theme, the clock).
//! Panes know nothing of `App`: it routes actions to the focused one and
//! acts on what they answer (a vehicle chosen, a notice, a command).

pub mod alerts;
pub mod detail;
pub mod editor;
pub mod log;
pub mod vehicles;

use super::keys::Scope;

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Vehicles,
    Log,
    Detail,
    Editor,
}

impl Focus {
    const ORDER: [Focus; 4] = [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor];

    /// The key table's scope for this pane: the one place the mapping is
    /// made (dispatch, footer and help all ask here).
    pub fn scope(self) -> Scope {
        match self {
            Focus::Vehicles => Scope::Vehicles,
            Focus::Log => Scope::Log,
            Focus::Detail => Scope::Detail,
            Focus::Editor => Scope::Editor,
        }
    }

    /// The next pane (or the previous one) in focus order.
    #[must_use]
    pub fn step(self, forward: bool) -> Focus {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// A short outcome for the status bar, told by a pane that did something
/// in the background or refused to (a search's summary, an export).
pub type Notice = (super::editor::StatusLevel, String);

#[cfg(test)]
mod tests {
    use super::detail::{DetailPane, DetailView};
    use super::log::{LogPane, LogView};
    use crate::domain::tracking::Deliveries;
    use crate::domain::{InboundMessage, TopicScheme};
    use crate::store::{History, Place};
    use crate::tui::theme::Theme;
    use chrono::{FixedOffset, TimeZone, Utc};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::layout::Rect;

    #[test]
    fn the_log_and_the_detail_draw_from_what_they_are_lent_without_an_app() {
        let scheme = TopicScheme::new("p", "U", true).unwrap();
        let mut history = History::new(100, []);
        let message = InboundMessage::new(
            &scheme,
            "p/to/uid/U/opa/0123456789ABCDEFG/".into(),
            bytes::Bytes::from_static(br#"{"content":{"action":"go"}}"#),
            Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
        );
        let seq = history.push_inbound(&message, Place::Nowhere);
        let offset = FixedOffset::east_opt(0).unwrap();
        let mut log = LogPane::default();
        assert!(log.track(seq, &history), "no filter: the log shows it");
        let _ = log.settle(seq, &history, 5);
        log.resolve_window(&history, 5);
        let mut detail = DetailPane::default();
        detail.show(log.selected(), &history, offset, 78);
        let theme = Theme {
            color: false,
            production: false,
        };
        let deliveries = Deliveries::new(std::time::Duration::from_secs(30));
        let keys = crate::tui::keys::KeyTable::default();
        let mut terminal = Terminal::new(TestBackend::new(80, 20)).unwrap();
        terminal
            .draw(|frame| {
                let view = LogView {
                    history: &history,
                    deliveries: &deliveries,
                    offset,
                    now: Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap(),
                    prompt: None,
                    keys: &keys,
                    focused: true,
                    theme,
                };
                log.render(frame, Rect::new(0, 0, 80, 7), &view);
                let view = DetailView {
                    delivery: None,
                    focused: false,
                    theme,
                };
                detail.render(frame, Rect::new(0, 7, 80, 13), &view);
            })
            .unwrap();
        let shown = terminal.backend().to_string();
        assert!(shown.contains("Log (1) following"), "{shown}");
        assert!(
            shown.contains("03:04:05 ← 0123456789ABCDEFG content  go"),
            "{shown}"
        );
        assert!(shown.contains(r#""action": "go""#), "{shown}");
    }
}
