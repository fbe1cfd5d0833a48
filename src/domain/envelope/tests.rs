//! The envelope's tests: the documented messages, every problem at once
//! with its place, the size limit to the byte, composing.

use super::size::group_signed;
use super::*;

const TOPIC: &str = "psa/OVIPPartners-Dev/from/uid/U/opa/0123456789ABCDEFG/";

fn errors_of(text: &str) -> Vec<(String, String, String)> {
    validate(text)
        .errors()
        .map(|p| (p.path.clone(), p.location.to_string(), p.message.clone()))
        .collect()
}

#[test]
fn documented_data_message_is_valid() {
    let v = validate(
        r#"{ "idApp": "MY_APP_ID", "popup": false, "content": { "type": "action", "action": "doSomething", "params": { "arg1": 42 } } }"#,
    );
    assert!(v.is_valid(), "{:?}", v.problems);
    assert_eq!(v.kind, Some(MessageKind::Data));
    assert!(v.problems.is_empty());
}

#[test]
fn documented_popup_message_is_valid() {
    let v = validate(
        r#"{"idApp":"A","popup":true,"popupBtn":true,"popupText":"Hello\nworld","content":{}}"#,
    );
    assert!(v.is_valid(), "{:?}", v.problems);
    assert_eq!(v.kind, Some(MessageKind::Popup));
}

#[test]
fn syntax_error_has_line_and_column() {
    let errors = errors_of("{\n  \"idApp\": \"A\",\n  \"popup\": fals\n}");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].1, "3:12");
    assert!(errors[0].2.starts_with("not JSON"));
}

#[test]
fn not_an_object_is_refused() {
    let errors = errors_of("[1]");
    assert_eq!(errors[0].0, "$");
    assert!(errors[0].2.contains("found an array"));
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = errors_of(r#"{"idApp": 7, "popup": "no", "content": "text"}"#);
    let paths: Vec<_> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(paths, ["$.idApp", "$.popup", "$.content"]);
    assert!(errors[0].2.contains("must be a string, found a number"));
    assert_eq!(errors[1].1, "1:23");
}

#[test]
fn missing_and_empty_fields_are_refused() {
    let paths: Vec<_> = errors_of("{}").into_iter().map(|e| e.0).collect();
    assert_eq!(paths, ["$.idApp", "$.popup", "$.content"]);
    let errors = errors_of(r#"{"idApp":" ","popup":false,"content":{}}"#);
    assert!(errors[0].2.contains("idApp is empty"));
}

#[test]
fn popup_needs_text_and_a_boolean_button() {
    let errors = errors_of(r#"{"idApp":"A","popup":true,"popupBtn":"yes","content":{}}"#);
    let paths: Vec<_> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(paths, ["$.popupText", "$.popupBtn"]);
    let errors = errors_of(r#"{"idApp":"A","popup":true,"popupText":3,"content":{}}"#);
    assert_eq!(errors[0].0, "$.popupText");
}

#[test]
fn duplicate_keys_are_errors_anywhere() {
    let errors =
        errors_of(r#"{"idApp":"A","popup":false,"content":{"p":{"x":1,"x":2}},"popup":false}"#);
    let paths: Vec<_> = errors.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(paths, ["$.content.p.x", "$.popup"]);
    assert!(errors[0].2.contains("first at 1:44"));
}

#[test]
fn unknown_top_level_keys_are_warnings_only() {
    let v = validate(r#"{"idApp":"A","popup":false,"content":{},"extra key":1}"#);
    assert!(v.is_valid());
    let warnings: Vec<_> = v.warnings().collect();
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].path, "$[\"extra key\"]");
}

#[test]
fn payload_is_the_text_with_whitespace_removed_only() {
    let text = "{ \"popup\" : false, \"idApp\": \"A\",\n \"content\": {\"n\": 1.50, \"s\": \"a  b\\u0041\"} }";
    let v = validate(text);
    assert_eq!(
        v.payload.unwrap(),
        r#"{"popup":false,"idApp":"A","content":{"n":1.50,"s":"a  b\u0041"}}"#
    );
}

#[test]
fn packet_length_counts_header_topic_and_payload() {
    assert_eq!(publish_packet_len(3, 0), 1 + 1 + 2 + 3);
    assert_eq!(publish_packet_len(10, 200), 1 + 2 + 2 + 10 + 200);
    assert_eq!(publish_packet_len(54, 131_072), 1 + 3 + 2 + 54 + 131_072);
}

fn envelope_of_size(size: usize) -> String {
    let head = r#"{"idApp":"A","popup":false,"content":{"pad":""#;
    let tail = r#""}}"#;
    format!("{head}{}{tail}", "x".repeat(size - head.len() - tail.len()))
}

#[test]
fn exactly_the_limit_passes() {
    let checked = check(&envelope_of_size(131_072), TOPIC, DEFAULT_SIZE_LIMIT).unwrap();
    assert_eq!(checked.size.payload, 131_072);
    assert_eq!(checked.size.headroom(), 0);
}

#[test]
fn oversized_payload_is_refused_before_publish() {
    let err = check(&envelope_of_size(131_073), TOPIC, DEFAULT_SIZE_LIMIT).unwrap_err();
    assert!(matches!(
        err,
        Refusal::TooLarge(SizeReport {
            payload: 131_073,
            ..
        })
    ));
    assert_eq!(
        err.to_string(),
        "the payload is 131,073 bytes; the broker accepts 131,072: shorten it by 1 bytes; nothing was published"
    );
}

#[test]
fn whitespace_does_not_count_towards_the_limit() {
    let pretty = envelope_of_size(131_072).replace(',', " ,\n   ");
    assert!(pretty.len() > 131_072);
    assert!(check(&pretty, TOPIC, DEFAULT_SIZE_LIMIT).is_ok());
}

#[test]
fn composed_envelopes_are_valid_and_keep_the_content() {
    let data = compose("APP \"1\"", "{ \"action\": \"go\", \"n\": 1.0 }", None);
    assert_eq!(
        data,
        r#"{"idApp":"APP \"1\"","popup":false,"content":{"action":"go","n":1.0}}"#
    );
    assert!(validate(&data).is_valid());
    let popup = compose(
        "A",
        "{}",
        Some(&PopupRequest {
            text: "Line\nTwo".into(),
            button: true,
        }),
    );
    let v = validate(&popup);
    assert!(v.is_valid());
    assert_eq!(v.kind, Some(MessageKind::Popup));
}

#[test]
fn sizes_are_written_with_thousands_separators() {
    assert_eq!(group(131_072), "131,072");
    assert_eq!(group(999), "999");
    assert_eq!(group_signed(-1_000), "-1,000");
}
