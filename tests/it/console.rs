//! The console as a person meets it: the real binary in a real terminal
//! (tmux) against mosquitto, driven with keys and read off the screen.
//!
//! Skipped with a notice when mosquitto or tmux is missing; CI
//! (`WPCONSOLE_REQUIRE_MOSQUITTO=1`) requires both.

use crate::util::{
    self, Mosquitto, Running, Sandbox, Tmux, UID, mosquitto_available, tmux_available, to_topic,
};
use std::fmt::Write as _;
use std::process::Command;
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

#[test]
fn three_vehicles_show_up_with_their_count() {
    if !available("three_vehicles_show_up_with_their_count") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, &broker);
    for vin in VINS {
        broker.publish(
            &to_topic(vin),
            br#"{"content":{"type":"action","action":"hello","params":{}}}"#,
        );
    }
    let screen = terminal
        .wait_for("rx 3 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("rx 3 never shown:\n{screen}"));
    for vin in VINS {
        assert!(screen.contains(vin), "{vin} missing:\n{screen}");
    }
    // x writes the log to a file in the working directory.
    terminal.send_keys(&["x"]);
    let screen = terminal
        .wait_for("exported 3 message(s) to ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("x did not export:\n{screen}"));
    let exported: Vec<_> = std::fs::read_dir(sandbox.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("wpconsole-export-"))
        })
        .collect();
    assert_eq!(exported.len(), 1, "{screen}");
    assert_eq!(
        std::fs::read_to_string(&exported[0])
            .unwrap()
            .lines()
            .count(),
        3
    );
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("q did not quit cleanly:\n{screen}"));
    let records = sandbox.journal_records();
    assert_eq!(records.len(), 3, "every message is journaled: {records:?}");
    for (record, vin) in records.iter().zip(VINS) {
        assert_eq!(record["dir"], "in");
        assert_eq!(record["vin"], vin);
        assert_eq!(record["payload"]["content"]["action"], "hello");
    }
}

#[test]
fn an_action_composed_in_the_editor_reaches_the_vehicle_topic() {
    if !available("an_action_composed_in_the_editor_reaches_the_vehicle_topic") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let vin = VINS[0];
    let mut sub = Command::new("stdbuf");
    sub.args([
        "-oL",
        "mosquitto_sub",
        "-h",
        "127.0.0.1",
        "-p",
        &broker.port.to_string(),
    ])
    .args(["-t", &util::from_topic(vin), "-C", "1"]);
    let sub = Running::spawn(sub);
    let terminal = console(&sandbox, &broker);
    broker.publish(
        &to_topic(vin),
        br#"{"content":{"type":"event","action":"appStarted"}}"#,
    );
    terminal
        .wait_for("rx 1 ", Duration::from_secs(10))
        .expect("the vehicle is seen");

    // Vehicles pane (Shift-Tab from the log), the vehicle under "all", Enter.
    terminal.send_keys(&["BTab"]);
    terminal.send_keys(&["j"]);
    terminal.send_keys(&["Enter"]);
    terminal
        .wait_for(&format!("Editor → {vin}"), Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the vehicle did not become the target:\n{screen}"));
    // The data-action template, filled for the vehicle, then publish.
    terminal.send_keys(&["t"]);
    terminal
        .wait_for("Templates", Duration::from_secs(5))
        .expect("template list");
    terminal.send_keys(&["Enter"]);
    terminal.send_keys(&["C-s"]);
    let screen = terminal
        .wait_for("tx 1 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("nothing was published:\n{screen}"));
    assert!(
        screen.contains(&format!("bytes to {vin}")),
        "the editor says where it went:\n{screen}"
    );

    let line = sub
        .next_line(Duration::from_secs(10))
        .expect("mosquitto_sub received the action");
    let envelope: serde_json::Value = serde_json::from_str(&line).expect("JSON");
    assert_eq!(envelope["idApp"], "APP");
    assert_eq!(envelope["popup"], false);
    assert_eq!(envelope["content"]["params"]["vin"], vin);
    assert!(!line.contains("\n  "), "published minified: {line}");

    // The journal has what came in and exactly what went out, within 200 ms.
    std::thread::sleep(Duration::from_millis(300));
    let records = sandbox.journal_records();
    let out: Vec<_> = records.iter().filter(|r| r["dir"] == "out").collect();
    assert_eq!(out.len(), 1, "{records:?}");
    assert_eq!(
        out[0]["payload"].to_string(),
        line,
        "the journal keeps the published bytes"
    );
    assert_eq!(out[0]["kind"], "data");
    assert!(records.iter().any(|r| r["dir"] == "in"));
}

#[test]
fn an_escape_sequence_payload_cannot_touch_the_terminal() {
    if !available("an_escape_sequence_payload_cannot_touch_the_terminal") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, &broker);
    let title_before = terminal.pane_title();
    broker.publish(
        &to_topic(VINS[1]),
        b"\x1b]0;pwned by a payload\x07\x1b[2J\x1b[31mred\xe2\x80\xae",
    );
    let screen = terminal
        .wait_for("rx 1 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the message never arrived:\n{screen}"));
    assert_eq!(
        terminal.pane_title(),
        title_before,
        "the pane title must not change"
    );
    assert!(!terminal.pane_title().contains("pwned"));
    assert!(
        screen.contains(r"\u{1b}]0;pwned by a payload\u{7}"),
        "shown escaped:\n{screen}"
    );
    assert!(
        screen.contains("Vehicles") && screen.contains("Editor"),
        "the screen was not cleared:\n{screen}"
    );
}

