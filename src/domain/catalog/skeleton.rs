//! An action's starting envelope: its required params, each with a
//! placeholder of the right type.

use super::{ActionSpec, AppCatalog, Catalog};

impl Catalog {
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
