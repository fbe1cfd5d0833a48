//! The command line without a broker: option precedence, profiles,
//! `validate`, `send --dry-run`, and the errors that say what to fix.

use crate::util::{self, Sandbox, VIN, rules};
use std::process::Output;

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const CONFIG: &str = r#"
default-profile = "bench"

[profiles.bench]
uid = "PROFILE-UID"
app-id = "PROFILE_APP"
prefix = "psa/OVIPPartners-Preprod"
trailing-slash = false

[profiles.other]
uid = "OTHER-UID"
app-id = "OTHER_APP"
"#;

fn dry_run(
    sandbox: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
) -> (Option<i32>, String, String) {
    let config = sandbox.write("config.toml", CONFIG);
    let mut cmd = sandbox.wpconsole();
    cmd.arg("--config").arg(config).args(args);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let output = cmd.output().unwrap();
    let (stdout, stderr) = text(&output);
    (output.status.code(), stdout, stderr)
}

#[test]
fn the_default_profile_supplies_uid_prefix_app_id_and_slash_form() {
    let sandbox = Sandbox::new();
    let (code, stdout, stderr) = dry_run(
        &sandbox,
        &["send", "--vin", VIN, "--content", "{}", "--dry-run"],
        &[],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!(
            "psa/OVIPPartners-Preprod/from/uid/PROFILE-UID/opa/{VIN}\n"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"{"idApp":"PROFILE_APP","popup":false,"content":{}}"#),
        "{stdout}"
    );
}

#[test]
fn environment_beats_profile_and_flag_beats_environment() {
    let sandbox = Sandbox::new();
    let env = [
        ("WPCONSOLE_UID", "ENV-UID"),
        ("WPCONSOLE_APP_ID", "ENV_APP"),
    ];
    let (_, stdout, _) = dry_run(
        &sandbox,
        &["send", "--vin", VIN, "--content", "{}", "--dry-run"],
        &env,
    );
    assert!(
        stdout.contains("/uid/ENV-UID/") && stdout.contains("ENV_APP"),
        "{stdout}"
    );
    let (_, stdout, _) = dry_run(
        &sandbox,
        &[
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
            "--uid",
            "FLAG-UID",
        ],
        &env,
    );
    assert!(
        stdout.contains("/uid/FLAG-UID/") && stdout.contains("ENV_APP"),
        "{stdout}"
    );
}

#[test]
fn connection_options_work_before_or_after_the_command() {
    let sandbox = Sandbox::new();
    let after = dry_run(
        &sandbox,
        &[
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
            "--profile",
            "other",
        ],
        &[],
    );
    let before = dry_run(
        &sandbox,
        &[
            "--profile",
            "other",
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(after.0, Some(0), "{}", after.2);
    assert_eq!(after.1, before.1);
    assert!(
        after.1.contains(&format!(
            "psa/OVIPPartners-Dev/from/uid/OTHER-UID/opa/{VIN}/"
        )),
        "{}",
        after.1
    );
}

#[test]
fn configuration_mistakes_are_usage_errors_that_say_where_to_fix_them() {
    let sandbox = Sandbox::new();
    let (code, _, stderr) = dry_run(&sandbox, &["--profile", "nope", "tail"], &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("profile \"nope\"") && stderr.contains("bench, other"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args([
            "--uid",
            "U",
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("--app-id") && stderr.contains("WPCONSOLE_APP_ID"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args(["--uid", "U", "tail"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no broker: pass --broker URL"));

    let config = sandbox.write("secret.toml", "[profiles.p]\npassword = \"hunter2\"\n");
    let out = sandbox
        .wpconsole()
        .arg("--config")
        .arg(config)
        .arg("tail")
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("passwords are never stored") && !stderr.contains("hunter2"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args(["--broker", "localhost:1883", "--uid", "U", "tail"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("mqtts://host:port"));
}

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
    let out = sandbox
        .wpconsole()
        .args([
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
fn every_command_has_help_with_examples() {
    let sandbox = Sandbox::new();
    for command in ["validate", "send", "tail", "demo", "export", "open"] {
        let out = sandbox
            .wpconsole()
            .args([command, "--help"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let (stdout, _) = text(&out);
        assert!(
            stdout.contains("Examples:") && stdout.contains("wpconsole "),
            "{command}:\n{stdout}"
        );
    }
    let out = sandbox.wpconsole().arg("--help").output().unwrap();
    let (stdout, _) = text(&out);
    assert!(stdout.contains("Exit codes") && stdout.contains("WPCONSOLE_PASSWORD"));
    assert!(!stdout.contains("--password "), "no plain password flag");
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

fn journal_line(vin: Option<&str>, kind: &str, dir: &'static str, payload: &[u8]) -> String {
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at: chrono::Utc::now(),
        vin,
        topic: "psa/OVIPPartners-Dev/to/uid/U/opa/x/",
        payload,
        kind,
        is_json: serde_json::from_slice::<serde_json::Value>(payload).is_ok(),
        dir: Some(dir),
    })
}

#[test]
fn export_filters_journals_into_jsonl_or_csv_and_skips_a_torn_line() {
    let sandbox = Sandbox::new();
    let lines = [
        journal_line(
            Some(VIN),
            "content",
            "in",
            br#"{"content":{"action":"unlock"}}"#,
        ),
        journal_line(
            Some("0123456789ABCDEFG"),
            "content",
            "in",
            br#"{"content":{"action":"unlock"}}"#,
        ),
        journal_line(Some(VIN), "text", "in", b"plain, \"quoted\" text"),
        journal_line(
            Some(VIN),
            "data",
            "out",
            br#"{"idApp":"A","popup":false,"content":{"action":"lock"}}"#,
        ),
    ];
    let mut journal = lines.join("\n");
    journal.push_str("\n{\"received_at\":\"2026-11-2");
    let file = sandbox.write("journal.jsonl", &journal);

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--vin", VIN])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [&lines[0], &lines[2], &lines[3]]
    );
    assert!(
        stderr.contains("exported 3 message(s)") && stderr.contains("1 torn last line"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--text", "UNLOCK", "--dir", "in", "--format", "csv", "-o"])
        .arg(sandbox.path("out.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = std::fs::read_to_string(sandbox.path("out.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "received_at,dir,vin,topic,kind,action,bytes,payload"
    );
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows[1].contains(",in,VF3ABCDEFGH123456,") && rows[1].contains(",unlock,"),
        "{csv}"
    );

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--kind", "text", "--format", "csv"])
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert!(stdout.contains(r#""plain, ""quoted"" text""#), "{stdout}");
}

#[test]
fn export_without_files_reads_todays_journal_or_says_where_it_looked() {
    let sandbox = Sandbox::new();
    let root = sandbox.path("journal");
    let account = ["--broker", "mqtt://127.0.0.1:1883", "--uid", "PARTNER1"];
    let out = sandbox
        .wpconsole()
        .args(account)
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out).1;
    assert!(
        stderr.contains("no journal for today of PARTNER1@127.0.0.1:1883")
            && stderr.contains("127.0.0.1_1883/PARTNER1"),
        "{stderr}"
    );
    let dir = sandbox.account_journal(1883, "PARTNER1");
    let today = chrono::Utc::now().date_naive();
    std::fs::write(
        dir.join(format!("{today}.jsonl")),
        journal_line(Some(VIN), "content", "in", b"{}")
            + "
",
    )
    .unwrap();
    let out = sandbox
        .wpconsole()
        .args(account)
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

/// Today's journal of `uid` on 127.0.0.1:1883 in the sandbox, holding one
/// message in and one out for `vin`.
fn account_with_traffic(sandbox: &Sandbox, uid: &str, vin: &str) {
    let dir = sandbox.account_journal(1883, uid);
    let record = |dir: &'static str, payload: &[u8]| {
        wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
            at: chrono::Utc::now(),
            vin: Some(vin),
            topic: &format!(
                "psa/OVIPPartners-Dev/{}/uid/{uid}/opa/{vin}/",
                if dir == "in" { "to" } else { "from" }
            ),
            payload,
            kind: if dir == "in" { "content" } else { "data" },
            is_json: true,
            dir: Some(dir),
        })
    };
    let out = format!(r#"{{"idApp":"APP","popup":false,"content":{{"from":"{uid}"}}}}"#);
    std::fs::write(
        dir.join(format!("{}.jsonl", chrono::Utc::now().date_naive())),
        format!(
            "{}\n{}\n",
            record("in", br#"{"content":{}}"#),
            record("out", out.as_bytes())
        ),
    )
    .unwrap();
}

#[test]
fn export_and_replay_without_files_read_the_connected_accounts_journal_only() {
    const OTHER_VIN: &str = "ZFA1234567890ABCD";
    let sandbox = Sandbox::new();
    account_with_traffic(&sandbox, "PARTNER1", VIN);
    account_with_traffic(&sandbox, "PARTNER2", OTHER_VIN);
    let root = sandbox.path("journal");
    let run = |uid: Option<&str>, command: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.args(["--broker", "mqtt://127.0.0.1:1883"])
            .arg("--journal")
            .arg(&root);
        if let Some(uid) = uid {
            cmd.args(["--uid", uid]);
        }
        let out = cmd.args(command).output().unwrap();
        let (stdout, stderr) = text(&out);
        (out.status.code(), stdout, stderr)
    };
    for (uid, own, other) in [("PARTNER1", VIN, OTHER_VIN), ("PARTNER2", OTHER_VIN, VIN)] {
        let (code, stdout, stderr) = run(Some(uid), &["export"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(stdout.lines().count(), 2, "{uid}: {stdout}");
        assert!(
            stdout.contains(own) && !stdout.contains(other),
            "{uid}: {stdout}"
        );
        let (code, stdout, stderr) = run(Some(uid), &["replay", "--to", VIN, "--dry-run"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stdout.contains("would publish 1 message(s)"),
            "{uid}: {stdout}"
        );
        assert!(
            stdout.contains(&format!(r#""from":"{uid}""#)),
            "{uid}: {stdout}"
        );
    }
    // Without a UID there is no account: the error says what to pass
    // (replay needs the UID for the vehicle's topic before anything).
    let (code, stdout, stderr) = run(None, &["export"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("--uid") && stderr.contains("name the files"),
        "{stderr}"
    );
    let (code, _, stderr) = run(None, &["replay", "--to", VIN, "--dry-run"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--uid"), "{stderr}");
}

#[test]
fn journals_of_the_old_flat_layout_are_pointed_to_and_still_read_when_named() {
    let sandbox = Sandbox::new();
    let root = sandbox.path("journal");
    std::fs::create_dir_all(&root).unwrap();
    let old = root.join(format!("{}.jsonl", chrono::Utc::now().date_naive()));
    std::fs::write(&old, journal_line(Some(VIN), "content", "in", b"{}") + "\n").unwrap();
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:1883", "--uid", "PARTNER1"])
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "not this account's history");
    assert!(
        stderr.contains(&format!(
            "1 journal file(s) from before one journal per account are in {}: `wpconsole open FILE` reads them",
            root.display()
        )),
        "{stderr}"
    );
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

#[test]
fn open_names_a_missing_file() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .wpconsole()
        .args(["open", "no-such.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("cannot open no-such.jsonl"),
        "{}",
        text(&out).1
    );
}

#[test]
fn the_default_config_file_is_read_from_the_platform_config_dir() {
    let sandbox = Sandbox::new();
    let dir = sandbox.path("config").join("wpconsole");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), CONFIG).unwrap();
    let out = sandbox
        .wpconsole()
        .args(["send", "--vin", VIN, "--content", "{}", "--dry-run"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("/uid/PROFILE-UID/"),
        "the default profile of the default file: {stdout}"
    );
}

#[test]
fn a_read_only_profile_or_flag_cannot_send_but_can_still_check() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "ro.toml",
        "[profiles.watch]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\nread-only = true\nproduction = true\n\n[profiles.open]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    let send = |profile: &str, extra: &[&str], after: &[&str]| {
        let output = sandbox
            .wpconsole()
            .arg("--config")
            .arg(&config)
            .args(["--profile", profile])
            .args(extra)
            .args(["send", "--vin", "VF3ABCDEFGH123456", "--content", "{}"])
            .args(after)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for (profile, extra) in [("watch", &[][..]), ("open", &["--read-only"][..])] {
        let (code, stderr) = send(profile, extra, &[]);
        assert_eq!(code, Some(1), "{profile}: {stderr}");
        assert!(
            stderr.contains("read-only") && stderr.contains("nothing was published"),
            "{stderr}"
        );
        let (code, stderr) = send(profile, extra, &["--dry-run"]);
        assert_eq!(code, Some(0), "a dry run only checks: {stderr}");
    }
    let (code, stderr) = send("open", &[], &[]);
    assert_eq!(
        code,
        Some(3),
        "without read-only it tries the broker: {stderr}"
    );
    // replay is a publishing command too.
    let journal = sandbox.write(
        "out.jsonl",
        r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":44,"kind":"data","dir":"out","payload":{"idApp":"APP","popup":false,"content":{}}}"#,
    );
    let replay = sandbox
        .wpconsole()
        .arg("--config")
        .arg(&config)
        .args(["--profile", "watch", "replay"])
        .arg(&journal)
        .args(["--to", "VF3ABCDEFGH123456"])
        .output()
        .unwrap();
    let (_, stderr) = text(&replay);
    assert_eq!(replay.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("read-only"), "{stderr}");
}

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

#[test]
fn tracking_field_names_come_from_the_profile_unless_flags_say_otherwise() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "track.toml",
        "[profiles.t]\nuid = \"U\"\napp-id = \"APP\"\ntrack-field = \"requestId\"\nreply-field = \"inReplyTo\"\ntrack-timeout = 45\n",
    );
    let dry = |extra: &[&str]| {
        let output = sandbox
            .wpconsole()
            .arg("--config")
            .arg(&config)
            .args(["--profile", "t", "send", "--vin", "VF3ABCDEFGH123456"])
            .args(["--content", "{}", "--track", "--dry-run"])
            .args(extra)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(0), "{stderr}");
        stdout
    };
    let from_profile = dry(&[]);
    assert!(
        from_profile.contains("\"requestId\":\"wpc-") && from_profile.contains("content.inReplyTo"),
        "{from_profile}"
    );
    let from_flags = dry(&["--track-field", "cid", "--reply-field", "ref"]);
    assert!(
        from_flags.contains("\"cid\":\"wpc-") && from_flags.contains("content.ref"),
        "{from_flags}"
    );
}

#[test]
fn the_console_demo_and_open_without_a_terminal_say_so_in_one_line_and_exit_2() {
    let sandbox = Sandbox::new();
    let capture = sandbox.write("capture.jsonl", "");
    let capture = capture.display().to_string();
    let runs: [&[&str]; 3] = [
        &["--broker", "mqtt://127.0.0.1:1", "--uid", "U"],
        &["demo", "--port", "0"],
        &["open", &capture],
    ];
    for args in runs {
        // Standard input from /dev/null (the sandbox's default), standard
        // output to a file, as a script or a cron job would start it.
        let stdout_path = sandbox.path("stdout.txt");
        let stdout = std::fs::File::create(&stdout_path).unwrap();
        let out = sandbox
            .wpconsole()
            .args(args)
            .stdout(stdout)
            .output()
            .unwrap();
        let written = std::fs::read(&stdout_path).unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            written.is_empty(),
            "{args:?}: nothing on standard output: {:?}",
            String::from_utf8_lossy(&written)
        );
        assert!(
            !out.stderr.contains(&0x1b),
            "{args:?}: no escape sequence: {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        for needed in [
            "needs a terminal",
            "wpconsole tail",
            "wpconsole send",
            "demo --headless",
        ] {
            assert!(
                stderr.contains(needed),
                "{args:?}: says {needed:?}: {stderr}"
            );
        }
    }
}

#[test]
fn tail_count_zero_is_refused_at_once_and_the_help_says_so() {
    let sandbox = Sandbox::new();
    // A port where nothing listens: the refusal must come before connecting.
    let broker = format!("mqtt://127.0.0.1:{}", util::free_port());
    let mut cmd = sandbox.wpconsole();
    cmd.args(["--broker", &broker, "--uid", "U", "tail", "--count", "0"]);
    let mut tail = util::Running::spawn(cmd);
    let code = tail.wait(std::time::Duration::from_secs(10));
    let stderr = tail.drain_stderr();
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--count 0") && stderr.contains("1 or more"),
        "{stderr}"
    );
    let help = sandbox
        .wpconsole()
        .args(["tail", "--help"])
        .output()
        .unwrap();
    assert!(text(&help).0.contains("0 is refused"), "{}", text(&help).0);
}

#[test]
fn export_of_an_unknown_kind_is_refused_with_the_kinds() {
    let sandbox = Sandbox::new();
    let capture = sandbox.write(
        "capture.jsonl",
        format!(
            "{{\"received_at\":\"2026-11-24T10:00:00.000Z\",\"vin\":\"{VIN}\",\"topic\":\"t\",\"bytes\":2,\"kind\":\"text\",\"payload\":\"hi\"}}\n"
        ),
    );
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&capture)
        .args(["--kind", "bogus"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    for kind in [
        "content",
        "popup-ok",
        "no-content",
        "text",
        "binary",
        "data",
    ] {
        assert!(stderr.contains(kind), "{kind} not listed: {stderr}");
    }
    // A known kind still filters.
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&capture)
        .args(["--kind", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

#[test]
fn a_replay_refusal_lists_each_problem_of_the_record() {
    let sandbox = Sandbox::new();
    let line = |payload: &str| {
        format!(
            "{{\"received_at\":\"2026-11-24T10:00:00.000Z\",\"vin\":\"{VIN}\",\"topic\":\"t\",\"bytes\":1,\"kind\":\"data\",\"dir\":\"out\",\"payload\":{payload}}}\n"
        )
    };
    let recording = sandbox.write(
        "out.jsonl",
        line(r#"{"idApp":"APP","popup":false,"content":{}}"#)
            + &line(r#"{"idApp":"APP","popup":"no","content":5}"#),
    );
    let out = sandbox
        .wpconsole()
        .args(["--uid", "U", "replay"])
        .arg(&recording)
        .args(["--to", VIN, "--dry-run"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let after = stderr.split("#2:").nth(1).expect("record #2 named");
    let problems: Vec<&str> = after
        .lines()
        .skip(1)
        .filter(|l| l.trim_start().starts_with("error at"))
        .collect();
    assert!(problems.len() >= 2, "each problem listed: {stderr}");
    assert!(
        problems.iter().any(|p| p.contains("$.popup")) && problems.iter().any(|p| p.contains("1:")),
        "path and line:col: {stderr}"
    );
}

#[test]
fn every_switch_takes_1_0_true_false_yes_no_from_the_environment_in_any_case() {
    let sandbox = Sandbox::new();
    let envelope = sandbox.write("e.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    for var in [
        "WPCONSOLE_READ_ONLY",
        "WPCONSOLE_INSECURE",
        "WPCONSOLE_FRESH",
        "WPCONSOLE_NO_JOURNAL",
        "WPCONSOLE_NO_TRACK",
    ] {
        for value in ["1", "0", "true", "FALSE", "Yes", "no", "on", "off"] {
            let output = sandbox
                .wpconsole()
                .env(var, value)
                .arg("validate")
                .arg(&envelope)
                .output()
                .unwrap();
            let (_, stderr) = text(&output);
            assert_eq!(output.status.code(), Some(0), "{var}={value}: {stderr}");
        }
        let output = sandbox
            .wpconsole()
            .env(var, "maybe")
            .arg("validate")
            .arg(&envelope)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{var}=maybe: {stderr}");
        assert!(stderr.contains("maybe"), "{stderr}");
    }
}

#[test]
fn a_bad_value_in_the_environment_names_the_variable_its_value_and_what_is_accepted() {
    let sandbox = Sandbox::new();
    let envelope = sandbox.write("e.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    let run = |var: &str, value: &str, flags: &[&str]| {
        let output = sandbox
            .wpconsole()
            .env(var, value)
            .args(flags)
            .arg("validate")
            .arg(&envelope)
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for var in [
        "WPCONSOLE_READ_ONLY",
        "WPCONSOLE_INSECURE",
        "WPCONSOLE_FRESH",
        "WPCONSOLE_NO_JOURNAL",
        "WPCONSOLE_NO_TRACK",
        "WPCONSOLE_TRAILING_SLASH",
    ] {
        let (code, stderr) = run(var, "maybe", &[]);
        assert_eq!(code, Some(2), "{var}=maybe: {stderr}");
        assert!(
            stderr.contains(&format!("{var}=maybe"))
                && stderr.contains("environment")
                && stderr.contains("1/0, true/false, yes/no or on/off"),
            "{stderr}"
        );
        let flag = format!(
            "--{}",
            var["WPCONSOLE_".len()..].to_lowercase().replace('_', "-")
        );
        assert!(
            !stderr.contains(&format!("for '{flag}")),
            "the flag was not given: {stderr}"
        );
    }
    // Numbers too; and the flag, when it is the flag that is wrong.
    let (code, stderr) = run("WPCONSOLE_SIZE_LIMIT", "lots", &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("WPCONSOLE_SIZE_LIMIT=lots") && stderr.contains("environment"),
        "{stderr}"
    );
    let (code, stderr) = run("WPCONSOLE_READ_ONLY", "1", &["--read-only=maybe"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--read-only") && !stderr.contains("WPCONSOLE_READ_ONLY"),
        "{stderr}"
    );
}

#[test]
fn read_only_is_flag_over_environment_over_profile_either_way() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "ro.toml",
        "[profiles.watch]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\nread-only = true\n\n[profiles.open]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    // Exit 1: refused as read-only; exit 3: it tried the (closed) broker.
    let send = |profile: &str, env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", profile]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_READ_ONLY", value);
        }
        let output = cmd
            .args(flags)
            .args(["send", "--vin", VIN, "--content", "{}"])
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        (output.status.code(), stderr)
    };
    for (profile, env, flags, expected) in [
        ("open", Some("1"), &[][..], 1),
        ("open", Some("YES"), &[][..], 1),
        ("open", None, &["--read-only"][..], 1),
        ("open", Some("0"), &["--read-only"][..], 1),
        ("open", None, &["--read-only=true"][..], 1),
        ("watch", Some("false"), &[][..], 3),
        ("watch", Some("no"), &[][..], 3),
        ("watch", None, &["--read-only=0"][..], 3),
        ("watch", Some("1"), &["--read-only=false"][..], 3),
        ("watch", None, &[][..], 1),
    ] {
        let (code, stderr) = send(profile, env, flags);
        assert_eq!(
            code,
            Some(expected),
            "profile {profile}, WPCONSOLE_READ_ONLY={env:?}, {flags:?}: {stderr}"
        );
    }
}

#[test]
fn insecure_and_no_journal_are_flag_over_environment_over_profile() {
    let sandbox = Sandbox::new();
    let config = sandbox.write(
        "p.toml",
        "[profiles.lax]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\ninsecure = true\n\n[profiles.strict]\nuid = \"U\"\napp-id = \"APP\"\nbroker = \"mqtt://127.0.0.1:1\"\n",
    );
    let warned = |profile: &str, env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", profile]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_INSECURE", value);
        }
        let output = cmd
            .args(flags)
            .args(["send", "--vin", VIN, "--content", "{}"])
            .output()
            .unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(3), "{stderr}");
        stderr.contains("--insecure")
    };
    assert!(warned("strict", Some("1"), &[]));
    assert!(warned("strict", None, &["--insecure"]));
    assert!(warned("lax", None, &[]));
    assert!(!warned("lax", Some("Off"), &[]));
    assert!(!warned("lax", None, &["--insecure=no"]));
    assert!(warned("lax", Some("0"), &["--insecure=1"]));
    assert!(!warned("strict", None, &[]));

    // export without files reads the account's journal, unless there is none.
    let no_journal = |env: Option<&str>, flags: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.arg("--config")
            .arg(&config)
            .args(["--profile", "strict"]);
        if let Some(value) = env {
            cmd.env("WPCONSOLE_NO_JOURNAL", value);
        }
        let output = cmd.args(flags).arg("export").output().unwrap();
        let (_, stderr) = text(&output);
        stderr.contains("--no-journal")
    };
    assert!(no_journal(Some("1"), &[]));
    assert!(no_journal(None, &["--no-journal"]));
    assert!(!no_journal(Some("no"), &[]));
    assert!(!no_journal(Some("yes"), &["--no-journal=false"]));
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
fn export_text_folds_case_for_all_of_unicode_like_the_console_search() {
    let sandbox = Sandbox::new();
    let lines = [
        journal_line(Some(VIN), "text", "in", "CAFÉ OUVERT".as_bytes()),
        journal_line(Some(VIN), "text", "in", b"cafe ferme"),
        journal_line(Some(VIN), "text", "in", "ΟΔΟΣ straße".as_bytes()),
    ];
    let file = sandbox.write("journal.jsonl", lines.join("\n") + "\n");
    let export = |needle: &str| {
        let out = sandbox
            .wpconsole()
            .arg("export")
            .arg(&file)
            .args(["--text", needle])
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        stdout.lines().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(export("café"), [lines[0].clone()]);
    assert_eq!(export("É"), [lines[0].clone()]);
    assert_eq!(export("οδος"), [lines[2].clone()]);
    assert_eq!(export("STRASSE"), Vec::<String>::new(), "no expansion of ß");
    assert_eq!(export("STRAßE"), [lines[2].clone()]);
    assert_eq!(export("CAFE"), [lines[1].clone()]);
}
