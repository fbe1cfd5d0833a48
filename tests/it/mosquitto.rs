//! Against mosquitto configured like the WebPortal broker: TLS with a
//! required client certificate, a password file, QoS capped at 0. Also a
//! broker killed and restarted under a running `tail`.
//!
//! Skipped with a notice when mosquitto is not installed; CI sets
//! `WPCONSOLE_REQUIRE_MOSQUITTO=1`, which turns the skip into a failure.

use crate::util::{
    self, Mosquitto, Running, Sandbox, UID, VIN, from_topic, mosquitto_available, to_topic,
};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

const PASSWORD: &str = "correct horse battery staple";

/// Certificates made for one test: a CA, the broker's, a client's, and an
/// unrelated CA.
struct Pki {
    ca: PathBuf,
    other_ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    ca_key: PathBuf,
    /// A client certificate of the right CA whose validity ended.
    expired_cert: PathBuf,
    expired_key: PathBuf,
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let pem = params.self_signed(&key).unwrap().pem();
    (params, key, pem)
}

fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    names: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
) -> (String, String) {
    leaf_with(issuer, names, usage, |_| {})
}

fn leaf_with(
    issuer: &Issuer<'_, KeyPair>,
    names: Vec<String>,
    usage: ExtendedKeyUsagePurpose,
    customize: impl FnOnce(&mut CertificateParams),
) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names).unwrap();
    customize(&mut params);
    params
        .distinguished_name
        .push(DnType::CommonName, "wpconsole test");
    params.extended_key_usages = vec![usage];
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    (
        params.signed_by(&key, issuer).unwrap().pem(),
        key.serialize_pem(),
    )
}

impl Pki {
    fn generate(sandbox: &Sandbox) -> Self {
        let (ca_params, ca_key, ca_pem) = ca("wpconsole test CA");
        let ca_key_pem = ca_key.serialize_pem();
        let (_, _, other_pem) = ca("some other CA");
        let issuer = Issuer::new(ca_params, ca_key);
        let (server_cert, server_key) = leaf(
            &issuer,
            vec!["127.0.0.1".into(), "localhost".into()],
            ExtendedKeyUsagePurpose::ServerAuth,
        );
        let (client_cert, client_key) = leaf(
            &issuer,
            vec![UID.to_lowercase()],
            ExtendedKeyUsagePurpose::ClientAuth,
        );
        let (expired_cert, expired_key) = leaf_with(
            &issuer,
            vec![UID.to_lowercase()],
            ExtendedKeyUsagePurpose::ClientAuth,
            |params| {
                params.not_before = rcgen::date_time_ymd(2020, 1, 1);
                params.not_after = rcgen::date_time_ymd(2021, 1, 1);
            },
        );
        Self {
            ca_key: sandbox.write("ca.key", ca_key_pem),
            expired_cert: sandbox.write("expired.pem", expired_cert),
            expired_key: sandbox.write("expired.key", expired_key),
            ca: sandbox.write("ca.pem", ca_pem),
            other_ca: sandbox.write("other-ca.pem", other_pem),
            server_cert: sandbox.write("server.pem", server_cert),
            server_key: sandbox.write("server.key", server_key),
            client_cert: sandbox.write("client.pem", client_cert),
            client_key: sandbox.write("client.key", client_key),
        }
    }
}

/// mosquitto as production is: TLS, client certificate required, password
/// file, anonymous refused, QoS 0 only.
fn production_like(sandbox: &Sandbox, pki: &Pki) -> Mosquitto {
    let passwd = sandbox.path("passwd");
    let made = Command::new("mosquitto_passwd")
        .args(["-b", "-c"])
        .arg(&passwd)
        .args([UID, PASSWORD])
        .output()
        .expect("mosquitto_passwd (package mosquitto)");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    Mosquitto::start(
        sandbox.dir.path(),
        &format!(
            "allow_anonymous false\npassword_file {}\ncafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\nmax_qos 0\n",
            passwd.display(),
            pki.ca.display(),
            pki.server_cert.display(),
            pki.server_key.display()
        ),
    )
}

fn tls_command(sandbox: &Sandbox, pki: &Pki, broker: &Mosquitto) -> Command {
    tls_command_with_ca(sandbox, pki, broker, &pki.ca)
}

