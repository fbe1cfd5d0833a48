//! Wide text in a real terminal: a Japanese label with an emoji and
//! Japanese payloads keep the log's columns in line as tmux draws them,
//! at the full layout and on a narrow screen.

use super::{VINS, available, console_with};
use crate::util::{Mosquitto, Sandbox, to_topic};
use std::time::Duration;
use wpconsole::tui::width;

const LABEL: &str = "ベンチ車両🚗";

/// The cell (column) where `needle` starts in `line`, as drawn.
fn cell_of(line: &str, needle: &str) -> Option<usize> {
    line.find(needle).map(|at| width::of(&line[..at]))
}

/// The log's rows on `screen`: the lines with a direction arrow.
fn log_rows(screen: &str) -> Vec<&str> {
    screen.lines().filter(|l| l.contains(" ← ")).collect()
}

#[test]
fn a_japanese_label_and_payload_keep_the_log_columns_in_line_in_a_terminal() {
    if !available("a_japanese_label_and_payload_keep_the_log_columns_in_line_in_a_terminal") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let config = sandbox.write(
        "config.toml",
        format!(
            "[profiles.p]\n[[profiles.p.fleet]]\nvin = \"{}\"\nlabel = \"{LABEL}\"\n",
            VINS[1]
        ),
    );
    let config = config.display().to_string();
    let terminal = console_with(&sandbox, &broker, &["--config", &config, "--profile", "p"]);
    let unlock = br#"{"content":{"type":"action","action":"unlock","params":{}}}"#;
    broker.publish(&to_topic(VINS[0]), unlock);
    broker.publish(&to_topic(VINS[1]), unlock);
    broker.publish(
        &to_topic(VINS[1]),
        "車両のドアが開いています🚪。確認してください。"
            .repeat(5)
            .as_bytes(),
    );
    let screen = terminal
        .wait_for("rx 3 ", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("rx 3 never shown:\n{screen}"));
    let check = |screen: &str, columns: usize| {
        let rows = log_rows(screen);
        assert_eq!(rows.len(), 3, "{screen}");
        for row in &rows {
            // Had the terminal counted a character otherwise, the pane's
            // right border would have moved.
            assert_eq!(width::of(row), columns, "{row:?}\n{screen}");
        }
        let action = |row: &str| cell_of(row, "unlock");
        assert!(action(rows[0]).is_some(), "{screen}");
        assert_eq!(action(rows[0]), action(rows[1]), "{screen}");
        // The payload previews start in one column, wide or not.
        assert_eq!(
            cell_of(rows[1], "{\"content"),
            cell_of(rows[2], "車両のドア"),
            "{screen}"
        );
        assert!(rows[1].contains(LABEL), "{screen}");
        assert!(rows[2].contains('…'), "a cut preview says so: {screen}");
    };
    check(&screen, 160);
    // 60 columns show the focused pane alone: the log, at start.
    terminal.resize(60, 20);
    let screen = terminal
        .wait_until(
            |screen| screen.contains("┌ Log (3)"),
            Duration::from_secs(10),
        )
        .unwrap_or_else(|screen| panic!("the log is not shown at 60x20:\n{screen}"));
    check(&screen, 60);
    super::quit(&terminal);
}
