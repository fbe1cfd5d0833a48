//! Property tests with many cases (the fuzzing that runs in CI): the
//! inbound classifier, the envelope validator, the minifier, the display
//! sanitiser and the record format never panic and keep their promises on
//! arbitrary input.

use proptest::prelude::*;
use wpconsole::domain::record::{Record, json_line, payload_bytes};
use wpconsole::domain::{TopicScheme, classify, display, envelope, json};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 3_000,
        ..ProptestConfig::default()
    }
}

/// Text that looks like JSON often enough to reach deep into the parsers.
fn jsonish() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("{".to_owned()),
            Just("}".to_owned()),
            Just("[".to_owned()),
            Just("]".to_owned()),
            Just(",".to_owned()),
            Just(":".to_owned()),
            Just("\"content\"".to_owned()),
            Just("\"idApp\"".to_owned()),
            Just("\"popup\"".to_owned()),
            Just("\"popupAction\"".to_owned()),
            Just("true".to_owned()),
            Just("null".to_owned()),
            Just("-1.5e300".to_owned()),
            Just("\"\\u001b[2J\"".to_owned()),
            Just(" \n\t".to_owned()),
            "\\PC{0,4}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "\\PC{0,10}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn classify_takes_any_bytes(payload in prop::collection::vec(any::<u8>(), 0..300)) {
        let classified = classify(&payload);
        if classified.is_json {
            prop_assert!(serde_json::from_slice::<serde::de::IgnoredAny>(&payload).is_ok());
        }
    }

    #[test]
    fn classify_takes_anything_jsonish(text in jsonish()) {
        let classified = classify(text.as_bytes());
        prop_assert_eq!(classified.is_json, serde_json::from_str::<serde_json::Value>(&text).is_ok());
    }

    #[test]
    fn validation_takes_anything_and_places_problems_inside_the_text(text in jsonish()) {
        let validation = envelope::validate(&text);
        for problem in &validation.problems {
            prop_assert!(problem.location.offset <= text.len());
            prop_assert!(problem.location.line >= 1 && problem.location.column >= 1);
        }
        if validation.is_valid() {
            prop_assert!(validation.payload.is_some());
        }
    }

    #[test]
    fn minify_never_changes_a_value(value in arb_json()) {
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let minified = json::minify(&pretty);
        let before: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        let after: serde_json::Value = serde_json::from_str(&minified).unwrap();
        prop_assert_eq!(after, before);
        prop_assert_eq!(json::minify(&minified), minified.clone());
        prop_assert!(json::parse(&minified).is_ok());
    }

    #[test]
    fn the_sanitiser_lets_nothing_unsafe_through(text in "\\PC{0,40}|[\\x00-\\x1f\\x7f-\\u{9f}\\u{200b}-\\u{200f}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a ]{0,40}") {
        let shown = display::one_line(&text);
        prop_assert!(!shown.chars().any(display::is_unsafe), "{:?}", shown);
        prop_assert!(!shown.contains('\n'));
    }

    #[test]
    fn every_payload_survives_the_record_format(payload in prop::collection::vec(any::<u8>(), 0..300), text in jsonish()) {
        for bytes in [payload.as_slice(), text.as_bytes()] {
            let classified = classify(bytes);
            let line = json_line(&Record {
                at: chrono::Utc::now(),
                vin: None,
                topic: "t",
                payload: bytes,
                kind: classified.kind.name(),
                is_json: classified.is_json,
                dir: Some("in"),
            });
            prop_assert!(!line.contains('\n'));
            prop_assert_eq!(payload_bytes(&line).unwrap(), bytes.to_vec());
        }
    }

    #[test]
    fn any_topic_is_understood_or_kept(topic in "\\PC{0,80}") {
        let scheme = TopicScheme::new("psa/OVIPPartners-Dev", "U", true).unwrap();
        let _ = scheme.parse_inbound(&topic);
    }
}

/// JSON text for `value` written the way a person might: blanks or none,
/// and each string character either as itself or as a `\u` escape.
fn written(value: &serde_json::Value, pretty: bool, escape_every: usize, out: &mut String) {
    use std::fmt::Write as _;
    let gap = if pretty { " \n  " } else { "" };
    match value {
        serde_json::Value::String(text) => {
            out.push('"');
            for (index, c) in text.chars().enumerate() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    c if (c as u32) < 0x20 || (escape_every > 0 && index % escape_every == 0) => {
                        let mut units = [0u16; 2];
                        for unit in c.encode_utf16(&mut units) {
                            let _ = write!(out, "\\u{unit:04x}");
                        }
                    }
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(gap);
                written(item, pretty, escape_every, out);
            }
            out.push_str(gap);
            out.push(']');
        }
        serde_json::Value::Object(members) => {
            out.push('{');
            for (index, (key, item)) in members.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(gap);
                written(
                    &serde_json::Value::String(key.clone()),
                    pretty,
                    escape_every,
                    out,
                );
                out.push_str(if pretty { " : " } else { ":" });
                written(item, pretty, escape_every, out);
            }
            out.push_str(gap);
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

proptest! {
    #![proptest_config(config())]

    /// The tracking stamp adds exactly one member and leaves every other
    /// byte as the user wrote it.
    #[test]
    fn the_stamp_adds_one_member_and_changes_no_other_byte(
        content in prop::collection::btree_map("\\PC{0,6}", arb_json(), 0..5),
        before in arb_json(),
        pretty in any::<bool>(),
        escape_every in 0usize..4,
    ) {
        use wpconsole::domain::tracking::Tracking;
        let content: serde_json::Map<String, serde_json::Value> = content
            .into_iter()
            .filter(|(key, _)| key != "cid")
            .collect();
        let mut text = String::from("{\"before\":");
        written(&before, pretty, escape_every, &mut text);
        text.push_str(",\"content\":");
        written(&serde_json::Value::Object(content.clone()), pretty, escape_every, &mut text);
        text.push_str(",\"idApp\":\"A\"}");

        let stamped = Tracking::default().stamp(&text, "wpc-0123456789ab").unwrap();
        prop_assert!(stamped.added);
        prop_assert_eq!(stamped.id.as_str(), "wpc-0123456789ab");
        let member = if content.is_empty() { "\"cid\":\"wpc-0123456789ab\"" } else { ",\"cid\":\"wpc-0123456789ab\"" };
        let at = stamped.bytes.rfind(member).unwrap();
        let mut without = stamped.bytes.clone();
        without.replace_range(at..at + member.len(), "");
        prop_assert_eq!(&without, &text);
        let value: serde_json::Value = serde_json::from_str(&stamped.bytes).unwrap();
        prop_assert_eq!(&value["content"]["cid"], "wpc-0123456789ab");
        prop_assert_eq!(&value["before"], &before);
    }
}
