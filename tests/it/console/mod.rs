//! The console as a person meets it: the real binary in a real terminal
//! (tmux) against mosquitto, driven with keys and read off the screen.
//!
//! Skipped with a notice when mosquitto or tmux is missing; CI
//! (`WPCONSOLE_REQUIRE_MOSQUITTO=1`) requires both.

mod accounts;
mod alerts;
mod days;
mod demo;
mod history;
mod jq;
mod live;
mod wide_text;

use crate::util::{Mosquitto, Sandbox, Tmux, UID, mosquitto_available, tmux_available};
use std::time::Duration;

const VINS: [&str; 3] = [
    "VF3ABCDEFGH123456",
    "ZFA1234567890ABCD",
    "W0L0000000000A1B2",
];

fn available(test: &str) -> bool {
    mosquitto_available(test) && tmux_available(test)
}

/// The console in a 160x45 terminal; when it ends the shell prints EXITED.
fn console(sandbox: &Sandbox, broker: &Mosquitto) -> Tmux {
    console_with(sandbox, broker, &[])
}

/// [`console`] with more options.
fn console_with(sandbox: &Sandbox, broker: &Mosquitto, extra: &[&str]) -> Tmux {
    let port = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox.path("journal").display().to_string();
    let mut args = vec![
        "--broker",
        &port,
        "--uid",
        UID,
        "--app-id",
        "APP",
        "--journal",
        &journal,
    ];
    args.extend_from_slice(extra);
    let terminal = sandbox.in_terminal(&args, 160, 45);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the console did not connect:\n{screen}"));
    terminal
}

fn quit(terminal: &Tmux) {
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("q did not quit:\n{s}"));
}
