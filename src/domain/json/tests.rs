//! The reader's and the minifier's tests, the properties against
//! `serde_json` and a byte-by-byte reference included.

use super::*;
use proptest::prelude::*;

#[test]
fn positions_are_remembered() {
    let text = "{\n  \"a\": [1, \"x\"]\n}";
    let node = parse(text).unwrap();
    let Value::Object(members) = node.value else {
        panic!()
    };
    assert_eq!(members[0].key, "a");
    assert_eq!(Location::of(text, members[0].key_offset).to_string(), "2:3");
    assert_eq!(
        Location::of(text, members[0].value.offset).to_string(),
        "2:8"
    );
}

#[test]
fn the_locator_agrees_with_location_of_everywhere() {
    let text = "{\n  \"é\": [1,\n\n \"x\"]\r\n}\n";
    let locator = Locator::new(text);
    for offset in 0..=text.len() + 2 {
        assert_eq!(
            locator.locate(offset),
            Location::of(text, offset),
            "{offset}"
        );
    }
    assert_eq!(Locator::new("").locate(0), Location::of("", 0));
}

#[test]
fn duplicate_keys_are_all_kept() {
    let Value::Object(members) = parse(r#"{"a":1,"a":2}"#).unwrap().value else {
        panic!()
    };
    assert_eq!(members.len(), 2);
}

#[test]
fn numbers_keep_their_spelling() {
    assert_eq!(parse("1.50E+3").unwrap().value, Value::Number("1.50E+3"));
}

#[test]
fn syntax_errors_name_the_problem_and_place() {
    for (text, needle, at) in [
        ("{\"a\": 1,}", "expected a key", "1:9"),
        ("{'a': 1}", "expected a key", "1:2"),
        ("[1 2]", "expected ',' or ']'", "1:4"),
        ("{\"a\": tru}", "expected a value", "1:7"),
        ("\"abc", "never closed", "1:1"),
        ("01", "leading zeros", "1:2"),
        ("{}\n x", "after the end", "2:2"),
        ("\"a\u{1}\"", "control character", "1:3"),
        ("\"\\x\"", "unknown escape", "1:3"),
        ("\"\\ud800\"", "low surrogate", "1:8"),
        ("", "found the end", "1:1"),
    ] {
        let err = parse(text).unwrap_err();
        assert!(err.message.contains(needle), "{text:?}: {}", err.message);
        assert_eq!(
            Location::of(text, err.offset).to_string(),
            at,
            "{text:?}: {}",
            err.message
        );
    }
}

#[test]
fn nesting_is_limited_instead_of_overflowing_the_stack() {
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    assert!(
        parse(&deep)
            .unwrap_err()
            .message
            .contains(&format!("deeper than {MAX_DEPTH}"))
    );
    let fine = "[".repeat(100) + &"]".repeat(100);
    assert!(parse(&fine).is_ok());
}

#[test]
fn escapes_are_decoded_for_comparison() {
    assert_eq!(
        parse(r#""a\n\u00e9\ud83d\ude00""#).unwrap().value,
        Value::String("a\né😀".into())
    );
}

#[test]
fn only_strings_with_escapes_own_their_text() {
    let Value::Object(members) = parse(r#"{"plain": "text", "esc\\aped": "a\nb"}"#)
        .unwrap()
        .value
    else {
        panic!()
    };
    assert!(matches!(members[0].key, Cow::Borrowed("plain")));
    assert!(matches!(
        members[0].value.value,
        Value::String(Cow::Borrowed("text"))
    ));
    assert!(matches!(&members[1].key, Cow::Owned(key) if key == "esc\\aped"));
    assert!(matches!(&members[1].value.value, Value::String(Cow::Owned(text)) if text == "a\nb"));
}

#[test]
fn minify_keeps_strings_escapes_and_numbers() {
    let text = "{ \"a b\" : \"x \\\" y\\n\" ,\n\t\"n\": 1.0e+2 , \"u\":\"\\u00e9 é\" }";
    assert_eq!(
        minify(text),
        r#"{"a b":"x \" y\n","n":1.0e+2,"u":"\u00e9 é"}"#
    );
}

#[test]
fn agrees_with_serde_json_on_valid_documents() {
    for text in [
        r#"{"a":[1,2,{"b":null}],"c":"d"}"#,
        "[]",
        "-0.5e-3",
        "\"\\/\"",
    ] {
        assert!(parse(text).is_ok(), "{text}");
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_ok(),
            "{text}"
        );
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| serde_json::json!(f)),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
        "[ \\t\\n\"\\\\{}:,]{0,6}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The byte-at-a-time minifier the fast one replaced: the reference.
fn minify_byte_by_byte(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for &b in text.as_bytes() {
        if in_string {
            out.push(b);
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            if b == b'"' {
                in_string = true;
            }
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap()
}

proptest! {
    #[test]
    fn minify_agrees_with_the_byte_by_byte_reference(text in "[ \\t\\n\\r\"\\\\a{}:,é0-9\\[\\]]{0,60}") {
        prop_assert_eq!(minify(&text), minify_byte_by_byte(&text));
    }

    #[test]
    fn minify_agrees_with_the_reference_on_any_text(text in "\\PC{0,80}") {
        prop_assert_eq!(minify(&text), minify_byte_by_byte(&text));
    }
}

proptest! {
    #[test]
    fn minify_then_parse_gives_the_same_value(value in arb_json()) {
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let minified = minify(&pretty);
        prop_assert!(parse(&minified).is_ok());
        // Compared through one parser so float reading quirks cancel out.
        let before: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        let after: serde_json::Value = serde_json::from_str(&minified).unwrap();
        prop_assert_eq!(after, before);
        prop_assert!(minified.len() <= pretty.len());
    }

    #[test]
    fn parse_and_minify_gives_the_same_tree_and_bytes(value in arb_json(), indent in 0_usize..3) {
        let text = match indent {
            0 => serde_json::to_string(&value).unwrap(),
            1 => serde_json::to_string_pretty(&value).unwrap(),
            _ => serde_json::to_string_pretty(&value).unwrap().replace('\n', "\r\n\t "),
        };
        let (node, minified) = parse_and_minify(&text).unwrap();
        prop_assert_eq!(node, parse(&text).unwrap());
        prop_assert_eq!(minified, minify(&text));
    }

    #[test]
    fn minify_is_idempotent(text in "\\PC{0,80}") {
        let once = minify(&text);
        prop_assert_eq!(minify(&once), once);
    }

    #[test]
    fn minify_never_touches_a_string(inside in "([^\"\\\\]|\\\\[\"\\\\nt/])*", pad in "[ \\t\\n\\r]{0,4}") {
        let text = format!("{pad}[{pad}\"{inside}\"{pad},{pad}1{pad}]{pad}");
        prop_assert_eq!(minify(&text), format!("[\"{inside}\",1]"));
    }

    #[test]
    fn parser_never_panics(text in "\\PC{0,60}") {
        let _ = parse(&text);
    }
}
