//! TLS like production: client certificate and password, and each way it
//! goes wrong (CA, host name, password, client certificate, scheme) saying
//! what to fix.

use super::{
    PASSWORD, Pki, broker_with_server_cert, mosquitto_client_tls, production_like, tail_with,
    tls_command, tls_command_with_ca,
};
use crate::util::{
    Mosquitto, Running, Sandbox, UID, VIN, from_topic, mosquitto_available, to_topic,
};
use rcgen::KeyPair;
use std::process::Command;
use std::time::Duration;

#[test]
fn send_and_tail_work_over_tls_with_client_certificate_and_password() {
    if !mosquitto_available("send_and_tail_work_over_tls_with_client_certificate_and_password") {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);

    // Outbound: what `send` publishes is what a TLS subscriber receives.
    // stdbuf: mosquitto_sub's debug lines must not sit in a pipe buffer.
    let mut sub = Command::new("stdbuf");
    sub.args(["-oL", "mosquitto_sub"]);
    mosquitto_client_tls(&mut sub, &pki, &broker);
    sub.args(["-d", "-C", "1", "-t", &from_topic(VIN)]);
    let mut sub = Running::spawn(sub);
    let subscribed = (0..200).any(|_| {
        sub.next_line(Duration::from_millis(50))
            .is_some_and(|l| l.contains("SUBACK"))
    });
    assert!(
        subscribed,
        "mosquitto_sub did not subscribe: {}\n{}",
        sub.drain_stderr(),
        broker.log()
    );
    let sent = tls_command(&sandbox, &pki, &broker)
        .args([
            "send",
            "--vin",
            VIN,
            "--content",
            r#"{"type":"action","action":"tls","params":{"n":1.50}}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    let expected = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"tls","params":{"n":1.50}}}"#;
    let received = (0..100).find_map(|_| {
        sub.next_line(Duration::from_millis(100))
            .filter(|l| l.starts_with('{'))
    });
    assert_eq!(received.as_deref(), Some(expected));

    // Inbound: `tail` over the same TLS broker.
    let mut tail = tls_command(&sandbox, &pki, &broker);
    tail.args(["tail", "--json", "--count", "1"]);
    let mut tail = Running::spawn(tail);
    assert!(
        tail.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        tail.drain_stderr()
    );
    let mut publish = Command::new("mosquitto_pub");
    mosquitto_client_tls(&mut publish, &pki, &broker);
    let published = publish
        .args([
            "-t",
            &to_topic(VIN),
            "-m",
            r#"{"content":{"type":"action","action":"fromCar"}}"#,
        ])
        .output()
        .unwrap();
    assert!(
        published.status.success(),
        "{}",
        String::from_utf8_lossy(&published.stderr)
    );
    let line = tail
        .next_line(Duration::from_secs(10))
        .expect("tail printed the message");
    assert!(line.contains(r#""action":"fromCar""#), "{line}");
    assert_eq!(tail.wait(Duration::from_secs(5)), Some(0));
}

#[test]
fn a_wrong_ca_a_wrong_password_and_a_missing_client_certificate_each_say_what_is_wrong() {
    if !mosquitto_available(
        "a_wrong_ca_a_wrong_password_and_a_missing_client_certificate_each_say_what_is_wrong",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);

    let out = tls_command_with_ca(&sandbox, &pki, &broker, &pki.other_ca)
        .arg("tail")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("TLS failure")
            && stderr.contains("not signed by a trusted CA")
            && stderr.contains("--ca"),
        "{stderr}"
    );

    let out = tls_command(&sandbox, &pki, &broker)
        .env("WPCONSOLE_PASSWORD", "wrong password")
        .arg("tail")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("login refused: ")
            && stderr.contains("(password from WPCONSOLE_PASSWORD)")
            && stderr.contains(UID),
        "{stderr}"
    );
    assert!(
        !stderr.contains("wrong password") && !stderr.contains(PASSWORD),
        "the password never appears: {stderr}"
    );

    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtts://127.0.0.1:{}", broker.port),
            "--uid",
            UID,
            "--ca",
        ])
        .arg(&pki.ca)
        .env("WPCONSOLE_PASSWORD", PASSWORD)
        .arg("tail")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("requires a client certificate") && stderr.contains("--cert"),
        "{stderr}"
    );
}

#[test]
fn insecure_connects_to_an_unverified_broker_but_warns_every_time() {
    if !mosquitto_available("insecure_connects_to_an_unverified_broker_but_warns_every_time") {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let base = |cmd: &mut Command| {
        cmd.args([
            "--broker",
            &format!("mqtts://127.0.0.1:{}", broker.port),
            "--uid",
            UID,
            "--app-id",
            "APP",
        ])
        .arg("--cert")
        .arg(&pki.client_cert)
        .arg("--key")
        .arg(&pki.client_key)
        .env("WPCONSOLE_PASSWORD", PASSWORD)
        .args(["send", "--vin", VIN, "--content", "{}"]);
    };
    let mut verified = sandbox.wpconsole();
    base(&mut verified);
    let out = verified.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "a self-signed broker without --ca is refused: {stderr}"
    );
    assert!(
        stderr.contains("not signed by a trusted CA") && stderr.contains("--ca FILE"),
        "{stderr}"
    );

    let mut insecure = sandbox.wpconsole();
    base(&mut insecure);
    insecure.arg("--insecure");
    let out = insecure.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("WARNING: --insecure"), "{stderr}");
}

