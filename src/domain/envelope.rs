//! The outbound WebPortal envelope: what a server may publish on a "from"
//! topic, how it is validated, and how its size is measured.
//!
//! A data message is `{idApp, popup:false, content}`; a notification adds
//! `popup:true`, `popupText` and optionally `popupBtn`.

use super::json::{self, Location, Locator, Member, Node, Value};
use std::collections::HashMap;
use std::fmt;

/// The broker's maximum message size (128 KiB).
pub const DEFAULT_SIZE_LIMIT: usize = 131_072;

/// The top-level keys the WebPortal reads.
pub const KNOWN_KEYS: [&str; 5] = ["idApp", "popup", "popupBtn", "popupText", "content"];

/// How bad a problem is: errors block publishing, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with an envelope, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// JSON path, e.g. `$.content.params`.
    pub path: String,
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{label} at {} ({}): {}",
            self.location, self.path, self.message
        )
    }
}

/// Whether an envelope asks for a popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Data,
    Popup,
}

impl MessageKind {
    /// The kind's name in the log and the journal.
    pub fn name(self) -> &'static str {
        match self {
            Self::Data => "data",
            Self::Popup => "popup",
        }
    }
}

/// Sizes of what would be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SizeReport {
    /// Bytes of the minified payload: exactly what is published.
    pub payload: usize,
    /// Bytes of the whole MQTT PUBLISH packet (QoS 0) carrying it.
    pub packet: usize,
    pub limit: usize,
}

impl SizeReport {
    /// Measures `payload` published on `topic`.
    pub fn measure(payload: &[u8], topic: &str, limit: usize) -> Self {
        Self::of_length(payload.len(), topic, limit)
    }

    /// The size of a payload of `payload` bytes on `topic`.
    pub fn of_length(payload: usize, topic: &str, limit: usize) -> Self {
        Self {
            payload,
            packet: publish_packet_len(topic.len(), payload),
            limit,
        }
    }

    /// Bytes left under the limit; negative when over.
    pub fn headroom(&self) -> i64 {
        i64::try_from(self.limit).unwrap_or(i64::MAX)
            - i64::try_from(self.payload).unwrap_or(i64::MAX)
    }

    pub fn fits(&self) -> bool {
        self.payload <= self.limit
    }
}

impl fmt::Display for SizeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "payload {} bytes of {} ({} headroom), MQTT packet {} bytes",
            group(self.payload),
            group(self.limit),
            group_signed(self.headroom()),
            group(self.packet)
        )
    }
}

/// Length of an MQTT 3.1.1 PUBLISH packet at QoS 0: fixed header (1 byte +
/// variable-length "remaining length"), topic (2-byte length + bytes),
/// payload. No packet identifier at QoS 0.
pub fn publish_packet_len(topic_len: usize, payload_len: usize) -> usize {
    let remaining = 2 + topic_len + payload_len;
    let length_bytes = match remaining {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    };
    1 + length_bytes + remaining
}

/// Writes 131072 as `131,072`.
pub fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn group_signed(n: i64) -> String {
    let magnitude = group(usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX));
    if n < 0 {
        format!("-{magnitude}")
    } else {
        magnitude
    }
}

/// The result of checking an envelope text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub problems: Vec<Problem>,
    /// Known when the text is valid JSON with a boolean `popup`.
    pub kind: Option<MessageKind>,
    /// The exact bytes that would be published (whitespace removed);
    /// present when the text is JSON at all.
    pub payload: Option<String>,
    /// The keys of `content` when it is an object: what the tracking stamp
    /// needs to know to tell its length without reading the text again.
    pub content_keys: Option<Vec<String>>,
}

impl Validation {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// Checks an envelope text and reports every problem at once.
pub fn validate(text: &str) -> Validation {
    validate_with(text, None)
}

/// [`validate`], and the action's params against the catalog, if any, on
/// the same reading of the text.
pub fn validate_with(text: &str, catalog: Option<&super::catalog::Catalog>) -> Validation {
    let (root, payload) = match json::parse_and_minify(text) {
        Ok(read) => read,
        Err(err) => {
            return Validation {
                problems: vec![Problem {
                    severity: Severity::Error,
                    path: "$".into(),
                    location: Location::of(text, err.offset),
                    message: format!("not JSON: {}", err.message),
                }],
                kind: None,
                payload: None,
                content_keys: None,
            };
        }
    };
    let mut checker = Checker {
        locator: Locator::new(text),
        problems: Vec::new(),
    };
    checker.duplicates(&root, &mut Vec::new());
    let kind = checker.envelope(&root);
    if let Some(catalog) = catalog {
        let found = catalog.check_located(&checker.locator, &root);
        checker.problems.extend(found);
    }
    checker.problems.sort_by_key(|p| p.location);
    Validation {
        problems: checker.problems,
        kind,
        payload: Some(payload),
        content_keys: content_keys(&root),
    }
}

/// The keys of the envelope's `content` object (the last `content`, as
/// the stamp and the WebPortal read it).
fn content_keys(root: &Node) -> Option<Vec<String>> {
    let Value::Object(members) = &root.value else {
        return None;
    };
    match &members
        .iter()
        .rev()
        .find(|m| m.key == "content")?
        .value
        .value
    {
        Value::Object(content) => Some(content.iter().map(|m| m.key.to_string()).collect()),
        _ => None,
    }
}

struct Checker<'a> {
    locator: Locator<'a>,
    problems: Vec<Problem>,
}

