//! wpconsole's own log, from the console and the headless commands alike:
//! at debug level it names topics, sizes and attempts, and still never a
//! payload nor the password.

use super::{broker_with_fleet, connect_args};
use crate::util::{self, Observer, Running, Sandbox, VIN, to_topic};
use std::time::Duration;

const PASSWORD: &str = "password-marker-5521";
const PAYLOAD: &str = "payload-marker-8813";

#[test]
fn the_log_at_debug_level_never_holds_a_payload_or_the_password() {
    let (port, _fleet, vins) = broker_with_fleet();
    let sandbox = Sandbox::new();
    let inbound = format!(r#"{{"content":{{"type":"action","action":"{PAYLOAD}"}}}}"#);

    // tail receives a message carrying the marker.
    let mut cmd = sandbox.wpconsole();
    cmd.args(connect_args(port))
        .args(["--log-level", "debug", "tail", "--json", "--vin", VIN])
        .args(["--count", "1"])
        .env("WPCONSOLE_PASSWORD", PASSWORD);
    let mut tail = Running::spawn(cmd);
    assert!(
        tail.wait_stderr("watching", Duration::from_secs(10)),
        "{}",
        tail.drain_stderr()
    );
    Observer::publish(port, &to_topic(VIN), inbound.clone().into_bytes());
    let line = tail
        .next_line(Duration::from_secs(10))
        .expect("tail prints it");
    assert!(line.contains(PAYLOAD), "{line}");
    assert_eq!(tail.wait(Duration::from_secs(10)), Some(0));

    // send publishes one, the level from the environment this time.
    let out = sandbox
        .wpconsole()
        .args(connect_args(port))
        .args(["send", "--vin", &vins[0], "--no-track", "--content"])
        .arg(format!(r#"{{"type":"action","action":"{PAYLOAD}"}}"#))
        .env("WPCONSOLE_LOG_LEVEL", "debug")
        .env("WPCONSOLE_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The console receives one too, when there is a terminal to run it in.
    let test = "the_log_at_debug_level_never_holds_a_payload_or_the_password";
    let console = util::tmux_available(test);
    if console {
        let mut args: Vec<String> = connect_args(port).into();
        args.extend(["--log-level=debug", "--no-journal"].map(String::from));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let terminal =
            sandbox.in_terminal_with_env(&[("WPCONSOLE_PASSWORD", PASSWORD)], &args, 160, 40);
        terminal
            .wait_for("● connected", Duration::from_secs(15))
            .unwrap_or_else(|s| panic!("{s}"));
        Observer::publish(port, &to_topic(VIN), inbound.into_bytes());
        terminal
            .wait_for(VIN, Duration::from_secs(10))
            .unwrap_or_else(|s| panic!("{s}"));
        terminal.send_keys(&["q"]);
        terminal
            .wait_for("EXITED 0", Duration::from_secs(10))
            .unwrap_or_else(|s| panic!("{s}"));
    }

    let log = sandbox.own_log();
    // The level took: each command's debug lines are there.
    assert!(log.contains(" DEBUG "), "{log}");
    assert!(log.contains(&format!("on {:?}", to_topic(VIN))), "{log}");
    assert!(log.contains("publishing "), "{log}");
    assert!(log.contains("tail ended with exit code 0"), "{log}");
    assert!(log.contains("send ended with exit code 0"), "{log}");
    if console {
        assert!(log.contains("console started against"), "{log}");
        assert!(log.contains("console ended with exit code 0"), "{log}");
    }
    assert!(!log.contains(PAYLOAD), "a payload in the log:\n{log}");
    assert!(!log.contains(PASSWORD), "the password in the log:\n{log}");
}

#[test]
fn the_log_level_defaults_to_info_and_a_bad_filter_is_refused_with_the_fix() {
    let (port, _fleet, _) = broker_with_fleet();
    let sandbox = Sandbox::new();
    let mut tail = sandbox.tail(&format!("mqtt://127.0.0.1:{port}"), &["--count", "1"]);
    Observer::publish(port, &to_topic(VIN), br#"{"content":{}}"#.to_vec());
    assert!(tail.next_line(Duration::from_secs(10)).is_some());
    assert_eq!(tail.wait(Duration::from_secs(10)), Some(0));
    let log = sandbox.own_log();
    assert!(
        log.contains(" INFO ") && log.contains("tail started"),
        "{log}"
    );
    assert!(!log.contains(" DEBUG "), "{log}");
    assert!(sandbox.path("state/wpconsole.log").is_symlink());

    let out = sandbox
        .wpconsole()
        .args(["validate", "-"])
        .env("WPCONSOLE_LOG", "wpconsole=loud")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("WPCONSOLE_LOG=wpconsole=loud") && stderr.contains("unset WPCONSOLE_LOG"),
        "{stderr}"
    );
}
