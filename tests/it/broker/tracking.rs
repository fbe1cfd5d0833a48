//! Delivery tracking with the simulated fleet: `send --track` waits for the
//! vehicle's reply (or says why none came), a popup's answer is the exit
//! code, and `replay` republishes what was sent.

use super::{broker, broker_with_fleet, connect_args};
use crate::util::{self, Observer, Sandbox, UID, VIN, from_topic, to_topic};
use std::time::Duration;
use wpconsole::domain::TopicScheme;
use wpconsole::mqtt::BrokerUrl;
use wpconsole::sim::fleet::Fleet;

#[test]
fn send_track_waits_for_the_vehicles_reply_and_prints_the_round_trip() {
    let (port, _runtime, vins) = broker_with_fleet();
    let sandbox = Sandbox::new();
    let sent = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args([
            "send",
            "--vin",
            &vins[0],
            "--content",
            r#"{"type":"action","action":"unlock"}"#,
            "--track",
            "--wait",
            "10s",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&sent.stdout);
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("acknowledged: wpc-"))
        .unwrap_or_else(|| panic!("no acknowledgement line:\n{stdout}"));
    assert!(line.ends_with(" ms"), "{line}");
}

#[test]
fn send_track_without_a_reply_exits_4_and_says_why() {
    let (port, _runtime, _vins) = broker_with_fleet();
    let sandbox = Sandbox::new();
    // A vehicle the fleet does not have: nothing will answer.
    let sent = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#"{"action":"unlock"}"#,
            "--track",
            "--wait",
            "800ms",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(4), "{stderr}");
    assert!(
        String::from_utf8_lossy(&sent.stdout).contains("published"),
        "it was published"
    );
    assert!(
        stderr.contains("no reply with content.ref") && stderr.contains("within 0.8 s"),
        "{stderr}"
    );
}

#[test]
fn send_track_stamps_the_id_a_dry_run_shows_and_refuses_content_that_cannot_carry_it() {
    let sandbox = Sandbox::new();
    let dry = sandbox
        .wpconsole()
        .args(connect_args(1))
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#"{"action":"unlock"}"#,
            "--track",
            "--track-field",
            "requestId",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&dry.stdout);
    assert_eq!(dry.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("\"requestId\":\"wpc-"), "{stdout}");
    assert!(stdout.contains("with content.ref = \"wpc-"), "{stdout}");
    let refused = sandbox
        .wpconsole()
        .args(connect_args(1))
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#""just text""#,
            "--track",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("content must be an object"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let bad_wait = sandbox
        .wpconsole()
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            "{}",
            "--track",
            "--wait",
            "soon",
        ])
        .output()
        .unwrap();
    assert_eq!(bad_wait.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad_wait.stderr).contains("write 500ms, 30s, 5m or 1h"));
}

fn journal_line(
    at: chrono::DateTime<chrono::Utc>,
    vin: &str,
    dir: &'static str,
    payload: &str,
) -> String {
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at,
        vin: Some(vin),
        topic: &if dir == "out" {
            from_topic(vin)
        } else {
            to_topic(vin)
        },
        payload: payload.as_bytes(),
        kind: if dir == "out" { "data" } else { "content" },
        is_json: true,
        dir: Some(dir),
    })
}

