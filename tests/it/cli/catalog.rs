//! The action catalog: params checked against each action's JSON Schema,
//! with paths and positions; a catalog whose schema is not valid is refused
//! when it is read.

use super::text;
use crate::util::Sandbox;

#[test]
fn the_catalog_checks_params_with_paths_and_an_unknown_action_is_a_warning() {
    let sandbox = Sandbox::new();
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/catalog");
    let run = |name: &str, envelope: &str, command: &[&str]| {
        let file = sandbox.write(name, envelope);
        let output = sandbox
            .wpconsole()
            .args(["--uid", "U", "--catalog", catalog])
            .args(command)
            .arg(&file)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        (output.status.code(), stdout + &stderr)
    };
    let bad = "{\n  \"idApp\": \"DEMO_APP\",\n  \"popup\": false,\n  \"content\": {\"action\": \"climateOn\",\n    \"params\": {\"temperature\": 35}}\n}";
    let (code, said) = run("bad.json", bad, &["validate"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("$.content.params.temperature")
            && said.contains("5:")
            && said.contains("must be at most 28"),
        "{said}"
    );
    let (code, said) = run(
        "bad-send.json",
        bad,
        &["send", "--vin", "VF3ABCDEFGH123456", "--dry-run", "--file"],
    );
    assert_eq!(code, Some(1), "send refuses too: {said}");
    let unknown = r#"{"idApp":"DEMO_APP","popup":false,"content":{"action":"fly"}}"#;
    let (code, said) = run("unknown.json", unknown, &["validate"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(
        said.contains("warning") && said.contains("not in the catalog"),
        "{said}"
    );
    let missing = sandbox
        .wpconsole()
        .args([
            "--uid",
            "U",
            "--catalog",
            "/nonexistent/catalog",
            "validate",
            "-",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing)
            .1
            .contains("cannot read the catalog directory /nonexistent/catalog")
    );
}

#[test]
fn the_catalog_checks_the_whole_schema_and_refuses_an_invalid_one_when_read() {
    let sandbox = Sandbox::new();
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/catalog");
    let run = |name: &str, envelope: &str, command: &[&str]| {
        let file = sandbox.write(name, envelope);
        let output = sandbox
            .wpconsole()
            .args(["--uid", "U", "--catalog", catalog])
            .args(command)
            .arg(&file)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        (output.status.code(), stdout + &stderr)
    };
    // The whole schema: const, $ref + pattern, if/then, oneOf, and
    // additionalProperties with a schema, each at its path and line:col.
    let schedule = "{\"idApp\":\"DEMO_APP\",\"popup\":false,\"content\":{\"action\":\"schedule\",\"params\":\n{\"version\":2,\"at\":\"7:30\",\"what\":\"climate\",\"repeat\":[],\"labels\":{\"x\":1}}}}";
    let (code, said) = run("schedule.json", schedule, &["validate"]);
    assert_eq!(code, Some(1), "{said}");
    for (at, path, needle) in [
        ("2:1", "$.content.params", "\"temperature\" is required"),
        ("2:12", "$.content.params.version", "must be 1"),
        ("2:19", "$.content.params.at", "must match the pattern"),
        (
            "2:52",
            "$.content.params.repeat",
            "must match exactly one of the oneOf",
        ),
        ("2:69", "$.content.params.labels.x", "must be string"),
    ] {
        assert!(
            said.contains(&format!("error at {at} ({path}): {needle}")),
            "{at} {path} {needle}: {said}"
        );
    }
    let (code, said) = run(
        "schedule-send.json",
        schedule,
        &["send", "--vin", "VF3ABCDEFGH123456", "--dry-run", "--file"],
    );
    assert_eq!(code, Some(1), "send refuses too: {said}");
    // A schema that is not JSON Schema refuses the catalog when it is read.
    std::fs::create_dir_all(sandbox.path("broken-catalog")).unwrap();
    let broken = sandbox.write(
        "broken-catalog/fleet.json",
        r#"{"idApp":"A","actions":[{"name":"charge","params":{"type":"object","required":"soc"}}]}"#,
    );
    let broken_dir = broken.parent().unwrap();
    let fine = sandbox.write("fine.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    let refused = sandbox
        .wpconsole()
        .args(["--uid", "U", "--catalog"])
        .arg(broken_dir)
        .arg("validate")
        .arg(&fine)
        .output()
        .unwrap();
    let (_, stderr) = text(&refused);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("fleet.json")
            && stderr.contains("action \"charge\"")
            && stderr.contains("not valid JSON Schema")
            && stderr.contains("/required"),
        "{stderr}"
    );
}
