//! Delivery through mosquitto: a tracked send acknowledged after a broker
//! restart, and a size limit above the default.

use crate::util::{
    self, Mosquitto, Running, Sandbox, UID, VIN, from_topic, mosquitto_available, to_topic,
};
use std::time::Duration;

#[test]
fn send_track_is_acknowledged_by_a_reply_that_comes_after_a_broker_restart() {
    if !mosquitto_available(
        "send_track_is_acknowledged_by_a_reply_that_comes_after_a_broker_restart",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let mut broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let observer = util::Observer::subscribe(broker.port, &from_topic(VIN));
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtt://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
        "--app-id",
        "APP",
        "send",
        "--vin",
        VIN,
        "--content",
        r#"{"action":"unlock"}"#,
        "--track",
        "--wait",
        "30s",
    ]);
    let mut send = Running::spawn(cmd);
    let (_, payload) = observer
        .messages
        .recv_timeout(Duration::from_secs(10))
        .expect("the tracked message reached the broker");
    let tracked: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    let cid = tracked["content"]["cid"]
        .as_str()
        .expect("an id was stamped")
        .to_owned();
    // The broker goes away before the vehicle answers.
    broker.kill();
    std::thread::sleep(Duration::from_millis(500));
    broker.restart();
    // The vehicle answers (again and again) until `send` has re-subscribed and heard it.
    let reply = format!(r#"{{"content":{{"type":"ack","ref":"{cid}"}}}}"#);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let code = loop {
        broker.publish(&to_topic(VIN), reply.as_bytes());
        if let Some(code) = send.wait(Duration::from_millis(500)) {
            break Some(code);
        }
        if std::time::Instant::now() > deadline {
            break None;
        }
    };
    assert_eq!(code, Some(0), "{}", send.drain_stderr());
    let mut printed = String::new();
    while let Some(line) = send.next_line(Duration::from_millis(200)) {
        printed.push_str(&line);
        printed.push('\n');
    }
    assert!(
        printed.contains(&format!("acknowledged: {cid} in ")),
        "{printed}"
    );
}

#[test]
fn a_size_limit_above_the_default_raises_the_clients_packet_limit_too() {
    if !mosquitto_available("a_size_limit_above_the_default_raises_the_clients_packet_limit_too") {
        return;
    }
    let sandbox = Sandbox::new();
    // mosquitto carries messages of any size unless told otherwise.
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let observer = util::Observer::subscribe(broker.port, &from_topic(VIN));
    let envelope = util::envelope_of_size(200_000);
    let file = sandbox.write("env200k.json", &envelope);
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{}", broker.port),
            "--uid",
            UID,
            "send",
            "--vin",
            VIN,
            "--size-limit",
            "300000",
            "--file",
        ])
        .arg(&file)
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
        .expect("the 200,000-byte envelope reached the broker");
    assert_eq!(payload, envelope.as_bytes());
}
