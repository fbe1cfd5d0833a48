//! A broker killed and restarted, one that never answers CONNECT, one that
//! stops answering, and a flood: `tail` and the console reconnect, refuse to
//! publish meanwhile, and lose or repeat nothing.

use super::{action, available, console};
use crate::util::{
    self, Mosquitto, Running, Sandbox, UID, VIN, from_topic, mosquitto_available, to_topic,
};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn tail_survives_three_broker_kills_with_backoff_and_misses_nothing_after_each() {
    if !mosquitto_available(
        "tail_survives_three_broker_kills_with_backoff_and_misses_nothing_after_each",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let mut broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let mut tail = sandbox.tail(&format!("mqtt://127.0.0.1:{}", broker.port), &["--json"]);
    // A message before the first outage arrives too.
    broker.publish(&to_topic(VIN), action("before").as_bytes());
    let line = tail
        .next_line(Duration::from_secs(10))
        .expect("first message");
    assert!(line.contains("before"), "{line}");
    for round in 0..3 {
        broker.kill();
        assert!(
            tail.wait_stderr_new("disconnected", Duration::from_secs(10)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        std::thread::sleep(Duration::from_millis(1500));
        broker.restart();
        assert!(
            tail.wait_stderr_new("reconnected", Duration::from_secs(15)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        assert!(
            tail.wait_stderr_new("watching", Duration::from_secs(10)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        broker.publish(
            &to_topic(VIN),
            action(&format!("after-restart-{round}")).as_bytes(),
        );
        let line = tail
            .next_line(Duration::from_secs(10))
            .expect("the message after the restart");
        assert!(line.contains(&format!("after-restart-{round}")), "{line}");
    }
    let stderr = tail.drain_stderr();
    let attempts = stderr.matches("disconnected").count();
    // 1.5 s outages with 100 ms doubling backoff allow about 5 attempts each.
    assert!(
        (3..=18).contains(&attempts),
        "{attempts} failed attempts over 3 outages:\n{stderr}"
    );
    assert!(
        tail.next_line(Duration::from_millis(300)).is_none(),
        "nothing printed twice"
    );
}

#[test]
fn the_console_shows_outages_refuses_to_publish_during_them_and_sends_nothing_twice() {
    if !available(
        "the_console_shows_outages_refuses_to_publish_during_them_and_sends_nothing_twice",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let mut broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, broker.port);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    // Make the vehicle the editor's target and load the data template.
    broker.publish(&to_topic(VIN), action("hello").as_bytes());
    terminal
        .wait_for("rx 1 ", Duration::from_secs(10))
        .expect("first message");
    terminal.send_keys(&["BTab", "j", "Enter", "t", "Enter"]);
    terminal
        .wait_for(&format!("Editor → {VIN}"), Duration::from_secs(5))
        .expect("target set");

    for round in 1..=3 {
        broker.kill();
        let screen = terminal
            .wait_for("reconnecting (attempt", Duration::from_secs(10))
            .unwrap_or_else(|screen| panic!("round {round}: the outage is not shown:\n{screen}"));
        assert!(
            screen.contains("connection"),
            "the reason is shown:\n{screen}"
        );
        terminal.send_keys(&["C-s"]);
        terminal
            .wait_for(
                "not published: the broker is not connected",
                Duration::from_secs(5),
            )
            .unwrap_or_else(|screen| {
                panic!("round {round}: publishing during the outage was not refused:\n{screen}")
            });
        std::thread::sleep(Duration::from_millis(1200));
        broker.restart();
        terminal
            .wait_for("● connected", Duration::from_secs(15))
            .expect("reconnected");
        // Subscriptions are renewed: a message after the restart arrives.
        std::thread::sleep(Duration::from_millis(300));
        broker.publish(&to_topic(VIN), action(&format!("after-{round}")).as_bytes());
        terminal
            .wait_for(&format!("rx {} ", round + 1), Duration::from_secs(10))
            .unwrap_or_else(|screen| {
                panic!("round {round}: the message after the restart did not arrive:\n{screen}")
            });
    }

    // One publish after the last outage reaches the broker exactly once.
    let mut sub = Command::new("stdbuf");
    sub.args([
        "-oL",
        "mosquitto_sub",
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
        "-t",
        &from_topic(VIN),
        "-v",
    ]);
    let sub = Running::spawn(sub);
    std::thread::sleep(Duration::from_millis(500));
    terminal.send_keys(&["C-s"]);
    terminal
        .wait_for("tx 1 ", Duration::from_secs(10))
        .expect("published once connected");
    assert!(
        sub.next_line(Duration::from_secs(5)).is_some(),
        "the publish arrived"
    );
    assert!(
        sub.next_line(Duration::from_secs(2)).is_none(),
        "and only once: refused publishes were never queued"
    );

    // No tight loop: the console's log lists each failed attempt.
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    let attempts = log.matches("disconnected (attempt").count();
    assert!(
        (3..=18).contains(&attempts),
        "{attempts} attempts over 3 outages:\n{log}"
    );
}

#[test]
fn a_broker_that_never_answers_connect_is_a_timeout_not_a_hang() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold connections without ever answering.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
            "--uid",
            UID,
            "tail",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("timeout") && stderr.contains("did not answer"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_broker_that_stops_answering_is_noticed_by_keep_alive() {
    if !mosquitto_available("a_broker_that_stops_answering_is_noticed_by_keep_alive") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let mut tail = sandbox.tail(&url, &["--keep-alive", "2"]);
    util::signal(broker.pid(), "-STOP");
    let stopped = Instant::now();
    let noticed = tail.wait_stderr_new("disconnected", Duration::from_secs(10));
    let after = stopped.elapsed();
    util::signal(broker.pid(), "-CONT");
    assert!(
        noticed,
        "a paused broker was never noticed: {}",
        tail.drain_stderr()
    );
    // rumqttc pings after one keep-alive of silence and gives up when the
    // next ping is due unanswered: within two keep-alive intervals.
    assert!(
        after <= Duration::from_millis(4_500),
        "noticed after {after:?}"
    );
    assert!(
        tail.drain_stderr().contains("timeout"),
        "{}",
        tail.drain_stderr()
    );
    assert!(
        tail.wait_stderr_new("watching", Duration::from_secs(15)),
        "reconnects once the broker answers: {}",
        tail.drain_stderr()
    );
}

/// `rx N` and `lost M` from the status bar.
fn counters(screen: &str) -> (u64, u64) {
    let number_after = |label: &str| {
        screen
            .split(label)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or(0)
    };
    (number_after(" rx "), number_after(" lost "))
}

#[test]
fn a_flood_of_50000_never_stalls_keep_alive_and_every_message_is_received_or_counted() {
    if !available(
        "a_flood_of_50000_never_stalls_keep_alive_and_every_message_is_received_or_counted",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 0",
    );
    let terminal = console(&sandbox, broker.port);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    // Keep the UI busy: a text filter that every message is checked against.
    terminal.send_keys(&["/"]);
    terminal.type_text("vehicleStatus");
    terminal.send_keys(&["Enter"]);
    let mut lines = String::new();
    for n in 0..50_000 {
        lines.push_str(r#"{"content":{"type":"telemetry","action":"vehicleStatus","params":{"n":"#);
        lines.push_str(&n.to_string());
        lines.push_str("}}}\n");
    }
    let mut flood = broker.flood(&to_topic(VIN), &lines);
    terminal.send_keys(&["?"]);
    terminal
        .wait_for("Help", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("keys are not answered during the flood:\n{s}"));
    terminal.send_keys(&["Escape"]);
    assert!(flood.wait().expect("mosquitto_pub").success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let screen = loop {
        let screen = terminal.capture();
        let (rx, lost) = counters(&screen);
        if rx + lost >= 50_000 || Instant::now() > deadline {
            break screen;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (rx, lost) = counters(&screen);
    // Whether the broker itself dropped or disconnected anything says on
    // which side of the socket a shortfall is.
    let log = broker.log();
    let broker_said = log
        .lines()
        .filter(|line| {
            let line = line.to_lowercase();
            line.contains("drop") || line.contains("disconnect") || line.contains("timeout")
        })
        .take(10)
        .collect::<Vec<_>>()
        .join("\n");
    let received = log.matches("Received PUBLISH from").count();
    let sent = log.matches("Sending PUBLISH to").count();
    assert_eq!(
        rx + lost,
        50_000,
        "every message is received or counted as lost:\n{screen}\nthe broker received {received} and sent {sent} messages, and said:\n{broker_said}"
    );
    // Keep-alive is 2 s: a stalled session would have been disconnected by now.
    std::thread::sleep(Duration::from_secs(5));
    let screen = terminal.capture();
    assert!(
        screen.contains("● connected") && !screen.contains("reconnecting"),
        "{screen}"
    );
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    assert!(
        !log.contains("disconnected"),
        "the session never lost the broker:\n{log}"
    );
}

/// A server on 127.0.0.1 that answers every connection with `answer`
/// and closes it; its port.
fn answering(answer: &'static [u8]) -> u16 {
    use std::io::{Read as _, Write as _};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = [0u8; 512];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(answer);
        }
    });
    port
}

#[test]
fn a_port_that_speaks_something_else_is_named_as_not_an_mqtt_broker() {
    let sandbox = Sandbox::new();
    let tail = |port: u16| {
        let out = sandbox
            .wpconsole()
            .args([
                "--broker",
                &format!("mqtt://127.0.0.1:{port}"),
                "--uid",
                UID,
                "tail",
            ])
            .output()
            .unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let http = answering(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nBad Request",
    );
    let (code, stderr) = tail(http);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the server at 127.0.0.1:{http} did not answer as an MQTT broker (it sent something else): check the port"
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("mqtts://") && !stderr.contains("bytes remaining"),
        "no TLS hint, no jargon: {stderr}"
    );
    // A TLS alert (a TLS server's answer to plain MQTT): then mqtts://.
    let tls = answering(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]);
    let (code, stderr) = tail(tls);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains(&format!("use mqtts://127.0.0.1:{tls}")),
        "{stderr}"
    );
}
