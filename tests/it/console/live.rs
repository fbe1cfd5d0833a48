//! The console on live traffic: vehicles appear, an action composed in the
//! editor is published, hostile escape sequences and a flood are survived, a
//! paste stays text, and the popup rule holds across processes.

use super::{VINS, available, console};
use crate::util::{self, Mosquitto, Running, Sandbox, Tmux, UID, tmux_available, to_topic};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Duration;

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
        !screen.contains(" lost "),
        "nothing lost at this rate:\n{screen}"
    );
    assert!(screen.contains("Log (20,000)"), "{screen}");
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

/// A fleet publish answered `y` after `send` put a popup to one of the
/// marked vehicles while the question was open: the account's ledger
/// refuses that one, the log shows it refused, the notice counts sent and
/// refused, and only the vehicle sent to loses its mark.
#[test]
fn a_fleet_popup_refused_after_the_answer_leaves_a_row_and_keeps_its_mark() {
    if !available("a_fleet_popup_refused_after_the_answer_leaves_a_row_and_keeps_its_mark") {
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
    // Both vehicles marked (the rows under "all vehicles").
    terminal.send_keys(&["BTab", "j", "Space", "j", "Space"]);
    terminal
        .wait_for("2 marked", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("two marks:\n{screen}"));
    // The popup template, then Ctrl-S: the fleet question.
    terminal.send_keys(&["t", "Down", "Enter", "C-s"]);
    terminal
        .wait_for("Publish to 2 vehicle(s)", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the fleet question:\n{screen}"));
    let sent = sandbox
        .wpconsole()
        .args(["--broker", &format!("mqtt://127.0.0.1:{}", broker.port)])
        .args(["--uid", UID, "--app-id", "APP", "send", "--vin", VINS[0]])
        .args(["--content", "{}", "--popup-text", "race"])
        .output()
        .expect("send");
    assert_eq!(
        sent.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sent.stderr)
    );
    terminal.send_keys(&["y"]);
    let screen = terminal
        .wait_for("1 sent, 1 refused", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the notice counts sent and refused:\n{screen}"));
    assert!(screen.contains("refused: popup too soon"), "{screen}");
    assert!(screen.contains("tx 1 "), "one went out:\n{screen}");
    assert!(
        screen.contains("1 marked"),
        "the refused vehicle keeps its mark:\n{screen}"
    );
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
