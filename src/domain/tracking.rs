//! Delivery tracking at the application level: the broker downgrades
//! everything to QoS 0, so the only proof that a vehicle's app got an
//! action is its reply. A correlation id is stamped into `content` (the
//! field `cid` by default) and a reply on the vehicle's "to" topic whose
//! `content.ref` (by default) carries the same id acknowledges it.

use serde_json::Value;

/// Where the id goes and where a reply carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracking {
    /// The field inside `content` the id is stamped into.
    pub stamp_field: String,
    /// The field inside a reply's `content` that echoes the id.
    pub reply_field: String,
}

impl Default for Tracking {
    fn default() -> Self {
        Self {
            stamp_field: "cid".into(),
            reply_field: "ref".into(),
        }
    }
}

/// A new correlation id: `wpc-` and 12 hex digits.
pub fn new_id() -> String {
    format!("wpc-{:012x}", fastrand::u64(..) & 0xffff_ffff_ffff)
}

impl Tracking {
    /// The envelope with `content.<stamp_field>` set to `id`. The envelope
    /// must be JSON with an object `content` (what is not is left to the
    /// validator to explain, so it is returned unchanged as an error).
    pub fn stamp(&self, envelope: &str, id: &str) -> Result<String, String> {
        let mut value: Value = serde_json::from_str(envelope)
            .map_err(|_| "the envelope is not JSON, so no id can be stamped in it".to_owned())?;
        let Some(content) = value.get_mut("content").and_then(Value::as_object_mut) else {
            return Err(format!(
                "tracking stamps content.{} and needs content to be an object",
                self.stamp_field
            ));
        };
        content.insert(self.stamp_field.clone(), Value::String(id.to_owned()));
        serde_json::to_string_pretty(&value).map_err(|err| err.to_string())
    }

    /// The id a reply acknowledges, if it carries one.
    pub fn acknowledged_id(&self, reply: &[u8]) -> Option<String> {
        let value: Value = serde_json::from_slice(reply).ok()?;
        match value.get("content")?.get(&self.reply_field)? {
            Value::String(id) => Some(id.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_stamped_into_content_and_a_reply_carrying_it_acknowledges() {
        let tracking = Tracking::default();
        let stamped = tracking
            .stamp(
                r#"{"idApp":"A","popup":false,"content":{"action":"unlock"}}"#,
                "wpc-1",
            )
            .unwrap();
        let value: Value = serde_json::from_str(&stamped).unwrap();
        assert_eq!(value["content"]["cid"], "wpc-1");
        assert_eq!(value["content"]["action"], "unlock", "nothing else changes");
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"type":"ack","ref":"wpc-1"}}"#),
            Some("wpc-1".into())
        );
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"ref":7}}"#),
            Some("7".into())
        );
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"cid":"wpc-1"}}"#),
            None
        );
        assert_eq!(tracking.acknowledged_id(b"not json"), None);
    }

    #[test]
    fn other_field_names_can_be_configured() {
        let tracking = Tracking {
            stamp_field: "requestId".into(),
            reply_field: "inReplyTo".into(),
        };
        let stamped = tracking.stamp(r#"{"content":{}}"#, "x").unwrap();
        assert!(stamped.contains("\"requestId\": \"x\""), "{stamped}");
        assert_eq!(
            tracking.acknowledged_id(br#"{"content":{"inReplyTo":"x"}}"#),
            Some("x".into())
        );
    }

    #[test]
    fn content_that_is_not_an_object_cannot_carry_an_id() {
        let err = Tracking::default()
            .stamp(r#"{"content":"text"}"#, "x")
            .unwrap_err();
        assert!(err.contains("content to be an object"), "{err}");
        assert_eq!(new_id().len(), 16);
        assert_ne!(new_id(), new_id());
    }
}