#[test]
fn a_flood_of_20000_messages_is_counted_and_keys_are_still_answered() {
    if !available("a_flood_of_20000_messages_is_counted_and_keys_are_still_answered") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(
        sandbox.dir.path(),
        "allow_anonymous true\nmax_queued_messages 100000",
    );
    let terminal = console(&sandbox, &broker);
    let mut lines = String::new();
    for n in 0..20_000 {
        let _ = writeln!(
            lines,
            r#"{{"content":{{"type":"telemetry","action":"vehicleStatus","params":{{"n":{n}}}}}}}"#
        );
    }
    let mut flood = broker.flood(&to_topic(VINS[0]), &lines);
    // While the flood is being taken in, a key is answered.
    terminal.send_keys(&["?"]);
    terminal
        .wait_for("Help", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("help did not open during the flood:\n{screen}"));
    terminal.send_keys(&["Escape"]);
    assert!(flood.wait().expect("mosquitto_pub").success());
    let screen = terminal
        .wait_for("rx 20000 ", Duration::from_secs(60))
        .unwrap_or_else(|screen| panic!("not every message was counted:\n{screen}"));
    assert!(
        !screen.contains("dropped"),
        "nothing dropped at this rate:\n{screen}"
    );
    assert!(screen.contains("Log (20,000)"), "{screen}");
}

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
    let file = sandbox.write("day.jsonl", journal.join("\n") + "\n{\"received_at\":\"20");
    let path = file.display().to_string();
    let terminal = sandbox.in_terminal(&["open", &path], 160, 45);
    let screen = terminal
        .wait_for(
            "loaded 4 message(s) from 1 file(s); skipped 1 line",
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
    terminal.send_keys(&["e", "C-s"]);
    terminal
        .wait_for("no broker", Duration::from_secs(5))
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

#[test]
fn a_paste_into_the_editor_is_text_even_with_a_tab_and_quit_in_it() {
    if !available("a_paste_into_the_editor_is_text_even_with_a_tab_and_quit_in_it") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, &broker);
    terminal.send_keys(&["e"]);
    terminal
        .wait_for("Ctrl-S", Duration::from_secs(5))
        .expect("the editor has the focus");
    // As keys, Tab would leave the editor and `q` would quit.
    terminal.paste("\"first-pasted\":\t\"quit\",\nq\nquit \"last-pasted\"");
    let screen = terminal
        .wait_for("last-pasted", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the paste is not in the editor:\n{screen}"));
    assert!(
        screen.contains("\"first-pasted\":") && screen.contains("quit \"last-pasted\""),
        "{screen}"
    );
    // Still running, still in the editor: typed text lands there too.
    terminal.type_text("typed-after");
    let screen = terminal
        .wait_for("typed-after", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the editor lost the focus:\n{screen}"));
    assert!(
        !screen.contains("EXITED") && screen.contains("● connected"),
        "the console is still running:\n{screen}"
    );
}

#[test]
fn a_console_whose_output_goes_to_a_file_says_it_needs_a_terminal() {
    if !tmux_available("a_console_whose_output_goes_to_a_file_says_it_needs_a_terminal") {
        return;
    }
    let sandbox = Sandbox::new();
    // The keyboard is a terminal, standard output is not.
    let here = util::shell_quote(&sandbox.dir.path().display().to_string());
    let line = format!(
        "cd {here} && {} > out.txt; echo EXITED $?; sleep 60",
        sandbox.shell_line(&["--broker", "mqtt://127.0.0.1:1", "--uid", "U"])
    );
    let terminal = Tmux::start(&line, 160, 45);
    let screen = terminal
        .wait_for("EXITED", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the console did not end:\n{screen}"));
    assert!(screen.contains("EXITED 2"), "{screen}");
    assert!(screen.contains("needs a terminal"), "{screen}");
    assert_eq!(terminal.pane_format("#{alternate_on}"), "0");
    let written = std::fs::read(sandbox.path("out.txt")).unwrap();
    assert!(
        written.is_empty(),
        "nothing written to the file: {:?}",
        String::from_utf8_lossy(&written)
    );
}

/// The 20 s popup rule is the account's, not the process's: a popup from
/// the console stops `send`'s popup to the same vehicle, and a popup from
/// `send` stops the console's.
#[test]
fn the_popup_rule_holds_between_the_console_and_send() {
    if !available("the_popup_rule_holds_between_the_console_and_send") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let terminal = console(&sandbox, &broker);
    for vin in &VINS[..2] {
        broker.publish(&to_topic(vin), br#"{"content":{"type":"event"}}"#);
    }
    terminal
        .wait_for("rx 2 ", Duration::from_secs(10))
        .expect("two vehicles seen");
    let send_popup = |vin: &str| {
        sandbox
            .wpconsole()
            .args(["--broker", &format!("mqtt://127.0.0.1:{}", broker.port)])
            .args(["--uid", UID, "--app-id", "APP", "send", "--vin", vin])
            .args(["--content", "{}", "--popup-text", "from send"])
            .output()
            .expect("send")
    };
    // The console's popup to the first vehicle (sorted by label, first row).
    terminal.send_keys(&["BTab", "j", "Enter"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let first = loop {
        let screen = terminal.capture();
        if let Some(vin) = VINS[..2]
            .iter()
            .find(|vin| screen.contains(&format!("Editor → {vin}")))
        {
            break *vin;
        }
        assert!(std::time::Instant::now() < deadline, "no target:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    };
    terminal.send_keys(&["t", "Down", "Enter"]);
    let pressed_ms = unix_ms_now();
    terminal.send_keys(&["C-s"]);
    terminal
        .wait_for("tx 1 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the console's popup did not go:\n{screen}"));
    // The popup is written down when it went, not at the last clock tick
    // (up to a second earlier, which let a `send` in after 19.5 s).
    let ledger: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(sandbox.path("state").join(format!(
            "accounts/127.0.0.1_{}/{UID}/popups.json",
            broker.port
        )))
        .expect("the account's popup ledger"),
    )
    .unwrap();
    let written_ms = ledger["last_popup_ms"][first].as_u64().expect("the popup");
    assert!(
        written_ms + 50 >= pressed_ms,
        "the popup was written {} ms before Ctrl-S",
        pressed_ms - written_ms
    );
    let refused = send_popup(first);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "send must refuse a popup 1 s after the console's: {}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(String::from_utf8_lossy(&refused.stderr).contains("popup too soon: wait"));

    // The other way round: send's popup to the second vehicle first.
    let second = VINS[..2].iter().find(|vin| **vin != first).unwrap();
    let sent = send_popup(second);
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    // Esc alone first: followed at once by another sequence, a terminal
    // may read it as Alt.
    terminal.send_keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    terminal.send_keys(&["BTab", "j", "Enter"]);
    terminal
        .wait_for(&format!("Editor → {second}"), Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the second vehicle as target:\n{screen}"));
    terminal.send_keys(&["t", "Down", "Enter", "C-s"]);
    let screen = terminal
        .wait_for("popup too soon: wait", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the console must refuse:\n{screen}"));
    assert!(screen.contains("tx 1 "), "nothing more went out:\n{screen}");
}

/// A record of `vin` on `uid`'s topic, as the journal writes it.
fn record_of(uid: &str, vin: &str, action: &str) -> String {
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at: chrono::Utc::now() - chrono::Duration::minutes(5),
        vin: Some(vin),
        topic: &format!("{}/to/uid/{uid}/opa/{vin}/", util::PREFIX),
        payload: format!(r#"{{"content":{{"action":"{action}"}}}}"#).as_bytes(),
        kind: "content",
        is_json: true,
        dir: Some("in"),
    })
}

fn quit(terminal: &Tmux) {
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("q did not quit:\n{s}"));
}

#[test]
fn each_account_opens_with_its_own_history_and_none_of_anothers() {
    if !available("each_account_opens_with_its_own_history_and_none_of_anothers") {
        return;
    }
    let sandbox = Sandbox::new();
    let first = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let second = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    // A journal of the old flat layout, which every account used to share.
    let root = sandbox.path("journal");
    std::fs::create_dir_all(&root).unwrap();
    let old = root.join(format!("{}.jsonl", chrono::Utc::now().date_naive()));
    std::fs::write(&old, record_of(UID, VINS[2], "before") + "\n").unwrap();

    // PARTNER1 on the first broker: the title names its journal, the old
    // file is pointed to and not taken as its history.
    let terminal = console(&sandbox, &first);
    let screen = terminal.capture();
    assert!(
        screen.contains(&format!("─ journal {UID}@127.0.0.1:{} ─", first.port)),
        "{screen}"
    );
    assert!(
        screen.contains("1 journal file(s) from before one journal per account are in"),
        "{screen}"
    );
    assert!(
        screen.contains("rx 0 ") && !screen.contains(VINS[2]),
        "{screen}"
    );
    for vin in &VINS[..2] {
        first.publish(&to_topic(vin), br#"{"content":{"action":"hello"}}"#);
    }
    terminal
        .wait_for("rx 2 ", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    quit(&terminal);
    drop(terminal);

    // The same login on another broker, and another login on the same
    // broker, with the same journal root: none of PARTNER1's messages or
    // vehicles.
    let root_arg = root.display().to_string();
    for (broker, uid) in [(&second, UID), (&first, "PARTNER2")] {
        let url = format!("mqtt://127.0.0.1:{}", broker.port);
        let terminal = sandbox.in_terminal(
            &["--broker", &url, "--uid", uid, "--journal", &root_arg],
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
            screen.contains(&format!("─ journal {uid}@127.0.0.1:{} ─", broker.port)),
            "{screen}"
        );
        assert!(
            screen.contains("rx 0 ") && !screen.contains("loaded"),
            "{uid}@{url} starts empty:\n{screen}"
        );
        for vin in VINS {
            assert!(!screen.contains(vin), "{uid}@{url} shows {vin}:\n{screen}");
        }
        quit(&terminal);
    }

    // PARTNER1 on the first broker again: its own history, and only it.
    let url = format!("mqtt://127.0.0.1:{}", first.port);
    let terminal = sandbox.in_terminal(
        &["--broker", &url, "--uid", UID, "--journal", &root_arg],
        160,
        45,
    );
    let screen = terminal
        .wait_for(
            "loaded 2 message(s) from 1 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|s| panic!("its own history was not read:\n{s}"));
    assert!(
        screen.contains(VINS[0]) && screen.contains(VINS[1]) && !screen.contains(VINS[2]),
        "{screen}"
    );
    quit(&terminal);

    // The old flat journal still opens.
    let terminal = sandbox.in_terminal(&["open", &old.display().to_string()], 160, 45);
    let screen = terminal
        .wait_for(
            "loaded 1 message(s) from 1 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|s| panic!("the old journal did not open:\n{s}"));
    assert!(screen.contains(VINS[2]), "{screen}");
    assert!(screen.contains(&format!("─ files of {UID} ─")), "{screen}");
    quit(&terminal);
}

#[test]
fn opening_two_accounts_files_says_so_and_labels_vehicles_by_uid() {
    if !tmux_available("opening_two_accounts_files_says_so_and_labels_vehicles_by_uid") {
        return;
    }
    let sandbox = Sandbox::new();
    let mut files = Vec::new();
    for (uid, vin) in [("PARTNER1", VINS[0]), ("PARTNER2", VINS[1])] {
        let file = sandbox
            .account_journal(8886, uid)
            .join(format!("{}.jsonl", chrono::Utc::now().date_naive()));
        std::fs::write(&file, record_of(uid, vin, "hello") + "\n").unwrap();
        files.push(file.display().to_string());
    }
    // One account's file: its account, with the broker its directory names.
    let terminal = sandbox.in_terminal(&["open", &files[0]], 160, 45);
    let screen = terminal
        .wait_for("loaded 1 message(s)", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    assert!(
        screen.contains("─ files of PARTNER1@127.0.0.1:8886 ─"),
        "{screen}"
    );
    quit(&terminal);
    // Both: said in the title, and each vehicle carries its UID.
    let terminal = sandbox.in_terminal(&["open", &files[0], &files[1]], 160, 45);
    let screen = terminal
        .wait_for(
            "loaded 2 message(s) from 2 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|s| panic!("{s}"));
    assert!(
        screen.contains(
            "files of 2 accounts, vehicles labelled by UID: PARTNER1@127.0.0.1:8886, PARTNER2@127.0.0.1:8886"
        ),
        "{screen}"
    );
    for (uid, vin) in [("PARTNER1", VINS[0]), ("PARTNER2", VINS[1])] {
        assert!(
            screen
                .lines()
                .any(|line| line.contains(&format!("{vin} {uid}"))),
            "{vin} is not labelled {uid}:\n{screen}"
        );
    }
    quit(&terminal);
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

fn unix_ms_now() -> u64 {
    u64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}
