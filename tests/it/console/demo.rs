//! `wpconsole demo` in a terminal: its fleet, and its journal only when asked.

use super::quit;
use crate::util::{self, Sandbox, tmux_available};
use std::time::Duration;

#[test]
fn the_demo_opens_the_console_labelled_demo_with_its_fleet() {
    if !tmux_available("the_demo_opens_the_console_labelled_demo_with_its_fleet") {
        return;
    }
    let sandbox = Sandbox::new();
    let terminal = sandbox.in_terminal(&["demo", "--port", "0", "--vehicles", "5"], 160, 45);
    let screen = terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the demo console did not connect:\n{screen}"));
    assert!(
        screen.lines().next().unwrap_or_default().contains("DEMO"),
        "{screen}"
    );
    assert!(
        screen.contains("Vehicles (5)"),
        "the simulated fleet is listed before it talks:\n{screen}"
    );
    // The editor starts from an action of the demo's catalog, not one it
    // warns about.
    assert!(
        screen.contains("\"action\": \"unlock\"") && !screen.contains("not in the catalog"),
        "{screen}"
    );
    terminal
        .wait_for("Peugeot 208 #1", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("fleet labels shown:\n{screen}"));
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("q did not end the demo:\n{screen}"));
}

#[test]
fn the_demo_keeps_no_journal_unless_asked_and_then_its_own_accounts() {
    if !tmux_available("the_demo_keeps_no_journal_unless_asked_and_then_its_own_accounts") {
        return;
    }
    let sandbox = Sandbox::new();
    let port = util::free_port();
    let port_arg = port.to_string();
    let terminal = sandbox.in_terminal(&["demo", "--port", &port_arg, "--vehicles", "3"], 160, 45);
    let screen = terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the demo console did not connect:\n{screen}"));
    assert!(
        screen.contains(&format!("DEMO-PARTNER@127.0.0.1:{port} (no journal)")),
        "{screen}"
    );
    quit(&terminal);
    drop(terminal);
    assert!(
        !sandbox.path(".local/share/wpconsole").exists(),
        "the demo wrote nothing to the data dir"
    );

    let root = sandbox.path("journal").display().to_string();
    let terminal = sandbox.in_terminal(
        &[
            "demo",
            "--port",
            &port_arg,
            "--vehicles",
            "3",
            "--journal",
            &root,
        ],
        160,
        45,
    );
    let screen = terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the demo console did not connect:\n{screen}"));
    assert!(
        screen.contains(&format!("─ journal DEMO-PARTNER@127.0.0.1:{port} ─")),
        "{screen}"
    );
    // The fleet talks within a few seconds; its messages are journaled.
    terminal
        .wait_for(" ← ", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the fleet said nothing:\n{screen}"));
    quit(&terminal);
    let own = sandbox
        .path("journal")
        .join(format!("127.0.0.1_{port}/DEMO-PARTNER"));
    let files = sandbox.journal_files();
    assert!(!files.is_empty(), "the demo journaled nothing");
    for file in &files {
        assert!(
            file.starts_with(&own),
            "{} is not the demo account's",
            file.display()
        );
    }
    assert!(!sandbox.journal_records().is_empty());
}
