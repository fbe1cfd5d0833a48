//! The profile's watch rules applied where messages come in: the intake
//! feeds the engine every message once it is journaled, ticks it for
//! silences and hands it the tracking timeouts the console saw, so an
//! alert never waits on the screen (journal first: a UI behind a flood
//! still gets every alert, after the messages it is about).

use crate::domain::Vin;
use crate::domain::watch::{self, AlertKind, Engine};
use crate::store::Place;
use crate::tui::panes::alerts::Alert;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use tokio::sync::mpsc;

/// A tracked message that got no reply within the tracking timeout, as the
/// console's deliveries saw it (the one timer of tracking).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoReply {
    /// The message's sequence number in the console's history.
    pub seq: u64,
    pub vin: Vin,
    /// When it was published.
    pub sent_at: DateTime<Utc>,
    /// When the timeout was seen.
    pub at: DateTime<Utc>,
}

/// The engine and what the console needs to show its alerts: when the
/// message each is about was received.
pub(crate) struct Watching {
    engine: Engine,
    /// The last message heard from each vehicle: a silence is about it.
    heard: HashMap<Vin, DateTime<Utc>>,
    /// Tracking timeouts from the console.
    no_replies: mpsc::UnboundedReceiver<NoReply>,
    /// Numbers messages that have no journal line (no journal).
    unjournaled: u64,
}

impl Watching {
    /// Watching with `rules` from `now`; the console sends tracking
    /// timeouts on the sender returned.
    pub(crate) fn new(
        rules: Vec<watch::Rule>,
        now: DateTime<Utc>,
    ) -> (Self, mpsc::UnboundedSender<NoReply>) {
        let (tx, no_replies) = mpsc::unbounded_channel();
        (
            Self {
                engine: Engine::new(rules, now),
                heard: HashMap::new(),
                no_replies,
                unjournaled: 0,
            },
            tx,
        )
    }

    /// A message, journaled at `place`: the alerts it raises.
    pub(super) fn message(
        &mut self,
        message: &crate::domain::InboundMessage,
        place: Place,
    ) -> Vec<Raised> {
        // The journal's ticket numbers what was journaled; the rest counts
        // down from the top so the two never meet.
        let seq = if let Place::Journal(ticket) = place {
            ticket
        } else {
            self.unjournaled += 1;
            u64::MAX - self.unjournaled
        };
        let vin = message.vin().and_then(|vin| Vin::parse(vin).ok());
        let before = vin.as_ref().and_then(|vin| self.heard.get(vin).copied());
        let record = crate::domain::record::Record {
            at: message.received_at,
            vin: message.vin(),
            topic: &message.topic,
            payload: &message.payload,
            kind: message.classified.kind.name(),
            is_json: message.classified.is_json,
            dir: Some("in"),
        };
        let told = self.engine.message(seq, &record);
        if let Some(vin) = vin {
            self.heard.insert(vin, message.received_at);
        }
        told.into_iter()
            .map(|alert| {
                // A silence told on its vehicle's return is about the
                // vehicle's message before; the rest, about this one.
                let about = match alert.what {
                    AlertKind::Silent => before,
                    _ => Some(message.received_at),
                };
                raised(alert, about)
            })
            .collect()
    }

    /// Time passed: silences, and the tracking timeouts the console sent.
    pub(super) fn tick(&mut self, now: DateTime<Utc>) -> Vec<Raised> {
        let mut alerts: Vec<Raised> = self
            .engine
            .tick(now)
            .into_iter()
            .map(|alert| {
                let about = alert
                    .vin
                    .as_ref()
                    .and_then(|vin| self.heard.get(vin).copied());
                raised(alert, about)
            })
            .collect();
        while let Ok(no_reply) = self.no_replies.try_recv() {
            alerts.extend(
                self.engine
                    .unacknowledged(no_reply.seq, &no_reply.vin, no_reply.at)
                    .into_iter()
                    .map(|alert| raised(alert, Some(no_reply.sent_at))),
            );
        }
        alerts
    }
}

/// An alert raised: as the console lists it, and its journal line.
#[derive(Debug, Clone)]
pub(super) struct Raised {
    pub alert: Alert,
    pub line: String,
}

/// The engine's alert, about the message received at `about`.
fn raised(alert: watch::Alert, about: Option<DateTime<Utc>>) -> Raised {
    Raised {
        line: super::alert_record::line(&alert, about),
        alert: super::alert_record::listed(alert, about),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TopicScheme;
    use crate::domain::watch::RuleSpec;
    use crate::tui::panes::alerts::Raised as Why;
    use chrono::TimeZone;

    const A: &str = "VF3ABCDEFGH123456";

    fn at(s: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap() + chrono::Duration::seconds(s)
    }

    fn message(s: i64) -> crate::domain::InboundMessage {
        let topics = TopicScheme::new("p", "U", true).unwrap();
        crate::domain::InboundMessage::new(
            &topics,
            format!("p/to/uid/U/opa/{A}/"),
            bytes::Bytes::from_static(br#"{"content":{"action":"go"}}"#),
            at(s),
        )
    }

    #[test]
    fn a_silence_and_the_return_are_about_the_vehicles_messages() {
        let rule = RuleSpec::silent("quiet", "5m").compile(1).unwrap();
        let (mut watching, _no_replies) = Watching::new(vec![rule], at(0));
        assert!(watching.message(&message(10), Place::Journal(0)).is_empty());
        assert!(watching.tick(at(200)).is_empty(), "quiet for less than 5m");
        let silent = watching.tick(at(311));
        assert_eq!(silent.len(), 1, "{silent:?}");
        assert_eq!(silent[0].alert.raised, Why::Silent);
        assert_eq!(silent[0].alert.message_at, Some(at(10)), "its last message");
        let back = watching.message(&message(400), Place::Journal(1));
        assert_eq!(back.len(), 1, "{back:?}");
        assert_eq!(back[0].alert.raised, Why::Back);
        assert_eq!(
            back[0].alert.message_at,
            Some(at(400)),
            "the message it came back with"
        );
    }

    #[test]
    fn a_tracking_timeout_the_console_sends_raises_an_unacknowledged_alert() {
        let rule = RuleSpec {
            name: "no answer".into(),
            unacknowledged: Some(true),
            ..RuleSpec::default()
        }
        .compile(1)
        .unwrap();
        let (mut watching, no_replies) = Watching::new(vec![rule], at(0));
        no_replies
            .send(NoReply {
                seq: 7,
                vin: Vin::parse(A).unwrap(),
                sent_at: at(1),
                at: at(31),
            })
            .unwrap();
        let alerts = watching.tick(at(31));
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert_eq!(alerts[0].alert.raised, Why::NoReply);
        assert!(
            alerts[0].line.contains(r#""dir":"alert""#),
            "{}",
            alerts[0].line
        );
        assert_eq!(alerts[0].alert.message_at, Some(at(1)), "the message sent");
        assert!(watching.tick(at(32)).is_empty(), "told once");
    }
}
