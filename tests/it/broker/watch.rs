//! `wpconsole watch` with the simulated fleet: a tracked message to a
//! vehicle the fleet does not simulate goes unanswered and fires the
//! profile's `unacknowledged` rule, one the fleet answers does not; a rule
//! that does not parse is refused before anything connects.

use super::{broker_with_fleet, connect_args};
use crate::util::{Running, Sandbox, VIN};
use std::time::Duration;

/// A profile named `fleet` holding `rules` (TOML of `[[profiles.fleet.watch]]`
/// tables) and a one-second tracking timeout.
fn profile_with(sandbox: &Sandbox, rules: &str) -> String {
    let config = format!("[profiles.fleet]\ntrack-timeout = 1\n{rules}");
    sandbox
        .write("config.toml", config)
        .to_string_lossy()
        .into_owned()
}

/// `send --track` to `vin`: its exit code, standard output and error.
fn send_tracked(sandbox: &Sandbox, port: u16, vin: &str) -> (Option<i32>, String) {
    let sent = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args([
            "send",
            "--vin",
            vin,
            "--content",
            r#"{"type":"action","action":"unlock"}"#,
            "--track",
            "--wait",
            "3s",
        ])
        .output()
        .unwrap();
    (
        sent.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&sent.stdout),
            String::from_utf8_lossy(&sent.stderr)
        ),
    )
}

#[test]
fn an_unanswered_tracked_message_fires_the_unacknowledged_rule_and_an_answered_one_does_not() {
    let (port, _runtime, vins) = broker_with_fleet();
    let sandbox = Sandbox::new();
    let config = profile_with(
        &sandbox,
        "[[profiles.fleet.watch]]\nname = \"unanswered\"\nunacknowledged = true\n",
    );
    let mut cmd = sandbox.wpconsole();
    cmd.args(["--config", &config, "--profile", "fleet"])
        .args(connect_args(port))
        .args(["watch", "--once", "--timeout", "30s"]);
    let mut watch = Running::spawn(cmd);
    assert!(
        watch.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        watch.drain_stderr()
    );
    assert!(
        watch.wait_stderr("/from/uid/", Duration::from_secs(1)),
        "an unacknowledged rule watches the from topics: {}",
        watch.drain_stderr()
    );
    // The fleet answers its own vehicle: no alert, even well past the timeout.
    let (code, stdout) = send_tracked(&sandbox, port, &vins[0]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        watch.next_line(Duration::from_millis(2500)),
        None,
        "an answered message is no alert"
    );
    // Nothing simulates this vehicle: no reply comes.
    let (code, stdout) = send_tracked(&sandbox, port, VIN);
    assert_eq!(code, Some(4), "{stdout}");
    let line = watch
        .next_line(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no alert: {}", watch.drain_stderr()));
    let alert: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(alert["dir"], "alert");
    assert_eq!(alert["rule"], "unanswered");
    assert_eq!(alert["what"], "unacknowledged");
    assert_eq!(alert["vin"], VIN);
    assert_eq!(alert["message"]["dir"], "out");
    assert_eq!(
        alert["message_at"], alert["message"]["received_at"],
        "when the tracked message went"
    );
    let cid = alert["message"]["payload"]["content"]["cid"]
        .as_str()
        .expect("the tracked message, with its id");
    assert!(
        stdout.contains(&format!("content.ref = \"{cid}\"")),
        "the message send tracked: {stdout}"
    );
    assert_eq!(watch.wait(Duration::from_secs(5)), Some(0), "--once");
}

#[test]
fn a_rule_that_does_not_parse_is_refused_before_connecting_naming_the_profile_and_the_rule() {
    let sandbox = Sandbox::new();
    let config = profile_with(
        &sandbox,
        "[[profiles.fleet.watch]]\nname = \"quiet\"\nsilent = \"5 minutes\"\n",
    );
    let out = sandbox
        .wpconsole()
        .args(["--config", &config, "--profile", "fleet"])
        // Nothing listens there: a refusal after connecting would be exit 3.
        .args(["--broker", "mqtt://127.0.0.1:9", "--uid", "U", "watch"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("profile \"fleet\": watch rule \"quiet\": silent: "),
        "{stderr}"
    );
    assert!(stderr.contains("config.toml"), "{stderr}");
    // A jq expression: the column, and a caret under it.
    let config = profile_with(
        &sandbox,
        "[[profiles.fleet.watch]]\nname = \"fast\"\nwhen = \".speed >> 120\"\n",
    );
    let out = sandbox
        .wpconsole()
        .args(["--config", &config, "--profile", "fleet"])
        .args(["--broker", "mqtt://127.0.0.1:9", "--uid", "U", "watch"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("profile \"fleet\": watch rule \"fast\": when: column 8: "),
        "{stderr}"
    );
    assert!(stderr.contains("\n  .speed >> 120\n         ^"), "{stderr}");
    // Given on the command line, the flag is named.
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:9", "--uid", "U"])
        .args(["watch", "--silent", "soon"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--silent: watch rule \"silent\""),
        "{stderr}"
    );
    // No rule at all says where rules come from.
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:9", "--uid", "U", "watch"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--when EXPR or --silent"), "{stderr}");
}
