//! The limits the broker would enforce, kept by the client: 128 KiB both
//! ways, and the 20 s between popups across runs.

use super::{broker, connect_args, tail_json};
use crate::util::{Observer, Sandbox, VIN, envelope_of_size, from_topic, to_topic};
use std::time::Duration;

#[test]
fn a_payload_of_exactly_128_kib_is_published_intact() {
    let port = broker();
    let observer = Observer::subscribe(port, &from_topic(VIN));
    let sandbox = Sandbox::new();
    let envelope = envelope_of_size(131_072);
    let file = sandbox.write("big.json", &envelope);
    let sent = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args(["send", "--vin", VIN, "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let (topic, payload) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .expect("published");
    assert_eq!(topic, from_topic(VIN));
    assert_eq!(payload.len(), 131_072);
    assert_eq!(payload, envelope.as_bytes());
}

#[test]
fn one_byte_over_128_kib_is_refused_and_nothing_reaches_the_broker() {
    let port = broker();
    let observer = Observer::subscribe(port, &from_topic(VIN));
    let sandbox = Sandbox::new();
    let file = sandbox.write("big.json", envelope_of_size(131_073));
    let refused = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args(["send", "--vin", VIN, "--file"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("131,073 bytes") && stderr.contains("131,072"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was published"), "{stderr}");

    // A marker sent afterwards is the first thing the observer sees.
    let marker = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args(["send", "--vin", VIN, "--content", r#"{"action":"marker"}"#])
        .output()
        .unwrap();
    assert_eq!(marker.status.code(), Some(0));
    let (_, payload) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .expect("marker");
    assert!(String::from_utf8_lossy(&payload).contains("marker"));
}

#[test]
fn an_inbound_message_of_128_kib_is_printed_whole() {
    let port = broker();
    let sandbox = Sandbox::new();
    let tail = tail_json(&sandbox, port, &["--count", "1"]);
    let payload = format!(
        r#"{{"content":{{"type":"event","action":"dump","params":{{"blob":"{}"}}}}}}"#,
        "y".repeat(131_000)
    );
    Observer::publish(port, &to_topic(VIN), payload.clone().into_bytes());
    let line = tail.next_line(Duration::from_secs(10)).expect("a line");
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["bytes"], payload.len());
    assert_eq!(value["payload"].to_string(), payload);
}

#[test]
fn a_second_popup_within_20_s_is_refused_even_from_a_new_run() {
    let port = broker();
    let observer = Observer::subscribe(port, &from_topic(VIN));
    let sandbox = Sandbox::new();
    let popup = |text: &str| {
        sandbox
            .wpconsole()
            .args(connect_args(port))
            .args([
                "send",
                "--vin",
                VIN,
                "--content",
                "{}",
                "--popup-text",
                text,
                "--popup-btn",
            ])
            .output()
            .unwrap()
    };
    let first = popup("first");
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let second = popup("second");
    assert_eq!(second.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains("popup too soon: wait")
            && stderr.contains("allows one every 20 s")
            && stderr.contains("nothing was published"),
        "{stderr}"
    );

    // A data message to the same vehicle is not a popup: it goes.
    let data = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args(["send", "--vin", VIN, "--content", r#"{"action":"data"}"#])
        .output()
        .unwrap();
    assert_eq!(data.status.code(), Some(0));
    let (_, first_seen) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    let (_, second_seen) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .unwrap();
    let first_seen: serde_json::Value = serde_json::from_slice(&first_seen).unwrap();
    assert_eq!(first_seen["popupText"], "first");
    assert_eq!(first_seen["popupBtn"], true);
    assert!(String::from_utf8_lossy(&second_seen).contains(r#""action":"data""#));
}
