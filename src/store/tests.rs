//! The history's tests: indexing, eviction, reading payloads back, the
//! statistics, previews and filters.

use super::entry::PREVIEW_CHARS;
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

const VIN: &str = "0123456789ABCDEFG";

#[test]
fn messages_past_the_memory_tail_stay_navigable() {
    let mut history = History::new(2, []);
    for n in 0..5 {
        history.push_inbound(&inbound(VIN, &format!("{{\"n\":{n}}}")), Place::Nowhere);
    }
    assert_eq!(history.len(), 5, "nothing leaves the index");
    assert_eq!(history.first_seq(), Some(0));
    assert_eq!(history.rx, 5);
    for n in 0..5 {
        assert_eq!(
            history.by_seq(n).unwrap().preview(),
            format!("{{\"n\":{n}}}"),
            "message {n}"
        );
    }
    let vin = Vin::parse(VIN).unwrap();
    assert_eq!(history.vehicles[&vin].rx, 5);
}

#[test]
fn a_journal_place_set_after_the_slot_left_memory_is_kept() {
    let mut history = History::new(2, []);
    let first = history.push_inbound(&inbound(VIN, "{}"), Place::Nowhere);
    for _ in 0..10 {
        history.push_inbound(&inbound(VIN, "{}"), Place::Nowhere);
    }
    history.set_place(first, Place::Journal(77));
    assert_eq!(history.slot_at(first).unwrap().place(), Place::Journal(77));
}

#[test]
fn the_65536th_file_is_a_file_not_the_journal() {
    let mut history = History::new(10, []);
    let mut last = 0;
    for n in 0..65_536 {
        last = history.add_file(format!("capture-{n}.jsonl").into());
    }
    assert_eq!(last, u16::MAX);
    let record = StoredRecord {
        at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        direction: Direction::Inbound,
        vin: None,
        topic: "t".into(),
        kind: "text".into(),
        action: None,
        size: 1,
        is_json: false,
        reason: None,
    };
    let seq = history.push_stored(&record, last, 42);
    let slot = history.slot_at(seq).unwrap();
    assert_eq!(
        slot.place(),
        Place::File {
            file: last,
            offset: 42
        }
    );
    let (path, offset) = history.where_is(&slot).unwrap();
    assert_eq!(
        (path.as_path(), offset),
        (std::path::Path::new("capture-65535.jsonl"), 42)
    );
}

