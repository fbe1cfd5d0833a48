//! The envelope rules: every problem of an envelope text at once, each at
//! its JSON path and line:col (not JSON, duplicate keys anywhere, missing
//! or mistyped members, popup fields), and the catalog's on the same
//! reading.

use super::{MessageKind, Problem, Severity, Validation};
use crate::domain::json::{self, Location, Locator, Member, Node, Value};
use std::collections::HashMap;

/// The top-level keys the WebPortal reads.
pub const KNOWN_KEYS: [&str; 5] = ["idApp", "popup", "popupBtn", "popupText", "content"];

/// Checks an envelope text and reports every problem at once.
pub fn validate(text: &str) -> Validation {
    validate_with(text, None)
}

/// [`validate`], and the action's params against the catalog, if any, on
/// the same reading of the text.
pub fn validate_with(text: &str, catalog: Option<&crate::domain::catalog::Catalog>) -> Validation {
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
