//! The password: asked for on a terminal and never echoed, never shown
//! anywhere, and a refused login tried once and blamed on its source.

use super::{PASSWORD, Pki, mosquitto_client_tls, production_like, tls_command};
use crate::util::{self, Sandbox, UID, VIN, mosquitto_available};
use std::process::Command;
use std::time::Duration;

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
    // Only wpconsole's own lines: the process table is the whole machine's,
    // and other tests in this binary (or other runs on the machine) start
    // mosquitto_sub and mosquitto_passwd with this password as an argument.
    let binary = env!("CARGO_BIN_EXE_wpconsole");
    let ps = String::from_utf8_lossy(
        &Command::new("ps")
            .args(["-eo", "args"])
            .output()
            .unwrap()
            .stdout,
    )
    .lines()
    .filter(|line| line.contains(binary))
    .collect::<Vec<_>>()
    .join("\n");
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
