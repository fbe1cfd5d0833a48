//! The message history the console shows: a bounded log of what came in
//! and went out, and per-vehicle statistics.
//!
//! Memory is bounded by a cap on entries; what falls off the front is
//! counted, never silently lost from view (the count is shown).

pub mod export;
pub mod journal;

use crate::domain::display;
use crate::domain::{InboundMessage, InboundTopic, MessageKind, Vin};
use bytes::Bytes;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, VecDeque};

/// Which way a message went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a vehicle (a "to" topic).
    Inbound,
    /// Published by this console (a "from" topic).
    Outbound,
}

impl Direction {
    /// `"in"` or `"out"`, as the journal writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Inbound => "in",
            Self::Outbound => "out",
        }
    }
}

/// One message in the log.
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Increases by one per entry, never reused.
    pub seq: u64,
    pub at: DateTime<Utc>,
    pub direction: Direction,
    /// The vehicle, when the topic is a vehicle's.
    pub vin: Option<Vin>,
    pub topic: String,
    /// The inbound kind's name, or `data` / `popup` for what was published.
    pub kind: &'static str,
    pub action: Option<String>,
    /// The exact bytes, for detail, copy and export.
    pub payload: Bytes,
    /// Whether the payload is JSON (the preview then drops its whitespace).
    pub is_json: bool,
}

/// How long a preview may be; the detail pane shows the rest.
const PREVIEW_CHARS: usize = 300;

/// A one-line preview: JSON without its whitespace, text as it is, both
/// with unsafe characters escaped.
fn preview_of(payload: &[u8], is_json: bool) -> String {
    let head = &payload[..payload.len().min(PREVIEW_CHARS * 4)];
    let shown = |text: &str| {
        if is_json {
            display::one_line(&crate::domain::json::minify(text)).into_owned()
        } else {
            display::one_line(text).into_owned()
        }
    };
    let mut text = match std::str::from_utf8(head) {
        Ok(text) => shown(text),
        // A cut in the middle of a character is not binary: show what is whole.
        Err(err) if err.error_len().is_none() && err.valid_up_to() > 0 => {
            shown(std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => display::bytes_one_line(head),
    };
    if let Some((cut, _)) = text.char_indices().nth(PREVIEW_CHARS) {
        text.truncate(cut);
        text.push('…');
    }
    text
}

impl LogEntry {
    /// The entry as a journal record (the line `json_line` writes).
    pub fn record(&self) -> crate::domain::record::Record<'_> {
        crate::domain::record::Record {
            at: self.at,
            vin: self.vin.as_ref().map(Vin::as_str),
            topic: &self.topic,
            payload: &self.payload,
            kind: self.kind,
            is_json: self.is_json,
            dir: Some(self.direction.name()),
        }
    }

    /// A safe one-line preview of at most 300 characters. Made when a row
    /// is drawn, so only visible rows ever pay for it.
    pub fn preview(&self) -> String {
        preview_of(&self.payload, self.is_json)
    }
}

/// What the console knows about one vehicle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VehicleStats {
    /// From the configured fleet.
    pub label: Option<String>,
    pub rx: u64,
    pub tx: u64,
    pub last_seen: Option<DateTime<Utc>>,
}

/// The bounded history plus the statistics that outlive eviction.
#[derive(Debug, Clone)]
pub struct History {
    entries: VecDeque<LogEntry>,
    cap: usize,
    next_seq: u64,
    pub evicted: u64,
    pub vehicles: BTreeMap<Vin, VehicleStats>,
    /// Messages on topics that are not a vehicle's.
    pub unrecognised: u64,
    pub rx: u64,
    pub tx: u64,
}

impl History {
    /// An empty history keeping at most `cap` entries, knowing `fleet`.
    pub fn new(cap: usize, fleet: impl IntoIterator<Item = (Vin, Option<String>)>) -> Self {
        let vehicles = fleet
            .into_iter()
            .map(|(vin, label)| {
                (
                    vin,
                    VehicleStats {
                        label,
                        ..VehicleStats::default()
                    },
                )
            })
            .collect();
        Self {
            entries: VecDeque::new(),
            cap: cap.max(1),
            next_seq: 0,
            evicted: 0,
            vehicles,
            unrecognised: 0,
            rx: 0,
            tx: 0,
        }
    }

