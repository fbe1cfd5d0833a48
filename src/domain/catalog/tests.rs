//! The catalog's tests: params checked with paths and positions, loading,
//! skeletons, and agreement with the official JSON Schema test suite.

use super::*;
use crate::domain::envelope::{self, Severity};
use crate::domain::json;
use std::path::Path;

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
    let found =
        problems(r#"{"idApp":"DEMO_APP","content":{"action":"unlock","params":{"doors":"roof"}}}"#);
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
        problems(r#"{"idApp":"DEMO_APP","content":{"action":"unlock","params":{"doors":"all"}}}"#)
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
        include_str!("../../../assets/catalog/demo-app.json"),
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
            let catalog =
                Catalog::app_from_text(&catalog_text, &file).map(|app| Catalog { apps: vec![app] });
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
                    Ok(catalog) => Ok(envelope::validate_with(&envelope, Some(catalog)).is_valid()),
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
        err.contains("remote.json") && err.contains("\"far\"") && err.contains("self-contained"),
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
