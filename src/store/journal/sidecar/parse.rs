//! A journal or capture line as the fields its index entry holds; the
//! payload is looked at only for its action and stays in the file.

use crate::domain::{InboundMessage, InboundTopic};
use crate::store::{Direction, StoredRecord};
use chrono::Utc;
use std::borrow::Cow;

/// One journal or capture line as a stored record, if it is one.
pub fn parse_line(line: &str) -> Option<StoredRecord> {
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        received_at: &'a str,
        #[serde(default, borrow)]
        vin: Option<Cow<'a, str>>,
        #[serde(borrow)]
        topic: Cow<'a, str>,
        kind: Cow<'a, str>,
        #[serde(default)]
        dir: Option<&'a str>,
        #[serde(default)]
        bytes: Option<usize>,
        #[serde(default)]
        reason: Option<String>,
        #[serde(borrow)]
        payload: &'a serde_json::value::RawValue,
    }
    let fields: Fields<'_> = serde_json::from_str(line).ok()?;
    let at = chrono::DateTime::parse_from_rfc3339(fields.received_at)
        .ok()?
        .with_timezone(&Utc);
    let raw = fields.payload.get();
    let is_json = is_json_kind(&fields.kind);
    let action = if is_json {
        crate::domain::classify(raw.as_bytes()).action
    } else {
        None
    };
    Some(StoredRecord {
        at,
        direction: match fields.dir {
            Some("out") => Direction::Outbound,
            Some("refused") => Direction::Refused,
            _ => Direction::Inbound,
        },
        vin: fields.vin.and_then(|v| crate::domain::Vin::parse(&v).ok()),
        topic: fields.topic.into_owned(),
        size: fields.bytes.unwrap_or(raw.len()),
        kind: fields.kind.into_owned(),
        action,
        is_json,
        reason: fields.reason,
    })
}

/// The fields of a message the intake decoded, as its journal line says
/// them: the writer indexes it without reading the line again. The time
/// is the line's, to the millisecond, so an index written so and one built
/// from the lines agree.
pub fn fields_of(message: &InboundMessage) -> StoredRecord {
    let millis = message.received_at.timestamp_millis();
    StoredRecord {
        at: chrono::DateTime::from_timestamp_millis(millis).unwrap_or(message.received_at),
        direction: Direction::Inbound,
        vin: match &message.source {
            InboundTopic::Vehicle { vin, .. } => Some(vin.clone()),
            InboundTopic::Unrecognised(_) => None,
        },
        topic: message.topic.clone(),
        kind: message.classified.kind.name().to_owned(),
        action: message.classified.action.clone(),
        size: message.payload.len(),
        // As the line says it: its kind tells whether the payload is JSON.
        is_json: is_json_kind(message.classified.kind.name()),
        reason: None,
    }
}

/// Whether a record of `kind` holds a JSON payload (a line keeps no other
/// sign of it).
fn is_json_kind(kind: &str) -> bool {
    !matches!(kind, "text" | "binary")
}
