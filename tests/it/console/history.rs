//! The console's history: `open` of a journal offline, today's history
//! before live traffic, the status while a long history is read, and old
//! payloads read back from the journal.

use super::{VINS, available, console_with, quit};
use crate::util::{self, Mosquitto, Sandbox, UID, tmux_available, to_topic};
use std::fmt::Write as _;
use std::time::Duration;

#[test]
fn open_browses_a_journal_offline() {
    if !tmux_available("open_browses_a_journal_offline") {
        return;
    }
    let sandbox = Sandbox::new();
    let line = |vin: &str, dir: &'static str, kind: &str, payload: &[u8]| {
        wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
            at: chrono::Utc::now(),
            vin: Some(vin),
            topic: &if dir == "out" {
                util::from_topic(vin)
            } else {
                to_topic(vin)
            },
            payload,
            kind,
            is_json: true,
            dir: Some(dir),
        })
    };
    let mut journal: Vec<String> = VINS
        .iter()
        .map(|vin| {
            line(
                vin,
                "in",
                "content",
                br#"{"content":{"type":"action","action":"fromFile"}}"#,
            )
        })
        .collect();
    journal.push(line(
        VINS[0],
        "out",
        "data",
        br#"{"idApp":"APP","popup":false,"content":{"action":"sent"}}"#,
    ));
    // A popup refused before publishing (the 20 s rule), as the console's
    // export writes it: with its direction and its reason.
    let refused = line(
        VINS[1],
        "refused",
        "popup",
        br#"{"idApp":"APP","popup":true,"content":{"action":"openFromPopup"}}"#,
    );
    let reason = r#","reason":"a popup to this vehicle 4 s ago: wait 16 s"}"#;
    journal.push(refused.strip_suffix('}').unwrap().to_owned() + reason);
    let file = sandbox.write("day.jsonl", journal.join("\n") + "\n{\"received_at\":\"20");
    let path = file.display().to_string();
    // Wide enough that the notice of what was loaded leaves the status bar
    // room to name the files (at 160 columns they give way to it for 10 s).
    let terminal = sandbox.in_terminal(&["open", &path], 200, 45);
    let screen = terminal
        .wait_for(
            "loaded 5 message(s) from 1 file(s); skipped 1 line",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("the journal was not loaded:\n{screen}"));
    // What files hold is history, not traffic of this session.
    assert!(screen.contains(" rx 0  tx 0 "), "{screen}");
    assert!(
        screen.contains("○ files, no broker") && screen.contains("files: day.jsonl"),
        "{screen}"
    );
    for vin in VINS {
        assert!(screen.contains(vin), "{vin}:\n{screen}");
    }
    // Each row with its direction, as the live console shows it.
    let row = |needle: &str| {
        screen
            .lines()
            .find(|line| line.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}:\n{screen}"))
            .to_owned()
    };
    assert!(
        row("openFromPopup").contains(&format!("✗ {}", VINS[1])),
        "{screen}"
    );
    assert!(row("sent").contains(&format!("→ {}", VINS[0])), "{screen}");
    terminal.send_keys(&["e", "C-s"]);
    terminal
        .wait_for("there is no broker", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("publishing must be refused offline:\n{screen}"));
    // Escape then q at once would read as Alt-q.
    terminal.send_keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("q did not quit:\n{screen}"));
}

