//! The entry point x rule matrix, for the headless entry points: `send`
//! and `replay`, the real binary against the embedded broker, with a plain
//! MQTT observer that sees what really reached the broker. Each rule
//! (valid envelope, size limit, popup interval, tracking stamp, production
//! confirmation, read-only) is shown refusing, and nothing is published.
//! The console's two entry points (one vehicle, marked vehicles) are
//! held to the same rules in `src/tui/tests.rs`
//! (`every_rule_holds_for_one_vehicle_and_for_marked_vehicles`), and the
//! popup interval across processes in `tests/it/console/`.

use crate::util::{Observer, Sandbox, UID, VIN, envelope_of_size, from_topic};
use std::process::Output;
use std::time::Duration;

const OTHER: &str = "ZFA1234567890ABCD";
const POPUP: &str =
    r#"{"idApp":"APP","popup":true,"popupBtn":false,"popupText":"hi","content":{}}"#;
const DATA: &str = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"x"}}"#;

fn broker() -> u16 {
    wpconsole::sim::broker::start(0)
        .expect("embedded broker")
        .addr
        .port()
}

/// A sandbox whose config has a `plain` and a `production` profile on the
/// broker at `port`.
fn sandbox(port: u16) -> Sandbox {
    let sandbox = Sandbox::new();
    let profile = |name: &str, extra: &str| {
        format!(
            "[profiles.{name}]\nbroker = \"mqtt://127.0.0.1:{port}\"\nuid = \"{UID}\"\napp-id = \"APP\"\n{extra}\n"
        )
    };
    sandbox.write(
        "config.toml",
        profile("plain", "") + &profile("production", "production = true"),
    );
    sandbox
}

fn run(sandbox: &Sandbox, profile: &str, args: &[&str]) -> Output {
    sandbox
        .wpconsole()
        .arg("--config")
        .arg(sandbox.path("config.toml"))
        .args(["--profile", profile])
        .args(args)
        .output()
        .expect("run wpconsole")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A journal holding `payloads` as published to VIN, one second apart.
fn recording(sandbox: &Sandbox, payloads: &[&str]) -> String {
    let lines: Vec<String> = payloads
        .iter()
        .enumerate()
        .map(|(index, payload)| {
            wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
                at: chrono::Utc::now()
                    - chrono::Duration::seconds(60 - i64::try_from(index).unwrap()),
                vin: Some(VIN),
                topic: &from_topic(VIN),
                payload: payload.as_bytes(),
                kind: "data",
                is_json: true,
                dir: Some("out"),
            })
        })
        .collect();
    sandbox
        .write("recorded.jsonl", lines.join("\n") + "\n")
        .display()
        .to_string()
}

/// What reaches the broker for OTHER within `wait`.
fn received(observer: &Observer, wait: Duration) -> Vec<String> {
    let mut seen = Vec::new();
    while let Ok((_, payload)) = observer.messages.recv_timeout(wait) {
        seen.push(String::from_utf8_lossy(&payload).into_owned());
    }
    seen
}

fn send_file(sandbox: &Sandbox, profile: &str, envelope: &str, extra: &[&str]) -> Output {
    let file = sandbox.write("envelope.json", envelope);
    let file = file.display().to_string();
    let mut args = vec!["send", "--vin", OTHER, "--file", &file];
    args.extend_from_slice(extra);
    run(sandbox, profile, &args)
}

fn replay(sandbox: &Sandbox, profile: &str, payloads: &[&str], extra: &[&str]) -> Output {
    let file = recording(sandbox, payloads);
    let mut args = vec!["replay", &file, "--to", OTHER, "--pace", "fast"];
    args.extend_from_slice(extra);
    run(sandbox, profile, &args)
}

#[test]
fn an_invalid_envelope_is_refused_by_send_and_replay() {
    let port = broker();
    let sandbox = sandbox(port);
    let observer = Observer::subscribe(port, &from_topic(OTHER));
    let broken = r#"{"idApp":"APP","popup":"no","content":{}}"#;
    let sent = send_file(&sandbox, "plain", broken, &[]);
    assert_eq!(sent.status.code(), Some(1), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("popup must be a boolean"));
    let replayed = replay(&sandbox, "plain", &[DATA, broken], &[]);
    assert_eq!(replayed.status.code(), Some(1), "{}", stderr(&replayed));
    assert!(stderr(&replayed).contains("#2"), "{}", stderr(&replayed));
    assert_eq!(
        received(&observer, Duration::from_secs(1)),
        Vec::<String>::new()
    );
}

