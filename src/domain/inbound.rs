//! What vehicles send: every inbound payload is classified and kept, never
//! dropped, whatever it holds.

/// The three answers a vehicle app can forward after a popup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PopupAction {
    Ok,
    Cancel,
    Timeout,
    /// A `popupAction` with another value, kept as written.
    Other(String),
}

impl PopupAction {
    /// The answer a documented `popupAction` value stands for.
    pub fn from_wire(value: &str) -> Self {
        match value {
            "WebPortal.okBtnPopupRequestClicked" => Self::Ok,
            "WebPortal.cancelBtnPopupRequestClicked" => Self::Cancel,
            "WebPortal.closeTimeoutPopupRequest" => Self::Timeout,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The documented `popupAction` value.
    pub fn wire_value(&self) -> &str {
        match self {
            Self::Ok => "WebPortal.okBtnPopupRequestClicked",
            Self::Cancel => "WebPortal.cancelBtnPopupRequestClicked",
            Self::Timeout => "WebPortal.closeTimeoutPopupRequest",
            Self::Other(value) => value,
        }
    }

    /// How the console names the answer: `OK`, `Cancel`, `timeout`, or the
    /// value itself when it is not one of the documented three.
    pub fn label(&self) -> &str {
        match self {
            Self::Ok => "OK",
            Self::Cancel => "Cancel",
            Self::Timeout => "timeout",
            Self::Other(value) => value,
        }
    }
}

/// What an inbound payload is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundKind {
    /// JSON with `content` as an object (the usual case).
    ContentObject,
    /// JSON with `content` as a string.
    ContentString,
    /// JSON carrying a `popupAction`: the user's answer to a popup.
    PopupAnswer(PopupAction),
    /// JSON without `content` (or with `content` of another type).
    JsonWithoutContent,
    /// Valid UTF-8 that is not JSON.
    Text,
    /// Not UTF-8.
    Binary,
}

impl InboundKind {
    /// The kind in the one list of kinds (which the history's index keeps).
    pub fn kind(&self) -> super::Kind {
        use super::Kind;
        match self {
            Self::ContentObject => Kind::Content,
            Self::ContentString => Kind::ContentString,
            Self::PopupAnswer(PopupAction::Ok) => Kind::PopupOk,
            Self::PopupAnswer(PopupAction::Cancel) => Kind::PopupCancel,
            Self::PopupAnswer(PopupAction::Timeout) => Kind::PopupTimeout,
            Self::PopupAnswer(PopupAction::Other(_)) => Kind::PopupOther,
            Self::JsonWithoutContent => Kind::NoContent,
            Self::Text => Kind::Text,
            Self::Binary => Kind::Binary,
        }
    }

    /// A short stable name, used by `tail` and in the log.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }
}

/// A classified payload: its kind, whether it is JSON, and `content.action`
/// when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub kind: InboundKind,
    pub is_json: bool,
    pub action: Option<String>,
}

/// The top-level fields classification looks at; everything else is only
/// checked for validity, never built into values (this runs per message).
#[derive(serde::Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    content: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "popupAction", default)]
    popup_action: Option<serde_json::Value>,
}

#[derive(serde::Deserialize)]
struct ContentObject {
    #[serde(default)]
    action: Option<serde_json::Value>,
}

/// JSON nested deeper than this is treated as text: every JSON payload the
/// console keeps must stay readable by `serde_json` (limit 128) inside a
/// journal record. One limit for what comes in and what goes out: the
/// reader's.
pub const MAX_JSON_DEPTH: usize = super::json::MAX_DEPTH;

