//! An envelope's `content.params` checked against its action's schema:
//! each error at its JSON path and line:col, in the console's words.

use super::{ActionSpec, Catalog};
use crate::domain::envelope::{self, Problem, Severity};
use crate::domain::json::{self, Locator, Node, Value};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;

impl Catalog {
    /// The problems of an envelope (already parsed) against the catalog.
    pub fn check(&self, text: &str, root: &Node) -> Vec<Problem> {
        self.check_located(&Locator::new(text), root)
    }

    /// [`Catalog::check`] placing problems with the envelope's locator.
    pub(crate) fn check_located(&self, locator: &Locator<'_>, root: &Node) -> Vec<Problem> {
        let Value::Object(members) = &root.value else {
            return Vec::new();
        };
        let Some(Value::String(app_id)) = get(members, "idApp").map(|n| &n.value) else {
            return Vec::new();
        };
        let Some(app) = self.app(app_id) else {
            return Vec::new();
        };
        let Some(Node {
            value: Value::Object(content),
            ..
        }) = get(members, "content")
        else {
            return Vec::new();
        };
        let Some(action_node) = get(content, "action") else {
            return Vec::new();
        };
        let Value::String(action) = &action_node.value else {
            return Vec::new();
        };
        let Some(spec) = app.actions.iter().find(|a| a.name == *action) else {
            let known: Vec<&str> = app.actions.iter().map(|a| a.name.as_str()).collect();
            return vec![Problem {
                severity: Severity::Warning,
                path: "$.content.action".into(),
                location: locator.locate(action_node.offset),
                message: format!(
                    "{action:?} is not in the catalog of {app_id} (it knows {})",
                    known.join(", ")
                ),
            }];
        };
        match get(content, "params") {
            Some(params) => spec.problems(locator, params),
            None if !spec.validator.is_valid(&Node {
                offset: action_node.offset,
                value: Value::Object(Vec::new()),
            }) =>
            {
                vec![Problem {
                    severity: Severity::Error,
                    path: "$.content".into(),
                    location: locator.locate(action_node.offset),
                    message: format!(
                        "{action} needs content.params (the catalog's schema refuses none)"
                    ),
                }]
            }
            None => Vec::new(),
        }
    }
}

impl ActionSpec {
    /// Every error of `params` (a node of the located text) against the schema, each
    /// at its JSON path and line:col.
    fn problems(&self, locator: &Locator<'_>, params: &Node) -> Vec<Problem> {
        // Valid params (the usual case, on every keystroke) cost one pass
        // of the validator's fast path; errors are collected only otherwise.
        if self.validator.is_valid(params) {
            return Vec::new();
        }
        let mut problems = Vec::new();
        for error in self.validator.iter_errors(params) {
            let mut path = String::from("$.content.params");
            let mut node = params;
            for segment in error.instance_path().segments() {
                let next = match (&segment, &node.value) {
                    (LocationSegment::Property(key), Value::Object(members)) => {
                        path = envelope::child_path(&path, key);
                        last(members, key)
                    }
                    (LocationSegment::Index(index), Value::Array(items)) => {
                        path = format!("{path}[{index}]");
                        items.get(*index)
                    }
                    _ => None,
                };
                match next {
                    Some(next) => node = next,
                    None => break,
                }
            }
            let problem = |path: String, offset: usize, message: String| Problem {
                severity: Severity::Error,
                path,
                location: locator.locate(offset),
                message,
            };
            if let (
                ValidationErrorKind::AdditionalProperties { unexpected },
                Value::Object(members),
            ) = (error.kind(), &node.value)
            {
                // Each unexpected key where it is written.
                let takes = error
                    .instance_path()
                    .as_str()
                    .is_empty()
                    .then(|| self.params.get("properties").and_then(|p| p.as_object()))
                    .flatten()
                    .map(|p| {
                        let names: Vec<&str> = p.keys().map(String::as_str).collect();
                        format!(" (it takes {})", names.join(", "))
                    })
                    .unwrap_or_default();
                for key in unexpected {
                    let offset = members
                        .iter()
                        .rfind(|m| &m.key == key)
                        .map_or(node.offset, |m| m.key_offset);
                    let noun = if takes.is_empty() {
                        "allowed here"
                    } else {
                        "a parameter of this action"
                    };
                    problems.push(problem(
                        envelope::child_path(&path, key),
                        offset,
                        format!("{key:?} is not {noun}{takes}"),
                    ));
                }
                continue;
            }
            problems.push(problem(path, node.offset, describe(&error, &node.value)));
        }
        problems
    }
}

/// What a schema error says, in the console's words (the crate's own
/// message, without the value, for the rarer keywords).
fn describe(error: &jsonschema::ValidationError<'_>, value: &Value) -> String {
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let kinds: Vec<&str> = match kind {
                TypeKind::Single(kind) => vec![kind.as_str()],
                TypeKind::Multiple(kinds) => {
                    kinds.iter().map(jsonschema::JsonType::as_str).collect()
                }
            };
            format!("must be {}, not {}", kinds.join(" or "), value.type_name())
        }
        ValidationErrorKind::Minimum { limit } => format!("must be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("must be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            format!("must be greater than {limit}")
        }
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("must be less than {limit}"),
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!("must be a multiple of {multiple_of}")
        }
        ValidationErrorKind::MinLength { limit } => {
            format!("must be at least {limit} character(s) long")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("must be at most {limit} character(s) long")
        }
        ValidationErrorKind::MinItems { limit } => format!("must have at least {limit} item(s)"),
        ValidationErrorKind::MaxItems { limit } => format!("must have at most {limit} item(s)"),
        ValidationErrorKind::MinProperties { limit } => {
            format!("must have at least {limit} member(s)")
        }
        ValidationErrorKind::MaxProperties { limit } => {
            format!("must have at most {limit} member(s)")
        }
        ValidationErrorKind::Enum { options } => {
            let listed: Vec<String> = options
                .as_array()
                .map(|o| o.iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            format!("must be one of {}", listed.join(", "))
        }
        ValidationErrorKind::Constant { expected_value } => format!("must be {expected_value}"),
        ValidationErrorKind::Required { property } => {
            format!("{property} is required by the catalog")
        }
        ValidationErrorKind::Pattern { pattern } => format!("must match the pattern {pattern:?}"),
        ValidationErrorKind::Format { format } => format!("must be a valid {format}"),
        ValidationErrorKind::OneOfNotValid { .. } => {
            "must match exactly one of the oneOf schemas; it matches none".into()
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "must match exactly one of the oneOf schemas; it matches more than one".into()
        }
        ValidationErrorKind::AnyOf { .. } => {
            "must match at least one of the anyOf schemas; it matches none".into()
        }
        ValidationErrorKind::Not { schema } => format!("must not match {schema}"),
        ValidationErrorKind::FalseSchema => "is not allowed here (the schema is false)".into(),
        ValidationErrorKind::UniqueItems => "must not hold the same item twice".into(),
        ValidationErrorKind::Contains => "must contain an item the schema allows".into(),
        _ => error.masked().to_string(),
    }
}

/// The value of member `key` (the first; for reading the envelope's own
/// members, whose duplicates are errors of their own).
fn get<'a, 't>(members: &'a [json::Member<'t>], key: &str) -> Option<&'a Node<'t>> {
    members.iter().find(|m| m.key == key).map(|m| &m.value)
}

/// The value of member `key` that a JSON reader keeps: the last.
fn last<'a, 't>(members: &'a [json::Member<'t>], key: &str) -> Option<&'a Node<'t>> {
    members.iter().rfind(|m| m.key == key).map(|m| &m.value)
}
