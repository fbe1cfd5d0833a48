//! The client certificate's end: warned once on stderr by the commands
//! that connect (which still connect), refused before connecting once
//! it is past.

use super::{Pki, days_from_now, production_like, tls_command, tls_command_with_files};
use crate::util::{Running, Sandbox, VIN, mosquitto_available};
use std::process::Command;
use std::time::Duration;

/// `tls_command` with the certificate that ends in 11 days.
fn with_soon_certificate(sandbox: &Sandbox, pki: &Pki, broker: &crate::util::Mosquitto) -> Command {
    tls_command_with_files(sandbox, broker, &pki.ca, (&pki.soon_cert, &pki.soon_key))
}

fn warnings(stderr: &str) -> usize {
    stderr.matches("warning: the client certificate").count()
}

#[test]
fn send_and_tail_warn_once_of_a_certificate_ending_within_30_days_and_still_connect() {
    if !mosquitto_available(
        "send_and_tail_warn_once_of_a_certificate_ending_within_30_days_and_still_connect",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let expected = format!(
        "wpconsole: warning: the client certificate CN=wpconsole test expires on {} (11 days): ask Stellantis for a new one before then",
        days_from_now(11)
    );

    let sent = with_soon_certificate(&sandbox, &pki, &broker)
        .args(["send", "--vin", VIN, "--content", "{}"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(0), "{stderr}");
    assert_eq!(warnings(&stderr), 1, "{stderr}");
    assert!(stderr.lines().any(|line| line == expected), "{stderr}");

    // tail: the warning once, then it watches (connected).
    let mut tail = with_soon_certificate(&sandbox, &pki, &broker);
    tail.arg("tail");
    let mut tail = Running::spawn(tail);
    assert!(
        tail.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        tail.drain_stderr()
    );
    let stderr = tail.drain_stderr();
    assert_eq!(warnings(&stderr), 1, "{stderr}");
    assert!(stderr.contains(&expected), "{stderr}");
    drop(tail);

    // A window of 5 days (the environment's) has nothing to say yet.
    let sent = with_soon_certificate(&sandbox, &pki, &broker)
        .env("WPCONSOLE_CERT_WARN_DAYS", "5")
        .args(["send", "--vin", VIN, "--content", "{}"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&sent.stderr);
    assert_eq!(sent.status.code(), Some(0), "{stderr}");
    assert_eq!(warnings(&stderr), 0, "{stderr}");
}

#[test]
fn an_expired_certificate_is_refused_with_exit_2_and_the_broker_never_sees_a_connection() {
    if !mosquitto_available(
        "an_expired_certificate_is_refused_with_exit_2_and_the_broker_never_sees_a_connection",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let connections = || broker.log().matches("New connection from").count();
    let before = connections();
    for command in [vec!["send", "--vin", VIN, "--content", "{}"], vec!["tail"]] {
        let out = tls_command_with_files(
            &sandbox,
            &broker,
            &pki.ca,
            (&pki.expired_cert, &pki.expired_key),
        )
        .args(&command)
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("CN=wpconsole test")
                && stderr.contains("expired on 2021-01-01")
                && stderr.contains(&format!(
                    "ask Stellantis for a renewed client certificate for UID {}",
                    crate::util::UID
                )),
            "{command:?}: {stderr}"
        );
    }
    // No connection reached the broker; that its log would show one, a
    // send with a valid certificate shows.
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(connections(), before, "{}", broker.log());
    let out = tls_command(&sandbox, &pki, &broker)
        .args(["send", "--vin", VIN, "--content", "{}"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        connections() > before,
        "the log counts connections: {}",
        broker.log()
    );
}

#[test]
fn the_console_shows_the_end_in_its_status_bar_and_an_expired_one_never_takes_the_terminal() {
    let test =
        "the_console_shows_the_end_in_its_status_bar_and_an_expired_one_never_takes_the_terminal";
    if !mosquitto_available(test) || !crate::util::tmux_available(test) {
        return;
    }
    let sandbox = Sandbox::new();
    let pki = Pki::generate(&sandbox);
    let broker = production_like(&sandbox, &pki);
    let password_file = sandbox.write("password", format!("{}\n", super::PASSWORD));
    let url = format!("mqtts://127.0.0.1:{}", broker.port);
    let console = |cert: &std::path::Path, key: &std::path::Path| {
        let args = [
            "--broker".to_owned(),
            url.clone(),
            "--uid".to_owned(),
            crate::util::UID.to_owned(),
            "--app-id".to_owned(),
            "APP".to_owned(),
            "--ca".to_owned(),
            pki.ca.display().to_string(),
            "--cert".to_owned(),
            cert.display().to_string(),
            "--key".to_owned(),
            key.display().to_string(),
            "--password-file".to_owned(),
            password_file.display().to_string(),
            "--no-journal".to_owned(),
        ];
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        sandbox.in_terminal(&args, 100, 24)
    };

    let terminal = console(&pki.soon_cert, &pki.soon_key);
    let said = format!("certificate expires {} (11 days)", days_from_now(11));
    let screen = terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    let status = screen
        .lines()
        .find(|line| line.contains("● connected"))
        .unwrap_or_default();
    assert!(status.contains(&said), "{screen}");
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    terminal.kill_session();

    let terminal = console(&pki.expired_cert, &pki.expired_key);
    let screen = terminal
        .wait_for("EXITED 2", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    // The message wraps at 100 columns; read as one line.
    let said = screen.replace('\n', "");
    assert!(
        said.contains("expired on 2021-01-01")
            && said.contains(&format!(
                "renewed client certificate for UID {}",
                crate::util::UID
            ))
            && !said.contains("connecting"),
        "{screen}"
    );
    terminal.kill_session();
}
