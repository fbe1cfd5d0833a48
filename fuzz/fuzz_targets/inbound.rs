//! Inbound classification (`InboundMessage::new`, `domain::classify`):
//! whatever a vehicle (or anything on the "to" topics) sends is classified
//! without panicking, and its journal line gives back the exact bytes and
//! the same record when the console reads the journal again.
#![no_main]

use chrono::{TimeZone, Utc};
use libfuzzer_sys::fuzz_target;
use wpconsole::domain::record::payload_bytes;
use wpconsole::domain::{InboundMessage, TopicScheme};
use wpconsole::store::Direction;
use wpconsole::store::journal::sidecar::parse_line;

/// The vehicle topic used when the input names none.
const TOPIC: &str = "psa/OVIPPartners-Dev/to/uid/U/opa/VF3ABCDEF12345678/";

// The input is `topic NUL payload` (a topic that is not UTF-8 is
// lossily read, as rumqttc would refuse it), or only a payload on a
// vehicle's topic; the seeds are real payloads.
fuzz_target!(|data: &[u8]| {
    let scheme = TopicScheme::new("psa/OVIPPartners-Dev", "U", true).expect("a valid scheme");
    let (topic, payload) = match data.iter().position(|&b| b == 0) {
        Some(at) => (
            String::from_utf8_lossy(&data[..at]).into_owned(),
            &data[at + 1..],
        ),
        None => (TOPIC.to_owned(), data),
    };
    let at =
        Utc.with_ymd_and_hms(2026, 11, 24, 14, 3, 5).unwrap() + chrono::Duration::milliseconds(42);
    let message = InboundMessage::new(
        &scheme,
        topic.clone(),
        bytes::Bytes::copy_from_slice(payload),
        at,
    );
    let classified = &message.classified;
    if classified.is_json {
        let text = std::str::from_utf8(payload).expect("JSON is UTF-8");
        serde_json::from_str::<serde_json::Value>(text).expect("classified as JSON, not JSON");
    }
    for line in [message.json_line(), message.journal_line()] {
        assert!(!line.contains('\n'), "a record spans lines: {line:?}");
        assert_eq!(
            payload_bytes(&line).expect("the record's payload cannot be read back"),
            payload,
            "the record's payload is not the bytes received"
        );
    }
    let record =
        parse_line(&message.journal_line()).expect("the journal line is not read back as a record");
    assert_eq!(record.at, at);
    assert_eq!(record.direction, Direction::Inbound);
    assert_eq!(record.topic, topic);
    assert_eq!(record.vin.as_ref().map(|v| v.as_str()), message.vin());
    assert_eq!(record.size, payload.len());
    assert_eq!(record.kind, classified.kind.name());
    assert_eq!(record.is_json, classified.is_json);
    assert_eq!(
        record.action, classified.action,
        "the action read back differs"
    );
});
