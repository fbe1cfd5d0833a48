//! Delivery tracking at the application level: the broker downgrades
//! everything to QoS 0, so the only proof that a vehicle's app got an
//! action is its reply. A correlation id is stamped into `content` (the
//! field `cid` by default) and a reply on the vehicle's "to" topic whose
//! `content.ref` (by default) carries the same id acknowledges it.
//!
//! A popup is answered differently: the WebPortal tells the app which
//! button the user pressed (or that it timed out) in a `popupAction` beside
//! the popup's own `content`, which the app forwards as it got it, so the
//! id comes back in the stamped field (`content.cid`), not the reply field.
//!
//! Here the stamp and the acknowledgement; what became of each tracked
//! message, and each vehicle's round trips, in `deliveries`.

mod deliveries;

pub use deliveries::{BUFFERED_BY_THE_VEHICLE, Deliveries, Delivery, VehicleDeliveries};

use super::PopupAction;
use super::json::Value as JsonValue;
use serde_json::Value;

/// An envelope with its tracking id in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamped {
    /// The envelope's bytes plus, when `added`, exactly one member.
    pub bytes: String,
    /// The id that is tracked.
    pub id: String,
    /// Whether the member was added (false: the content carried its own).
    pub added: bool,
}

/// The offset of the `}` that closes the object starting at `open` (the
/// text is JSON already read, so only strings need care).
fn closing_brace(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut at = open;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                at += 1;
                while at < bytes.len() && bytes[at] != b'"' {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

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
    /// The envelope with `content.<stamp_field>` set to `id`, by splicing
    /// one member into the text: every other byte stays as the user wrote
    /// it (no re-serialisation). A content that already carries the field
    /// keeps it, and that id is the one tracked. The envelope must be JSON
    /// with an object `content`.
    pub fn stamp(&self, envelope: &str, id: &str) -> Result<Stamped, String> {
        let root = super::json::parse(envelope)
            .map_err(|_| "the envelope is not JSON, so no id can be stamped in it".to_owned())?;
        let content = match &root.value {
            JsonValue::Object(members) => members.iter().rev().find(|m| m.key == "content"),
            _ => None,
        };
        let Some(JsonValue::Object(members)) = content.map(|m| &m.value.value) else {
            return Err(format!(
                "tracking stamps content.{} and needs content to be an object",
                self.stamp_field
            ));
        };
        if let Some(own) = members.iter().rev().find(|m| m.key == self.stamp_field) {
            let id = match &own.value.value {
                JsonValue::String(text) => text.as_ref().to_owned(),
                JsonValue::Number(number) => (*number).to_owned(),
                other => {
                    return Err(format!(
                        "content.{} is {}; a tracking id is a string",
                        self.stamp_field,
                        other.type_name()
                    ));
                }
            };
            return Ok(Stamped {
                bytes: envelope.to_owned(),
                id,
                added: false,
            });
        }
        let start = content.map_or(0, |m| m.value.offset);
        let close = closing_brace(envelope.as_bytes(), start);
        let member = format!(
            "{}{}:{}",
            if members.is_empty() { "" } else { "," },
            serde_json::Value::String(self.stamp_field.clone()),
            serde_json::Value::String(id.to_owned())
        );
        let mut bytes = String::with_capacity(envelope.len() + member.len());
        bytes.push_str(&envelope[..close]);
        bytes.push_str(&member);
        bytes.push_str(&envelope[close..]);
        Ok(Stamped {
            bytes,
            id: id.to_owned(),
            added: true,
        })
    }

    /// How many bytes [`Self::stamp`] adds to an envelope whose content has
    /// `content_keys` (`None`: content is not an object, nothing is
    /// added): the meter's figure on every keystroke, without reading the
    /// text a second time.
    pub fn stamp_len(&self, content_keys: Option<&[String]>, id: &str) -> usize {
        let Some(keys) = content_keys else {
            return 0;
        };
        if keys.contains(&self.stamp_field) {
            return 0;
        }
        let member = serde_json::Value::String(self.stamp_field.clone())
            .to_string()
            .len()
            + 1
            + serde_json::Value::String(id.to_owned()).to_string().len();
        member + usize::from(!keys.is_empty())
    }

    /// The id a published envelope is tracked by: the one in its
    /// `content.<stamp_field>` (what [`Self::stamp`] put there or the user
    /// wrote), if it carries one. `wpconsole watch` learns so of the
    /// tracked messages others publish.
    pub fn tracked_id(&self, envelope: &[u8]) -> Option<String> {
        // Most publishes are passed over unparsed.
        memchr::memmem::find(envelope, self.stamp_field.as_bytes())?;
        let text = std::str::from_utf8(envelope).ok()?;
        self.stamp(text, "")
            .ok()
            .filter(|stamped| !stamped.added)
            .map(|stamped| stamped.id)
    }

    /// What an inbound message acknowledges, if anything: a data reply
    /// carrying an id in `content.<reply_field>`, or a popup answer
    /// (`popupAction`) carrying it in `content.<stamp_field>` (or, from an
    /// app that answers like a data reply, in `content.<reply_field>`).
    pub fn acknowledgement(&self, inbound: &[u8]) -> Option<Acknowledgement> {
        // Called for every inbound message while anything waits for a
        // reply: most name neither, and are passed over unparsed.
        let answers_a_popup = memchr::memmem::find(inbound, b"popupAction").is_some();
        if !answers_a_popup {
            memchr::memmem::find(inbound, self.reply_field.as_bytes())?;
        }
        let value: Value = serde_json::from_slice(inbound).ok()?;
        let content = value.get("content")?;
        if let Some(answer) = value.get("popupAction") {
            let answer = match answer {
                Value::String(text) => PopupAction::from_wire(text),
                other => PopupAction::Other(other.to_string()),
            };
            let id = content
                .get(&self.stamp_field)
                .and_then(id_text)
                .or_else(|| content.get(&self.reply_field).and_then(id_text))?;
            return Some(Acknowledgement {
                id,
                answer: Some(answer),
            });
        }
        Some(Acknowledgement {
            id: id_text(content.get(&self.reply_field)?)?,
            answer: None,
        })
    }
}

/// An id as a reply may carry it: a string, or a number written as text.
fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What an inbound message says about a tracked message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    /// The id of the tracked message.
    pub id: String,
    /// For the answer to a popup: which one (OK, Cancel, timeout).
    pub answer: Option<PopupAction>,
}

