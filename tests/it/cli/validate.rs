//! Checking an envelope before anything is published: `validate`, `send
//! --dry-run` and `send`'s refusals, each problem with its place and the fix.

use super::text;
use crate::util::{self, Sandbox, VIN, rules};

#[test]
fn a_bad_vin_is_refused_with_its_position_before_anything_else() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .wpconsole()
        .args([
            "--uid",
            "U",
            "--app-id",
            "A",
            "send",
            "--vin",
            "VF3ABCDEFGH12345/",
            "--content",
            "{}",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("character 17 is '/'"),
        "{}",
        text(&out).1
    );
}

#[test]
fn validate_reports_every_problem_with_path_and_line_column() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "bad.json",
        "{\n  \"idApp\": \"\",\n  \"popup\": true,\n  \"content\": [],\n  \"x\": 1\n}\n",
    );
    let out = sandbox
        .wpconsole()
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    for needle in [
        "invalid: 3 error(s)",
        "error at 2:12 ($.idApp): idApp is empty",
        "error at 4:14 ($.content): content must be an object, found an array",
        "error at 1:1 ($.popupText): popupText is missing",
        "warning at 5:3 ($.x): unknown top-level key",
        "size: payload",
    ] {
        assert!(stdout.contains(needle), "missing {needle:?} in:\n{stdout}");
    }

    let good = sandbox.write(
        "good.json",
        r#"{"idApp":"A","popup":false,"content":{"type":"action"}}"#,
    );
    let out = sandbox
        .wpconsole()
        .arg("validate")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.starts_with("valid data message"));

    let big = sandbox.write("big.json", util::envelope_of_size(131_073));
    let out = sandbox
        .wpconsole()
        .arg("validate")
        .arg(&big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).0.contains("1 bytes over the broker's limit"),
        "{}",
        text(&out).0
    );
}

#[test]
fn validate_reads_standard_input_and_reports_syntax_errors_with_line_and_column() {
    use std::io::Write as _;
    let sandbox = Sandbox::new();
    let mut child = sandbox
        .wpconsole()
        .args(["validate", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"idApp\": \"A\",\n \"popup\": false,\n}")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out)
            .0
            .contains("error at 3:1 ($): not JSON: expected a key"),
        "{}",
        text(&out).0
    );
}

#[test]
fn dry_run_prints_the_exact_bytes_that_would_be_published() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "envelope.json",
        "{\n  \"popup\": false,\n  \"idApp\": \"A\",\n  \"content\": { \"n\": 1.50, \"s\": \"a  \\u0041\" }\n}\n",
    );
    let out = sandbox
        .wpconsole()
        .args(["--uid", "U", "send", "--vin", VIN, "--dry-run", "--file"])
        .arg(&file)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout
            .lines()
            .any(|l| l == r#"{"popup":false,"idApp":"A","content":{"n":1.50,"s":"a  \u0041"}}"#),
        "{stdout}"
    );
    assert!(stdout.contains("payload 64 bytes of 131,072"), "{stdout}");
}

#[test]
fn invalid_content_is_refused_with_exit_1() {
    let sandbox = Sandbox::new();
    // A closed port: refused before connecting (exit 3 would be the broker).
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            "mqtt://127.0.0.1:1",
            "--uid",
            "U",
            "--app-id",
            "A",
            "send",
            "--vin",
            VIN,
            "--content",
            "{\"a\": }",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).1.contains("--content is not JSON at 1:7"),
        "{}",
        text(&out).1
    );
}

#[test]
fn every_validation_rule_refuses_in_validate_and_send() {
    let sandbox = Sandbox::new();
    for (rule, envelope, says) in rules::BROKEN_ENVELOPES {
        let file = sandbox.write("broken.json", envelope);
        let out = sandbox
            .wpconsole()
            .arg("validate")
            .arg(&file)
            .output()
            .unwrap();
        let (stdout, _) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{rule}: {stdout}");
        assert!(
            stdout.contains(says),
            "validate, {rule}: missing {says:?} in\n{stdout}"
        );

        let out = sandbox
            .wpconsole()
            .args(["--uid", "U", "send", "--vin", VIN, "--dry-run", "--file"])
            .arg(&file)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{rule}: {stderr}");
        assert!(
            stderr.contains(says) && stderr.contains("nothing was published"),
            "send, {rule}:\n{stderr}"
        );
        assert!(!stdout.contains("would publish"), "send, {rule}: {stdout}");
    }
}

#[test]
fn validate_over_the_limit_says_by_how_much_without_an_error_count_of_zero() {
    let sandbox = Sandbox::new();
    let valid = sandbox.write(
        "v.json",
        r#"{"idApp":"A","popup":false,"content":{"x":"0123456789"}}"#,
    );
    let output = sandbox
        .wpconsole()
        .args(["--size-limit", "50", "validate"])
        .arg(&valid)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("invalid: over the size limit by ") && first.ends_with(" bytes"),
        "{stdout}"
    );
    assert!(!stdout.contains("0 error(s)"), "{stdout}");
    // With errors too, both are said.
    let invalid = sandbox.write(
        "i.json",
        r#"{"idApp":"A","popup":"no","content":{"x":"0123456789"}}"#,
    );
    let output = sandbox
        .wpconsole()
        .args(["--size-limit", "50", "validate"])
        .arg(&invalid)
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("invalid: 1 error(s), over the size limit by "),
        "{stdout}"
    );
}