fn tls_command_with_ca(
    sandbox: &Sandbox,
    pki: &Pki,
    broker: &Mosquitto,
    ca: &std::path::Path,
) -> Command {
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtts://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
        "--app-id",
        "APP",
    ])
    .arg("--ca")
    .arg(ca)
    .arg("--cert")
    .arg(&pki.client_cert)
    .arg("--key")
    .arg(&pki.client_key)
    .env("WPCONSOLE_PASSWORD", PASSWORD);
    cmd
}

/// `mosquitto_sub`/`mosquitto_pub` options for the TLS broker.
fn mosquitto_client_tls(cmd: &mut Command, pki: &Pki, broker: &Mosquitto) {
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
        "-u",
        UID,
        "-P",
        PASSWORD,
    ])
    .arg("--cafile")
    .arg(&pki.ca)
    .arg("--cert")
    .arg(&pki.client_cert)
    .arg("--key")
    .arg(&pki.client_key);
}

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
fn the_password_is_asked_for_on_a_terminal_and_never_echoed() {
    let test = "the_password_is_asked_for_on_a_terminal_and_never_echoed";
    if !mosquitto_available(test) || !util::tmux_available(test) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let port = format!("mqtts://127.0.0.1:{}", broker.port);
    let (ca, cert, key) = (
        pki.ca.display().to_string(),
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
    );
    let args = [
        "--broker", &port, "--uid", UID, "--ca", &ca, "--cert", &cert, "--key", &key, "tail",
    ];
    let terminal = sandbox.in_terminal(&args, 160, 20);
    let prompt = format!("MQTT password for {UID} at 127.0.0.1:{}:", broker.port);
    terminal
        .wait_for(&prompt, Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("no password prompt:\n{screen}"));
    terminal.type_text(PASSWORD);
    terminal.send_keys(&["Enter"]);
    let screen = terminal
        .wait_for("watching", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("tail did not connect after the prompt:\n{screen}"));
    assert!(
        !screen.contains(PASSWORD),
        "the password is not echoed:\n{screen}"
    );
}

/// A broker whose certificate is signed by the test CA with `customize`
/// applied (another host name, say).
fn broker_with_server_cert(sandbox: &Sandbox, names: Vec<String>) -> (Pki, Mosquitto) {
    let (ca_params, ca_key, ca_pem) = ca("wpconsole test CA");
    let issuer = Issuer::new(ca_params, ca_key);
    let (server_cert, server_key) = leaf(&issuer, names, ExtendedKeyUsagePurpose::ServerAuth);
    let (client_cert, client_key) = leaf(
        &issuer,
        vec![UID.to_lowercase()],
        ExtendedKeyUsagePurpose::ClientAuth,
    );
    let pki = Pki {
        ca_key: sandbox.path("unused"),
        expired_cert: sandbox.path("unused"),
        expired_key: sandbox.path("unused"),
        ca: sandbox.write("ca.pem", ca_pem),
        other_ca: sandbox.write("other-ca.pem", ca("other").2),
        server_cert: sandbox.write("server.pem", server_cert),
        server_key: sandbox.write("server.key", server_key),
        client_cert: sandbox.write("client.pem", client_cert),
        client_key: sandbox.write("client.key", client_key),
    };
    let broker = production_like(sandbox, &pki);
    (pki, broker)
}