#[test]
fn replay_publishes_what_was_sent_to_another_vehicle_and_refuses_a_bad_record_whole() {
    let port = broker();
    let sandbox = Sandbox::new();
    let t0 = chrono::Utc::now();
    let first = r#"{"idApp":"APP","popup":false,"content":{"action":"first"}}"#;
    let second = r#"{"idApp":"APP","popup":false,"content":{"action":"second"}}"#;
    let journal = [
        journal_line(t0, "ZFA1234567890ABCD", "out", first),
        journal_line(
            t0,
            "ZFA1234567890ABCD",
            "in",
            r#"{"content":{"type":"ack"}}"#,
        ),
        journal_line(
            t0 + chrono::Duration::milliseconds(300),
            "ZFA1234567890ABCD",
            "out",
            second,
        ),
    ]
    .join("\n");
    let file = sandbox.write("journal.jsonl", &(journal + "\n"));
    let replay = |extra: &[&str]| {
        let output = sandbox
            .wpconsole()
            .args(connect_args(port))
            .arg("replay")
            .arg(&file)
            .args(["--to", VIN])
            .args(extra)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = replay(&["--dry-run"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stdout.contains("would publish 2 message(s)"),
        "only what went out: {stdout}"
    );
    assert!(stdout.contains("#2 at +0.300s data"), "{stdout}");

    let observer = Observer::subscribe(port, &from_topic(VIN));
    let (code, stdout, stderr) = replay(&["--pace", "fast"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    for expected in [first, second] {
        let (topic, payload) = observer
            .messages
            .recv_timeout(Duration::from_secs(5))
            .expect("replayed");
        assert_eq!(topic, from_topic(VIN));
        assert_eq!(
            String::from_utf8(payload).unwrap(),
            expected,
            "the same bytes"
        );
    }

    let bad = sandbox.write(
        "bad.jsonl",
        format!(
            "{}\n{}\n",
            journal_line(t0, VIN, "out", first),
            journal_line(t0, VIN, "out", r#"{"popup":false}"#)
        ),
    );
    let output = sandbox
        .wpconsole()
        .args(connect_args(port))
        .arg("replay")
        .arg(&bad)
        .args(["--to", VIN, "--pace", "fast"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("#2:") && stderr.contains("nothing was published"),
        "{stderr}"
    );
    assert!(
        observer
            .messages
            .recv_timeout(Duration::from_millis(800))
            .is_err(),
        "not even the valid first one"
    );
}

#[test]
fn send_track_of_a_popup_prints_the_drivers_answer_and_exits_by_it() {
    use wpconsole::domain::PopupAction;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let topics = TopicScheme::new(util::PREFIX, UID, true).unwrap();
    let sandbox = Sandbox::new();
    for (seed, answer, code, said) in [
        (
            21,
            PopupAction::Ok,
            0,
            "answered: OK (WebPortal.okBtnPopupRequestClicked) in ",
        ),
        (
            22,
            PopupAction::Cancel,
            5,
            "answered: Cancel (WebPortal.cancelBtnPopupRequestClicked) in ",
        ),
    ] {
        // A fleet of one whose driver always gives `answer` (another
        // vehicle each time: the 20 s popup rule holds per vehicle).
        let port = broker();
        let url = BrokerUrl::parse(&format!("mqtt://127.0.0.1:{port}")).unwrap();
        let fleet = Fleet::new(topics.clone(), 1, seed)
            .with_malformed_share(0.0)
            .with_popup_answer(answer);
        let vin = fleet.vehicles[0].vin.to_string();
        runtime.spawn(wpconsole::sim::run_fleet(url, topics.clone(), fleet));
        std::thread::sleep(Duration::from_millis(500));
        let sent = sandbox
            .wpconsole()
            .args(connect_args(port))
            .args([
                "send",
                "--vin",
                &vin,
                "--content",
                r#"{"type":"action","action":"hello"}"#,
                "--popup-text",
                "hello",
                "--popup-btn",
                "--track",
                "--wait",
                "20s",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&sent.stdout);
        assert_eq!(
            sent.status.code(),
            Some(code),
            "{stdout}{}",
            String::from_utf8_lossy(&sent.stderr)
        );
        let line = stdout
            .lines()
            .find(|l| l.starts_with(said))
            .unwrap_or_else(|| panic!("no answer line {said:?}:\n{stdout}"));
        assert!(line.ends_with(" ms"), "{line}");
    }
}

#[test]
fn send_track_waits_the_profiles_track_timeout_when_no_wait_is_given() {
    let (port, _runtime, _vins) = broker_with_fleet();
    let sandbox = Sandbox::new();
    // One home for how long a tracked message waits: the profile's
    // track-timeout, as the console and watch read it (before: 30 s).
    let config = sandbox.write("config.toml", "[profiles.lab]\ntrack-timeout = 1\n");
    let began = std::time::Instant::now();
    let sent = sandbox
        .wpconsole()
        .args(["--config", &config.to_string_lossy(), "--profile", "lab"])
        .args(connect_args(port))
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#"{"action":"unlock"}"#,
            "--track",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("within 1 s"), "{stderr}");
    assert!(
        began.elapsed() < Duration::from_secs(20),
        "{:?}",
        began.elapsed()
    );
}
