//! Catalog files: read, their shared `$defs` given to each action, and
//! every action's params schema compiled once (offline: a `$ref` outside
//! the file is refused, never fetched).

use super::positioned::Positioned;
use super::{ActionSpec, AppCatalog, Catalog};
use jsonschema::error::ValidationErrorKind;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
            include_str!("../../../assets/catalog/demo-app.json"),
            Path::new("assets/catalog/demo-app.json"),
        );
        Self {
            apps: app.into_iter().collect(),
        }
    }
}
