//! The action catalog: for each app (by `idApp`), the actions it accepts,
//! each with a description and a JSON Schema (draft 2020-12) for its
//! `params`. An envelope's `content.params` is checked against its action's
//! schema with the same path + line:col problems as the envelope rules; an
//! action the catalog does not know is a warning, never an error.
//!
//! Catalog files are JSON, one per app:
//! `{"idApp": "...", "description": "...", "actions": [{"name", "description", "params": <schema>}]}`,
//! optionally with `"$defs"` shared by every action of the file (`"$ref":
//! "#/$defs/NAME"` from any action's schema) and `"formatAssertion": true`
//! to make `format` an assertion instead of an annotation.
//!
//! The whole of JSON Schema 2020-12 is checked by the `jsonschema` crate.
//! Each action's schema is compiled once, when the catalog is read; a
//! schema that is not valid JSON Schema refuses the catalog, naming the file
//! and the action. A catalog is self-contained: a `$ref` to anything outside
//! its file is refused when it is read, never fetched.

use super::envelope::{self, Problem, Severity};
use super::json::{self, Locator, Node, Value};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::paths::LocationSegment;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod positioned;
use positioned::Positioned;

/// Why a catalog directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("cannot read the catalog directory {}: {source}", dir.display())]
    Directory {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} is not a catalog ({{\"idApp\", \"actions\": [{{\"name\", \"params\"}}]}}): {source}",
        path.display()
    )]
    Format {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error(
        "{file}: the params schema of action {action:?} is not valid JSON Schema 2020-12: {reason}{at}; fix the schema or remove the action",
        at = if schema_path.is_empty() { String::new() } else { format!(" (at {schema_path})") }
    )]
    Schema {
        /// The catalog file (or `demo` for the built-in one).
        file: String,
        action: String,
        reason: String,
        /// Where in the schema, as a JSON pointer.
        schema_path: String,
    },
}

/// One action of an app, its params schema compiled.
#[derive(Debug, Clone)]
pub struct ActionSpec {
    pub name: String,
    pub description: String,
    /// The JSON Schema for `content.params` as compiled: the action's own,
    /// with the file's shared `$defs` added.
    pub params: serde_json::Value,
    validator: Arc<jsonschema::Validator<Positioned>>,
}

/// The actions of one app.
#[derive(Debug, Clone)]
pub struct AppCatalog {
    /// The `idApp` the actions belong to.
    pub app: String,
    pub description: String,
    pub actions: Vec<ActionSpec>,
}

/// Every app's actions.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub apps: Vec<AppCatalog>,
}

/// A catalog file as written.
#[derive(Deserialize)]
struct AppFile {
    #[serde(rename = "idApp")]
    app: String,
    #[serde(default)]
    description: String,
    actions: Vec<ActionFile>,
    /// Schemas shared by the file's actions.
    #[serde(rename = "$defs", default)]
    defs: serde_json::Map<String, serde_json::Value>,
    /// Whether `format` is asserted (true) or only an annotation (the
    /// default of draft 2020-12).
    #[serde(rename = "formatAssertion", default)]
    format_assertion: bool,
}

#[derive(Deserialize)]
struct ActionFile {
    name: String,
    #[serde(default)]
    description: String,
    /// Absent: any params are accepted.
    #[serde(default = "any_params")]
    params: serde_json::Value,
}

fn any_params() -> serde_json::Value {
    serde_json::Value::Bool(true)
}

impl AppCatalog {
    /// Compiles every action's schema of a catalog file; `file` names it in
    /// errors.
    fn compile(file: AppFile, name: &str) -> Result<Self, CatalogError> {
        let options = jsonschema::options_for::<Positioned>()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(file.format_assertion)
            .offline();
        let mut actions = Vec::with_capacity(file.actions.len());
        for action in file.actions {
            let schema = with_shared_defs(&action.params, &file.defs);
            let validator = options.build(&schema).map_err(|err| CatalogError::Schema {
                file: name.to_owned(),
                action: action.name.clone(),
                reason: schema_reason(&err),
                schema_path: err.instance_path().as_str().to_owned(),
            })?;
            actions.push(ActionSpec {
                name: action.name,
                description: action.description,
                params: schema,
                validator: Arc::new(validator),
            });
        }
        Ok(Self {
            app: file.app,
            description: file.description,
            actions,
        })
    }
}