#[test]
fn payloads_past_the_cache_without_a_journal_say_why_they_are_gone() {
    let mut history = History::new(10, []);
    history.set_cache_bytes(0);
    let old = history.push_inbound(&inbound(VIN, r#"{"n":"first"}"#), Place::Nowhere);
    // A payload that fills the cache's block on its own.
    let second = format!("{{\"n\":\"{}\"}}", "x".repeat(1 << 20));
    let new = history.push_inbound(&inbound(VIN, &second), Place::Nowhere);
    let gone = history.by_seq(old).unwrap();
    assert!(gone.payload.is_empty());
    assert!(
        gone.preview().contains("--no-journal"),
        "{}",
        gone.preview()
    );
    assert_eq!(gone.size, 13, "the size stays in the index");
    assert_eq!(history.by_seq(new).unwrap().payload, second.as_bytes());
}

#[test]
fn payloads_past_the_cache_are_read_back_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal::Journal::start(journal::JournalConfig::new(dir.path().into()));
    let mut history = History::new(100, []);
    history.set_cache_bytes(0);
    history.attach_journal(journal.stats.clone());
    let pretty = "{\n  \"content\": {\"action\": \"Unlock\"}\n}";
    let mut seqs = Vec::new();
    for payload in [pretty, "plain \u{1b} text", r#"{"n":2}"#] {
        let message = inbound(VIN, payload);
        let ticket = journal.append(message.received_at, message.journal_line());
        seqs.push(history.push_inbound(&message, Place::Journal(ticket)));
    }
    // A payload that closes the cache's block: the three above leave memory.
    let large = inbound(VIN, &format!("{{\"pad\":\"{}\"}}", "x".repeat(1 << 20)));
    let ticket = journal.append(large.received_at, large.journal_line());
    history.push_inbound(&large, Place::Journal(ticket));
    assert!(seqs.iter().all(|seq| history.cached(*seq).is_none()));
    let waiting = history.by_seq(seqs[0]).unwrap();
    journal.close();
    assert!(
        waiting.unavailable.is_some() || waiting.payload == pretty.as_bytes(),
        "before the flush a payload is either read or said to be pending"
    );
    let first = history.by_seq(seqs[0]).unwrap();
    assert_eq!(first.payload, pretty.as_bytes(), "{:?}", first.unavailable);
    assert_eq!(first.action.as_deref(), Some("Unlock"));
    assert_eq!(
        history.by_seq(seqs[1]).unwrap().payload,
        "plain \u{1b} text".as_bytes()
    );
    assert_eq!(history.by_seq(seqs[2]).unwrap().payload, &b"{\"n\":2}"[..]);
}

#[test]
fn stored_records_are_read_back_from_their_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    let first = inbound(VIN, r#"{"content":{"action":"Lock"}}"#).json_line();
    let second = inbound(VIN, "text").json_line();
    std::fs::write(&path, format!("{first}\n{second}\n")).unwrap();
    let mut history = History::new(10, []);
    let file = history.add_file(path);
    let record = StoredRecord {
        at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        direction: Direction::Inbound,
        vin: Some(Vin::parse(VIN).unwrap()),
        topic: "t".into(),
        kind: "text".into(),
        action: None,
        size: 4,
        is_json: false,
        reason: None,
    };
    let seq = history.push_stored(&record, file, first.len() as u64 + 1);
    assert_eq!(history.by_seq(seq).unwrap().payload, &b"text"[..]);
    assert_eq!(history.rx, 1);
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
    history.push_inbound(
        &InboundMessage::new(&scheme(), "odd".into(), Bytes::from_static(b"x"), at),
        Place::Nowhere,
    );
    assert_eq!(history.unrecognised, 1);
    assert_eq!(history.len(), 1);
    let entry = history.by_seq(0).unwrap();
    assert!(entry.vin.is_none());
    assert_eq!(entry.topic, "odd");
}

#[test]
fn previews_are_safe_and_short() {
    let mut history = History::new(10, []);
    let long = format!("{{\"a\":\"{}\"}}", "x".repeat(10_000));
    let seq = history.push_inbound(&inbound(VIN, &long), Place::Nowhere);
    assert!(history.by_seq(seq).unwrap().preview().chars().count() <= PREVIEW_CHARS + 1);
    let seq = history.push_inbound(&inbound(VIN, "\u{1b}[2J\u{202e}"), Place::Nowhere);
    assert_eq!(
        history.by_seq(seq).unwrap().preview(),
        "\\u{1b}[2J\\u{202e}"
    );
    let seq = history.push_inbound(&inbound(VIN, "plain text, not JSON"), Place::Nowhere);
    assert_eq!(
        history.by_seq(seq).unwrap().preview(),
        "plain text, not JSON",
        "text keeps its spaces"
    );
}

#[test]
fn filters_combine_vehicle_kind_and_text() {
    let mut history = History::new(10, []);
    for (vin, payload) in [
        (VIN, r#"{"content":{"action":"Unlock"}}"#),
        ("VF3ABCDEFGH123456", r#"{"content":{"action":"unlock"}}"#),
        ("VF3ABCDEFGH123456", r#"{"content":{"action":"lock"}}"#),
        ("VF3ABCDEFGH123456", "unlock, as text"),
    ] {
        history.push_inbound(&inbound(vin, payload), Place::Nowhere);
    }
    let vehicle = VehicleFilter::Vehicle(Vin::parse("VF3ABCDEFGH123456").unwrap());
    let by_vehicle = LogFilter {
        vehicle: vehicle.clone(),
        ..LogFilter::default()
    };
    assert_eq!(history.select(&by_vehicle), [1, 2, 3]);
    let by_kind = LogFilter {
        vehicle: vehicle.clone(),
        kind: Some("text"),
        ..LogFilter::default()
    };
    assert_eq!(history.select(&by_kind), [3]);
    assert_eq!(history.kinds(), ["content", "text"]);
    let with_text = LogFilter {
        vehicle,
        kind: None,
        text: "unlock".into(),
    };
    let hits: Vec<u64> = (0..4).filter(|s| history.passes(*s, &with_text)).collect();
    assert_eq!(hits, [1, 3]);
    let unknown = LogFilter {
        vehicle: VehicleFilter::Vehicle(Vin::parse("VF3ZZZZZZZZ999999").unwrap()),
        ..LogFilter::default()
    };
    assert!(history.select(&unknown).is_empty());
}

#[test]
fn search_items_go_newest_first_and_name_hits_skip_the_payload() {
    let mut history = History::new(10, []);
    for n in 0..5 {
        history.push_inbound(&inbound(VIN, &format!("{{\"n\":{n}}}")), Place::Nowhere);
    }
    let filter = LogFilter {
        text: "abcdef".into(),
        ..LogFilter::default()
    };
    let (items, next) = history.search_items(&filter, &history.name_hits(&filter.text), 0, 5, 3);
    assert_eq!(next, 2);
    let seqs: Vec<u64> = items.iter().map(|i| i.seq).collect();
    assert_eq!(seqs, [4, 3, 2]);
    assert!(
        items
            .iter()
            .all(|i| matches!(i.source, search::Source::Named)),
        "the VIN contains the text"
    );
}

/// A history of 100 slots in memory reading back through a journal (no
/// payload cache), keeping `places_kept` places past its spilled slots.
fn journaled_history(places_kept: u64) -> (tempfile::TempDir, journal::Journal, History) {
    let dir = tempfile::tempdir().unwrap();
    let journal = journal::Journal::start(journal::JournalConfig::new(dir.path().into()));
    let mut history = History::new(100, []);
    history.set_cache_bytes(0);
    history.places_kept = places_kept;
    history.attach_journal(journal.stats.clone());
    (dir, journal, history)
}

/// `count` messages `{"n":N}` appended to `journal`, with their tickets.
fn journaled(journal: &journal::Journal, count: usize) -> Vec<(InboundMessage, u64)> {
    (0..count)
        .map(|n| {
            let message = inbound(VIN, &format!("{{\"n\":{n}}}"));
            let ticket = journal.append(message.received_at, message.journal_line());
            (message, ticket)
        })
        .collect()
}

#[test]
fn spilled_messages_take_their_lines_places_and_the_journal_forgets_them() {
    let (_dir, journal, mut history) = journaled_history(10);
    let messages = journaled(&journal, 1000);
    journal.close();
    for (message, ticket) in &messages {
        history.push_inbound(message, Place::Journal(*ticket));
    }
    // Those that spilled hold their places; those in memory keep tickets.
    let spilled = (0..1000u64)
        .take_while(|n| matches!(history.slot_at(*n).unwrap().place(), Place::File { .. }))
        .count();
    assert!(spilled >= 800, "{spilled}");
    assert!(matches!(
        history.slot_at(999).unwrap().place(),
        Place::Journal(_)
    ));
    assert_eq!(
        journal.stats.locations.find(0),
        journal::LineAt::Pending,
        "the journal forgot the place the history now holds"
    );
    assert!(
        matches!(
            journal.stats.locations.find(messages[spilled - 5].1),
            journal::LineAt::Written { .. }
        ),
        "a margin of places stays"
    );
    for (n, _) in messages.iter().enumerate() {
        let entry = history.by_seq(n as u64).unwrap();
        assert_eq!(
            entry.payload,
            format!("{{\"n\":{n}}}").as_bytes(),
            "{:?}",
            entry.unavailable
        );
    }
}

#[test]
fn a_published_line_placed_after_its_slot_spilled_is_read_back_once_the_journal_forgot_it() {
    // Enough kept that the published line is still known when its place
    // comes, not once the rest of the flood has spilled.
    let (_dir, journal, mut history) = journaled_history(600);
    // Published, its line queued; a flood spills its slot before the
    // journal says where the line went.
    let published = inbound(VIN, r#"{"published":true}"#);
    let ticket = journal.append(published.received_at, published.journal_line());
    let seq = history.push_inbound(&published, Place::Nowhere);
    let flood = journaled(&journal, 1000);
    journal.close();
    let (first, rest) = flood.split_at(500);
    for (message, ticket) in first {
        history.push_inbound(message, Place::Journal(*ticket));
    }
    history.set_place(seq, Place::Journal(ticket));
    for (message, ticket) in rest {
        history.push_inbound(message, Place::Journal(*ticket));
    }
    assert_eq!(
        journal.stats.locations.find(ticket),
        journal::LineAt::Pending,
        "forgotten"
    );
    // A payload that closes the cache's block: the published one leaves memory.
    let large = inbound(VIN, &format!("{{\"pad\":\"{}\"}}", "x".repeat(1 << 20)));
    history.push_inbound(&large, Place::Nowhere);
    assert!(history.cached(seq).is_none());
    let entry = history.by_seq(seq).unwrap();
    assert_eq!(
        entry.payload,
        &br#"{"published":true}"#[..],
        "{:?}",
        entry.unavailable
    );
}