#[test]
fn a_server_certificate_for_another_host_is_refused() {
    if !mosquitto_available("a_server_certificate_for_another_host_is_refused") {
        return;
    }
    let sandbox = Sandbox::new();
    let (pki, broker) = broker_with_server_cert(&sandbox, vec!["broker.example".into()]);
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[
            ("--ca", &pki.ca),
            ("--cert", &pki.client_cert),
            ("--key", &pki.client_key),
        ],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("not valid for this host name"), "{stderr}");
}

#[test]
fn client_certificate_problems_each_say_what_to_do() {
    if !mosquitto_available("client_certificate_problems_each_say_what_to_do") {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);

    // A missing file.
    let missing = sandbox.path("nowhere.pem");
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[
            ("--ca", &pki.ca),
            ("--cert", &missing),
            ("--key", &pki.client_key),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot read the client certificate")
            && stderr.contains("nowhere.pem")
            && stderr.contains("--cert FILE"),
        "{stderr}"
    );

    // The key of another certificate.
    let stranger = sandbox.write("stranger.key", KeyPair::generate().unwrap().serialize_pem());
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[
            ("--ca", &pki.ca),
            ("--cert", &pki.client_cert),
            ("--key", &stranger),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");

    assert!(
        stderr.contains("the private key does not belong to the certificate"),
        "{stderr}"
    );

    // An expired client certificate: refused before connecting, with its
    // date and what to ask for (tests/it/mosquitto/expiry.rs has more).
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[
            ("--ca", &pki.ca),
            ("--cert", &pki.expired_cert),
            ("--key", &pki.expired_key),
        ],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("expired on 2021-01-01") && stderr.contains("renewed client certificate"),
        "{stderr}"
    );

    // A version 1 client certificate of the right CA (openssl still makes them).
    let v1 = sandbox.path("v1");
    let made = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {0}.key -out {0}.csr -subj /CN=partner1 && \
             openssl x509 -req -days 2 -in {0}.csr -CA {1} -CAkey {2} -CAcreateserial -out {0}.pem && \
             openssl x509 -in {0}.pem -noout -text | grep -q 'Version: 1'",
            v1.display(),
            pki.ca.display(),
            pki.ca_key.display()
        ))
        .output()
        .expect("openssl");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let (v1_cert, v1_key) = (sandbox.path("v1.pem"), sandbox.path("v1.key"));
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[("--ca", &pki.ca), ("--cert", &v1_cert), ("--key", &v1_key)],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("X.509 version 1") && stderr.contains("version 3"),
        "{stderr}"
    );
}

#[test]
fn a_scheme_that_does_not_match_the_port_says_the_likely_cause() {
    if !mosquitto_available("a_scheme_that_does_not_match_the_port_says_the_likely_cause") {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let tls = production_like(&sandbox, &pki);
    let plain = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");

    // mqtt:// to the TLS port.
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{}", tls.port),
            "--uid",
            UID,
            "tail",
        ])
        .env("WPCONSOLE_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("TLS") && stderr.contains(&format!("mqtts://127.0.0.1:{}", tls.port)),
        "the likely cause, a TLS port: {stderr}"
    );

    // mqtts:// to the plain port.
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtts://127.0.0.1:{}", plain.port),
            "--uid",
            UID,
        ])
        .arg("--ca")
        .arg(&pki.ca)
        .arg("tail")
        .env("WPCONSOLE_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("without TLS")
            && stderr.contains(&format!("mqtt://127.0.0.1:{}", plain.port)),
        "the likely cause, a plain port: {stderr}"
    );
}

#[test]
fn a_certificate_the_console_cannot_trust_is_not_retried_until_the_user_asks() {
    if !(mosquitto_available(
        "a_certificate_the_console_cannot_trust_is_not_retried_until_the_user_asks",
    ) && crate::util::tmux_available(
        "a_certificate_the_console_cannot_trust_is_not_retried_until_the_user_asks",
    )) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    // Through a relay that counts the console's attempts; no --ca, so the
    // broker's certificate is signed by a CA this machine does not trust.
    let relay = crate::util::CountingRelay::start(broker.port);
    let url = format!("mqtts://127.0.0.1:{}", relay.port);
    let password = sandbox.write("password", format!("{PASSWORD}\n"));
    let (cert, key, password) = (
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
        password.display().to_string(),
    );
    let args = [
        "--broker",
        &url,
        "--uid",
        UID,
        "--cert",
        &cert,
        "--key",
        &key,
        "--password-file",
        &password,
        "--no-journal",
    ];
    let terminal = sandbox.in_terminal(&args, 220, 40);
    let screen = terminal
        .wait_for("not signed by a trusted CA", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    assert!(screen.contains("--ca FILE"), "the fix: {screen}");
    // Left alone, the console does not try again.
    std::thread::sleep(Duration::from_secs(5));
    let screen = terminal.capture();
    assert_eq!(
        relay.connections(),
        1,
        "one attempt in 5 s without a user action:\n{screen}"
    );
    assert!(
        screen.contains("not signed by a trusted CA") && !screen.contains("reconnecting"),
        "{screen}"
    );
    assert!(screen.contains("Ctrl-R retry"), "the key: {screen}");
    // The retry key makes one more attempt.
    terminal.send_keys(&["C-r"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while relay.connections() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(relay.connections(), 2, "one more attempt for one key press");
}
