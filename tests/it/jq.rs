//! `--jq EXPR` on `tail`, `export` and `replay`: the real binary against
//! the embedded broker. Kept are the records the expression is truthy on;
//! a bad expression is refused before anything connects or is read (exit
//! 2, its column and a caret); records it fails on are left out and
//! counted on standard error.

use crate::util::{Observer, Sandbox, UID, VIN, from_topic, to_topic};
use std::time::Duration;

const FAST: &str = r#"{"content":{"type":"action","action":"climateOn","params":{"speed":131}}}"#;
const SLOW: &str = r#"{"content":{"type":"action","action":"lock","params":{"speed":80}}}"#;
const SPEED: &str = ".payload.content.params.speed > 120";

fn broker() -> String {
    let port = wpconsole::sim::broker::start(0)
        .expect("embedded broker")
        .addr
        .port();
    format!("mqtt://127.0.0.1:{port}")
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':').next().unwrap().parse().unwrap()
}

/// A journal record, written by the library's one writer of that form.
fn record(at_ms: i64, dir: &'static str, kind: &str, payload: &[u8]) -> String {
    let at = chrono::DateTime::from_timestamp_millis(1_764_000_000_000 + at_ms).unwrap();
    let topic = if dir == "out" {
        from_topic(VIN)
    } else {
        to_topic(VIN)
    };
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at,
        vin: Some(VIN),
        topic: &topic,
        payload,
        kind,
        is_json: serde_json::from_slice::<serde_json::Value>(payload).is_ok(),
        dir: Some(dir),
    })
}

#[test]
fn tail_jq_prints_only_the_matching_messages_and_counts_the_failures() {
    let url = broker();
    let sandbox = Sandbox::new();
    for json in [true, false] {
        let mut args = vec!["--jq", SPEED, "--count", "1"];
        if json {
            args.push("--json");
        }
        let mut tail = sandbox.tail(&url, &args);
        for payload in [SLOW.as_bytes(), b"engine on", FAST.as_bytes()] {
            Observer::publish(port_of(&url), &to_topic(VIN), payload.to_vec());
        }
        let line = tail
            .next_line(Duration::from_secs(10))
            .expect("the fast message");
        assert!(line.contains("climateOn"), "only the match: {line}");
        if json {
            let value: serde_json::Value = serde_json::from_str(&line).unwrap();
            assert_eq!(value["payload"]["content"]["params"]["speed"], 131);
            assert!(value.get("dir").is_none(), "the tail --json form: {line}");
        } else {
            assert!(line.contains(VIN) && line.contains("content"), "{line}");
        }
        assert_eq!(tail.wait(Duration::from_secs(10)), Some(0));
        assert!(
            tail.wait_stderr("--jq failed on 1 record(s)", Duration::from_secs(5)),
            "the text payload failed (a string indexed): {}",
            tail.drain_stderr()
        );
        assert!(tail.drain_stderr().contains("cannot index"));
    }
}

#[test]
fn tail_jq_sees_the_direction_and_the_kind() {
    let url = broker();
    let sandbox = Sandbox::new();
    let mut tail = sandbox.tail(
        &url,
        &[
            "--json",
            "--count",
            "1",
            "--jq",
            r#".dir == "in" and .kind == "text""#,
        ],
    );
    Observer::publish(port_of(&url), &to_topic(VIN), FAST.as_bytes().to_vec());
    Observer::publish(port_of(&url), &to_topic(VIN), b"engine on".to_vec());
    let line = tail.next_line(Duration::from_secs(10)).expect("the text");
    assert!(line.contains("\"payload\":\"engine on\""), "{line}");
    assert_eq!(tail.wait(Duration::from_secs(10)), Some(0));
}

