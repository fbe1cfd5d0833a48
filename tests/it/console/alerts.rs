//! Watch rules in the console as a support engineer meets them: a rule of
//! the profile fires, the vehicle wears a badge and the status bar counts
//! it, the Alerts pane (`A`) lists it with the message it is about, Enter
//! lands on that message; after a restart the pane still lists it (read
//! back from the journal).

use super::{VINS, available, console_with, quit};
use crate::util::{Mosquitto, Sandbox};
use std::time::Duration;

/// A config file whose profile `bench` watches VINS[0] go quiet for 2 s.
fn profile(sandbox: &Sandbox) -> String {
    sandbox
        .write(
            "config.toml",
            format!(
                "# the bench car\n[profiles.bench]\n\n[[profiles.bench.watch]]\nname = \"quiet\"\nsilent = \"2s\"\nvins = [\"{}\"]\n",
                VINS[0]
            ),
        )
        .display()
        .to_string()
}

#[test]
fn a_rule_fires_the_badge_and_pane_show_it_enter_lands_on_the_message_and_it_survives_a_restart() {
    if !available(
        "a_rule_fires_the_badge_and_pane_show_it_enter_lands_on_the_message_and_it_survives_a_restart",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let config = profile(&sandbox);
    let options = ["--config", config.as_str(), "--profile", "bench"];
    let terminal = console_with(&sandbox, &broker, &options);
    broker.publish(
        &crate::util::to_topic(VINS[0]),
        br#"{"content":{"type":"action","action":"lastWord"}}"#,
    );
    let screen = terminal
        .wait_for("1 open alert (A)", Duration::from_secs(15))
        .unwrap_or_else(|screen| panic!("the silence was not told:\n{screen}"));
    let row = screen
        .lines()
        .map(|line| line.chars().take(60).collect::<String>())
        .find(|row| row.contains(VINS[0]))
        .unwrap_or_else(|| panic!("no row for the vehicle:\n{screen}"));
    assert!(row.contains("●1"), "the badge: {row}\n{screen}");

    terminal.send_keys(&["A"]);
    let screen = terminal
        .wait_for("Alerts: 1 open of 1", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("A did not show the Alerts pane:\n{screen}"));
    let listed = screen
        .lines()
        .find(|line| line.contains("quiet"))
        .unwrap_or_else(|| panic!("the rule is not listed:\n{screen}"));
    for what in [VINS[0], "silent", "lastWord"] {
        assert!(listed.contains(what), "{what}: {listed}");
    }

    terminal.send_keys(&["Enter"]);
    let screen = terminal
        .wait_for("\"action\": \"lastWord\"", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("Enter did not land on the message:\n{screen}"));
    assert!(!screen.contains("Alerts: "), "the pane closed:\n{screen}");
    std::thread::sleep(Duration::from_millis(300));
    quit(&terminal);
    drop(terminal);

    // Started again: the alert is read back from the journal.
    let terminal = console_with(&sandbox, &broker, &options);
    let screen = terminal
        .wait_for(
            "loaded 1 message(s) from 1 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("the day was not loaded:\n{screen}"));
    assert!(
        !screen.contains("skipped"),
        "an alert record is no line to warn of:\n{screen}"
    );
    terminal.send_keys(&["A"]);
    let screen = terminal
        .wait_for("┌ Alerts: ", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("A did not show the Alerts pane:\n{screen}"));
    assert!(
        screen.lines().any(|line| line.contains("quiet")
            && line.contains("silent")
            && line.contains("lastWord")),
        "{screen}"
    );
    terminal.send_keys(&["Escape"]);
    // Closed before the next key: an Escape read together with the key
    // after it is that key with Alt.
    terminal
        .wait_until(
            |screen| !screen.contains("┌ Alerts: "),
            Duration::from_secs(5),
        )
        .unwrap_or_else(|screen| panic!("Escape did not close the Alerts pane:\n{screen}"));

    // W: the log's filter in force (a kind) becomes a rule of the profile.
    terminal.send_keys(&["K"]);
    terminal
        .wait_for("content", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("{screen}"));
    terminal.send_keys(&["W"]);
    terminal
        .wait_for("Save the filter as a watch rule", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("W did not ask the rule's name:\n{screen}"));
    terminal.type_text("contents");
    terminal.send_keys(&["Enter"]);
    terminal
        .wait_for("rule \"contents\" saved in", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the rule was not saved:\n{screen}"));
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with("# the bench car\n[profiles.bench]"),
        "{text}"
    );
    let file: toml::Table = toml::from_str(&text).unwrap();
    let rules = file["profiles"]["bench"]["watch"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "{text}");
    assert_eq!(rules[1]["name"].as_str(), Some("contents"));
    assert_eq!(
        rules[1]["when"].as_str(),
        Some(".kind == \"content\""),
        "{text}"
    );
    std::thread::sleep(Duration::from_millis(300));
    quit(&terminal);
}
