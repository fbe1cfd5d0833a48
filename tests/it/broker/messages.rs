//! `send` and `tail` against the embedded broker: a simulated vehicle's
//! acknowledgement, every inbound kind, escaped control sequences, a closed
//! pipe, the demo command, WebSockets, and a broker that is not there.

use super::{broker, broker_with_fleet, connect_args, tail_json};
use crate::util::{self, Observer, Running, Sandbox, UID, VIN, from_topic, to_topic};
use std::time::Duration;
use wpconsole::domain::Vin;

#[test]
fn send_reaches_a_simulated_vehicle_and_tail_prints_its_acknowledgement() {
    let (port, _runtime, vins) = broker_with_fleet();
    let vin = vins[0].clone();

    let sandbox = Sandbox::new();
    let tail = tail_json(&sandbox, port, &["--vin", &vin]);
    let sent = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args([
            "send",
            "--vin",
            &vin,
            "--content",
            r#"{"type":"action","action":"unlock","cid":"round-trip-1"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    assert!(String::from_utf8_lossy(&sent.stdout).contains(&from_topic(&vin)));

    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let ack = loop {
        let line = tail
            .next_line(Duration::from_secs(10))
            .expect("tail printed the acknowledgement");
        let value: serde_json::Value =
            serde_json::from_str(&line).expect("tail --json prints JSON lines");
        assert_eq!(
            value["vin"],
            vin.as_str(),
            "--vin filters other vehicles out"
        );
        if value["payload"]["content"]["type"] == "ack" {
            break value;
        }
        assert!(std::time::Instant::now() < deadline, "no acknowledgement");
    };
    assert_eq!(ack["payload"]["content"]["action"], "unlock");
    assert_eq!(ack["payload"]["content"]["ref"], "round-trip-1");
    assert_eq!(ack["kind"], "content");
    assert_eq!(ack["topic"], to_topic(&vin));
    assert!(ack["received_at"].as_str().unwrap().ends_with('Z'));
}

#[test]
fn every_inbound_kind_is_printed_never_dropped() {
    let port = broker();
    let sandbox = Sandbox::new();
    let tail = tail_json(&sandbox, port, &["--count", "5"]);
    let vin = Vin::parse(VIN).unwrap();
    let sent: Vec<(String, Vec<u8>)> = vec![
        (
            to_topic(vin.as_str()),
            br#"{"content":"as a string"}"#.to_vec(),
        ),
        (
            to_topic(vin.as_str()).trim_end_matches('/').to_owned(),
            b"plain text \x1b[2J".to_vec(),
        ),
        (to_topic(vin.as_str()), vec![0xff, 0xfe, 0x00]),
        (
            to_topic(vin.as_str()),
            br#"{"popupAction":"WebPortal.closeTimeoutPopupRequest","content":{}}"#.to_vec(),
        ),
        (
            format!("{}/to/uid/{UID}/opa/NOT-A-VIN/", util::PREFIX),
            b"{}".to_vec(),
        ),
    ];
    for (topic, payload) in &sent {
        Observer::publish(port, topic, payload.clone());
    }
    let mut kinds = Vec::new();
    for _ in 0..sent.len() {
        let line = tail
            .next_line(Duration::from_secs(10))
            .expect("every message printed");
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        kinds.push((
            value["kind"].as_str().unwrap().to_owned(),
            value["vin"].clone(),
        ));
    }
    let names: Vec<&str> = kinds.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "content-string",
            "text",
            "binary",
            "popup-timeout",
            "no-content"
        ]
    );
    assert_eq!(
        kinds[4].1,
        serde_json::Value::Null,
        "unrecognised topic has no VIN"
    );
}

#[test]
fn human_tail_escapes_terminal_control_sequences() {
    let port = broker();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.wpconsole();
    cmd.args(connect_args(port)).args(["tail", "--count", "1"]);
    let mut tail = Running::spawn(cmd);
    assert!(tail.wait_stderr("watching", Duration::from_secs(10)));
    Observer::publish(
        port,
        &to_topic(VIN),
        b"\x1b]0;pwned\x07\x1b[2J\xe2\x80\xae".to_vec(),
    );
    let line = tail.next_line(Duration::from_secs(10)).expect("a line");
    assert!(
        !line.contains('\u{1b}') && !line.contains('\u{7}') && !line.contains('\u{202e}'),
        "{line:?}"
    );
    assert!(line.contains(r"\u{1b}]0;pwned\u{7}"), "{line}");
    assert_eq!(
        tail.wait(Duration::from_secs(5)),
        Some(0),
        "--count 1 ends tail"
    );
}

