//! Headless commands against the embedded broker (always available):
//! `send` to a simulated vehicle and its acknowledgement seen by `tail`,
//! the 128 KiB limit both ways, and a broker that is not there.

use crate::util::{
    self, Observer, Running, Sandbox, UID, VIN, envelope_of_size, from_topic, to_topic,
};
use std::time::Duration;
use wpconsole::domain::{TopicScheme, Vin};
use wpconsole::mqtt::BrokerUrl;
use wpconsole::sim::fleet::Fleet;

fn broker() -> u16 {
    wpconsole::sim::broker::start(0)
        .expect("embedded broker")
        .addr
        .port()
}

fn connect_args(port: u16) -> [String; 6] {
    [
        "--broker".into(),
        format!("mqtt://127.0.0.1:{port}"),
        "--uid".into(),
        UID.into(),
        "--app-id".into(),
        "APP".into(),
    ]
}

fn tail_json(sandbox: &Sandbox, port: u16, extra: &[&str]) -> Running {
    let mut args = vec!["--json"];
    args.extend_from_slice(extra);
    sandbox.tail(&format!("mqtt://127.0.0.1:{port}"), &args)
}

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

/// A broker with a simulated fleet of 3 that acknowledges at once.
fn broker_with_fleet() -> (u16, tokio::runtime::Runtime, Vec<String>) {
    let port = broker();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let topics = TopicScheme::new(util::PREFIX, UID, true).unwrap();
    let fleet = Fleet::new(topics.clone(), 3, 11).with_malformed_share(0.0);
    let vins = fleet.vehicles.iter().map(|v| v.vin.to_string()).collect();
    let url = BrokerUrl::parse(&format!("mqtt://127.0.0.1:{port}")).unwrap();
    runtime.spawn(wpconsole::sim::run_fleet(url, topics, fleet));
    std::thread::sleep(Duration::from_millis(500));
    (port, runtime, vins)
}

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
    assert!(String::from_utf8_lossy(&bad_wait.stderr).contains("write 500ms, 30s or 2m"));
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