#[test]
fn a_bad_expression_is_refused_before_connecting_with_its_column() {
    let sandbox = Sandbox::new();
    // Nothing listens there: a connection attempt would exit 3.
    let nowhere = format!("mqtt://127.0.0.1:{}", crate::util::free_port());
    let file = sandbox.write(
        "journal.jsonl",
        record(0, "in", "content", FAST.as_bytes()) + "\n",
    );
    let missing = sandbox.path("missing.jsonl");
    for command in [
        vec!["tail".to_owned()],
        vec!["export".to_owned(), missing.display().to_string()],
        vec![
            "replay".to_owned(),
            file.display().to_string(),
            "--to".to_owned(),
            VIN.to_owned(),
        ],
    ] {
        let out = sandbox
            .wpconsole()
            .args(["--broker", &nowhere, "--uid", UID, "--app-id", "APP"])
            .args(&command)
            .args(["--jq", ".payload.speed >"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(stderr.contains("column 17"), "{command:?}: {stderr}");
        assert!(
            stderr.contains(&format!("  .payload.speed >\n  {}^", " ".repeat(16))),
            "{command:?}: the caret under the column: {stderr}"
        );
        assert!(
            !stderr.contains("missing.jsonl") && !stderr.contains("refused"),
            "{command:?}: nothing read or connected: {stderr}"
        );
    }
}

#[test]
fn export_jq_keeps_the_matching_records_after_the_other_filters() {
    let sandbox = Sandbox::new();
    let lines = [
        record(0, "in", "content", FAST.as_bytes()),
        record(1, "in", "content", SLOW.as_bytes()),
        record(2, "in", "text", b"not json"),
        record(3, "in", "binary", &[0xff, 0x00]),
        record(4, "out", "data", br#"{"idApp":"APP","popup":false,"content":{"params":{"speed":200}}}"#),
        // A `tail --json` capture line: no dir, so inbound.
        r#"{"received_at":"2026-11-24T14:03:05.042Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":2,"kind":"content","payload":{"content":{"params":{"speed":121}}}}"#.to_owned(),
    ];
    let file = sandbox.write("journal.jsonl", lines.join("\n") + "\n");
    let export = |extra: &[&str]| {
        let out = sandbox
            .wpconsole()
            .arg("export")
            .arg(&file)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{extra:?}");
        let kept: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (kept, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let speed_of = |kept: &[serde_json::Value]| -> Vec<i64> {
        kept.iter()
            .map(|r| r["payload"]["content"]["params"]["speed"].as_i64().unwrap())
            .collect()
    };
    let (kept, stderr) = export(&["--jq", SPEED]);
    assert_eq!(speed_of(&kept), [131, 200, 121], "{stderr}");
    assert!(
        stderr.contains("--jq failed on 1 record(s)"),
        "the text payload (a string indexed; the binary one is an object): {stderr}"
    );
    assert!(stderr.contains("exported 3 message(s)"), "{stderr}");
    // The other filters first: jq never sees what they leave out.
    let (kept, stderr) = export(&["--dir", "in", "--kind", "content", "--jq", SPEED]);
    assert_eq!(speed_of(&kept), [131, 121], "{stderr}");
    assert!(!stderr.contains("--jq failed"), "{stderr}");
    // `?` skips what is not an object quietly.
    let (kept, stderr) = export(&["--jq", ".payload.content?.params.speed > 120"]);
    assert_eq!(kept.len(), 3);
    assert!(!stderr.contains("--jq failed"), "{stderr}");
    // Not JSON is still a record.
    let (kept, _) = export(&[
        "--jq",
        r#".payload == "not json" or .payload.base64 == "/wA=""#,
    ]);
    assert_eq!(kept.len(), 2);
}

#[test]
fn replay_jq_publishes_only_the_matching_records() {
    let url = broker();
    let sandbox = Sandbox::new();
    let climate =
        r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"climateOn"}}"#;
    let lock = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"lock"}}"#;
    let file = sandbox.write(
        "journal.jsonl",
        [
            record(0, "out", "data", lock.as_bytes()),
            record(10, "out", "data", climate.as_bytes()),
            record(20, "out", "data", b"garbage"),
        ]
        .join("\n")
            + "\n",
    );
    let observer = Observer::subscribe(port_of(&url), &from_topic(VIN));
    let out = sandbox
        .wpconsole()
        .args(["--broker", &url, "--uid", UID, "--app-id", "APP"])
        .arg("replay")
        .arg(&file)
        .args(["--to", VIN, "--pace", "fast"])
        .args(["--jq", r#".payload.content.action | test("^climate")"#])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("replayed 1 message(s)"),
        "{stderr}"
    );
    assert!(stderr.contains("--jq failed on 1 record(s)"), "{stderr}");
    let (_, payload) = observer
        .messages
        .recv_timeout(Duration::from_secs(5))
        .expect("replayed");
    assert_eq!(payload, climate.as_bytes());
    assert!(
        observer
            .messages
            .recv_timeout(Duration::from_millis(500))
            .is_err(),
        "nothing else"
    );
}
