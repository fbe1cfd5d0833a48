//! A screen that cannot keep up with a flood (frames made slow by the
//! debug build's `WPCONSOLE_DEBUG_SLOW_FRAME_MS`): with the journal on,
//! every message is journaled and reaches the history; with no journal,
//! what is lost is counted on the screen. And a disk that failed leaves a
//! gap record once it writes again.

use super::available;
use crate::util::{Mosquitto, Sandbox, Tmux, UID, VIN, journal_files_in, to_topic};
use std::process::Command;
use std::time::{Duration, Instant};

/// `rx N` and `lost M` from the status bar.
fn counters(screen: &str) -> (u64, u64) {
    let number_after = |label: &str| {
        screen
            .split(label)
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.replace(',', "").parse().ok())
            .unwrap_or(0)
    };
    (number_after(" rx "), number_after(" lost "))
}

/// `n` messages of about 600 bytes, one a line, numbered.
fn flood_lines(n: usize) -> String {
    let pad = "x".repeat(520);
    (0..n)
        .map(|i| {
            format!(
                r#"{{"content":{{"type":"telemetry","action":"vehicleStatus","params":{{"seq":{i},"pad":"{pad}"}}}}}}"#
            ) + "\n"
        })
        .collect()
}

/// The console with frames of `frame_ms`, with `args` after the broker's.
fn slow_console(sandbox: &Sandbox, port: u16, frame_ms: &str, args: &[&str]) -> Tmux {
    let url = format!("mqtt://127.0.0.1:{port}");
    let mut all = vec!["--broker", &url, "--uid", UID, "--app-id", "APP"];
    all.extend_from_slice(args);
    sandbox.in_terminal_with_env(
        &[("WPCONSOLE_DEBUG_SLOW_FRAME_MS", frame_ms)],
        &all,
        160,
        45,
    )
}

/// The screen once `rx + lost` reaches `total` (or the deadline passed).
fn accounted_for(terminal: &Tmux, total: u64, within: Duration) -> String {
    let deadline = Instant::now() + within;
    loop {
        let screen = terminal.capture();
        let (rx, lost) = counters(&screen);
        if rx + lost >= total || Instant::now() > deadline {
            return screen;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_slow_screen_loses_nothing_while_the_journal_is_on() {
    if !available("a_slow_screen_loses_nothing_while_the_journal_is_on") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 0",
    );
    let journal = sandbox.path("journal").display().to_string();
    // A frame of 400 ms: the screen takes a burst at most every 400 ms,
    // while mosquitto_pub sends tens of thousands a second.
    let terminal = slow_console(&sandbox, broker.port, "400", &["--journal", &journal]);
    terminal
        .wait_for("● connected", Duration::from_secs(20))
        .expect("connected");
    let total = 60_000;
    let mut flood = broker.flood(&to_topic(VIN), &flood_lines(total));
    assert!(flood.wait().expect("mosquitto_pub").success());
    let screen = accounted_for(&terminal, total as u64, Duration::from_secs(120));
    let (rx, lost) = counters(&screen);
    assert_eq!(
        (rx, lost),
        (total as u64, 0),
        "every message reaches the history, none lost:\n{screen}"
    );
    assert!(
        screen.contains("Log (60,000)"),
        "the log holds every one:\n{screen}"
    );
    // Every one journaled, in the order sent.
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(20))
        .expect("quits");
    let records = sandbox.journal_records();
    let numbers: Vec<u64> = records
        .iter()
        .filter_map(|r| r["payload"]["content"]["params"]["seq"].as_u64())
        .collect();
    assert_eq!(numbers, (0..total as u64).collect::<Vec<_>>());
}

#[test]
fn with_no_journal_a_slow_screen_shows_what_it_lost() {
    if !available("with_no_journal_a_slow_screen_shows_what_it_lost") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 0",
    );
    // Frames of 3 s: the 16 MiB the intake holds for the screen fill
    // long before the screen takes them.
    let terminal = slow_console(&sandbox, broker.port, "3000", &["--no-journal"]);
    terminal
        .wait_for("● connected", Duration::from_secs(20))
        .expect("connected");
    let total = 100_000;
    let mut flood = broker.flood(&to_topic(VIN), &flood_lines(total));
    assert!(flood.wait().expect("mosquitto_pub").success());
    let screen = accounted_for(&terminal, total as u64, Duration::from_secs(120));
    let (rx, lost) = counters(&screen);
    assert!(lost > 0, "the flood outran the screen:\n{screen}");
    assert_eq!(
        rx + lost,
        total as u64,
        "every message received or counted lost, on the screen:\n{screen}"
    );
    assert!(
        screen.contains("no journal keeps them"),
        "why, on the screen:\n{screen}"
    );
    let log =
        std::fs::read_to_string(sandbox.path("state").join("wpconsole.log")).unwrap_or_default();
    assert!(log.contains("messages lost: "), "and in the log:\n{log}");
}

#[test]
fn a_disk_that_writes_again_leaves_a_gap_record_of_what_it_could_not_write() {
    if !available("a_disk_that_writes_again_leaves_a_gap_record_of_what_it_could_not_write") {
        return;
    }
    let sandbox = Sandbox::new();
    let Some((mount, _unmount)) = super::journal::small_disk(
        &sandbox,
        "a_disk_that_writes_again_leaves_a_gap_record_of_what_it_could_not_write",
    ) else {
        return;
    };
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let journal = mount.join("journal").display().to_string();
    let terminal = slow_console(&sandbox, broker.port, "0", &["--journal", &journal]);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    let big = format!(r#"{{"content":{{"pad":"{}"}}}}"#, "x".repeat(4_000));
    for _ in 0..10 {
        broker.publish(&to_topic(VIN), big.as_bytes());
    }
    terminal
        .wait_for("rx 10 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("received:\n{screen}"));
    terminal
        .wait_for("unwritten", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the full disk is reported:\n{screen}"));
    // Room again: the next message is written, and the gap before it.
    assert!(
        Command::new("mount")
            .args(["-o", "remount,size=1m"])
            .arg(&mount)
            .status()
            .is_ok_and(|s| s.success())
    );
    broker.publish(
        &to_topic(VIN),
        br#"{"content":{"after":"the disk writes again"}}"#,
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let gap = loop {
        let text: String = journal_files_in(&mount)
            .iter()
            .map(|file| std::fs::read_to_string(file).unwrap_or_default())
            .collect();
        if let Some(line) = text.lines().find(|l| l.contains(r#""dir":"gap""#)) {
            break line.to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no gap record in the journal:\n{text}\n{}",
            terminal.capture()
        );
        // The intake looks twice a second; a message brings another look.
        broker.publish(&to_topic(VIN), br#"{"content":{"after":"again"}}"#);
        std::thread::sleep(Duration::from_millis(500));
    };
    // The status bar's count of unwritten lines is the gap's (the lines
    // after it were written).
    let screen = terminal.capture();
    let unwritten: u64 = screen
        .split("journal: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count of unwritten lines:\n{screen}"));
    let gap: serde_json::Value = serde_json::from_str(&gap).unwrap();
    assert_eq!(gap["lost"], unwritten, "{gap}\n{screen}");
    // Said in the past once it writes again, not as a disk still full
    // (the console looks at the journal twice a second).
    terminal
        .wait_for(
            &format!("journal: {unwritten} lost, writing again"),
            Duration::from_secs(5),
        )
        .unwrap_or_else(|screen| panic!("still said as a full disk:\n{screen}"));
    assert!(
        gap["reason"]
            .as_str()
            .is_some_and(|r| r.contains("No space left on device")),
        "{gap}"
    );
}