impl Acknowledgement {
    /// A data reply's acknowledgement of `id`.
    pub fn reply(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            answer: None,
        }
    }

    /// A popup's answer carrying `id`.
    pub fn popup(id: impl Into<String>, answer: PopupAction) -> Self {
        Self {
            id: id.into(),
            answer: Some(answer),
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
        let value: Value = serde_json::from_str(&stamped.bytes).unwrap();
        assert_eq!(value["content"]["cid"], "wpc-1");
        assert_eq!(
            stamped.bytes,
            r#"{"idApp":"A","popup":false,"content":{"action":"unlock","cid":"wpc-1"}}"#
        );
        assert_eq!(value["content"]["action"], "unlock", "nothing else changes");
        assert_eq!(
            tracking.acknowledgement(br#"{"content":{"type":"ack","ref":"wpc-1"}}"#),
            Some(Acknowledgement::reply("wpc-1"))
        );
        assert_eq!(
            tracking.acknowledgement(br#"{"content":{"ref":7}}"#),
            Some(Acknowledgement::reply("7"))
        );
        assert_eq!(
            tracking.acknowledgement(br#"{"content":{"cid":"wpc-1"}}"#),
            None,
            "a data message echoing the stamp is not a reply"
        );
        assert_eq!(tracking.acknowledgement(b"not json"), None);
    }

    #[test]
    fn a_published_envelope_tells_the_id_it_is_tracked_by() {
        let tracking = Tracking::default();
        assert_eq!(
            tracking.tracked_id(
                br#"{"idApp":"A","popup":false,"content":{"action":"x","cid":"wpc-1"}}"#
            ),
            Some("wpc-1".into())
        );
        assert_eq!(
            tracking.tracked_id(br#"{"content":{"action":"cid"}}"#),
            None
        );
        assert_eq!(tracking.tracked_id(br#"{"content":"cid"}"#), None);
        assert_eq!(tracking.tracked_id(b"cid \xff"), None);
    }

    #[test]
    fn other_field_names_can_be_configured() {
        let tracking = Tracking {
            stamp_field: "requestId".into(),
            reply_field: "inReplyTo".into(),
        };
        let stamped = tracking.stamp(r#"{"content":{}}"#, "x").unwrap();
        assert_eq!(stamped.bytes, r#"{"content":{"requestId":"x"}}"#);
        assert_eq!(
            tracking.acknowledgement(br#"{"content":{"inReplyTo":"x"}}"#),
            Some(Acknowledgement::reply("x"))
        );
        assert_eq!(
            tracking.acknowledgement(
                br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked","content":{"requestId":"x"}}"#
            ),
            Some(Acknowledgement::popup("x", PopupAction::Ok)),
            "a popup answer carries the id in the stamped field"
        );
    }

    #[test]
    fn a_popup_answer_carrying_the_id_in_content_cid_acknowledges_with_the_answer() {
        let tracking = Tracking::default();
        for (wire, answer) in [
            ("WebPortal.okBtnPopupRequestClicked", PopupAction::Ok),
            (
                "WebPortal.cancelBtnPopupRequestClicked",
                PopupAction::Cancel,
            ),
            ("WebPortal.closeTimeoutPopupRequest", PopupAction::Timeout),
            ("somethingElse", PopupAction::Other("somethingElse".into())),
        ] {
            let inbound = format!(
                r#"{{"popupAction":"{wire}","content":{{"type":"action","cid":"wpc-9"}}}}"#
            );
            assert_eq!(
                tracking.acknowledgement(inbound.as_bytes()),
                Some(Acknowledgement::popup("wpc-9", answer)),
                "{inbound}"
            );
        }
        // An app that answers popups like data replies is understood too.
        assert_eq!(
            tracking.acknowledgement(
                br#"{"popupAction":"WebPortal.cancelBtnPopupRequestClicked","content":{"ref":"wpc-9"}}"#
            ),
            Some(Acknowledgement::popup("wpc-9", PopupAction::Cancel))
        );
        // An answer without an id acknowledges nothing.
        assert_eq!(
            tracking.acknowledgement(
                br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked","content":{}}"#
            ),
            None
        );
        assert_eq!(
            tracking.acknowledgement(br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked"}"#),
            None
        );
    }

    #[test]
    fn an_id_the_user_wrote_is_the_one_tracked_never_replaced() {
        let tracking = Tracking::default();
        let text = r#"{"idApp":"A","popup":false,"content":{"type":"action","action":"ping","cid":"mine"}}"#;
        let stamped = tracking.stamp(text, "wpc-1").unwrap();
        assert_eq!(stamped.bytes, text);
        assert_eq!(stamped.id, "mine");
        assert!(!stamped.added);
        assert_eq!(
            tracking.stamp(r#"{"content":{"cid":7}}"#, "x").unwrap().id,
            "7"
        );
        let err = tracking
            .stamp(r#"{"content":{"cid":null}}"#, "x")
            .unwrap_err();
        assert!(err.contains("content.cid is null"), "{err}");
    }

    #[test]
    fn the_stamp_length_is_told_without_reading_the_text() {
        let tracking = Tracking::default();
        for text in [
            r#"{"content":{}}"#,
            r#"{"content":{"a":1,"b":[2]}}"#,
            r#"{"content":{"cid":"mine"}}"#,
            r#"{"content":"text"}"#,
        ] {
            let validation = crate::domain::envelope::validate(text);
            let added = tracking
                .stamp(text, "wpc-000000000000")
                .map_or(0, |stamped| stamped.bytes.len() - text.len());
            assert_eq!(
                tracking.stamp_len(validation.content_keys.as_deref(), "wpc-000000000000"),
                added,
                "{text}"
            );
        }
    }

    #[test]
    fn the_stamp_splices_one_member_and_touches_nothing_else() {
        let tracking = Tracking::default();
        let text = "{\"content\": {\"s\": \"\\u00e9 \\/ }{\", \"n\": 1.50e1 } , \"idApp\":\"A\"}";
        let stamped = tracking.stamp(text, "id").unwrap();
        assert_eq!(
            stamped.bytes,
            "{\"content\": {\"s\": \"\\u00e9 \\/ }{\", \"n\": 1.50e1 ,\"cid\":\"id\"} , \"idApp\":\"A\"}"
        );
        assert_eq!(
            tracking.stamp(r#"{"content":{ }}"#, "id").unwrap().bytes,
            r#"{"content":{ "cid":"id"}}"#
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
