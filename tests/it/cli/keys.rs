//! `[keys]` in the config file, through the real binary in a real
//! terminal: a rebinding that cannot work is refused before the console
//! starts, naming what to change; one that can works and is shown.

use crate::util::{Sandbox, Tmux, tmux_available};
use std::time::Duration;

/// `open` on an empty capture with `keys` as the config file's `[keys]`.
fn open_with_keys(sandbox: &Sandbox, keys: &str) -> Tmux {
    let config = sandbox.write("config.toml", format!("[keys]\n{keys}\n"));
    let capture = sandbox.write("capture.jsonl", "");
    sandbox.in_terminal(
        &[
            "--config",
            &config.display().to_string(),
            "open",
            &capture.display().to_string(),
        ],
        // Tall enough for the whole help of the log, its closing line
        // included.
        200,
        56,
    )
}

/// The screen as one text: a line longer than the terminal reads whole.
fn flat(screen: &str) -> String {
    screen.lines().collect()
}

#[test]
fn a_rebinding_that_cannot_work_is_refused_at_start_naming_the_fix() {
    if !tmux_available("a_rebinding_that_cannot_work_is_refused_at_start_naming_the_fix") {
        return;
    }
    let sandbox = Sandbox::new();
    let config = sandbox.path("config.toml").display().to_string();
    let refusals = [
        (
            "publish = \"ctrl-e\"",
            "[keys]: Ctrl-E would mean both publish and jump-to-error in the editor; bind one of them to another key in [keys]",
        ),
        (
            "quit = \"x\"",
            "[keys]: x would mean both quit and export in the log pane; bind one of them to another key in [keys]",
        ),
        (
            "publsh = \"ctrl-o\"",
            "[keys]: unknown action \"publsh\"; the actions are: quit, interrupt, help,",
        ),
        (
            "publish = \"ctrl-pp\"",
            "[keys]: publish = \"ctrl-pp\" is not a key; a key is a character (q, ?, G), a name (Enter,",
        ),
    ];
    for (keys, says) in refusals {
        let terminal = open_with_keys(&sandbox, keys);
        let screen = terminal
            .wait_for("EXITED", Duration::from_secs(10))
            .unwrap_or_else(|screen| panic!("{keys}: still running:\n{screen}"));
        let text = flat(&screen);
        assert!(text.contains("EXITED 2"), "{keys}:\n{screen}");
        assert!(
            text.contains(&format!("{config}: {says}")),
            "{keys}: {says}\n{screen}"
        );
        terminal.kill_session();
    }
}

#[test]
fn a_rebinding_from_the_config_file_works_and_is_shown() {
    if !tmux_available("a_rebinding_from_the_config_file_works_and_is_shown") {
        return;
    }
    let sandbox = Sandbox::new();
    let terminal = open_with_keys(&sandbox, "quit = \"ctrl-x\"\n[keys.help]\nclose = \"z\"");
    terminal
        .wait_for("Ctrl-X quit", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the footer names the new key:\n{screen}"));
    terminal.send_keys(&["?"]);
    let screen = terminal
        .wait_for("z closes this help", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the help names its new key:\n{screen}"));
    assert!(screen.contains("Ctrl-X"), "{screen}");
    terminal.send_keys(&["z", "q"]);
    terminal
        .wait_for("Ctrl-X quit", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("z closed the help:\n{screen}"));
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !terminal.capture().contains("EXITED"),
        "q no longer quits:\n{}",
        terminal.capture()
    );
    terminal.send_keys(&["C-x"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("Ctrl-X quits:\n{screen}"));
}

#[test]
fn a_bad_rebinding_is_named_even_without_a_terminal() {
    // A cron job or a pipe: the config's mistake is the one to fix first.
    let sandbox = Sandbox::new();
    let config = sandbox.write("config.toml", "[keys]\npublish = \"ctrl-e\"\n");
    let capture = sandbox.write("capture.jsonl", "");
    for args in [
        vec![
            "--config",
            config.to_str().unwrap(),
            "open",
            capture.to_str().unwrap(),
        ],
        vec![
            "--config",
            config.to_str().unwrap(),
            "--broker",
            "mqtt://127.0.0.1:1",
            "--uid",
            "PARTNER1",
        ],
    ] {
        let out = sandbox
            .wpconsole()
            .args(&args)
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("Ctrl-E would mean both publish and jump-to-error"),
            "{args:?}: {stderr}"
        );
    }
}
