// Every outbound validation rule with an envelope that breaks it and the
// words of the refusal. Shared by the CLI tests and the console's tests
// (which include this file), so both front ends are held to every rule.

/// (rule, envelope, what the refusal says); one rule a line, as a table.
#[rustfmt::skip]
pub const BROKEN_ENVELOPES: &[(&str, &str, &str)] = &[
    ("not JSON", r#"{"idApp": "A", "popup": false,"#, "not JSON"),
    ("not an object", r#"["idApp", "A"]"#, "must be a JSON object"),
    ("idApp missing", r#"{"popup": false, "content": {}}"#, "idApp is missing"),
    ("idApp empty", r#"{"idApp": "", "popup": false, "content": {}}"#, "idApp is empty"),
    ("idApp not a string", r#"{"idApp": 7, "popup": false, "content": {}}"#, "idApp must be a string"),
    ("popup missing", r#"{"idApp": "A", "content": {}}"#, "popup is missing"),
    ("popup not a boolean", r#"{"idApp": "A", "popup": "no", "content": {}}"#, "popup must be a boolean"),
    ("content missing", r#"{"idApp": "A", "popup": false}"#, "content is missing"),
    ("content not an object", r#"{"idApp": "A", "popup": false, "content": "x"}"#, "content must be an object"),
    ("popup without popupText", r#"{"idApp": "A", "popup": true, "content": {}}"#, "popupText is missing"),
    ("popupText not a string", r#"{"idApp": "A", "popup": true, "popupText": 1, "content": {}}"#, "popupText must be a string"),
    ("popupBtn not a boolean", r#"{"idApp": "A", "popup": true, "popupText": "t", "popupBtn": "yes", "content": {}}"#, "popupBtn must be a boolean"),
    ("duplicate keys", r#"{"idApp": "A", "popup": false, "content": {"a": 1, "a": 2}}"#, "duplicate key"),
];
