//! The watch engine: rules applied to what happens, alerts out. Pure: no
//! I/O and no clock; the caller passes every time in (a message's
//! `received_at`, a tick's now, a tracking timeout's moment), so the
//! console, `wpconsole watch` and the tests drive it the same way.

use super::rule::{Condition, Rule};
use crate::domain::Vin;
use crate::domain::jq::Verdict;
use crate::domain::record::Record;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What an alert says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertKind {
    /// A `when` rule's expression was truthy on a message.
    Fired,
    /// A vehicle sent nothing for the rule's `silent` duration.
    Silent,
    /// A vehicle an alert called silent sent again.
    Back,
    /// A tracked message got no reply within the tracking timeout.
    Unacknowledged,
}

impl AlertKind {
    /// The word alerts carry in JSON (`"what"`) and the journal.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fired => "fired",
            Self::Silent => "silent",
            Self::Back => "back",
            Self::Unacknowledged => "unacknowledged",
        }
    }

    /// The kind a word names (the journal's alert records read back).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Fired, Self::Silent, Self::Back, Self::Unacknowledged]
            .into_iter()
            .find(|kind| kind.name() == name)
    }
}

/// One alert: which rule, about which vehicle, when, and the message it
/// is about (the one that fired, came back, went unanswered, or, for a
/// silence, the vehicle's last one) by the caller's sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    pub rule: String,
    pub vin: Option<Vin>,
    pub at: DateTime<Utc>,
    pub seq: Option<u64>,
    pub what: AlertKind,
    /// When the message it is about was received: with the vehicle, what
    /// finds that message again after a restart (`seq` is the caller's
    /// number in one run). The engine sets it for the messages it was fed;
    /// for `unacknowledged` the caller, who knows when it was sent.
    pub message_at: Option<DateTime<Utc>>,
}

/// A vehicle's silence under one `silent` rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quiet {
    /// Silent past the rule's duration; `told`: its alert was given (not
    /// held back by the cooldown), so its return is told too.
    Since { told: bool },
}

/// The last message heard from a vehicle.
#[derive(Debug, Clone, Copy)]
struct Heard {
    at: DateTime<Utc>,
    seq: Option<u64>,
}

/// Rules applied to messages, ticks and tracking timeouts.
#[derive(Debug, Clone)]
pub struct Engine {
    rules: Vec<Rule>,
    /// When watching began: a vehicle expected and never heard is silent
    /// from here.
    started: DateTime<Utc>,
    /// Every vehicle heard or expected, and its last message.
    heard: HashMap<Vin, Heard>,
    /// Vehicles silent under a rule (by the rule's index).
    quiet: HashMap<(usize, Vin), Quiet>,
    /// The last alert per rule and vehicle, for cooldowns.
    last_alert: HashMap<(usize, Option<Vin>), DateTime<Utc>>,
    /// Messages on which a `when` expression failed (counted as no match).
    errors: u64,
}

impl Engine {
    /// An engine applying `rules` from `now` on. Vehicles a `silent` rule
    /// names are expected from the start: one that never sends is silent
    /// once the duration has passed.
    pub fn new(rules: Vec<Rule>, now: DateTime<Utc>) -> Self {
        let mut engine = Self {
            started: now,
            heard: HashMap::new(),
            quiet: HashMap::new(),
            last_alert: HashMap::new(),
            errors: 0,
            rules,
        };
        let named: Vec<Vin> = engine
            .rules
            .iter()
            .filter(|rule| matches!(rule.condition, Condition::Silent(_)))
            .flat_map(|rule| rule.vins.iter().cloned())
            .collect();
        for vin in named {
            engine.expect(vin);
        }
        engine
    }

    /// The rules applied.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Messages on which a `when` expression failed (each counted as not
    /// matching).
    pub fn errors(&self) -> u64 {
        self.errors
    }

    /// Expects `vin` to send (a fleet's vehicle): a `silent` rule for
    /// every vehicle then calls it silent even if it never sends.
    pub fn expect(&mut self, vin: Vin) {
        let started = self.started;
        self.heard.entry(vin).or_insert(Heard {
            at: started,
            seq: None,
        });
    }

