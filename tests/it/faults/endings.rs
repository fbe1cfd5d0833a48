//! Every way the console ends (keys, signals, a closed terminal, a panic)
//! after a flood: every counted message is journaled and the terminal is
//! restored.

use super::available;
use crate::util::{self, Mosquitto, Sandbox, Tmux, UID, VIN, to_topic};
use std::time::Duration;

/// How an exit test ends the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// A key typed in the console (`q`, `C-c`).
    Key(&'static str),
    /// A signal sent to the console's process (`-TERM`, `-HUP`, `-INT`).
    Signal(&'static str),
    /// The terminal closes under the console (tmux kill-session): a closed
    /// window or a dropped SSH connection. Writes and reads fail, SIGHUP comes.
    TerminalClosed,
    /// The same for a console in a session of its own (`setsid`): no
    /// SIGHUP comes, only the failed writes and reads tell it.
    TerminalClosedWithoutHangup,
    /// A panic in the intake task, provoked by a payload (debug builds only).
    Panic,
    /// A panic on the UI thread in the middle of a frame, provoked by a
    /// payload the intake lets through (debug builds only).
    PanicWhileDrawing,
}

impl Ending {
    fn panics(self) -> bool {
        matches!(self, Ending::Panic | Ending::PanicWhileDrawing)
    }

    fn closes_the_terminal(self) -> bool {
        matches!(
            self,
            Ending::TerminalClosed | Ending::TerminalClosedWithoutHangup
        )
    }
}

/// Enough messages that the journal is still writing when the console is
/// told to end, so an exit that skips the journal's flush loses some.
const FLOOD: usize = 20_000;

/// The payload that makes a debug build's intake task panic when
/// `WPCONSOLE_DEBUG_PANIC_ON` names it.
const PANIC_PAYLOAD: &str = "wpconsole-test-panic";

/// Floods the console with [`FLOOD`] messages, waits for the status bar to
/// count them all, ends it as `ending` says, then checks that the journal
/// holds every one and (where the terminal survives) that the terminal is
/// as it was: main screen, no mouse reporting, no bracketed paste, echo on.
fn ending_keeps_every_message_and_restores_the_terminal(ending: Ending) {
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 0",
    );
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
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
    ];
    let env: &[(&str, &str)] = if ending.panics() {
        &[("WPCONSOLE_DEBUG_PANIC_ON", PANIC_PAYLOAD)]
    } else {
        &[]
    };
    let terminal = if ending == Ending::TerminalClosedWithoutHangup {
        let here = util::shell_quote(&sandbox.dir.path().display().to_string());
        let line = format!(
            "cd {here} && setsid -w {}; echo EXITED $?; sleep 60",
            sandbox.shell_line_with_env(env, &args)
        );
        Tmux::start(&line, 160, 45)
    } else {
        sandbox.in_terminal_with_env(env, &args, 160, 45)
    };
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("{ending:?}: not connected:\n{screen}"));
    let pid = util::wpconsole_pid(&journal).expect("the console's pid");
    let mut lines = String::new();
    for n in 0..FLOOD {
        lines.push_str(r#"{"content":{"type":"telemetry","action":"vehicleStatus","params":{"n":"#);
        lines.push_str(&n.to_string());
        lines.push_str("}}}\n");
    }
    let mut flood = broker.flood(&to_topic(VIN), &lines);
    assert!(flood.wait().expect("mosquitto_pub").success());
    terminal
        .wait_for(&format!("rx {FLOOD} "), Duration::from_secs(60))
        .unwrap_or_else(|screen| panic!("{ending:?}: not every message was counted:\n{screen}"));

    match ending {
        Ending::Key(key) => terminal.send_keys(&[key]),
        Ending::Signal(name) => util::signal(pid, name),
        Ending::TerminalClosed | Ending::TerminalClosedWithoutHangup => terminal.kill_session(),
        Ending::Panic => broker.publish(&to_topic(VIN), PANIC_PAYLOAD.as_bytes()),
        Ending::PanicWhileDrawing => broker.publish(
            &to_topic(VIN),
            format!("{PANIC_PAYLOAD}-while-drawing").as_bytes(),
        ),
    }
    if ending.closes_the_terminal() {
        assert!(
            util::wait_until_gone(pid, Duration::from_secs(20)),
            "the console did not end when its terminal closed"
        );
        if ending == Ending::TerminalClosedWithoutHangup {
            let log = std::fs::read_to_string(sandbox.path("state").join("wpconsole.log"))
                .unwrap_or_default();
            assert!(
                log.contains("console stopped: cannot draw on the terminal")
                    || log.contains("console stopped: cannot read the terminal"),
                "the log says the terminal went away:\n{log}"
            );
        }
    } else {
        let code = if ending.panics() { 101 } else { 0 };
        let screen = terminal
            .wait_for(&format!("EXITED {code}"), Duration::from_secs(20))
            .unwrap_or_else(|screen| panic!("{ending:?}: the console did not end:\n{screen}"));
        if ending.panics() {
            assert!(
                screen.contains("panicked") && screen.contains(PANIC_PAYLOAD),
                "the panic is told on the main screen:\n{screen}"
            );
        }
        assert_the_terminal_is_restored(&terminal, ending, &screen);
    }
    // The message that provokes a panic while drawing reached the UI, so
    // the journal had it first.
    let handed_to_the_journal = FLOOD + usize::from(ending == Ending::PanicWhileDrawing);
    let records = sandbox.journal_records();
    assert_eq!(
        records.len(),
        handed_to_the_journal,
        "{ending:?}: the journal holds every message the screen counted"
    );
}

