//! `wpconsole watch --once` against mosquitto, for scripts and monitoring
//! checks: exit 0 on the first alert (printed as one JSON line), exit 5
//! when `--timeout` passes with none.

use crate::util::{Mosquitto, Running, Sandbox, UID, VIN, mosquitto_available, to_topic};
use std::time::Duration;

fn watch(sandbox: &Sandbox, broker: &Mosquitto, args: &[&str]) -> Running {
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtt://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
        "watch",
    ])
    .args(args);
    let mut watch = Running::spawn(cmd);
    assert!(
        watch.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        watch.drain_stderr()
    );
    watch
}

#[test]
fn watch_once_exits_0_on_the_first_alert_and_prints_it() {
    if !mosquitto_available("watch_once_exits_0_on_the_first_alert_and_prints_it") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let mut watch = watch(
        &sandbox,
        &broker,
        &["--silent", "2s", "--vin", VIN, "--once", "--timeout", "20s"],
    );
    broker.publish(&to_topic(VIN), br#"{"content":{"action":"hello"}}"#);
    let line = watch
        .next_line(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no alert: {}", watch.drain_stderr()));
    assert_eq!(watch.wait(Duration::from_secs(5)), Some(0), "{line}");
    let alert: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(alert["rule"], "silent");
    assert_eq!(alert["what"], "silent");
    assert_eq!(alert["vin"], VIN);
    assert_eq!(alert["seq"], 1);
    assert_eq!(
        alert["message"]["payload"]["content"]["action"], "hello",
        "the vehicle's last message"
    );
    assert_eq!(alert["message_at"], alert["message"]["received_at"]);
}

#[test]
fn a_when_rule_fires_on_the_message_it_is_truthy_on_and_not_before() {
    if !mosquitto_available("a_when_rule_fires_on_the_message_it_is_truthy_on_and_not_before") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let mut watch = watch(
        &sandbox,
        &broker,
        &[
            "--when",
            ".payload.content.params.speed_kmh > 120",
            "--once",
            "--timeout",
            "20s",
        ],
    );
    broker.publish(
        &to_topic(VIN),
        br#"{"content":{"action":"status","params":{"speed_kmh":90}}}"#,
    );
    broker.publish(&to_topic(VIN), b"not json: no speed here");
    broker.publish(
        &to_topic(VIN),
        br#"{"content":{"action":"status","params":{"speed_kmh":131}}}"#,
    );
    let line = watch
        .next_line(Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no alert: {}", watch.drain_stderr()));
    assert_eq!(watch.wait(Duration::from_secs(5)), Some(0), "{line}");
    let alert: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(alert["rule"], "when");
    assert_eq!(alert["what"], "fired");
    assert_eq!(alert["seq"], 3, "the third message, the first over 120");
    assert_eq!(alert["message_at"], alert["message"]["received_at"]);
    assert_eq!(
        alert["message"]["payload"]["content"]["params"]["speed_kmh"],
        131
    );
}

#[test]
fn watch_once_exits_5_when_the_timeout_passes_with_no_alert() {
    if !mosquitto_available("watch_once_exits_5_when_the_timeout_passes_with_no_alert") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let mut watch = watch(
        &sandbox,
        &broker,
        &["--silent", "1h", "--once", "--timeout", "2s"],
    );
    broker.publish(&to_topic(VIN), br#"{"content":{"action":"hello"}}"#);
    assert_eq!(watch.wait(Duration::from_secs(10)), Some(5));
    assert_eq!(watch.next_line(Duration::from_millis(100)), None);
    assert!(
        watch.wait_stderr("no alert within 2.0 s", Duration::from_secs(1)),
        "{}",
        watch.drain_stderr()
    );
}
