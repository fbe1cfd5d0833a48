//! The Alerts pane (`A`): what the profile's watch rules raised, newest
//! first, with the rule, the vehicle, the time and the message that fired;
//! Enter lands on that message in the log.
//!
//! An alert is *open* until it is acknowledged here (one with `a`, every
//! one with `C`), or, for a silence, until the vehicle comes back (the
//! "back" alert closes it and stays open itself, to be read). Open alerts
//! are what the vehicles pane's badge and the status bar count; alerts
//! acknowledged stay listed, dimmed, until the console quits. The pane
//! owns the list (as the vehicles pane owns its marks); `App` files into
//! it what the intake raised and what the loader read back.

mod render;

pub use render::AlertsView;

use crate::domain::Vin;
use crate::tui::keys::Action;
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// The most alerts the pane lists; older ones leave the list (the journal
/// keeps them all) and the title says how many did.
pub const LISTED: usize = 10_000;

/// Why a rule raised an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raised {
    /// A `when` rule was true of a message.
    Fired,
    /// A vehicle sent nothing for the rule's `silent` duration.
    Silent,
    /// A vehicle a `silent` rule had reported spoke again.
    Back,
    /// A tracked message got no reply within its timeout.
    NoReply,
}

impl Raised {
    /// How the pane says it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Fired => "fired",
            Self::Silent => "silent",
            Self::Back => "back",
            Self::NoReply => "no reply",
        }
    }
}

/// An alert as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The rule's name, as the profile gives it.
    pub rule: String,
    pub vin: Option<Vin>,
    /// When it was raised.
    pub at: DateTime<Utc>,
    pub raised: Raised,
    /// When the message it is about was received (sent, for a tracked
    /// message that got no reply): how the log finds it, in this session
    /// or after a restart (sequence numbers are the session's own).
    pub message_at: Option<DateTime<Utc>>,
}

/// An alert filed: whether it is open, and the message it is about as the
/// log knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filed {
    pub alert: Alert,
    pub open: bool,
    /// The message's sequence number in the history, once found.
    pub seq: Option<u64>,
    /// The message as the log's preview shows it (empty for a silence).
    pub message: String,
}

/// What the pane asks of `App` after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertsAnswer {
    /// Nothing more to do.
    Nothing,
    /// The pane closes.
    Close,
    /// Show this message in the log (and close the pane).
    Jump(Filed),
    /// Alerts were acknowledged: how many.
    Acknowledged(usize),
    /// `?` from the pane.
    Help,
}

/// The list of alerts, its cursor and whether the pane is up.
#[derive(Debug, Clone, Default)]
pub struct AlertsPane {
    /// Oldest first; the pane shows them the other way round.
    filed: VecDeque<Filed>,
    /// Alerts that left the list (past [`LISTED`]).
    left: u64,
    /// Index into the shown order (0: the newest).
    cursor: usize,
    shown: bool,
}

impl AlertsPane {
    /// Whether the pane is up, over the others.
    pub fn shown(&self) -> bool {
        self.shown
    }

    /// Puts the pane up (the newest alert under the cursor) or down.
    pub fn show(&mut self, shown: bool) {
        if shown && !self.shown {
            self.cursor = 0;
        }
        self.shown = shown;
    }

    /// Files an alert, open. A vehicle back closes that rule's open
    /// silence of the vehicle.
    pub fn file(&mut self, alert: Alert, seq: Option<u64>, message: String) {
        if alert.raised == Raised::Back {
            for filed in &mut self.filed {
                if filed.open
                    && filed.alert.raised == Raised::Silent
                    && filed.alert.rule == alert.rule
                    && filed.alert.vin == alert.vin
                {
                    filed.open = false;
                }
            }
        }
        // The cursor stays on its alert while new ones come in on top.
        if self.shown && self.cursor > 0 {
            self.cursor += 1;
        }
        self.filed.push_back(Filed {
            alert,
            open: true,
            seq,
            message,
        });
        if self.filed.len() > LISTED {
            self.filed.pop_front();
            self.left += 1;
        }
        self.cursor = self.cursor.min(self.filed.len().saturating_sub(1));
    }