/// The pane is back as the shell left it: main screen, no mouse reporting,
/// no bracketed paste, and the terminal echoes again (raw mode is off).
fn assert_the_terminal_is_restored(terminal: &Tmux, ending: Ending, screen: &str) {
    assert!(
        !screen.contains("● connected") && !screen.contains("Vehicles"),
        "{ending:?}: the console's screen is still shown:\n{screen}"
    );
    for flag in [
        "alternate_on",
        "mouse_standard_flag",
        "mouse_button_flag",
        "mouse_any_flag",
        "mouse_all_flag",
        "mouse_sgr_flag",
        "mouse_utf8_flag",
    ] {
        assert_eq!(
            terminal.pane_format(&format!("#{{{flag}}}")),
            "0",
            "{ending:?}: {flag} is still on"
        );
    }
    // A bracketed paste shows its markers only if the mode is still on,
    // and is echoed only if raw mode is off.
    terminal.paste("pasted-after-exit");
    let screen = terminal
        .wait_for("pasted-after-exit", Duration::from_secs(5))
        .unwrap_or_else(|screen| {
            panic!("{ending:?}: a paste is not echoed (raw mode still on?):\n{screen}")
        });
    assert!(
        !screen.contains("200~"),
        "{ending:?}: bracketed paste is still on:\n{screen}"
    );
}

#[test]
fn quitting_with_q_keeps_every_message_and_restores_the_terminal() {
    if available("quitting_with_q_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Key("q"));
    }
}

#[test]
fn ctrl_c_keeps_every_message_and_restores_the_terminal() {
    if available("ctrl_c_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Key("C-c"));
    }
}

#[test]
fn sigterm_keeps_every_message_and_restores_the_terminal() {
    if available("sigterm_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Signal("-TERM"));
    }
}

#[test]
fn sighup_keeps_every_message_and_restores_the_terminal() {
    if available("sighup_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Signal("-HUP"));
    }
}

#[test]
fn sigint_keeps_every_message_and_restores_the_terminal() {
    if available("sigint_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Signal("-INT"));
    }
}

#[test]
fn closing_the_terminal_keeps_every_message() {
    if available("closing_the_terminal_keeps_every_message") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::TerminalClosed);
    }
}

#[test]
fn closing_the_terminal_of_a_console_that_gets_no_sighup_keeps_every_message() {
    if available("closing_the_terminal_of_a_console_that_gets_no_sighup_keeps_every_message") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::TerminalClosedWithoutHangup);
    }
}

#[test]
fn a_panic_in_the_intake_keeps_every_message_and_restores_the_terminal() {
    if available("a_panic_in_the_intake_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::Panic);
    }
}

#[test]
fn a_panic_while_drawing_keeps_every_message_and_restores_the_terminal() {
    if available("a_panic_while_drawing_keeps_every_message_and_restores_the_terminal") {
        ending_keeps_every_message_and_restores_the_terminal(Ending::PanicWhileDrawing);
    }
}
