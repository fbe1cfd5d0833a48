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
//!
//! Here the catalog's shape; reading and compiling its files in `file`,
//! checking an envelope against it in `check`, an action's starting
//! envelope in `skeleton`.

use std::sync::Arc;

mod check;
mod file;
mod positioned;
mod skeleton;
#[cfg(test)]
mod tests;

pub use file::CatalogError;
use positioned::Positioned;

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
impl Catalog {
    fn app(&self, id: &str) -> Option<&AppCatalog> {
        self.apps.iter().find(|a| a.app == id)
    }
}