    /// Every alert listed, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &Filed> {
        self.filed.iter().rev()
    }

    pub fn len(&self) -> usize {
        self.filed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.filed.is_empty()
    }

    /// Alerts that left the list, the oldest, past [`LISTED`].
    pub fn left(&self) -> u64 {
        self.left
    }

    /// The open alerts: the status bar's count.
    pub fn open(&self) -> usize {
        self.filed.iter().filter(|f| f.open).count()
    }

    /// The open alerts of `vin`: its badge in the vehicles pane.
    pub fn open_for(&self, vin: &Vin) -> usize {
        self.filed
            .iter()
            .filter(|f| f.open && f.alert.vin.as_ref() == Some(vin))
            .count()
    }

    /// The row under the cursor, in the shown order.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn under_cursor(&mut self) -> Option<&mut Filed> {
        let index = self.filed.len().checked_sub(1 + self.cursor)?;
        self.filed.get_mut(index)
    }

    /// An action of the pane's scope.
    pub fn handle(&mut self, action: Action, page: usize) -> AlertsAnswer {
        let last = self.filed.len().saturating_sub(1);
        match action {
            Action::Up => self.cursor = self.cursor.saturating_sub(1),
            Action::Down => self.cursor = (self.cursor + 1).min(last),
            Action::PageUp => self.cursor = self.cursor.saturating_sub(page.max(1)),
            Action::PageDown => self.cursor = (self.cursor + page.max(1)).min(last),
            Action::Top => self.cursor = 0,
            Action::Bottom => self.cursor = last,
            Action::Select => {
                return match self.under_cursor() {
                    Some(filed) => AlertsAnswer::Jump(filed.clone()),
                    None => AlertsAnswer::Nothing,
                };
            }
            Action::Acknowledge => {
                if let Some(filed) = self.under_cursor()
                    && filed.open
                {
                    filed.open = false;
                    // On to the next one to read.
                    self.cursor = (self.cursor + 1).min(last);
                    return AlertsAnswer::Acknowledged(1);
                }
            }
            Action::AcknowledgeAll => {
                let open = self.open();
                for filed in &mut self.filed {
                    filed.open = false;
                }
                return AlertsAnswer::Acknowledged(open);
            }
            Action::Close | Action::ShowAlerts => {
                self.shown = false;
                return AlertsAnswer::Close;
            }
            Action::Help => return AlertsAnswer::Help,
            _ => {}
        }
        AlertsAnswer::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 3, s).unwrap()
    }

    fn alert(rule: &str, vin: &str, raised: Raised, s: u32) -> Alert {
        Alert {
            rule: rule.into(),
            vin: Some(Vin::parse(vin).unwrap()),
            at: at(s),
            raised,
            message_at: None,
        }
    }

    const A: &str = "VF3ABCDEFGH123456";
    const B: &str = "ZFA1234567890ABCD";

    #[test]
    fn alerts_are_listed_newest_first_and_counted_open_per_vehicle() {
        let mut pane = AlertsPane::default();
        pane.file(alert("speeding", A, Raised::Fired, 1), None, String::new());
        pane.file(alert("speeding", B, Raised::Fired, 2), None, String::new());
        pane.file(alert("quiet", A, Raised::Silent, 3), None, String::new());
        let times: Vec<DateTime<Utc>> = pane.newest_first().map(|f| f.alert.at).collect();
        assert_eq!(times, vec![at(3), at(2), at(1)]);
        assert_eq!(pane.open(), 3);
        assert_eq!(pane.open_for(&Vin::parse(A).unwrap()), 2);
        assert_eq!(pane.open_for(&Vin::parse(B).unwrap()), 1);
    }

    #[test]
    fn acknowledging_closes_the_alert_under_the_cursor_and_moves_on() {
        let mut pane = AlertsPane::default();
        pane.file(alert("speeding", A, Raised::Fired, 1), None, String::new());
        pane.file(alert("speeding", B, Raised::Fired, 2), None, String::new());
        pane.show(true);
        assert_eq!(
            pane.handle(Action::Acknowledge, 10),
            AlertsAnswer::Acknowledged(1)
        );
        assert_eq!(pane.open_for(&Vin::parse(B).unwrap()), 0, "the newest");
        assert_eq!(pane.cursor(), 1);
        assert_eq!(
            pane.handle(Action::Acknowledge, 10),
            AlertsAnswer::Acknowledged(1)
        );
        assert_eq!(pane.open(), 0);
        assert_eq!(
            pane.handle(Action::Acknowledge, 10),
            AlertsAnswer::Nothing,
            "an acknowledged alert stays acknowledged"
        );
        assert_eq!(pane.len(), 2, "still listed");
    }

    #[test]
    fn acknowledge_all_closes_every_open_alert() {
        let mut pane = AlertsPane::default();
        for s in 0..5 {
            pane.file(alert("speeding", A, Raised::Fired, s), None, String::new());
        }
        assert_eq!(
            pane.handle(Action::AcknowledgeAll, 10),
            AlertsAnswer::Acknowledged(5)
        );
        assert_eq!(pane.open(), 0);
    }

    #[test]
    fn a_vehicle_back_closes_its_silence_of_the_same_rule_only() {
        let mut pane = AlertsPane::default();
        pane.file(alert("quiet", A, Raised::Silent, 1), None, String::new());
        pane.file(alert("other", A, Raised::Silent, 1), None, String::new());
        pane.file(alert("quiet", B, Raised::Silent, 1), None, String::new());
        pane.file(alert("quiet", A, Raised::Back, 9), None, String::new());
        let open: Vec<(String, Raised)> = pane
            .newest_first()
            .filter(|f| f.open)
            .map(|f| (f.alert.rule.clone(), f.alert.raised))
            .collect();
        assert_eq!(
            open,
            vec![
                ("quiet".into(), Raised::Back),
                ("quiet".into(), Raised::Silent),
                ("other".into(), Raised::Silent),
            ]
        );
        assert_eq!(pane.open_for(&Vin::parse(A).unwrap()), 2);
    }

    #[test]
    fn the_cursor_stays_on_its_alert_while_new_ones_come_in() {
        let mut pane = AlertsPane::default();
        for s in 0..3 {
            pane.file(alert("r", A, Raised::Fired, s), None, String::new());
        }
        pane.show(true);
        pane.handle(Action::Down, 10);
        let before = pane.newest_first().nth(pane.cursor()).cloned();
        pane.file(alert("r", B, Raised::Fired, 9), None, String::new());
        assert_eq!(pane.newest_first().nth(pane.cursor()).cloned(), before);
    }

    #[test]
    fn past_the_limit_the_oldest_leave_the_list_and_are_counted() {
        let mut pane = AlertsPane::default();
        for _ in 0..LISTED + 3 {
            pane.file(alert("r", A, Raised::Fired, 0), None, String::new());
        }
        assert_eq!((pane.len(), pane.left()), (LISTED, 3));
    }
}
