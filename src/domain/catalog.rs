//! The action catalog: for each app (by `idApp`), the actions it accepts,
//! each with a description and a JSON Schema for its `params`. An
//! envelope's `content.params` is checked against its action's schema with
//! the same path + line:col problems as the envelope rules; an action the
//! catalog does not know is a warning, never an error.
//!
//! Catalog files are JSON, one per app:
//! `{"idApp": "...", "description": "...", "actions": [{"name", "description", "params": <schema>}]}`.
//! The schema keywords understood: `type` (one or a list), `properties`,
//! `required`, `additionalProperties: false`, `enum`, `minimum`,
//! `maximum`, `minLength`, `maxLength`, `items`. Others are ignored (and
//! listed by `wpconsole validate --catalog` as unchecked).

use super::envelope::{Problem, Severity};
use super::json::{self, Location, Node, Value};
use serde::Deserialize;
use std::path::Path;

/// One action of an app.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// A JSON Schema for `content.params`.
    #[serde(default)]
    pub params: serde_json::Value,
}

/// The actions of one app.
#[derive(Debug, Clone, Deserialize)]
pub struct AppCatalog {
    #[serde(rename = "idApp")]
    pub app: String,
    #[serde(default)]
    pub description: String,
    pub actions: Vec<ActionSpec>,
}

/// Every app's actions.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub apps: Vec<AppCatalog>,
}

const KNOWN_KEYWORDS: [&str; 13] = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "enum",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "items",
    "description",
    "title",
    "$schema",
];

