//! A journal or capture line as the fields its index entry holds; the
//! payload is looked at only for its action and stays in the file.

use crate::domain::{InboundMessage, InboundTopic};
use crate::store::{Direction, StoredRecord};
use chrono::Utc;
use serde::Deserialize as _;
use std::borrow::Cow;

/// One journal or capture line as a stored record, if it is one.
///
/// The line is read in one pass: the payload is walked only as far as its
/// `content.action` and otherwise skipped, never built. A line without
/// `bytes` (not one of ours) is read again for its payload's length.
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
        payload: PayloadAction,
    }
    let fields: Fields<'_> = serde_json::from_str(line).ok()?;
    let at = chrono::DateTime::parse_from_rfc3339(fields.received_at)
        .ok()?
        .with_timezone(&Utc);
    let size = match fields.bytes {
        Some(size) => size,
        None => payload_len(line)?,
    };
    let is_json = is_json_kind(&fields.kind);
    Some(StoredRecord {
        at,
        direction: match fields.dir {
            Some("out") => Direction::Outbound,
            Some("refused") => Direction::Refused,
            _ => Direction::Inbound,
        },
        vin: fields.vin.and_then(|v| crate::domain::Vin::parse(&v).ok()),
        topic: fields.topic.into_owned(),
        size,
        kind: fields.kind.into_owned(),
        action: if is_json { fields.payload.0 } else { None },
        is_json,
        reason: fields.reason,
    })
}

/// The length of a line's payload as written (a line without `bytes`).
fn payload_len(line: &str) -> Option<usize> {
    #[derive(serde::Deserialize)]
    struct Payload<'a> {
        #[serde(borrow)]
        payload: &'a serde_json::value::RawValue,
    }
    serde_json::from_str::<Payload<'_>>(line)
        .ok()
        .map(|p| p.payload.get().len())
}

/// A payload's `content.action` when it is a string, as
/// [`crate::domain::classify`] reads it, found without building the
/// payload: every other value is skipped.
struct PayloadAction(Option<String>);

impl<'de> serde::Deserialize<'de> for PayloadAction {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(Walk(Level::Envelope))
            .map(PayloadAction)
    }
}

/// Where the walk is: the envelope (looking for `content`) or its content
/// (looking for `action`).
#[derive(Clone, Copy)]
enum Level {
    Envelope,
    Content,
}

/// Walks a JSON value for the action, skipping all else.
struct Walk(Level);

/// A key of the object walked: the one looked for, or another.
struct Key(bool);

struct KeySeed(&'static str);

impl<'de> serde::de::DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for KeySeed {
    type Value = Key;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<Key, E> {
        Ok(Key(key == self.0))
    }
}

/// The action's own value: a string is the action, anything else is not.
struct ActionValue;

impl<'de> serde::de::DeserializeSeed<'de> for ActionValue {
    type Value = Option<String>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(action) => Some(action),
            _ => None,
        })
    }
}

impl<'de> serde::de::Visitor<'de> for Walk {
    type Value = Option<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let wanted = match self.0 {
            Level::Envelope => "content",
            Level::Content => "action",
        };
        let mut found = None;
        while let Some(Key(is_wanted)) = map.next_key_seed(KeySeed(wanted))? {
            if !is_wanted {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            found = match self.0 {
                Level::Envelope => map.next_value_seed(WalkSeed(Level::Content))?,
                Level::Content => map.next_value_seed(ActionValue)?,
            };
        }
        Ok(found)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

struct WalkSeed(Level);

impl<'de> serde::de::DeserializeSeed<'de> for WalkSeed {
    type Value = Option<String>;
    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Option<String>, D::Error> {
        deserializer.deserialize_any(Walk(self.0))
    }
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