#[test]
fn a_byte_order_mark_is_named_with_the_fix_in_validate_and_send() {
    use std::io::Write as _;
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "bom.json",
        "\u{feff}{\"idApp\":\"A\",\"popup\":false,\"content\":{}}",
    );
    let from_file = |command: &[&str]| {
        let output = sandbox
            .wpconsole()
            .args(["--uid", "U", "--app-id", "A"])
            .args(command)
            .arg(&file)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        (output.status.code(), format!("{stdout}{stderr}"))
    };
    for command in [
        &["validate"][..],
        &["send", "--vin", VIN, "--dry-run", "--file"][..],
    ] {
        let (code, said) = from_file(command);
        assert_eq!(code, Some(1), "{command:?}: {said}");
        assert!(
            said.contains("starts with a UTF-8 byte order mark (BOM): remove it"),
            "{command:?}: {said}"
        );
        assert!(!said.contains("feff"), "{said}");
    }
    for command in [
        &["validate", "-"][..],
        &["send", "--vin", VIN, "--dry-run", "-"][..],
    ] {
        let mut child = sandbox
            .wpconsole()
            .args(["--uid", "U", "--app-id", "A"])
            .args(command)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all("\u{feff}{\"idApp\":\"A\",\"popup\":false,\"content\":{}}".as_bytes())
            .unwrap();
        let output = child.wait_with_output().unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{command:?}: {stderr}");
        assert!(
            format!("{stdout}{stderr}")
                .contains("standard input starts with a UTF-8 byte order mark (BOM): remove it"),
            "{command:?}: {stdout}{stderr}"
        );
    }
}

#[test]
fn send_content_problems_are_positioned_in_what_was_typed_not_the_composed_envelope() {
    let sandbox = Sandbox::new();
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/catalog");
    let content = "{\n  \"action\": \"climateOn\",\n  \"params\": {\"temperature\": 35,\n     \"minutes\": \"ten\"}\n}";
    let output = sandbox
        .wpconsole()
        .args(["--uid", "U", "--app-id", "DEMO_APP", "--catalog", catalog])
        .args(["send", "--vin", VIN, "--dry-run", "--content", content])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let column = |line: &str, needle: &str| line.find(needle).unwrap() + 1;
    let lines: Vec<&str> = content.lines().collect();
    let temperature = format!(
        "error in --content at 3:{} ($.content.params.temperature): must be at most 28",
        column(lines[2], "35")
    );
    let minutes = format!(
        "error in --content at 4:{} ($.content.params.minutes)",
        column(lines[3], "\"ten\"")
    );
    assert!(
        stderr.contains(&temperature) && stderr.contains(&minutes),
        "want {temperature:?} and {minutes:?} in: {stderr}"
    );
    // A warning is placed the same way.
    let output = sandbox
        .wpconsole()
        .args(["--uid", "U", "--app-id", "DEMO_APP", "--catalog", catalog])
        .args(["send", "--vin", VIN, "--dry-run", "--content"])
        .arg("{\n\t\"action\" : \"fly\"}")
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning in --content at 2:13 ($.content.action)"),
        "{stderr}"
    );
}

#[test]
fn an_app_id_placeholder_without_an_app_id_says_how_to_set_one() {
    let sandbox = Sandbox::new();
    let template = sandbox.write(
        "t.json",
        "{\n  \"idApp\": \"{idApp}\",\n  \"popup\": false,\n  \"content\": {\"vin\": \"{vin}\"}\n}\n",
    );
    let template = template.to_str().unwrap();
    let says_how = |said: &str| {
        said.contains("{idApp}")
            && said.contains("--app-id")
            && said.contains("WPCONSOLE_APP_ID")
            && said.contains("app-id in the profile")
            && said.contains("2:12")
    };
    let out = sandbox
        .wpconsole()
        .args(["validate", "--vin", VIN, template])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(says_how(&stdout), "{stdout}");
    let out = sandbox
        .wpconsole()
        .args([
            "--uid",
            "U",
            "send",
            "--vin",
            VIN,
            "--dry-run",
            "--file",
            template,
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(says_how(&stderr), "{stderr}");
    // With an app id, the same template is valid; an idApp written empty
    // by hand is still just empty.
    let out = sandbox
        .wpconsole()
        .args(["--app-id", "APP", "validate", "--vin", VIN, template])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
    let empty = sandbox.write("e.json", r#"{"idApp":"","popup":false,"content":{}}"#);
    let out = sandbox
        .wpconsole()
        .arg("validate")
        .arg(&empty)
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("idApp is empty") && !stdout.contains("{idApp}"),
        "{stdout}"
    );
}