fn tail_with(
    sandbox: &Sandbox,
    broker: &Mosquitto,
    files: &[(&str, &std::path::Path)],
) -> (Option<i32>, String) {
    let mut cmd = sandbox.wpconsole();
    cmd.args([
        "--broker",
        &format!("mqtts://127.0.0.1:{}", broker.port),
        "--uid",
        UID,
    ])
    .env("WPCONSOLE_PASSWORD", PASSWORD);
    for (flag, path) in files {
        cmd.arg(flag).arg(path);
    }
    let out = cmd.arg("tail").output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
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
        stderr.contains("cannot read client certificate") && stderr.contains("nowhere.pem"),
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

    // An expired client certificate: the broker refuses it.
    let (code, stderr) = tail_with(
        &sandbox,
        &broker,
        &[
            ("--ca", &pki.ca),
            ("--cert", &pki.expired_cert),
            ("--key", &pki.expired_key),
        ],
    );
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("our client certificate has expired"),
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
fn the_password_never_shows_in_ps_logs_journal_errors_or_on_screen() {
    let test = "the_password_never_shows_in_ps_logs_journal_errors_or_on_screen";
    if !mosquitto_available(test) || !util::tmux_available(test) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let password_file = sandbox.write("password", format!("{PASSWORD}\n"));
    let url = format!("mqtts://127.0.0.1:{}", broker.port);
    let (ca, cert, key) = (
        pki.ca.display().to_string(),
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
    );
    let (pw, journal) = (
        password_file.display().to_string(),
        sandbox.path("journal").display().to_string(),
    );
    let args = [
        "--broker",
        &url,
        "--uid",
        UID,
        "--app-id",
        "APP",
        "--ca",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
        "--password-file",
        &pw,
        "--journal",
        &journal,
    ];
    let terminal = sandbox.in_terminal(&args, 160, 45);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    let mut publish = Command::new("mosquitto_pub");
    mosquitto_client_tls(&mut publish, &pki, &broker);
    assert!(
        publish
            .args(["-t", &util::to_topic(VIN), "-m", "{\"content\":{}}"])
            .status()
            .unwrap()
            .success()
    );
    let screen = terminal
        .wait_for("rx 1 ", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    let ps = String::from_utf8_lossy(
        &Command::new("ps")
            .args(["-eo", "args"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        ps.contains(&pw),
        "the console is in ps with its options:\n{ps}"
    );
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));

    let mut seen = vec![("ps", ps), ("screen", screen)];
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    assert!(log.contains("connected"), "the log was written: {log}");
    seen.push(("log", log));
    for file in sandbox.journal_files() {
        seen.push(("journal", std::fs::read_to_string(file).unwrap()));
    }
    // Errors: a wrong password for tail and send, from the environment.
    for command in [vec!["tail"], vec!["send", "--vin", VIN, "--content", "{}"]] {
        let out = tls_command(&sandbox, &pki, &broker)
            .env("WPCONSOLE_PASSWORD", "wrong-secret-31337")
            .args(&command)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3));
        seen.push(("stderr", String::from_utf8_lossy(&out.stderr).into_owned()));
        seen.push(("stdout", String::from_utf8_lossy(&out.stdout).into_owned()));
    }
    for (place, text) in seen {
        assert!(
            !text.contains(PASSWORD),
            "the password appears in {place}:\n{text}"
        );
        assert!(
            !text.contains("wrong-secret-31337"),
            "a password appears in {place}:\n{text}"
        );
    }
}

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

#[test]
fn a_refused_login_is_tried_once_per_user_action_and_says_where_the_password_came_from() {
    let test =
        "a_refused_login_is_tried_once_per_user_action_and_says_where_the_password_came_from";
    if !mosquitto_available(test) || !util::tmux_available(test) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let wrong = sandbox.write("wrong-password", "not the password 4711\n");
    // The console connects through a relay that counts its attempts.
    let relay = util::CountingRelay::start(broker.port);
    let url = format!("mqtts://127.0.0.1:{}", relay.port);
    let (ca, cert, key, pw) = (
        pki.ca.display().to_string(),
        pki.client_cert.display().to_string(),
        pki.client_key.display().to_string(),
        wrong.display().to_string(),
    );
    let args = [
        "--broker",
        &url,
        "--uid",
        UID,
        "--app-id",
        "APP",
        "--ca",
        &ca,
        "--cert",
        &cert,
        "--key",
        &key,
        "--password-file",
        &pw,
        "--no-journal",
    ];
    let terminal = sandbox.in_terminal(&args, 220, 40);
    let screen = terminal
        .wait_for("login refused: ", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}\n{}", broker.log()));
    assert!(
        screen.contains("(password from --password-file "),
        "where the password came from: {screen}"
    );
    assert!(screen.contains("Ctrl-R retry login"), "the key: {screen}");
    assert!(!screen.contains("not the password 4711"), "{screen}");
    // Left alone, the console does not try again.
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        relay.connections(),
        1,
        "one attempt in 5 s without a user action:\n{}",
        broker.log()
    );
    let screen = terminal.capture();
    assert!(
        screen.contains("login refused: ") && !screen.contains("reconnecting"),
        "{screen}"
    );
    // The retry key makes exactly one more attempt.
    terminal.send_keys(&["C-r"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while relay.connections() < 2 && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        relay.connections(),
        2,
        "one more attempt for one key press:\n{}",
        broker.log()
    );
    terminal
        .wait_for("login refused: ", Duration::from_secs(5))
        .unwrap_or_else(|s| panic!("{s}"));
    // The user fixes the password file and asks again: the file is read
    // again, and the console connects without a restart.
    std::fs::write(&wrong, format!("{PASSWORD}\n")).unwrap();
    terminal.send_keys(&["C-r"]);
    terminal
        .wait_for("● connected", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("the fixed password file was not read again:\n{s}"));
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
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
