//! Faults: a broker killed and restarted, a broker that never answers or
//! stops answering, signals, and a journal that cannot be written. Against
//! mosquitto, with the real binary (and tmux for the console).
//!
//! Skipped with a notice when mosquitto or tmux is missing; CI requires them.

use crate::util::{
    self, Mosquitto, Running, Sandbox, Tmux, UID, VIN, from_topic, mosquitto_available,
    tmux_available, to_topic,
};
use std::net::TcpListener;
use std::process::Command;
use std::time::{Duration, Instant};

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

#[test]
fn tail_survives_three_broker_kills_with_backoff_and_misses_nothing_after_each() {
    if !mosquitto_available(
        "tail_survives_three_broker_kills_with_backoff_and_misses_nothing_after_each",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let mut broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let mut tail = sandbox.tail(&format!("mqtt://127.0.0.1:{}", broker.port), &["--json"]);
    // A message before the first outage arrives too.
    broker.publish(&to_topic(VIN), action("before").as_bytes());
    let line = tail
        .next_line(Duration::from_secs(10))
        .expect("first message");
    assert!(line.contains("before"), "{line}");
    for round in 0..3 {
        broker.kill();
        assert!(
            tail.wait_stderr_new("disconnected", Duration::from_secs(10)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        std::thread::sleep(Duration::from_millis(1500));
        broker.restart();
        assert!(
            tail.wait_stderr_new("reconnected", Duration::from_secs(15)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        assert!(
            tail.wait_stderr_new("watching", Duration::from_secs(10)),
            "round {round}: {}",
            tail.drain_stderr()
        );
        broker.publish(
            &to_topic(VIN),
            action(&format!("after-restart-{round}")).as_bytes(),
        );
        let line = tail
            .next_line(Duration::from_secs(10))
            .expect("the message after the restart");
        assert!(line.contains(&format!("after-restart-{round}")), "{line}");
    }
    let stderr = tail.drain_stderr();
    let attempts = stderr.matches("disconnected").count();
    // 1.5 s outages with 100 ms doubling backoff allow about 5 attempts each.
    assert!(
        (3..=18).contains(&attempts),
        "{attempts} failed attempts over 3 outages:\n{stderr}"
    );
    assert!(
        tail.next_line(Duration::from_millis(300)).is_none(),
        "nothing printed twice"
    );
}

#[test]
fn the_console_shows_outages_refuses_to_publish_during_them_and_sends_nothing_twice() {
    if !available(
        "the_console_shows_outages_refuses_to_publish_during_them_and_sends_nothing_twice",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let mut broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, broker.port);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    // Make the vehicle the editor's target and load the data template.
    broker.publish(&to_topic(VIN), action("hello").as_bytes());
    terminal
        .wait_for("rx 1 ", Duration::from_secs(10))
        .expect("first message");
    terminal.send_keys(&["BTab", "j", "Enter", "t", "Enter"]);
    terminal
        .wait_for(&format!("Editor → {VIN}"), Duration::from_secs(5))
        .expect("target set");

    for round in 1..=3 {
        broker.kill();
        let screen = terminal
            .wait_for("reconnecting (attempt", Duration::from_secs(10))
            .unwrap_or_else(|screen| panic!("round {round}: the outage is not shown:\n{screen}"));
        assert!(
            screen.contains("connection"),
            "the reason is shown:\n{screen}"
        );
        terminal.send_keys(&["C-s"]);
        terminal
            .wait_for(
                "not published: the broker is not connected",
                Duration::from_secs(5),
            )
            .unwrap_or_else(|screen| {
                panic!("round {round}: publishing during the outage was not refused:\n{screen}")
            });
        std::thread::sleep(Duration::from_millis(1200));
        broker.restart();
        terminal
            .wait_for("● connected", Duration::from_secs(15))
            .expect("reconnected");
        // Subscriptions are renewed: a message after the restart arrives.
        std::thread::sleep(Duration::from_millis(300));
        broker.publish(&to_topic(VIN), action(&format!("after-{round}")).as_bytes());
        terminal
            .wait_for(&format!("rx {} ", round + 1), Duration::from_secs(10))
            .unwrap_or_else(|screen| {
                panic!("round {round}: the message after the restart did not arrive:\n{screen}")
            });
    }

    // One publish after the last outage reaches the broker exactly once.
    let mut sub = Command::new("stdbuf");
    sub.args([
        "-oL",
        "mosquitto_sub",
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
        "-t",
        &from_topic(VIN),
        "-v",
    ]);
    let sub = Running::spawn(sub);
    std::thread::sleep(Duration::from_millis(500));
    terminal.send_keys(&["C-s"]);
    terminal
        .wait_for("tx 1 ", Duration::from_secs(10))
        .expect("published once connected");
    assert!(
        sub.next_line(Duration::from_secs(5)).is_some(),
        "the publish arrived"
    );
    assert!(
        sub.next_line(Duration::from_secs(2)).is_none(),
        "and only once: refused publishes were never queued"
    );

    // No tight loop: the console's log lists each failed attempt.
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    let attempts = log.matches("disconnected (attempt").count();
    assert!(
        (3..=18).contains(&attempts),
        "{attempts} attempts over 3 outages:\n{log}"
    );
}

#[test]
fn a_broker_that_never_answers_connect_is_a_timeout_not_a_hang() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accept and hold connections without ever answering.
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    let sandbox = Sandbox::new();
    let started = Instant::now();
    let out = sandbox
        .wpconsole()
        .args([
            "--broker",
            &format!("mqtt://127.0.0.1:{port}"),
            "--uid",
            UID,
            "tail",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("timeout") && stderr.contains("did not answer"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "gave up in {:?}",
        started.elapsed()
    );
}

#[test]
fn a_broker_that_stops_answering_is_noticed_by_keep_alive() {
    if !mosquitto_available("a_broker_that_stops_answering_is_noticed_by_keep_alive") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let mut tail = sandbox.tail(&url, &["--keep-alive", "2"]);
    util::signal(broker.pid(), "-STOP");
    let stopped = Instant::now();
    let noticed = tail.wait_stderr_new("disconnected", Duration::from_secs(10));
    let after = stopped.elapsed();
    util::signal(broker.pid(), "-CONT");
    assert!(
        noticed,
        "a paused broker was never noticed: {}",
        tail.drain_stderr()
    );
    // rumqttc pings after one keep-alive of silence and gives up when the
    // next ping is due unanswered: within two keep-alive intervals.
    assert!(
        after <= Duration::from_millis(4_500),
        "noticed after {after:?}"
    );
    assert!(
        tail.drain_stderr().contains("timeout"),
        "{}",
        tail.drain_stderr()
    );
    assert!(
        tail.wait_stderr_new("watching", Duration::from_secs(15)),
        "reconnects once the broker answers: {}",
        tail.drain_stderr()
    );
}

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

#[test]
fn an_unwritable_journal_is_reported_and_the_console_keeps_going() {
    if !available("an_unwritable_journal_is_reported_and_the_console_keeps_going") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    std::fs::write(sandbox.path("not-a-dir"), "x").unwrap();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox
        .path("not-a-dir")
        .join("journal")
        .display()
        .to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    for n in 0..4 {
        broker.publish(&to_topic(VIN), action(&format!("n{n}")).as_bytes());
    }
    let screen = terminal
        .wait_for("journal: 4 unwritten", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("unwritten lines are not counted:\n{screen}"));
    assert!(
        screen.contains("rx 4 ") && screen.contains("cannot create the journal directory"),
        "{screen}"
    );
}

/// Unmounts the small disk when the test ends, however it ends.
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_reported_and_the_console_keeps_going() {
    if !available("a_full_disk_is_reported_and_the_console_keeps_going") {
        return;
    }
    let sandbox = Sandbox::new();
    let mount = sandbox.path("small-disk");
    std::fs::create_dir(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=16k", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!(
            "SKIPPED a_full_disk_is_reported_and_the_console_keeps_going: cannot mount a small tmpfs here (needs root)"
        );
        return;
    }
    let _unmount = Unmount(mount.clone());
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = mount.join("journal").display().to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    let big = format!(r#"{{"content":{{"pad":"{}"}}}}"#, "x".repeat(4_000));
    for _ in 0..20 {
        broker.publish(&to_topic(VIN), big.as_bytes());
    }
    let screen = terminal
        .wait_for("unwritten", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("a full disk is not reported:\n{screen}"));
    assert!(
        screen.contains("rx 20 "),
        "the console keeps receiving:\n{screen}"
    );
    assert!(screen.contains("No space left on device"), "{screen}");
}

/// `rx N` and `dropped M` from the status bar.
fn counters(screen: &str) -> (u64, u64) {
    let number_after = |label: &str| {
        screen
            .split(label)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (number_after(" rx "), number_after(" dropped "))
}

#[test]
fn a_flood_of_50000_never_stalls_keep_alive_and_every_message_is_received_or_counted() {
    if !available(
        "a_flood_of_50000_never_stalls_keep_alive_and_every_message_is_received_or_counted",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 0",
    );
    let terminal = console(&sandbox, broker.port);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    // Keep the UI busy: a text filter that every message is checked against.
    terminal.send_keys(&["/"]);
    terminal.type_text("vehicleStatus");
    terminal.send_keys(&["Enter"]);
    let mut lines = String::new();
    for n in 0..50_000 {
        lines.push_str(r#"{"content":{"type":"telemetry","action":"vehicleStatus","params":{"n":"#);
        lines.push_str(&n.to_string());
        lines.push_str("}}}\n");
    }
    let mut flood = broker.flood(&to_topic(VIN), &lines);
    terminal.send_keys(&["?"]);
    terminal
        .wait_for("Help", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("keys are not answered during the flood:\n{s}"));
    terminal.send_keys(&["Escape"]);
    assert!(flood.wait().expect("mosquitto_pub").success());
    let deadline = Instant::now() + Duration::from_secs(60);
    let screen = loop {
        let screen = terminal.capture();
        let (rx, dropped) = counters(&screen);
        if rx + dropped >= 50_000 || Instant::now() > deadline {
            break screen;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (rx, dropped) = counters(&screen);
    assert_eq!(
        rx + dropped,
        50_000,
        "every message is received or counted as dropped:\n{screen}"
    );
    // Keep-alive is 2 s: a stalled session would have been disconnected by now.
    std::thread::sleep(Duration::from_secs(5));
    let screen = terminal.capture();
    assert!(
        screen.contains("● connected") && !screen.contains("reconnecting"),
        "{screen}"
    );
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    assert!(
        !log.contains("disconnected"),
        "the session never lost the broker:\n{log}"
    );
}