impl Catalog {
    /// Reads every `*.json` file of `dir`; a file that is not a catalog is
    /// an error naming it.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|err| format!("cannot read the catalog directory {}: {err}", dir.display()))?;
        let mut paths: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        let mut apps = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|err| format!("cannot read {}: {err}", path.display()))?;
            let app: AppCatalog = serde_json::from_str(&text).map_err(|err| {
                format!(
                    "{} is not a catalog ({{\"idApp\", \"actions\": [{{\"name\", \"params\"}}]}}): {err}",
                    path.display()
                )
            })?;
            apps.push(app);
        }
        Ok(Self { apps })
    }

    /// The catalog shipped for the demo fleet's app.
    pub fn demo() -> Self {
        let app = serde_json::from_str(include_str!("../../assets/catalog/demo-app.json"))
            .unwrap_or_else(|_| AppCatalog {
                app: String::new(),
                description: String::new(),
                actions: Vec::new(),
            });
        Self { apps: vec![app] }
    }

    fn app(&self, id: &str) -> Option<&AppCatalog> {
        self.apps.iter().find(|a| a.app == id)
    }

    /// Schema keywords the catalog uses that are not checked.
    pub fn unchecked_keywords(&self) -> Vec<String> {
        let mut found = Vec::new();
        for action in self.apps.iter().flat_map(|a| &a.actions) {
            collect_unknown(&action.params, &mut found);
        }
        found.sort();
        found.dedup();
        found
    }

    /// The problems of an envelope (already parsed) against the catalog.
    pub fn check(&self, text: &str, root: &Node) -> Vec<Problem> {
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
        let mut checker = SchemaChecker {
            text,
            problems: Vec::new(),
        };
        let Some(spec) = app.actions.iter().find(|a| &a.name == action) else {
            let known: Vec<&str> = app.actions.iter().map(|a| a.name.as_str()).collect();
            checker.push(
                Severity::Warning,
                "$.content.action",
                action_node.offset,
                format!(
                    "{action:?} is not in the catalog of {app_id} (it knows {})",
                    known.join(", ")
                ),
            );
            return checker.problems;
        };
        match get(content, "params") {
            Some(params) => checker.node(&spec.params, params, "$.content.params"),
            None if spec
                .params
                .get("required")
                .is_some_and(|r| r.as_array().is_some_and(|r| !r.is_empty())) =>
            {
                checker.push(
                    Severity::Error,
                    "$.content",
                    action_node.offset,
                    format!("{action} needs content.params (the catalog requires some)"),
                );
            }
            None => {}
        }
        checker.problems
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
            params.insert(name.to_owned(), placeholder(schema));
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

fn placeholder(schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    if let Some(first) = schema
        .get("enum")
        .and_then(J::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
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

fn collect_unknown(schema: &serde_json::Value, found: &mut Vec<String>) {
    let Some(object) = schema.as_object() else {
        return;
    };
    for (key, value) in object {
        if !KNOWN_KEYWORDS.contains(&key.as_str()) {
            found.push(key.clone());
        }
        match key.as_str() {
            "properties" => {
                for sub in value.as_object().into_iter().flat_map(|p| p.values()) {
                    collect_unknown(sub, found);
                }
            }
            "items" => collect_unknown(value, found),
            _ => {}
        }
    }
}

struct SchemaChecker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl SchemaChecker<'_> {
    fn push(&mut self, severity: Severity, path: &str, offset: usize, message: String) {
        self.problems.push(Problem {
            severity,
            path: path.to_owned(),
            location: Location::of(self.text, offset),
            message,
        });
    }

    fn node(&mut self, schema: &serde_json::Value, node: &Node, path: &str) {
        if !self.type_fits(schema, node, path) {
            return;
        }
        self.enumerated(schema, node, path);
        self.bounds(schema, node, path);
        if let (Value::Array(items), Some(item_schema)) = (&node.value, schema.get("items")) {
            for (index, item) in items.iter().enumerate() {
                self.node(item_schema, item, &format!("{path}[{index}]"));
            }
        }
        if let Value::Object(members) = &node.value {
            self.object(schema, node, members, path);
        }
    }

    /// `type`: one or a list; false (reported) when the value has another.
    fn type_fits(&mut self, schema: &serde_json::Value, node: &Node, path: &str) -> bool {
        use serde_json::Value as J;
        let kinds: Vec<&str> = match schema.get("type") {
            Some(J::String(k)) => vec![k.as_str()],
            Some(J::Array(ks)) => ks.iter().filter_map(J::as_str).collect(),
            _ => return true,
        };
        let fits = |kind: &str| match (kind, &node.value) {
            ("string", Value::String(_))
            | ("number", Value::Number(_))
            | ("boolean", Value::Bool(_))
            | ("array", Value::Array(_))
            | ("object", Value::Object(_))
            | ("null", Value::Null) => true,
            ("integer", Value::Number(n)) => !n.contains(['.', 'e', 'E']),
            _ => false,
        };
        if kinds.is_empty() || kinds.iter().any(|k| fits(k)) {
            return true;
        }
        self.push(
            Severity::Error,
            path,
            node.offset,
            format!(
                "must be {}, not {}",
                kinds.join(" or "),
                node.value.type_name()
            ),
        );
        false
    }

    fn enumerated(&mut self, schema: &serde_json::Value, node: &Node, path: &str) {
        let Some(allowed) = schema.get("enum").and_then(serde_json::Value::as_array) else {
            return;
        };
        if !allowed.contains(&to_serde(&node.value)) {
            let listed: Vec<String> = allowed.iter().map(ToString::to_string).collect();
            self.push(
                Severity::Error,
                path,
                node.offset,
                format!("must be one of {}", listed.join(", ")),
            );
        }
    }

    /// `minimum`, `maximum`, `minLength`, `maxLength`.
    fn bounds(&mut self, schema: &serde_json::Value, node: &Node, path: &str) {
        use serde_json::Value as J;
        let limit = |key: &str| schema.get(key).and_then(J::as_f64);
        let (value, unit) = match &node.value {
            Value::Number(n) => match n.parse::<f64>() {
                Ok(value) => (value, ""),
                Err(_) => return,
            },
            #[allow(clippy::cast_precision_loss)]
            Value::String(text) => (text.chars().count() as f64, " character(s) long"),
            _ => return,
        };
        let (min_key, max_key) = if unit.is_empty() {
            ("minimum", "maximum")
        } else {
            ("minLength", "maxLength")
        };
        if let Some(min) = limit(min_key)
            && value < min
        {
            self.push(
                Severity::Error,
                path,
                node.offset,
                format!("must be at least {min}{unit}"),
            );
        }
        if let Some(max) = limit(max_key)
            && value > max
        {
            self.push(
                Severity::Error,
                path,
                node.offset,
                format!("must be at most {max}{unit}"),
            );
        }
    }

    /// `required`, `properties` and `additionalProperties: false`.
    fn object(
        &mut self,
        schema: &serde_json::Value,
        node: &Node,
        members: &[json::Member],
        path: &str,
    ) {
        use serde_json::Value as J;
        let properties = schema.get("properties").and_then(J::as_object);
        for name in schema
            .get("required")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
            .filter_map(J::as_str)
        {
            if !members.iter().any(|m| m.key == name) {
                self.push(
                    Severity::Error,
                    path,
                    node.offset,
                    format!("{name:?} is required by the catalog"),
                );
            }
        }
        for member in members {
            let sub_path = format!("{path}.{}", member.key);
            match properties.and_then(|p| p.get(&member.key)) {
                Some(sub) => self.node(sub, &member.value, &sub_path),
                None if schema.get("additionalProperties") == Some(&J::Bool(false)) => {
                    let known: Vec<&str> = properties
                        .map(|p| p.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    self.push(
                        Severity::Error,
                        &sub_path,
                        member.key_offset,
                        format!(
                            "{:?} is not a parameter of this action (it takes {})",
                            member.key,
                            known.join(", ")
                        ),
                    );
                }
                None => {}
            }
        }
    }
}

/// The value of member `key`.
fn get<'a>(members: &'a [json::Member], key: &str) -> Option<&'a Node> {
    members.iter().find(|m| m.key == key).map(|m| &m.value)
}

/// A spanned value as a `serde_json` value (for `enum` comparisons).
fn to_serde(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).unwrap_or(J::Null),
        Value::String(s) => J::String(s.clone()),
        Value::Array(items) => J::Array(items.iter().map(|n| to_serde(&n.value)).collect()),
        Value::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.clone(), to_serde(&m.value.value)))
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
        assert!(
            found[0].message.contains(
                "not in the catalog of DEMO_APP (it knows unlock, climateOn, showMessage)"
            )
        );
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
        assert!(catalog.unchecked_keywords().is_empty());
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
        let err = Catalog::load(dir.path()).unwrap_err();
        assert!(err.contains("b.json is not a catalog"), "{err}");
    }
}