#[test]
fn the_size_limit_is_kept_by_send_and_replay() {
    let port = broker();
    let sandbox = sandbox(port);
    let observer = Observer::subscribe(port, &from_topic(OTHER));
    let over = envelope_of_size(131_073);
    let sent = send_file(&sandbox, "plain", &over, &[]);
    assert_eq!(sent.status.code(), Some(1), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("131,073 bytes"), "{}", stderr(&sent));
    // Exactly at the limit, tracked: the id would take it over, and it says so.
    let at_limit = envelope_of_size(131_072);
    let tracked = send_file(&sandbox, "plain", &at_limit, &["--track"]);
    assert_eq!(tracked.status.code(), Some(1), "{}", stderr(&tracked));
    assert!(
        stderr(&tracked).contains("with the tracking id content.cid"),
        "{}",
        stderr(&tracked)
    );
    let replayed = replay(&sandbox, "plain", &[DATA, &over], &[]);
    assert_eq!(replayed.status.code(), Some(1), "{}", stderr(&replayed));
    assert_eq!(
        received(&observer, Duration::from_secs(1)),
        Vec::<String>::new()
    );
    // Untracked, at the limit, it goes, byte for byte.
    let sent = send_file(&sandbox, "plain", &at_limit, &[]);
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    assert_eq!(received(&observer, Duration::from_secs(2)), vec![at_limit]);
}

#[test]
fn the_popup_interval_holds_between_send_and_replay() {
    let port = broker();
    let sandbox = sandbox(port);
    let sent = run(
        &sandbox,
        "plain",
        &[
            "send",
            "--vin",
            OTHER,
            "--content",
            "{}",
            "--popup-text",
            "hello",
        ],
    );
    assert_eq!(sent.status.code(), Some(0), "{}", stderr(&sent));
    let again = run(
        &sandbox,
        "plain",
        &[
            "send",
            "--vin",
            OTHER,
            "--content",
            "{}",
            "--popup-text",
            "again",
        ],
    );
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
    assert!(stderr(&again).contains("wait"), "{}", stderr(&again));
    // A replay's popup is planned after the 20 s.
    let planned = replay(&sandbox, "plain", &[POPUP], &["--dry-run"]);
    let stdout = String::from_utf8_lossy(&planned.stdout);
    assert_eq!(planned.status.code(), Some(0), "{}", stderr(&planned));
    let after: f64 = stdout
        .lines()
        .find_map(|line| line.split("at +").nth(1))
        .and_then(|rest| rest.split('s').next())
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("a time in {stdout}"));
    assert!(
        after >= 15.0,
        "the popup waits for the send's 20 s: {stdout}"
    );
    // The same vehicle on another account is another ledger.
    let other_account = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
            "--uid",
            "OTHER-UID",
        ])
        .args(["--app-id", "APP", "send", "--vin", OTHER, "--content", "{}"])
        .args(["--popup-text", "hello"])
        .output()
        .unwrap();
    assert_eq!(
        other_account.status.code(),
        Some(0),
        "{}",
        stderr(&other_account)
    );
}