#[test]
fn the_console_starts_with_todays_history_unless_fresh() {
    if !available("the_console_starts_with_todays_history_unless_fresh") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    // The account's own journal under the journal root.
    let dir = sandbox.account_journal(broker.port, UID);
    let earlier: Vec<String> = VINS[..2]
        .iter()
        .map(|vin| {
            wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
                at: chrono::Utc::now() - chrono::Duration::minutes(5),
                vin: Some(vin),
                topic: &to_topic(vin),
                payload: br#"{"content":{"action":"earlier"}}"#,
                kind: "content",
                is_json: true,
                dir: Some("in"),
            })
        })
        .collect();
    let today = chrono::Utc::now().date_naive();
    std::fs::write(
        dir.join(format!("{today}.jsonl")),
        earlier.join("\n") + "\n",
    )
    .unwrap();

    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox.path("journal").display().to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    let screen = terminal
        .wait_for(
            "loaded 2 message(s) from 1 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("today's history was not offered:\n{screen}"));
    assert!(
        screen.contains(" rx 0  tx 0 "),
        "history is not live traffic:\n{screen}"
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected");
    broker.publish(&to_topic(VINS[2]), br#"{"content":{"action":"live"}}"#);
    let screen = terminal
        .wait_for(" rx 1  tx 0 ", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    let earlier_at = screen.find("earlier").expect("history shown");
    let live_at = screen.find("live ").expect("live shown");
    assert!(earlier_at < live_at, "history first, then live:\n{screen}");
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));

    // --fresh starts empty even though the journal now holds three.
    let terminal = sandbox.in_terminal(
        &[
            "--broker",
            &url,
            "--uid",
            UID,
            "--journal",
            &journal,
            "--fresh",
        ],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    // Give a loader, had one started, time to show itself.
    std::thread::sleep(Duration::from_millis(500));
    let screen = terminal.capture();
    assert!(
        screen.contains("rx 0 ") && !screen.contains("loaded"),
        "{screen}"
    );
}

#[test]
fn the_status_says_connected_while_a_long_history_is_still_read() {
    if !available("the_status_says_connected_while_a_long_history_is_still_read") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let dir = sandbox.account_journal(broker.port, UID);
    // Enough of today's history that reading it outlasts connecting.
    let at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let mut history = String::new();
    for n in 0..150_000 {
        history.push_str(&wpconsole::domain::record::json_line(
            &wpconsole::domain::record::Record {
                at,
                vin: Some(VINS[n % 3]),
                topic: &to_topic(VINS[n % 3]),
                payload: br#"{"content":{"action":"earlier"}}"#,
                kind: "content",
                is_json: true,
                dir: Some("in"),
            },
        ));
        history.push('\n');
    }
    let today = chrono::Utc::now().date_naive();
    std::fs::write(dir.join(format!("{today}.jsonl")), history).unwrap();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox.path("journal").display().to_string();
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &journal],
        160,
        45,
    );
    let screen = terminal
        .wait_until(
            |screen| {
                (screen.contains("● connected") && screen.contains("indexing…"))
                    || screen.contains("loaded 150,000")
            },
            Duration::from_secs(60),
        )
        .unwrap_or_else(|screen| panic!("neither connected nor loaded:\n{screen}"));
    assert!(
        screen.contains("● connected") && screen.contains("indexing…"),
        "the status said how the broker is only after the history was read:\n{screen}"
    );
    let screen = terminal
        .wait_for("loaded 150,000 message(s)", Duration::from_secs(60))
        .unwrap_or_else(|screen| panic!("{screen}"));
    assert!(
        screen.contains("● connected") && screen.contains(" rx 0  tx 0 "),
        "{screen}"
    );
    quit(&terminal);
}

#[test]
fn old_payloads_are_read_back_from_the_journal_and_searched() {
    if !available("old_payloads_are_read_back_from_the_journal_and_searched") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    // A cache of 0 MiB keeps only the block being filled (1 MiB): once a
    // large payload closes the first block, its payloads are read back.
    let terminal = console_with(&sandbox, &broker, &["--cache-mb", "0"]);
    broker.publish(
        &to_topic(VINS[0]),
        br#"{"content":{"action":"first","marker":"oldest-one"}}"#,
    );
    let large = format!(r#"{{"content":{{"pad":"{}"}}}}"#, "x".repeat(1_100_000));
    broker.publish(&to_topic(VINS[0]), large.as_bytes());
    let mut lines = String::new();
    for n in 2..300 {
        let _ = writeln!(lines, "{{\"content\":{{\"action\":\"later\",\"n\":{n}}}}}");
    }
    let mut flood = broker.flood(&to_topic(VINS[0]), &lines);
    flood.wait().expect("mosquitto_pub ran");
    terminal
        .wait_for("rx 300 ", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("not all arrived:\n{screen}"));
    // Lines reach the journal within 200 ms.
    std::thread::sleep(Duration::from_millis(500));
    terminal.send_keys(&["g", "Enter"]);
    let screen = terminal
        .wait_for("\"marker\": \"oldest-one\"", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the oldest payload was not read back:\n{screen}"));
    assert!(!screen.contains("payload unavailable"), "{screen}");
    // Back to the log (the detail has the focus), then search.
    terminal.send_keys(&["BTab", "/"]);
    terminal.type_text("OLDEST-one");
    terminal
        .wait_for(
            "search done: 1 found in 300 messages",
            Duration::from_secs(10),
        )
        .unwrap_or_else(|screen| panic!("the search did not find it:\n{screen}"));
    terminal.send_keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("q did not quit:\n{screen}"));
}
