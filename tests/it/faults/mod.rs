//! Faults: a broker killed and restarted, a broker that never answers or
//! stops answering, signals, and a journal that cannot be written. Against
//! mosquitto, with the real binary (and tmux for the console).
//!
//! Skipped with a notice when mosquitto or tmux is missing; CI requires them.

mod endings;
mod journal;
mod kill9;
mod outages;
mod slow_screen;

use crate::util::{Sandbox, Tmux, UID, mosquitto_available, tmux_available};

fn action(name: &str) -> String {
    format!(r#"{{"content":{{"type":"action","action":"{name}"}}}}"#)
}

fn available(test: &str) -> bool {
    mosquitto_available(test) && tmux_available(test)
}

/// The console on `broker` with a journal and a 2 s keep-alive.
fn console(sandbox: &Sandbox, port: u16) -> Tmux {
    let url = format!("mqtt://127.0.0.1:{port}");
    let journal = sandbox.path("journal").display().to_string();
    let args = [
        "--broker",
        &url,
        "--uid",
        UID,
        "--app-id",
        "APP",
        "--journal",
        &journal,
        "--keep-alive",
        "2",
    ];
    sandbox.in_terminal(&args, 160, 45)
}
