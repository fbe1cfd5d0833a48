//! What a command says about its own use: `--help` with examples, the
//! console without a terminal, a count that would never end, a broker,
//! UID or application id that is missing.

use super::text;
use crate::util::{self, Sandbox, VIN};
use std::time::Duration;

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
fn a_command_without_broker_uid_or_app_id_names_each_missing_one_and_where_to_give_it() {
    let sandbox = Sandbox::new();
    let run = |args: &[&str]| {
        let output = sandbox.wpconsole().args(args).output().unwrap();
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        stderr
    };
    let broker = [
        "broker URL",
        "--broker URL",
        "WPCONSOLE_BROKER",
        "broker in",
    ];
    let uid = ["UID", "--uid UID", "WPCONSOLE_UID", "uid in"];
    let app_id = [
        "application id",
        "--app-id ID",
        "WPCONSOLE_APP_ID",
        "app-id in",
    ];
    let says = |stderr: &str, what: &[&str]| what.iter().all(|needle| stderr.contains(needle));
    let send = ["send", "--vin", VIN, "--content", "{}"];
    // Nothing given: all three, in one message.
    let stderr = run(&send);
    assert!(
        says(&stderr, &broker) && says(&stderr, &uid) && says(&stderr, &app_id),
        "{stderr}"
    );
    // Each one missing alone is the only one named.
    let stderr = run(&[&["--uid", "U", "--app-id", "A"][..], &send].concat());
    assert!(
        says(&stderr, &broker) && !stderr.contains("--uid") && !stderr.contains("--app-id"),
        "{stderr}"
    );
    let stderr = run(&[
        &["--broker", "mqtt://127.0.0.1:1", "--app-id", "A"][..],
        &send,
    ]
    .concat());
    assert!(
        says(&stderr, &uid) && !stderr.contains("--broker") && !stderr.contains("--app-id"),
        "{stderr}"
    );
    // A dry run connects to nothing: no broker needed.
    let stderr = run(&[&send[..], &["--dry-run"]].concat());
    assert!(
        says(&stderr, &uid) && says(&stderr, &app_id) && !stderr.contains("--broker"),
        "{stderr}"
    );
    // A whole envelope needs no app id.
    let envelope = sandbox.write("e.json", r#"{"idApp":"A","popup":false,"content":{}}"#);
    let stderr = run(&["send", "--vin", VIN, "--file", envelope.to_str().unwrap()]);
    assert!(
        says(&stderr, &broker) && says(&stderr, &uid) && !stderr.contains("--app-id"),
        "{stderr}"
    );
    let stderr = run(&["tail"]);
    assert!(
        says(&stderr, &broker) && says(&stderr, &uid) && !stderr.contains("--app-id"),
        "{stderr}"
    );
}

#[test]
fn the_console_without_broker_or_uid_names_what_is_missing_and_where_to_give_it() {
    if !util::tmux_available(
        "the_console_without_broker_or_uid_names_what_is_missing_and_where_to_give_it",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    for (args, missing, given) in [
        (
            &[][..],
            &[
                "--broker URL",
                "WPCONSOLE_BROKER",
                "--uid UID",
                "WPCONSOLE_UID",
            ][..],
            &[][..],
        ),
        (
            &["--uid", "U"][..],
            &["--broker URL", "WPCONSOLE_BROKER"][..],
            &["--uid"][..],
        ),
        (
            &["--broker", "mqtt://127.0.0.1:1"][..],
            &["--uid UID", "WPCONSOLE_UID"][..],
            &["--broker"][..],
        ),
    ] {
        let tmux = sandbox.in_terminal(args, 200, 20);
        let screen = tmux
            .wait_for("EXITED", Duration::from_secs(10))
            .unwrap_or_else(|screen| panic!("{args:?}: {screen}"));
        // The message wraps at 200 columns: read it as one line.
        let said = screen.replace('\n', "");
        assert!(said.contains("EXITED 2"), "{args:?}: {screen}");
        for needle in missing {
            assert!(said.contains(needle), "{args:?}: {needle:?} in {screen}");
        }
        for needle in given {
            assert!(
                !said.contains(needle),
                "{args:?}: {needle:?} is given: {screen}"
            );
        }
        assert!(said.contains("wpconsole demo"), "{args:?}: {screen}");
    }
}

#[test]
fn an_empty_password_file_is_refused_before_anything_is_sent() {
    // Sent, an empty password is a refused login the broker counts
    // against the account: commands stop with exit 2 naming the file,
    // the doctor fails its settings step (exit 1).
    let sandbox = Sandbox::new();
    let empty = sandbox.write("password", "\n");
    let empty = empty.display().to_string();
    let account = [
        "--broker",
        "mqtt://127.0.0.1:1",
        "--uid",
        "U",
        "--password-file",
        &empty,
    ];
    let out = sandbox
        .wpconsole()
        .args(account)
        .args(["tail", "--count", "1"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("the password file {empty} is empty")),
        "{stderr}"
    );
    let out = sandbox
        .wpconsole()
        .args(account)
        .args(["doctor", "--json"])
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let failed = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|step| step["status"] == "fail")
        .unwrap_or_else(|| panic!("a step failed: {report:#}"));
    assert_eq!(failed["step"], "settings", "{report:#}");
    assert!(
        failed["found"].as_str().unwrap().contains("is empty"),
        "{report:#}"
    );
}

#[test]
fn an_empty_password_variable_is_refused_before_anything_is_sent() {
    // Like an empty password file: sent, it is a refused login counted
    // against the account.
    let sandbox = Sandbox::new();
    let out = sandbox
        .wpconsole()
        .env("WPCONSOLE_PASSWORD", "")
        .args(["--broker", "mqtt://127.0.0.1:1", "--uid", "U"])
        .args(["tail", "--count", "1"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("WPCONSOLE_PASSWORD is set but empty"),
        "{stderr}"
    );
}

#[test]
fn tls_files_given_with_a_plain_broker_url_are_said_to_be_unused_once() {
    // A profile with ca/cert/key and a broker URL of mqtt://: nothing of
    // them is used, which a command says once before connecting.
    let sandbox = Sandbox::new();
    let ca = sandbox.write("ca.pem", "not read over plain MQTT");
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:1", "--uid", "U", "--ca"])
        .arg(&ca)
        .args(["tail", "--count", "1"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    let sentence = "--ca/--cert/--key are not used with mqtt://: use mqtts:// to connect with TLS";
    assert_eq!(stderr.matches(sentence).count(), 1, "{stderr}");
    // The doctor says the same sentence in its files step, not on stderr.
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:1", "--uid", "U", "--ca"])
        .arg(&ca)
        .arg("doctor")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert!(
        stdout.contains(&format!(
            "✓ CA, certificate and key: not used: the broker URL is plain MQTT (no TLS): {sentence}"
        )),
        "{stdout}"
    );
    assert!(!stderr.contains(sentence), "{stderr}");
}