#[test]
fn an_unreachable_broker_exits_3_with_a_clear_message() {
    let sandbox = Sandbox::new();
    let port = util::free_port();
    for command in [vec!["tail"], vec!["send", "--vin", VIN, "--content", "{}"]] {
        let out = sandbox
            .wpconsole()
            .args(connect_args(port))
            .args(&command)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{command:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("connection refused") && stderr.contains(&port.to_string()),
            "{stderr}"
        );
    }
}

#[test]
fn tail_ends_quietly_when_its_reader_goes_away() {
    let port = broker();
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.wpconsole();
    cmd.args(connect_args(port)).args(["tail", "--json"]);
    let mut tail = Running::spawn(cmd);
    assert!(tail.wait_stderr("watching", Duration::from_secs(10)));
    Observer::publish(port, &to_topic(VIN), b"{\"content\":{}}".to_vec());
    assert!(tail.next_line(Duration::from_secs(10)).is_some());
    tail.close_stdout();
    // The pipe closes once the reader thread notices; keep the traffic coming
    // until tail meets the closed pipe.
    let mut code = None;
    for _ in 0..50 {
        Observer::publish(port, &to_topic(VIN), b"{\"content\":{}}".to_vec());
        code = tail.wait(Duration::from_millis(200));
        if code.is_some() {
            break;
        }
    }
    assert_eq!(code, Some(0), "a closed pipe ends tail with 0");
    assert!(!tail.drain_stderr().contains("panicked"));
}

#[test]
fn the_demo_command_starts_a_broker_whose_fleet_tail_can_watch() {
    let sandbox = Sandbox::new();
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "demo",
        "--headless",
        "--port",
        "0",
        "--vehicles",
        "4",
        "--seed",
        "3",
    ]);
    let demo = Running::spawn(cmd);
    let mut printed = Vec::new();
    while let Some(line) = demo.next_line(Duration::from_secs(10)) {
        let done = line.starts_with("Press Ctrl-C");
        printed.push(line);
        if done {
            break;
        }
    }
    let printed = printed.join("\n");
    let tail_line = printed
        .lines()
        .find(|l| {
            l.trim_start().starts_with("wpconsole --broker") && l.trim_end().ends_with(" tail")
        })
        .unwrap_or_else(|| panic!("demo prints the tail command:\n{printed}"));
    let args: Vec<&str> = tail_line.split_whitespace().skip(1).collect();
    let mut cmd = sandbox.wpconsole();
    cmd.args(&args).args(["--json", "--count", "8"]);
    let tail = Running::spawn(cmd);
    let mut vins = std::collections::BTreeSet::new();
    for _ in 0..8 {
        let line = tail
            .next_line(Duration::from_secs(15))
            .expect("the fleet talks");
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        vins.insert(value["vin"].as_str().map(str::to_owned));
    }
    assert!(vins.len() >= 2, "several vehicles talk: {vins:?}");
    for vin in vins.iter().flatten() {
        assert!(
            printed.contains(vin.as_str()),
            "{vin} is in the printed vehicle list"
        );
    }
}

#[test]
fn tail_and_send_work_over_websockets() {
    let broker = wpconsole::sim::broker::start_with_websocket(0, Some(0)).expect("embedded broker");
    let ws = broker.websocket.expect("websocket listener");
    let url = format!("ws://{ws}/mqtt");
    let observer = Observer::subscribe(broker.addr.port(), &from_topic(VIN));
    let sandbox = Sandbox::new();

    let mut tail = sandbox.wpconsole();
    tail.args([
        "--broker", &url, "--uid", UID, "tail", "--json", "--count", "1",
    ]);
    let mut tail = Running::spawn(tail);
    assert!(
        tail.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        tail.drain_stderr()
    );
    Observer::publish(
        broker.addr.port(),
        &to_topic(VIN),
        br#"{"content":{"action":"overWs"}}"#.to_vec(),
    );
    let line = tail
        .next_line(Duration::from_secs(10))
        .expect("tail over websocket printed the message");
    assert!(line.contains("overWs"), "{line}");

    let out = sandbox
        .wpconsole()
        .args(["--broker", &url, "--uid", UID, "--app-id", "APP"])
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#"{"action":"sentOverWs"}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, payload) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .expect("published over websocket");
    assert!(String::from_utf8_lossy(&payload).contains("sentOverWs"));
}