#[test]
fn the_tracking_stamp_adds_one_member_and_keeps_the_users_own_id() {
    let port = broker();
    let sandbox = sandbox(port);
    let own = run(
        &sandbox,
        "plain",
        &[
            "send",
            "--vin",
            OTHER,
            "--content",
            r#"{"type":"action","action":"ping","cid":"mine"}"#,
            "--track",
            "--dry-run",
        ],
    );
    let stdout = String::from_utf8_lossy(&own.stdout);
    assert!(stdout.contains(r#""cid":"mine""#), "{stdout}");
    assert!(!stdout.contains("wpc-"), "{stdout}");
    assert!(stdout.contains(r#"content.ref = "mine""#), "{stdout}");
    // The bytes as written plus exactly one member: escapes untouched.
    let written = r#"{"idApp":"APP","popup":false,"content":{"s":"\u00e9\/","n":1.50}}"#;
    let stamped = send_file(&sandbox, "plain", written, &["--track", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&stamped.stdout);
    let line = stdout.lines().find(|l| l.starts_with('{')).unwrap();
    let at = line
        .find(r#","cid":"wpc-"#)
        .unwrap_or_else(|| panic!("{line}"));
    let without = format!(
        "{}{}",
        &line[..at],
        &line[at + r#","cid":"wpc-0123456789ab""#.len()..]
    );
    assert_eq!(without, written);
    // replay sends the recorded bytes: no id added, a recorded one kept.
    let recorded = r#"{"idApp":"APP","popup":false,"content":{"cid":"wpc-recorded"}}"#;
    let planned = replay(&sandbox, "plain", &[recorded], &["--dry-run"]);
    let stdout = String::from_utf8_lossy(&planned.stdout);
    assert!(stdout.trim_end().ends_with(recorded), "{stdout}");
}

#[test]
fn production_asks_send_and_replay_for_a_yes() {
    let port = broker();
    let sandbox = sandbox(port);
    let observer = Observer::subscribe(port, &from_topic(OTHER));
    let sent = send_file(&sandbox, "production", DATA, &[]);
    assert_eq!(sent.status.code(), Some(1), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("--yes"), "{}", stderr(&sent));
    let replayed = replay(&sandbox, "production", &[DATA], &[]);
    assert_eq!(replayed.status.code(), Some(1), "{}", stderr(&replayed));
    assert!(stderr(&replayed).contains("--yes"), "{}", stderr(&replayed));
    assert_eq!(
        received(&observer, Duration::from_secs(1)),
        Vec::<String>::new()
    );
    let confirmed = send_file(&sandbox, "production", DATA, &["--yes"]);
    assert_eq!(confirmed.status.code(), Some(0), "{}", stderr(&confirmed));
    let confirmed = replay(&sandbox, "production", &[DATA], &["--yes"]);
    assert_eq!(confirmed.status.code(), Some(0), "{}", stderr(&confirmed));
    assert_eq!(received(&observer, Duration::from_secs(2)).len(), 2);
}

#[test]
fn read_only_refuses_send_and_replay_even_with_a_yes() {
    let port = broker();
    let sandbox = sandbox(port);
    let observer = Observer::subscribe(port, &from_topic(OTHER));
    let sent = send_file(&sandbox, "production", DATA, &["--yes", "--read-only"]);
    assert_eq!(sent.status.code(), Some(1), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("read-only"), "{}", stderr(&sent));
    let replayed = replay(&sandbox, "plain", &[DATA], &["--read-only"]);
    assert_eq!(replayed.status.code(), Some(1), "{}", stderr(&replayed));
    assert!(
        stderr(&replayed).contains("read-only"),
        "{}",
        stderr(&replayed)
    );
    assert_eq!(
        received(&observer, Duration::from_secs(1)),
        Vec::<String>::new()
    );
}

#[test]
fn popup_options_are_refused_with_a_whole_envelope() {
    let port = broker();
    let sandbox = sandbox(port);
    let sent = send_file(
        &sandbox,
        "plain",
        DATA,
        &["--popup-text", "Hello", "--popup-btn"],
    );
    assert_eq!(sent.status.code(), Some(2), "{}", stderr(&sent));
    assert!(
        stderr(&sent).contains("write \"popup\": true"),
        "{}",
        stderr(&sent)
    );
}

#[test]
fn a_send_that_published_exits_0_even_when_its_output_is_closed() {
    let port = broker();
    let sandbox = sandbox(port);
    let observer = Observer::subscribe(port, &from_topic(OTHER));
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let sent = sandbox
        .wpconsole()
        .arg("--config")
        .arg(sandbox.path("config.toml"))
        .args([
            "--profile",
            "plain",
            "send",
            "--vin",
            OTHER,
            "--content",
            "{}",
        ])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "a script would retry and publish twice: {}",
        stderr(&sent)
    );
    assert_eq!(received(&observer, Duration::from_secs(2)).len(), 1);
    assert!(
        stderr(&sent).contains("cannot write to standard output"),
        "a full output is said, not lost without a word: {}",
        stderr(&sent)
    );
}

#[test]
fn validate_resolves_placeholders_as_send_does() {
    let port = broker();
    let sandbox = sandbox(port);
    // 131,072 bytes as written; {vin} becomes 17 characters.
    let written = envelope_of_size(131_072).replacen("xxxxx", "{vin}", 1);
    let file = sandbox.write("vin.json", &written);
    let file = file.display().to_string();
    let checked = run(&sandbox, "plain", &["validate", &file, "--vin", OTHER]);
    let stdout = String::from_utf8_lossy(&checked.stdout);
    assert_eq!(checked.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("131,084"), "{stdout}");
    assert!(
        stdout.contains(&format!("placeholders resolved for {OTHER}")),
        "{stdout}"
    );
    let sent = send_file(&sandbox, "plain", &written, &["--dry-run"]);
    assert_eq!(sent.status.code(), Some(1), "{}", stderr(&sent));
    assert!(stderr(&sent).contains("131,084"), "{}", stderr(&sent));
}

#[test]
fn an_account_named_on_the_command_line_does_not_inherit_the_default_profile() {
    let port = broker();
    let sandbox = Sandbox::new();
    sandbox.write(
        "config.toml",
        format!(
            "default-profile = \"production\"\n[profiles.production]\nbroker = \"mqtt://127.0.0.1:{port}\"\nuid = \"{UID}\"\napp-id = \"PROD_APP\"\nproduction = true\n"
        ),
    );
    let observer = Observer::subscribe(port, "psa/OVIPPartners-Dev/from/uid/OTHER-UID/#");
    let sent = sandbox
        .wpconsole()
        .arg("--config")
        .arg(sandbox.path("config.toml"))
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
            "--uid",
            "OTHER-UID",
        ])
        .args(["send", "--vin", OTHER, "--content", "{}", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(sent.status.code(), Some(2), "{}", stderr(&sent));
    assert!(
        stderr(&sent).contains("no application id"),
        "the default profile's app id is another account's: {}",
        stderr(&sent)
    );
    let sent = sandbox
        .wpconsole()
        .arg("--config")
        .arg(sandbox.path("config.toml"))
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
            "--uid",
            "OTHER-UID",
        ])
        .args(["--app-id", "APP", "send", "--vin", OTHER, "--content", "{}"])
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "not held to another account's production flag: {}",
        stderr(&sent)
    );
    assert_eq!(received(&observer, Duration::from_secs(2)).len(), 1);
    // Named with --profile, the profile applies under the flags.
    let refused = sandbox
        .wpconsole()
        .arg("--config")
        .arg(sandbox.path("config.toml"))
        .args(["--profile", "production", "--uid", "OTHER-UID"])
        .args(["send", "--vin", OTHER, "--content", "{}"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
}