/// Whether arrays and objects in `text` nest deeper than `limit` (strings
/// are skipped; the text need not be valid JSON).
fn nests_deeper_than(text: &[u8], limit: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in text {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// Classifies an inbound payload. Never fails: bytes that are not JSON are
/// text or binary.
pub fn classify(payload: &[u8]) -> Classified {
    let Ok(text) = std::str::from_utf8(payload) else {
        return Classified {
            kind: InboundKind::Binary,
            is_json: false,
            action: None,
        };
    };
    if nests_deeper_than(payload, MAX_JSON_DEPTH) {
        return Classified {
            kind: InboundKind::Text,
            is_json: false,
            action: None,
        };
    }
    // Derived structs also accept arrays (fields by position): only an
    // object is read as an envelope.
    let object = text.trim_start().starts_with('{');
    let Some(envelope) = object
        .then(|| serde_json::from_str::<Envelope<'_>>(text).ok())
        .flatten()
    else {
        // Not an object with those fields: valid JSON of another shape, or text.
        let is_json = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
        return Classified {
            kind: if is_json {
                InboundKind::JsonWithoutContent
            } else {
                InboundKind::Text
            },
            is_json,
            action: None,
        };
    };
    let content = envelope.content.map(|raw| raw.get().trim_start());
    let action = content
        .filter(|c| c.starts_with('{'))
        .and_then(|c| serde_json::from_str::<ContentObject>(c).ok())
        .and_then(|c| match c.action {
            Some(serde_json::Value::String(action)) => Some(action),
            _ => None,
        });
    let kind = if let Some(answer) = envelope.popup_action {
        InboundKind::PopupAnswer(match answer {
            serde_json::Value::String(text) => PopupAction::from_wire(&text),
            other => PopupAction::Other(other.to_string()),
        })
    } else {
        match content.and_then(|c| c.chars().next()) {
            Some('{') => InboundKind::ContentObject,
            Some('"') => InboundKind::ContentString,
            _ => InboundKind::JsonWithoutContent,
        }
    };
    Classified {
        kind,
        is_json: true,
        action,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_inbound_message_is_content_with_action() {
        let c = classify(br#"{ "content": { "type": "action", "action": "doSomething", "params": { "arg1": 42 } } }"#);
        assert_eq!(c.kind, InboundKind::ContentObject);
        assert_eq!(c.action.as_deref(), Some("doSomething"));
    }

    #[test]
    fn each_kind_is_recognised() {
        for (payload, kind) in [
            (&br#"{"content":"hello"}"#[..], InboundKind::ContentString),
            (
                br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked","content":{}}"#,
                InboundKind::PopupAnswer(PopupAction::Ok),
            ),
            (
                br#"{"popupAction":"WebPortal.cancelBtnPopupRequestClicked"}"#,
                InboundKind::PopupAnswer(PopupAction::Cancel),
            ),
            (
                br#"{"popupAction":"WebPortal.closeTimeoutPopupRequest"}"#,
                InboundKind::PopupAnswer(PopupAction::Timeout),
            ),
            (
                br#"{"popupAction":"X"}"#,
                InboundKind::PopupAnswer(PopupAction::Other("X".into())),
            ),
            (br#"{"other":1}"#, InboundKind::JsonWithoutContent),
            (br#"{"content":[1]}"#, InboundKind::JsonWithoutContent),
            (br"[1,2]", InboundKind::JsonWithoutContent),
            (b"hello there", InboundKind::Text),
            (b"{not json", InboundKind::Text),
            (b"", InboundKind::Text),
            (&[0xff, 0x00, 0x80], InboundKind::Binary),
        ] {
            assert_eq!(
                classify(payload).kind,
                kind,
                "{}",
                String::from_utf8_lossy(payload)
            );
        }
    }

    #[test]
    fn popup_actions_keep_their_wire_value() {
        for action in [PopupAction::Ok, PopupAction::Cancel, PopupAction::Timeout] {
            let payload = format!(r#"{{"popupAction":"{}"}}"#, action.wire_value());
            assert_eq!(
                classify(payload.as_bytes()).kind,
                InboundKind::PopupAnswer(action)
            );
        }
    }

    #[test]
    fn json_nested_too_deep_is_text() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert_eq!(classify(deep.as_bytes()).kind, InboundKind::Text);
        let inside = format!("{{\"content\":{}}}", "[".repeat(200) + &"]".repeat(200));
        assert_eq!(classify(inside.as_bytes()).kind, InboundKind::Text);
        let fine = "[".repeat(50) + &"]".repeat(50);
        assert!(classify(fine.as_bytes()).is_json);
        assert!(classify(br#"{"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}"#).is_json, "brackets in strings do not count");
    }

    proptest! {
        #[test]
        fn any_bytes_are_classified(payload in prop::collection::vec(any::<u8>(), 0..200)) {
            let c = classify(&payload);
            let utf8 = std::str::from_utf8(&payload).is_ok();
            prop_assert_eq!(c.kind == InboundKind::Binary, !utf8);
        }
    }
}