/// One step of a JSON path, kept while walking and written out only for a
/// problem (a 128 KiB envelope has thousands of members and no problem).
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// `$.a[2]["b c"]` from its steps.
fn path_of(steps: &[Step<'_>]) -> String {
    let mut path = String::from("$");
    for step in steps {
        path = match step {
            Step::Key(key) => child_path(&path, key),
            Step::Index(index) => format!("{path}[{index}]"),
        };
    }
    path
}

/// Objects up to this many members look for a duplicate key by comparing
/// with the members before (cheaper than hashing for the usual few).
const LINEAR_DUPLICATE_SCAN: usize = 16;

impl Checker<'_> {
    fn push(&mut self, severity: Severity, path: String, offset: usize, message: String) {
        self.problems.push(Problem {
            severity,
            path,
            location: self.locator.locate(offset),
            message,
        });
    }

    fn duplicates<'n>(&mut self, node: &'n Node, steps: &mut Vec<Step<'n>>) {
        match &node.value {
            Value::Object(members) => {
                let mut first_seen: HashMap<&str, usize> = HashMap::new();
                for (index, member) in members.iter().enumerate() {
                    let first = if members.len() <= LINEAR_DUPLICATE_SCAN {
                        members[..index]
                            .iter()
                            .find(|m| m.key == member.key)
                            .map(|m| m.key_offset)
                    } else {
                        let first = first_seen.get(&*member.key).copied();
                        if first.is_none() {
                            first_seen.insert(&member.key, member.key_offset);
                        }
                        first
                    };
                    steps.push(Step::Key(&member.key));
                    if let Some(first) = first {
                        let first = self.locator.locate(first);
                        self.push(
                            Severity::Error,
                            path_of(steps),
                            member.key_offset,
                            format!(
                                "duplicate key {:?} (first at {first}); the vehicle would see only one of them: remove one",
                                member.key
                            ),
                        );
                    }
                    if matches!(member.value.value, Value::Object(_) | Value::Array(_)) {
                        self.duplicates(&member.value, steps);
                    }
                    steps.pop();
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if matches!(item.value, Value::Object(_) | Value::Array(_)) {
                        steps.push(Step::Index(i));
                        self.duplicates(item, steps);
                        steps.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn envelope(&mut self, root: &Node) -> Option<MessageKind> {
        let Value::Object(members) = &root.value else {
            self.push(
                Severity::Error,
                "$".into(),
                root.offset,
                format!(
                    "the envelope must be a JSON object {{\"idApp\", \"popup\", \"content\"}}, found {}",
                    root.value.type_name()
                ),
            );
            return None;
        };
        let find = |key: &str| members.iter().find(|m| m.key == key);

        let app_id = self.required(
            root,
            members,
            "idApp",
            Expected::String,
            "add \"idApp\": \"<the application id Stellantis issued>\"",
        );
        if let Some(Node {
            value: Value::String(id),
            offset,
        }) = app_id
            && id.trim().is_empty()
        {
            self.push(
                Severity::Error,
                "$.idApp".into(),
                *offset,
                "idApp is empty; it must be the application id Stellantis issued".into(),
            );
        }
        let kind = match self.required(
            root,
            members,
            "popup",
            Expected::Boolean,
            "add \"popup\": false for a data message or true for a notification",
        ) {
            Some(Node {
                value: Value::Bool(true),
                ..
            }) => Some(MessageKind::Popup),
            Some(_) => Some(MessageKind::Data),
            None => None,
        };
        self.required(
            root,
            members,
            "content",
            Expected::Object,
            "add \"content\": {\"type\": \"action\", \"action\": ..., \"params\": {...}}",
        );

        match kind {
            Some(MessageKind::Popup) => {
                self.required(
                    root,
                    members,
                    "popupText",
                    Expected::String,
                    "a popup needs \"popupText\": \"the text of the window\"",
                );
                if let Some(button) = find("popupBtn") {
                    self.typed(button, Expected::Boolean);
                }
            }
            Some(MessageKind::Data) => {
                for member in ["popupText", "popupBtn"].into_iter().filter_map(find) {
                    self.push(
                        Severity::Warning,
                        format!("$.{}", member.key),
                        member.key_offset,
                        format!("{} is ignored because popup is false", member.key),
                    );
                }
            }
            None => {}
        }

        for member in members {
            if !KNOWN_KEYS.contains(&&*member.key) {
                self.push(
                    Severity::Warning,
                    child_path("$", &member.key),
                    member.key_offset,
                    format!(
                        "unknown top-level key {:?}; the WebPortal reads only {}",
                        member.key,
                        KNOWN_KEYS.join(", ")
                    ),
                );
            }
        }
        kind
    }

    /// A top-level member that must be there, of the expected type.
    fn required<'n, 't>(
        &mut self,
        root: &Node<'_>,
        members: &'n [Member<'t>],
        key: &str,
        expected: Expected,
        fix: &str,
    ) -> Option<&'n Node<'t>> {
        if let Some(member) = members.iter().find(|m| m.key == key) {
            self.typed(member, expected)
        } else {
            self.missing(root, key, fix);
            None
        }
    }

    /// The member's value when it has the expected type; an error otherwise.
    fn typed<'n, 't>(
        &mut self,
        member: &'n Member<'t>,
        expected: Expected,
    ) -> Option<&'n Node<'t>> {
        if expected.matches(&member.value.value) {
            Some(&member.value)
        } else {
            self.wrong_type(member, &format!("$.{}", member.key), expected.description());
            None
        }
    }

    fn missing(&mut self, root: &Node, key: &str, fix: &str) {
        self.push(
            Severity::Error,
            format!("$.{key}"),
            root.offset,
            format!("{key} is missing: {fix}"),
        );
    }

    fn wrong_type(&mut self, member: &Member, path: &str, expected: &str) {
        self.push(
            Severity::Error,
            path.into(),
            member.value.offset,
            format!(
                "{} must be {expected}, found {}",
                member.key,
                member.value.value.type_name()
            ),
        );
    }
}

/// The JSON type a top-level member must have.
#[derive(Debug, Clone, Copy)]
enum Expected {
    String,
    Boolean,
    Object,
}

impl Expected {
    fn matches(self, value: &Value) -> bool {
        matches!(
            (self, value),
            (Self::String, Value::String(_))
                | (Self::Boolean, Value::Bool(_))
                | (Self::Object, Value::Object(_))
        )
    }

    fn description(self) -> &'static str {
        match self {
            Self::String => "a string",
            Self::Boolean => "a boolean (true or false)",
            Self::Object => "an object",
        }
    }
}

/// The JSON path of member `key` of the value at `parent`: `$.a.b` for
/// plain keys, `$["a key"]` for others. Envelope and catalog problems alike.
pub(crate) fn child_path(parent: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if simple {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", serde_json::Value::String(key.to_owned()))
    }
}

/// The text of a notification, for composing popup envelopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopupRequest {
    pub text: String,
    pub button: bool,
}

/// Builds an envelope around `content` (JSON text, kept exactly as written
/// apart from whitespace). The caller validates the result.
pub fn compose(app_id: &str, content: &str, popup: Option<&PopupRequest>) -> String {
    let app_id = serde_json::Value::String(app_id.to_owned());
    let content = json::minify(content);
    match popup {
        None => format!(r#"{{"idApp":{app_id},"popup":false,"content":{content}}}"#),
        Some(popup) => {
            let text = serde_json::Value::String(popup.text.clone());
            format!(
                r#"{{"idApp":{app_id},"popup":true,"popupBtn":{},"popupText":{text},"content":{content}}}"#,
                popup.button
            )
        }
    }
}

/// An envelope that passed validation and the size check: the only thing
/// that may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPayload {
    /// The exact bytes to publish.
    pub bytes: String,
    pub kind: MessageKind,
    pub size: SizeReport,
    pub warnings: Vec<Problem>,
}

/// Why an envelope may not be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the envelope is invalid ({} error(s)); nothing was published", .0.len())]
    Invalid(Vec<Problem>),
    #[error(
        "the payload is {} bytes; the broker accepts {}: shorten it by {} bytes; nothing was published",
        group(.0.payload), group(.0.limit), group(.0.payload - .0.limit)
    )]
    TooLarge(SizeReport),
}

/// Validates and size-checks an envelope for publication on `topic`.
pub fn check(text: &str, topic: &str, limit: usize) -> Result<CheckedPayload, Refusal> {
    check_with(text, topic, limit, None)
}

/// [`check`] with the catalog's rules too.
pub fn check_with(
    text: &str,
    topic: &str,
    limit: usize,
    catalog: Option<&super::catalog::Catalog>,
) -> Result<CheckedPayload, Refusal> {
    let validation = validate_with(text, catalog);
    if !validation.is_valid() {
        return Err(Refusal::Invalid(validation.errors().cloned().collect()));
    }
    let Validation {
        problems,
        payload: Some(bytes),
        kind: Some(kind),
        ..
    } = validation
    else {
        unreachable!("a valid envelope is JSON with a boolean popup");
    };
    let size = SizeReport::measure(bytes.as_bytes(), topic, limit);
    if !size.fits() {
        return Err(Refusal::TooLarge(size));
    }
    Ok(CheckedPayload {
        bytes,
        kind,
        size,
        warnings: problems
            .into_iter()
            .filter(|p| p.severity == Severity::Warning)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
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
}
