//! The log's jq filter (`|`) as a support engineer meets it: over the
//! days loaded and what arrives live, a bad expression shown at its column
//! while the filter in force stays, and the filter cleared.

use super::{VINS, available, console_with, quit};
use crate::util::{Mosquitto, Sandbox, Tmux, UID, to_topic};
use std::time::Duration;

/// A journal line of `vin` reporting `speed`, `minutes` ago.
fn speed_line(vin: &str, speed: u32, at: chrono::DateTime<chrono::Utc>) -> String {
    let payload = format!(
        r#"{{"content":{{"type":"action","action":"speed{speed}","params":{{"speed_kmh":{speed}}}}}}}"#
    );
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at,
        vin: Some(vin),
        topic: &to_topic(vin),
        payload: payload.as_bytes(),
        kind: "content",
        is_json: true,
        dir: Some("in"),
    })
}

#[test]
fn a_jq_filter_keeps_the_matching_rows_of_every_day_and_a_bad_one_its_column() {
    if !available("a_jq_filter_keeps_the_matching_rows_of_every_day_and_a_bad_one_its_column") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    seed_two_days(&sandbox.account_journal(broker.port, UID));

    let terminal = console_with(&sandbox, &broker, &[]);
    terminal
        .wait_for(
            "loaded 5 message(s) from 2 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("yesterday and today were not loaded:\n{screen}"));

    terminal.send_keys(&["|"]);
    terminal
        .wait_for("jq filter on the log", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("| did not open the jq prompt:\n{screen}"));
    let speeding = ".payload.content.params.speed_kmh > 120";
    terminal.type_text(speeding);
    terminal
        .wait_for("✓ compiles", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    terminal.send_keys(&["Enter"]);
    // The rows shown are of two days: the title says which, and the jq
    // part takes its short form beside them.
    let today = chrono::Utc::now().date_naive();
    let days = format!(
        "{} → {}",
        (today - chrono::Days::new(1)).format("%m-%d"),
        today.format("%m-%d")
    );
    let screen = terminal
        .wait_for(
            &format!("{days} | .payload.content.params…: 2 matched, 1 error(s)"),
            Duration::from_secs(10),
        )
        .unwrap_or_else(|screen| panic!("the jq filter did not run over both days:\n{screen}"));
    assert!(
        screen.contains("speed131") && screen.contains("speed125"),
        "{screen}"
    );
    let rows: Vec<&str> = screen.lines().filter(|l| l.contains(" ← ")).collect();
    assert_eq!(rows.len(), 2, "{screen}");
    // The text payload errored: the status names why.
    assert!(
        screen.contains(r#"the first: cannot index "engine on""#),
        "{screen}"
    );

    // What arrives live is asked too.
    broker.publish(
        &to_topic(VINS[1]),
        br#"{"content":{"type":"action","action":"liveFast","params":{"speed_kmh":150}}}"#,
    );
    broker.publish(
        &to_topic(VINS[1]),
        br#"{"content":{"type":"action","action":"liveSlow","params":{"speed_kmh":30}}}"#,
    );
    let screen = terminal
        .wait_for("…: 3 matched, 1 error(s)", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("live messages were not asked:\n{screen}"));
    assert!(
        screen.contains("liveFast") && !screen.contains("liveSlow"),
        "{screen}"
    );

    a_bad_expression_keeps_the_filter(&terminal, speeding);

    // An empty expression clears it: every row again.
    terminal.send_keys(&["|"]);
    terminal
        .wait_for("jq filter on the log", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    for _ in 0..speeding.chars().count() {
        terminal.send_keys(&["BSpace"]);
    }
    terminal
        .wait_for("empty: no jq filter", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    terminal.send_keys(&["Enter"]);
    let screen = terminal
        .wait_for("jq filter cleared", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    for action in ["speed80", "speed40", "engine on", "liveSlow"] {
        assert!(screen.contains(action), "{action}:\n{screen}");
    }
    std::thread::sleep(Duration::from_millis(300));
    quit(&terminal);
}

/// Yesterday: 131 and 80 km/h; today: 125 km/h, a text payload, 40 km/h.
fn seed_two_days(dir: &std::path::Path) {
    let now = chrono::Utc::now();
    let yesterday = now - chrono::Duration::days(1);
    std::fs::write(
        dir.join(format!("{}.jsonl", yesterday.date_naive())),
        speed_line(VINS[0], 131, yesterday) + "\n" + &speed_line(VINS[1], 80, yesterday) + "\n",
    )
    .unwrap();
    let text = wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at: now - chrono::Duration::minutes(2),
        vin: Some(VINS[2]),
        topic: &to_topic(VINS[2]),
        payload: b"engine on",
        kind: "text",
        is_json: false,
        dir: Some("in"),
    });
    std::fs::write(
        dir.join(format!("{}.jsonl", now.date_naive())),
        speed_line(VINS[2], 125, now - chrono::Duration::minutes(3))
            + "\n"
            + &text
            + "\n"
            + &speed_line(VINS[0], 40, now - chrono::Duration::minutes(1))
            + "\n",
    )
    .unwrap();
}

/// A bad expression typed: its column under it; Enter applies nothing,
/// Esc closes and the filter in force stays.
fn a_bad_expression_keeps_the_filter(terminal: &Tmux, speeding: &str) {
    terminal.send_keys(&["|"]);
    terminal
        .wait_for(&format!("in force: {speeding}"), Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    terminal.type_text(" and");
    // The end of the expression, where a term is missing.
    let column = speeding.chars().count() + " and".len() + 1;
    let screen = terminal
        .wait_for(&format!("column {column}: "), Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the error was not shown:\n{screen}"));
    let lines: Vec<&str> = screen.lines().collect();
    let typed = lines
        .iter()
        .position(|l| l.contains(&format!(" | {speeding} and▏")))
        .unwrap_or_else(|| panic!("{screen}"));
    let start = lines[typed].find(" | ").unwrap();
    let caret = lines[typed + 1]
        .find('^')
        .unwrap_or_else(|| panic!("{screen}"));
    assert_eq!(
        lines[typed + 1][start..caret].chars().count(),
        3 + column - 1,
        "the caret under column {column}:\n{screen}"
    );
    terminal.send_keys(&["Enter"]);
    std::thread::sleep(Duration::from_millis(300));
    let screen = terminal.capture();
    assert!(
        screen.contains("jq filter on the log")
            && screen.contains("| .payload.content.params…: 3 matched"),
        "Enter on a bad expression applies nothing:\n{screen}"
    );
    terminal.send_keys(&["Escape"]);
    terminal
        .wait_until(
            |screen| !screen.contains("jq filter on the log"),
            Duration::from_secs(5),
        )
        .unwrap_or_else(|screen| panic!("Esc did not close the prompt:\n{screen}"));
    assert!(terminal.capture().contains("liveFast"));
}