    /// A record (an inbound message, or for `when` rules any journaled
    /// record) numbered `seq` by the caller. Inbound messages end a
    /// vehicle's silence; every record is shown to `when` rules.
    pub fn message(&mut self, seq: u64, record: &Record<'_>) -> Vec<Alert> {
        let mut alerts = Vec::new();
        let vin = record.vin.and_then(|vin| Vin::parse(vin).ok());
        let at = record.at;
        if matches!(record.dir, None | Some("in"))
            && let Some(vin) = &vin
        {
            self.heard_from(vin, seq, at, &mut alerts);
        }
        for index in 0..self.rules.len() {
            let rule = &self.rules[index];
            let Condition::When(when) = &rule.condition else {
                continue;
            };
            if !rule.covers(vin.as_ref()) {
                continue;
            }
            match when.verdict(record) {
                Verdict::Match => {}
                Verdict::NoMatch => continue,
                Verdict::Error(_) => {
                    self.errors += 1;
                    continue;
                }
            }
            self.alert(
                index,
                vin.clone(),
                at,
                (Some(seq), Some(at)),
                AlertKind::Fired,
                &mut alerts,
            );
        }
        alerts
    }

    /// Time passed: the vehicles silent for a rule's duration by `now`.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<Alert> {
        let mut alerts = Vec::new();
        for index in 0..self.rules.len() {
            let Condition::Silent(duration) = self.rules[index].condition else {
                continue;
            };
            let Ok(duration) = chrono::Duration::from_std(duration) else {
                continue;
            };
            let mut silent: Vec<(Vin, Heard)> = self
                .heard
                .iter()
                .filter(|(vin, heard)| {
                    self.rules[index].covers(Some(vin))
                        && now - heard.at >= duration
                        && !self.quiet.contains_key(&(index, (*vin).clone()))
                })
                .map(|(vin, heard)| (vin.clone(), *heard))
                .collect();
            // The same order on every run: tests and the JSON lines agree.
            silent.sort_by(|a, b| a.0.cmp(&b.0));
            for (vin, heard) in silent {
                let told = self.alert(
                    index,
                    Some(vin.clone()),
                    now,
                    (heard.seq, heard.seq.map(|_| heard.at)),
                    AlertKind::Silent,
                    &mut alerts,
                );
                self.quiet.insert((index, vin), Quiet::Since { told });
            }
        }
        alerts
    }

    /// Tracked message `seq` to `vin` got no reply within the tracking
    /// timeout (`tracking::Deliveries::expire` tells when, the one timer).
    pub fn unacknowledged(&mut self, seq: u64, vin: &Vin, at: DateTime<Utc>) -> Vec<Alert> {
        let mut alerts = Vec::new();
        for index in 0..self.rules.len() {
            let rule = &self.rules[index];
            if matches!(rule.condition, Condition::Unacknowledged) && rule.covers(Some(vin)) {
                self.alert(
                    index,
                    Some(vin.clone()),
                    at,
                    (Some(seq), None),
                    AlertKind::Unacknowledged,
                    &mut alerts,
                );
            }
        }
        alerts
    }

    /// `vin` sent message `seq` at `at`: a silence it ends is told (a
    /// silence no tick saw yet is told first, then the return).
    fn heard_from(&mut self, vin: &Vin, seq: u64, at: DateTime<Utc>, alerts: &mut Vec<Alert>) {
        let before = self.heard.get(vin).copied();
        for index in 0..self.rules.len() {
            let rule = &self.rules[index];
            let Condition::Silent(duration) = rule.condition else {
                continue;
            };
            if !rule.covers(Some(vin)) {
                continue;
            }
            let key = (index, vin.clone());
            let mut quiet = self.quiet.remove(&key);
            if quiet.is_none()
                && let Some(before) = before
                && chrono::Duration::from_std(duration).is_ok_and(|d| at - before.at >= d)
            {
                let told = self.alert(
                    index,
                    Some(vin.clone()),
                    at,
                    (before.seq, before.seq.map(|_| before.at)),
                    AlertKind::Silent,
                    alerts,
                );
                quiet = Some(Quiet::Since { told });
            }
            if quiet == Some(Quiet::Since { told: true }) {
                alerts.push(Alert {
                    rule: self.rules[index].name.clone(),
                    vin: Some(vin.clone()),
                    at,
                    seq: Some(seq),
                    what: AlertKind::Back,
                    message_at: Some(at),
                });
            }
        }
        self.heard.insert(vin.clone(), Heard { at, seq: Some(seq) });
    }

    /// Gives an alert unless the rule's cooldown for this vehicle holds it
    /// back; whether it was given. A return (`Back`) is never held back:
    /// it closes a silence that was told.
    fn alert(
        &mut self,
        index: usize,
        vin: Option<Vin>,
        at: DateTime<Utc>,
        (seq, message_at): (Option<u64>, Option<DateTime<Utc>>),
        what: AlertKind,
        alerts: &mut Vec<Alert>,
    ) -> bool {
        let rule = &self.rules[index];
        let key = (index, vin.clone());
        if let (Some(cooldown), Some(last)) = (rule.cooldown, self.last_alert.get(&key))
            && chrono::Duration::from_std(cooldown).is_ok_and(|cooldown| at - *last < cooldown)
        {
            return false;
        }
        self.last_alert.insert(key, at);
        alerts.push(Alert {
            rule: rule.name.clone(),
            vin,
            at,
            seq,
            what,
            message_at,
        });
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::watch::RuleSpec;
    use chrono::TimeZone as _;

    const A: &str = "VF3ABCDEFGH123456";
    const B: &str = "0123456789ABCDEFG";

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
    }

    fn engine(specs: &[RuleSpec]) -> Engine {
        Engine::new(super::super::compile_all(specs).unwrap(), at(0))
    }

    fn vin(text: &str) -> Vin {
        Vin::parse(text).unwrap()
    }

    /// An inbound message from `from` at second `second`.
    fn heard(engine: &mut Engine, seq: u64, from: &str, second: i64) -> Vec<Alert> {
        engine.message(
            seq,
            &Record {
                at: at(second),
                vin: Some(from),
                topic: "t",
                payload: b"{\"content\":{}}",
                kind: "content",
                is_json: true,
                dir: Some("in"),
            },
        )
    }

    fn kinds(alerts: &[Alert]) -> Vec<(&str, Option<&str>, AlertKind, Option<u64>)> {
        alerts
            .iter()
            .map(|a| {
                (
                    a.rule.as_str(),
                    a.vin.as_ref().map(Vin::as_str),
                    a.what,
                    a.seq,
                )
            })
            .collect()
    }

    #[test]
    fn a_vehicle_silent_for_the_duration_fires_once_and_again_when_it_comes_back() {
        let mut engine = engine(&[RuleSpec::silent("quiet", "5m")]);
        assert!(heard(&mut engine, 1, A, 10).is_empty());
        assert!(engine.tick(at(10 + 299)).is_empty(), "not yet 5 minutes");
        assert_eq!(
            kinds(&engine.tick(at(10 + 300))),
            [("quiet", Some(A), AlertKind::Silent, Some(1))],
            "silent, with its last message"
        );
        assert!(
            engine.tick(at(10 + 900)).is_empty(),
            "told once per silence"
        );
        let mut engine_again = engine_with_fleet();
        heard(&mut engine_again, 1, A, 10);
        let told = engine_again.tick(at(10 + 60));
        assert_eq!(
            told.iter()
                .map(|a| (a.vin.as_ref().map(Vin::as_str), a.message_at))
                .collect::<Vec<_>>(),
            [(Some(B), None), (Some(A), Some(at(10)))],
            "its last message's time; none for one never heard"
        );
        assert_eq!(
            kinds(&heard(&mut engine, 2, A, 1000)),
            [("quiet", Some(A), AlertKind::Back, Some(2))]
        );
        assert!(heard(&mut engine, 3, A, 1001).is_empty(), "back once");
        assert!(engine.tick(at(1001 + 299)).is_empty());
        assert_eq!(
            engine.tick(at(1001 + 300)).len(),
            1,
            "a new silence is told"
        );
    }

    #[test]
    fn a_vehicle_that_keeps_sending_is_never_silent() {
        let mut engine = engine(&[RuleSpec::silent("quiet", "1m")]);
        for second in (0..600).step_by(30) {
            assert!(heard(&mut engine, 1, A, second).is_empty());
            assert!(engine.tick(at(second + 29)).is_empty());
        }
    }

    #[test]
    fn a_silence_no_tick_saw_is_told_when_the_vehicle_comes_back() {
        let mut engine = engine(&[RuleSpec::silent("quiet", "1m")]);
        heard(&mut engine, 1, A, 0);
        assert_eq!(
            kinds(&heard(&mut engine, 2, A, 120)),
            [
                ("quiet", Some(A), AlertKind::Silent, Some(1)),
                ("quiet", Some(A), AlertKind::Back, Some(2))
            ]
        );
    }

    #[test]
    fn named_vehicles_are_watched_from_the_start_and_others_not_at_all() {
        let mut engine = engine(&[RuleSpec {
            vins: vec![A.into()],
            ..RuleSpec::silent("quiet", "1m")
        }]);
        heard(&mut engine, 1, B, 0);
        assert_eq!(
            kinds(&engine.tick(at(60))),
            [("quiet", Some(A), AlertKind::Silent, None)],
            "A never sent; B is not watched"
        );
        let mut engine = engine_with_fleet();
        assert_eq!(engine.tick(at(60)).len(), 1, "an expected vehicle");
    }

    fn engine_with_fleet() -> Engine {
        let mut engine = engine(&[RuleSpec::silent("quiet", "1m")]);
        engine.expect(vin(B));
        engine
    }

    #[test]
    fn the_cooldown_holds_back_a_silence_and_then_its_return() {
        let mut engine = engine(&[RuleSpec {
            cooldown: Some("10m".into()),
            ..RuleSpec::silent("quiet", "1m")
        }]);
        heard(&mut engine, 1, A, 0);
        assert_eq!(engine.tick(at(60)).len(), 1);
        assert_eq!(heard(&mut engine, 2, A, 70).len(), 1, "back is told");
        assert!(engine.tick(at(130)).is_empty(), "within the cooldown");
        assert!(
            heard(&mut engine, 3, A, 140).is_empty(),
            "the return of an untold silence is not told"
        );
        assert_eq!(engine.tick(at(140 + 600)).len(), 1, "after the cooldown");
    }

    #[test]
    fn an_unacknowledged_message_fires_for_its_vehicle_with_its_seq() {
        let mut engine = engine(&[
            RuleSpec {
                unacknowledged: Some(true),
                ..RuleSpec::default()
            }
            .named("unanswered"),
            RuleSpec {
                unacknowledged: Some(true),
                vins: vec![B.into()],
                cooldown: Some("1m".into()),
                ..RuleSpec::default()
            }
            .named("b-only"),
        ]);
        assert_eq!(
            kinds(&engine.unacknowledged(7, &vin(A), at(30))),
            [("unanswered", Some(A), AlertKind::Unacknowledged, Some(7))]
        );
        assert_eq!(engine.unacknowledged(8, &vin(B), at(31)).len(), 2);
        assert_eq!(
            kinds(&engine.unacknowledged(9, &vin(B), at(40))),
            [("unanswered", Some(B), AlertKind::Unacknowledged, Some(9))],
            "b-only is cooling down"
        );
        assert_eq!(engine.unacknowledged(10, &vin(B), at(91)).len(), 2);
        assert!(
            heard(&mut engine, 11, A, 100).is_empty(),
            "a message is no timeout"
        );
    }

    /// An inbound message from `from` at second `second` with `payload`.
    fn sent(engine: &mut Engine, seq: u64, from: &str, second: i64, payload: &str) -> Vec<Alert> {
        let is_json = serde_json::from_str::<serde_json::Value>(payload).is_ok();
        engine.message(
            seq,
            &Record {
                at: at(second),
                vin: Some(from),
                topic: "t",
                payload: payload.as_bytes(),
                kind: if is_json { "content" } else { "text" },
                is_json,
                dir: Some("in"),
            },
        )
    }

    #[test]
    fn a_when_rule_fires_on_each_message_it_is_truthy_on_and_on_no_other() {
        let mut engine = engine(&[RuleSpec::when(
            "speeding",
            ".payload.content.params.speed_kmh > 120",
        )]);
        let fast = r#"{"content":{"params":{"speed_kmh":131}}}"#;
        let slow = r#"{"content":{"params":{"speed_kmh":90}}}"#;
        assert_eq!(
            kinds(&sent(&mut engine, 1, A, 0, fast)),
            [("speeding", Some(A), AlertKind::Fired, Some(1))]
        );
        assert!(sent(&mut engine, 2, A, 1, slow).is_empty());
        assert_eq!(sent(&mut engine, 3, B, 2, fast).len(), 1);
        assert_eq!(sent(&mut engine, 4, A, 3, fast).len(), 1, "each message");
        assert_eq!(engine.errors(), 0);
    }

    #[test]
    fn a_when_rule_sees_the_record_as_tail_json_prints_it_plus_dir() {
        let mut engine = engine(&[RuleSpec::when(
            "incoming",
            r#".dir == "in" and .vin != null and .kind == "text""#,
        )]);
        assert_eq!(sent(&mut engine, 1, A, 0, "not json at all").len(), 1);
        assert_eq!(engine.errors(), 0);
    }

    #[test]
    fn an_expression_that_errors_on_a_message_is_no_match_and_is_counted() {
        let mut engine = engine(&[RuleSpec::when("broken", ".payload.content.a.b")]);
        assert!(sent(&mut engine, 1, A, 0, r#"{"content":{"a":"text"}}"#).is_empty());
        assert_eq!(engine.errors(), 1);
        assert!(sent(&mut engine, 2, A, 0, r#"{"content":{"a":{"b":false}}}"#).is_empty());
        assert_eq!(engine.errors(), 1);
    }

    #[test]
    fn the_cooldown_allows_one_alert_per_rule_and_vehicle() {
        let mut engine = engine(&[RuleSpec {
            cooldown: Some("1m".into()),
            ..RuleSpec::when("any", "true")
        }]);
        let any = r#"{"content":{}}"#;
        assert_eq!(sent(&mut engine, 1, A, 0, any).len(), 1);
        assert!(sent(&mut engine, 2, A, 30, any).is_empty(), "A cools down");
        assert_eq!(sent(&mut engine, 3, B, 31, any).len(), 1, "B is its own");
        assert!(sent(&mut engine, 4, A, 59, any).is_empty());
        assert_eq!(
            kinds(&sent(&mut engine, 5, A, 60, any)),
            [("any", Some(A), AlertKind::Fired, Some(5))],
            "a minute after the last alert"
        );
    }

    #[test]
    fn a_rule_for_some_vehicles_ignores_the_others() {
        let mut engine = engine(&[RuleSpec {
            vins: vec![B.into()],
            ..RuleSpec::when("b", "true")
        }]);
        assert!(sent(&mut engine, 1, A, 0, "{}").is_empty());
        assert_eq!(sent(&mut engine, 2, B, 0, "{}").len(), 1);
    }

    #[test]
    fn alert_kinds_read_back_from_their_names() {
        for kind in [
            AlertKind::Fired,
            AlertKind::Silent,
            AlertKind::Back,
            AlertKind::Unacknowledged,
        ] {
            assert_eq!(AlertKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(AlertKind::from_name("loud"), None);
    }

    impl RuleSpec {
        fn named(mut self, name: &str) -> Self {
            self.name = name.into();
            self
        }
    }
}