    fn push(&mut self, mut entry: LogEntry) -> u64 {
        entry.seq = self.next_seq;
        self.next_seq += 1;
        if self.entries.len() == self.cap {
            self.entries.pop_front();
            self.evicted += 1;
        }
        self.entries.push_back(entry);
        self.next_seq - 1
    }

    /// Records a message from a vehicle; returns its sequence number.
    pub fn push_inbound(&mut self, message: InboundMessage) -> u64 {
        self.rx += 1;
        let vin = match &message.source {
            InboundTopic::Vehicle { vin, .. } => {
                let stats = self.vehicles.entry(vin.clone()).or_default();
                stats.rx += 1;
                stats.last_seen = Some(message.received_at);
                Some(vin.clone())
            }
            InboundTopic::Unrecognised(_) => {
                self.unrecognised += 1;
                None
            }
        };
        self.push(LogEntry {
            seq: 0,
            at: message.received_at,
            direction: Direction::Inbound,
            vin,
            is_json: message.classified.is_json,
            kind: message.classified.kind.name(),
            action: message.classified.action,
            topic: message.topic,
            payload: message.payload,
        })
    }

    /// Records what the console published.
    pub fn push_outbound(
        &mut self,
        vin: &Vin,
        topic: String,
        payload: &str,
        kind: MessageKind,
        at: DateTime<Utc>,
    ) -> u64 {
        self.tx += 1;
        self.vehicles.entry(vin.clone()).or_default().tx += 1;
        let action = crate::domain::classify(payload.as_bytes()).action;
        self.push(LogEntry {
            seq: 0,
            at,
            direction: Direction::Outbound,
            vin: Some(vin.clone()),
            topic,
            kind: kind.name(),
            action,
            is_json: true,
            payload: Bytes::copy_from_slice(payload.as_bytes()),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with sequence number `seq`, if still kept.
    pub fn by_seq(&self, seq: u64) -> Option<&LogEntry> {
        let first = self.entries.front()?.seq;
        let index = usize::try_from(seq.checked_sub(first)?).ok()?;
        self.entries.get(index)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// The oldest sequence number still kept.
    pub fn first_seq(&self) -> Option<u64> {
        self.entries.front().map(|e| e.seq)
    }

    /// The label of a vehicle, if the fleet gives one.
    pub fn label(&self, vin: &Vin) -> Option<&str> {
        self.vehicles.get(vin).and_then(|v| v.label.as_deref())
    }
}

/// Which vehicle(s) the log shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VehicleFilter {
    #[default]
    All,
    Vehicle(Vin),
    /// Messages on topics that are not a vehicle's.
    Unrecognised,
}

/// The log's filter: a vehicle selection and a text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LogFilter {
    pub vehicle: VehicleFilter,
    /// Lower-case; empty matches everything.
    pub text: String,
}

impl LogFilter {
    pub fn is_active(&self) -> bool {
        self.vehicle != VehicleFilter::All || !self.text.is_empty()
    }

    /// Whether `entry` passes, searching VIN, label, topic and payload.
    pub fn matches(&self, entry: &LogEntry, label: Option<&str>) -> bool {
        let vehicle_ok = match &self.vehicle {
            VehicleFilter::All => true,
            VehicleFilter::Vehicle(vin) => entry.vin.as_ref() == Some(vin),
            VehicleFilter::Unrecognised => entry.vin.is_none(),
        };
        if !vehicle_ok {
            return false;
        }
        if self.text.is_empty() {
            return true;
        }
        let needle = self.text.as_str();
        let contains = |hay: &str| hay.to_lowercase().contains(needle);
        entry.vin.as_ref().is_some_and(|v| contains(v.as_str()))
            || label.is_some_and(contains)
            || contains(&entry.topic)
            || contains(entry.kind)
            || contains(&String::from_utf8_lossy(&entry.payload))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TopicScheme;
    use chrono::TimeZone;

    fn scheme() -> TopicScheme {
        TopicScheme::new("p", "U", true).unwrap()
    }

    fn inbound(vin: &str, payload: &str) -> InboundMessage {
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        InboundMessage::new(
            &scheme(),
            format!("p/to/uid/U/opa/{vin}/"),
            Bytes::from(payload.to_owned()),
            at,
        )
    }

    #[test]
    fn the_cap_evicts_the_oldest_and_counts_it() {
        let mut history = History::new(2, []);
        for n in 0..5 {
            history.push_inbound(inbound("0123456789ABCDEFG", &format!("{{\"n\":{n}}}")));
        }
        assert_eq!(history.len(), 2);
        assert_eq!(history.evicted, 3);
        assert_eq!(history.rx, 5);
        assert!(history.by_seq(2).is_none());
        assert_eq!(history.by_seq(4).unwrap().preview(), "{\"n\":4}");
        let vin = Vin::parse("0123456789ABCDEFG").unwrap();
        assert_eq!(history.vehicles[&vin].rx, 5, "statistics outlive eviction");
    }

    #[test]
    fn fleet_vehicles_are_known_before_they_talk() {
        let vin = Vin::parse("VF3ABCDEFGH123456").unwrap();
        let history = History::new(10, [(vin.clone(), Some("bench".into()))]);
        assert_eq!(history.label(&vin), Some("bench"));
        assert_eq!(history.vehicles[&vin].last_seen, None);
    }

    #[test]
    fn unrecognised_topics_are_kept_and_counted() {
        let mut history = History::new(10, []);
        let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        history.push_inbound(InboundMessage::new(
            &scheme(),
            "odd".into(),
            Bytes::from_static(b"x"),
            at,
        ));
        assert_eq!(history.unrecognised, 1);
        assert_eq!(history.len(), 1);
        assert!(history.by_seq(0).unwrap().vin.is_none());
    }

    #[test]
    fn previews_are_safe_and_short() {
        let mut history = History::new(10, []);
        let long = format!("{{\"a\":\"{}\"}}", "x".repeat(10_000));
        let seq = history.push_inbound(inbound("0123456789ABCDEFG", &long));
        assert!(history.by_seq(seq).unwrap().preview().chars().count() <= PREVIEW_CHARS + 1);
        let seq = history.push_inbound(inbound("0123456789ABCDEFG", "\u{1b}[2J\u{202e}"));
        assert_eq!(
            history.by_seq(seq).unwrap().preview(),
            "\\u{1b}[2J\\u{202e}"
        );
        let seq = history.push_inbound(inbound("0123456789ABCDEFG", "plain text, not JSON"));
        assert_eq!(
            history.by_seq(seq).unwrap().preview(),
            "plain text, not JSON",
            "text keeps its spaces"
        );
    }

    #[test]
    fn filters_combine_vehicle_and_text() {
        let mut history = History::new(10, []);
        history.push_inbound(inbound(
            "0123456789ABCDEFG",
            r#"{"content":{"action":"Unlock"}}"#,
        ));
        history.push_inbound(inbound(
            "VF3ABCDEFGH123456",
            r#"{"content":{"action":"unlock"}}"#,
        ));
        history.push_inbound(inbound(
            "VF3ABCDEFGH123456",
            r#"{"content":{"action":"lock"}}"#,
        ));
        let filter = LogFilter {
            vehicle: VehicleFilter::Vehicle(Vin::parse("VF3ABCDEFGH123456").unwrap()),
            text: "unlock".into(),
        };
        let hits: Vec<u64> = history
            .iter()
            .filter(|e| filter.matches(e, None))
            .map(|e| e.seq)
            .collect();
        assert_eq!(hits, [1]);
        let text_only = LogFilter {
            text: "unlock".into(),
            ..LogFilter::default()
        };
        assert_eq!(
            history
                .iter()
                .filter(|e| text_only.matches(e, None))
                .count(),
            2
        );
    }
}