/// The action's schema with the file's shared `$defs` added to its own
/// (its own win), so `#/$defs/NAME` finds either.
fn with_shared_defs(
    schema: &serde_json::Value,
    shared: &serde_json::Map<String, serde_json::Value>,
) -> serde_json::Value {
    let mut schema = schema.clone();
    if shared.is_empty() {
        return schema;
    }
    if let serde_json::Value::Object(object) = &mut schema {
        let defs = object
            .entry("$defs")
            .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let serde_json::Value::Object(defs) = defs {
            for (name, def) in shared {
                defs.entry(name.clone()).or_insert_with(|| def.clone());
            }
        }
    }
    schema
}

/// Why a schema did not compile, in words (the meta-schema's verdict, or a
/// `$ref` that leads outside the file).
fn schema_reason(err: &jsonschema::ValidationError<'_>) -> String {
    match err.kind() {
        ValidationErrorKind::Referencing(reference) => {
            format!("{reference} (a catalog is self-contained: put shared schemas under \"$defs\")")
        }
        _ => err.to_string(),
    }
}

impl Catalog {
    /// Reads every `*.json` file of `dir` and compiles its schemas; a file
    /// that is not a catalog, or holds an invalid schema, is an error naming
    /// it.
    pub fn load(dir: &Path) -> Result<Self, CatalogError> {
        let entries = std::fs::read_dir(dir).map_err(|source| CatalogError::Directory {
            dir: dir.to_owned(),
            source,
        })?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let mut apps = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| CatalogError::Read {
                path: path.clone(),
                source,
            })?;
            apps.push(Self::app_from_text(&text, &path)?);
        }
        Ok(Self { apps })
    }

    /// One catalog file's text, `path` naming it in errors.
    pub fn app_from_text(text: &str, path: &Path) -> Result<AppCatalog, CatalogError> {
        let file: AppFile = serde_json::from_str(text).map_err(|source| CatalogError::Format {
            path: path.to_owned(),
            source,
        })?;
        AppCatalog::compile(file, &path.display().to_string())
    }

    /// The catalog shipped for the demo fleet's app (a test proves it
    /// compiles; were it not to, the demo would run without a catalog).
    pub fn demo() -> Self {
        let app = Self::app_from_text(
            include_str!("../../assets/catalog/demo-app.json"),
            Path::new("assets/catalog/demo-app.json"),
        );
        Self {
            apps: app.into_iter().collect(),
        }
    }

    fn app(&self, id: &str) -> Option<&AppCatalog> {
        self.apps.iter().find(|a| a.app == id)
    }

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

    /// An envelope for `action` of `app`: its required params with a
    /// placeholder of the right type.
    pub fn skeleton(app: &AppCatalog, action: &ActionSpec) -> String {
        let mut params = serde_json::Map::new();
        let required: Vec<&str> = action
            .params
            .get("required")
            .and_then(serde_json::Value::as_array)
            .map(|r| r.iter().filter_map(serde_json::Value::as_str).collect())
            .unwrap_or_default();
        for name in required {
            let schema = &action.params["properties"][name];
            params.insert(name.to_owned(), placeholder(&action.params, schema));
        }
        let envelope = serde_json::json!({
            "idApp": app.app,
            "popup": false,
            "content": {
                "type": "action",
                "action": action.name,
                "params": params,
            }
        });
        serde_json::to_string_pretty(&envelope).unwrap_or_default()
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

/// A value for `schema` to start from: its `default`, first example,
/// `const` or first `enum` value, else an empty value of its type. `$ref`s
/// within the action's schema (`root`) are followed.
fn placeholder(root: &serde_json::Value, schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    let mut schema = schema;
    // Bounded: a `$ref` cycle ends in null.
    for _ in 0..16 {
        match schema
            .get("$ref")
            .and_then(J::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| root.pointer(pointer))
        {
            Some(target) => schema = target,
            None => break,
        }
    }
    let given = schema
        .get("default")
        .or_else(|| schema.get("examples").and_then(|e| e.get(0)))
        .or_else(|| schema.get("const"))
        .or_else(|| schema.get("enum").and_then(|e| e.get(0)));
    if let Some(given) = given {
        return given.clone();
    }
    let kind = match schema.get("type") {
        Some(J::String(kind)) => kind.as_str(),
        Some(J::Array(kinds)) => kinds.first().and_then(J::as_str).unwrap_or(""),
        _ => "",
    };
    match kind {
        "string" => J::String(String::new()),
        "number" | "integer" => schema.get("minimum").cloned().unwrap_or(J::from(0)),
        "boolean" => J::Bool(false),
        "array" => J::Array(Vec::new()),
        "object" => J::Object(serde_json::Map::new()),
        _ => J::Null,
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

/// A spanned value as a `serde_json` value, for the schema validator;
/// numbers keep their spelling (arbitrary precision).
fn to_serde(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => n.parse::<serde_json::Number>().map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.as_ref().to_owned()),
        Value::Array(items) => J::Array(items.iter().map(|n| to_serde(&n.value)).collect()),
        Value::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.as_ref().to_owned(), to_serde(&m.value.value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let root = json::parse(text).unwrap();
        Catalog::demo()
            .check(text, &root)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn params_are_checked_against_the_actions_schema_with_paths_and_positions() {
        let text = "{\"idApp\":\"DEMO_APP\",\"popup\":false,\"content\":{\"action\":\"climateOn\",\n\"params\":{\"temperature\":35,\"minutes\":2.5,\"fan\":1}}}";
        let found = problems(text);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(
            found
                .iter()
                .any(|p| p.contains("$.content.params.temperature")
                    && p.contains("must be at most 28")
                    && p.contains("2:")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("$.content.params.minutes") && p.contains("must be integer")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("$.content.params.fan") && p.contains("not a parameter")),
            "{found:#?}"
        );
    }

    #[test]
    fn required_params_enums_and_lengths() {
        let found = problems(r#"{"idApp":"DEMO_APP","content":{"action":"unlock","params":{}}}"#);
        assert!(
            found.iter().any(|p| p.contains("\"doors\" is required")),
            "{found:#?}"
        );
        let found = problems(
            r#"{"idApp":"DEMO_APP","content":{"action":"unlock","params":{"doors":"roof"}}}"#,
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("must be one of \"all\", \"driver\", \"trunk\"")),
            "{found:#?}"
        );
        let found = problems(
            r#"{"idApp":"DEMO_APP","content":{"action":"showMessage","params":{"text":"","lines":["a",2]}}}"#,
        );
        assert!(
            found.iter().any(|p| p.contains("at least 1 character")),
            "{found:#?}"
        );
        assert!(
            found
                .iter()
                .any(|p| p.contains("$.content.params.lines[1]") && p.contains("must be string")),
            "{found:#?}"
        );
        assert!(
            problems(
                r#"{"idApp":"DEMO_APP","content":{"action":"unlock","params":{"doors":"all"}}}"#
            )
            .is_empty()
        );
    }

    #[test]
    fn an_unknown_action_is_a_warning_and_other_apps_are_not_checked() {
        let text = r#"{"idApp":"DEMO_APP","content":{"action":"fly","params":{}}}"#;
        let root = json::parse(text).unwrap();
        let found = Catalog::demo().check(text, &root);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(found[0].message.contains(
            "not in the catalog of DEMO_APP (it knows unlock, climateOn, showMessage, schedule)"
        ));
        assert!(problems(r#"{"idApp":"OTHER","content":{"action":"fly"}}"#).is_empty());
    }

    #[test]
    fn a_skeleton_holds_the_required_params_and_passes() {
        let catalog = Catalog::demo();
        for action in &catalog.apps[0].actions {
            let text = Catalog::skeleton(&catalog.apps[0], action);
            let root = json::parse(&text).unwrap();
            let found: Vec<String> = catalog
                .check(&text, &root)
                .iter()
                .map(ToString::to_string)
                .collect();
            if action.name == "showMessage" {
                assert!(
                    found.iter().any(|p| p.contains("at least 1 character")),
                    "an empty text is a placeholder to fill: {found:?}"
                );
            } else {
                assert!(found.is_empty(), "{}: {found:?}\n{text}", action.name);
            }
        }
    }

    #[test]
    fn a_directory_of_catalogs_loads_and_a_bad_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.json"),
            include_str!("../../assets/catalog/demo-app.json"),
        )
        .unwrap();
        assert_eq!(Catalog::load(dir.path()).unwrap().apps.len(), 1);
        std::fs::write(dir.path().join("b.json"), "{\"actions\":3}").unwrap();
        let err = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("b.json is not a catalog"), "{err}");
    }

    /// The catalog's verdict (an envelope validated as `validate` does)
    /// against the official suite's, case by case.
    #[test]
    fn agrees_with_the_official_json_schema_test_suite() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/json-schema-test-suite/draft2020-12");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        let (mut cases, mut agreed) = (0_usize, 0_usize);
        let mut disagreements = Vec::new();
        for file in files {
            let groups: Vec<serde_json::Value> =
                serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            for group in groups {
                if group["schema"].to_string().contains("localhost:1234") {
                    continue; // a remote reference: no server, left out
                }
                let catalog_text = serde_json::json!({
                    "idApp": "SUITE",
                    "actions": [{"name": "case", "params": group["schema"]}]
                })
                .to_string();
                let catalog = Catalog::app_from_text(&catalog_text, &file)
                    .map(|app| Catalog { apps: vec![app] });
                for test in group["tests"].as_array().unwrap() {
                    cases += 1;
                    let expected = test["valid"].as_bool().unwrap();
                    let envelope = serde_json::json!({
                        "idApp": "SUITE",
                        "popup": false,
                        "content": {"type": "action", "action": "case", "params": test["data"]}
                    })
                    .to_string();
                    let verdict = match &catalog {
                        Ok(catalog) => {
                            Ok(envelope::validate_with(&envelope, Some(catalog)).is_valid())
                        }
                        Err(err) => Err(err.to_string()),
                    };
                    if verdict == Ok(expected) {
                        agreed += 1;
                    } else {
                        disagreements.push(format!(
                            "{} / {} / {}: expected {expected}, catalog {verdict:?}",
                            file.file_name().unwrap().to_string_lossy(),
                            group["description"],
                            test["description"]
                        ));
                    }
                }
            }
        }
        #[expect(clippy::cast_precision_loss, reason = "counts of a few thousand")]
        let agreement = agreed as f64 / cases as f64;
        eprintln!(
            "the catalog agrees with the suite on {agreed} of {cases} cases ({:.1} %)",
            agreement * 100.0
        );
        assert!(cases > 1_100, "the vendored suite is there: {cases} cases");
        assert!(
            agreement >= 0.99,
            "{agreed} of {cases}; disagreements:\n{}",
            disagreements.join("\n")
        );
    }

    /// `(path, line:col, message)` of each error.
    fn errors(text: &str) -> Vec<(String, String, String)> {
        envelope::validate_with(text, Some(&Catalog::demo()))
            .errors()
            .map(|p| (p.path.clone(), p.location.to_string(), p.message.clone()))
            .collect()
    }

    #[test]
    fn the_whole_schema_is_checked_with_paths_and_positions() {
        let text = "{\"idApp\":\"DEMO_APP\",\"popup\":false,\"content\":{\"action\":\"schedule\",\"params\":{\n\"version\": 2,\n\"at\": \"25:00\",\n\"what\": \"climate\",\n\"repeat\": \"daily\",\n\"labels\": {\"a key\": 7},\n\"extra\": true}}}";
        let found = errors(text);
        let has = |path: &str, at: &str, needle: &str| {
            assert!(
                found
                    .iter()
                    .any(|(p, l, m)| p == path && l == at && m.contains(needle)),
                "{path} {at} {needle}: {found:#?}"
            );
        };
        has("$.content.params.version", "2:12", "must be 1"); // const
        has("$.content.params.at", "3:7", "must match the pattern"); // $ref + pattern
        has("$.content.params", "1:75", "\"temperature\" is required"); // if/then
        has(
            "$.content.params.repeat",
            "5:11",
            "exactly one of the oneOf",
        ); // oneOf
        has(
            "$.content.params.labels[\"a key\"]",
            "6:21",
            "must be string, not a number",
        ); // additionalProperties with a schema
        has(
            "$.content.params.extra",
            "7:1",
            "not a parameter of this action",
        ); // additionalProperties: false
        assert_eq!(found.len(), 6, "{found:#?}");
        let fine = "{\"idApp\":\"DEMO_APP\",\"popup\":false,\"content\":{\"action\":\"schedule\",\"params\":{\"version\":1,\"at\":\"06:45\",\"what\":\"climate\",\"temperature\":20,\"repeat\":[\"mon\",\"fri\"],\"labels\":{\"who\":\"me\"}}}}";
        assert!(errors(fine).is_empty(), "{:#?}", errors(fine));
    }

    fn catalog_dir(file: &str, catalog: &serde_json::Value) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(file), catalog.to_string()).unwrap();
        dir
    }

    #[test]
    fn a_schema_that_is_not_json_schema_is_refused_at_load_naming_file_and_action() {
        let dir = catalog_dir(
            "fleet.json",
            &serde_json::json!({"idApp": "A", "actions": [
                {"name": "fine", "params": {"type": "object"}},
                {"name": "broken", "params": {"type": "object", "properties": {"n": {"minimum": "five"}}}}
            ]}),
        );
        let err = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("fleet.json")
                && err.contains("action \"broken\"")
                && err.contains("not valid JSON Schema 2020-12")
                && err.contains("/properties/n/minimum"),
            "{err}"
        );
        let dir = catalog_dir(
            "remote.json",
            &serde_json::json!({"idApp": "A", "actions": [
                {"name": "far", "params": {"$ref": "https://example.com/schema.json"}}
            ]}),
        );
        let err = Catalog::load(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("remote.json")
                && err.contains("\"far\"")
                && err.contains("self-contained"),
            "{err}"
        );
    }

    #[test]
    fn shared_defs_and_format_assertion_are_per_file() {
        let catalog = |assert_format: bool| {
            let dir = catalog_dir(
                "a.json",
                &serde_json::json!({"idApp": "A", "formatAssertion": assert_format,
                    "$defs": {"mail": {"type": "string", "format": "email"}},
                    "actions": [{"name": "notify", "params": {"$ref": "#/$defs/mail"}}]}),
            );
            Catalog::load(dir.path()).unwrap()
        };
        let check = |catalog: &Catalog, params: &str| {
            let text = format!(
                r#"{{"idApp":"A","popup":false,"content":{{"action":"notify","params":{params}}}}}"#
            );
            envelope::validate_with(&text, Some(catalog))
                .errors()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        let annotation = catalog(false);
        assert!(check(&annotation, "\"not a mail\"").is_empty());
        assert!(check(&annotation, "7")[0].contains("must be string"));
        let assertion = catalog(true);
        assert!(check(&assertion, "\"not a mail\"")[0].contains("must be a valid email"));
        assert!(check(&assertion, "\"me@example.com\"").is_empty());
    }
}
