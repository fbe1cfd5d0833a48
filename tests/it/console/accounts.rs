//! One journal root, several accounts: each console opens with its own
//! account's history, and files of two accounts say so.

use super::{VINS, available, console, quit};
use crate::util::{self, Mosquitto, Sandbox, UID, tmux_available, to_topic};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

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
    // Two files of one day: the status bar tells them apart by account.
    let day = chrono::Utc::now().date_naive();
    assert!(
        screen.contains(&format!(
            "files: PARTNER1/{day}.jsonl, PARTNER2/{day}.jsonl"
        )),
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
fn two_consoles_on_one_account_journal_each_message_once_and_the_second_says_why() {
    if !available("two_consoles_on_one_account_journal_each_message_once_and_the_second_says_why") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let first = console(&sandbox, &broker);
    let second = console(&sandbox, &broker);
    let screen = second
        .wait_for(
            "journal kept by another console, pid ",
            Duration::from_secs(10),
        )
        .unwrap_or_else(|s| panic!("the second console does not say it writes no journal:\n{s}"));
    assert!(
        screen.contains(": this one writes none")
            && screen
                .lines()
                .next()
                .is_some_and(|title| title.contains(&format!(
                    "─ {UID}@127.0.0.1:{} (journal kept by pid ",
                    broker.port
                ))),
        "said in the status bar and the title:\n{screen}"
    );
    assert!(
        !first.capture().contains("kept by another console"),
        "{}",
        first.capture()
    );
    for n in 1..=20 {
        broker.publish(
            &to_topic(VINS[0]),
            format!(r#"{{"content":{{"action":"dup{n}"}}}}"#).as_bytes(),
        );
    }
    for terminal in [&first, &second] {
        terminal
            .wait_for("rx 20 ", Duration::from_secs(10))
            .unwrap_or_else(|s| panic!("both show the live traffic:\n{s}"));
    }
    quit(&second);
    quit(&first);
    let actions: Vec<String> = sandbox
        .journal_records()
        .iter()
        .map(|record| {
            let text = record.to_string();
            let at = text.find("dup").expect("a dup record");
            text[at..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .collect();
    let expected: Vec<String> = (1..=20).map(|n| format!("dup{n}")).collect();
    assert_eq!(actions, expected, "each message once, in order");
}

#[test]
fn a_killed_console_leaves_no_journal_lock_behind() {
    if !available("a_killed_console_leaves_no_journal_lock_behind") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let first = console(&sandbox, &broker);
    let second = console(&sandbox, &broker);
    let screen = second
        .wait_for(
            "journal kept by another console, pid ",
            Duration::from_secs(10),
        )
        .unwrap_or_else(|s| panic!("{s}"));
    // The holder named on the second console's screen is the first console.
    let pid: u32 = screen
        .split("journal kept by another console, pid ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .and_then(|pid| pid.trim().parse().ok())
        .unwrap_or_else(|| panic!("no pid:\n{screen}"));
    util::signal(pid, "-KILL");
    assert!(util::wait_until_gone(pid, Duration::from_secs(10)));
    drop(first);
    quit(&second);
    // A console started after the crash keeps the journal itself.
    let third = console(&sandbox, &broker);
    broker.publish(&to_topic(VINS[0]), br#"{"content":{"action":"after"}}"#);
    third
        .wait_for("rx 1 ", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("{s}"));
    let screen = third.capture();
    assert!(!screen.contains("kept by"), "a stale lock:\n{screen}");
    quit(&third);
    let records = sandbox.journal_records();
    assert!(
        records.iter().any(|r| r.to_string().contains("after")),
        "the third console journals: {records:?}"
    );
}

/// Stops the vehicle when the test fails, so the scope can end.
struct StopOnDrop<'a>(&'a AtomicBool);
impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// The tick numbers of the inbound records of the journal, in file order.
fn ticks(records: &[serde_json::Value]) -> Vec<u64> {
    records
        .iter()
        .filter(|r| r["dir"] == "in")
        .filter_map(|r| {
            r["payload"]["content"]["action"]
                .as_str()?
                .strip_prefix("tick")?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn a_second_console_keeps_the_journal_once_the_first_ends() {
    if !available("a_second_console_keeps_the_journal_once_the_first_ends") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let first = console(&sandbox, &broker);
    let second = console(&sandbox, &broker);
    second
        .wait_for(
            "journal kept by another console, pid ",
            Duration::from_secs(10),
        )
        .unwrap_or_else(|s| panic!("{s}"));
    // A vehicle talking every 0.1 s throughout, as in the user's steps.
    let published = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let _stop = StopOnDrop(&stop);
        scope.spawn(|| {
            while !stop.load(Ordering::Relaxed) {
                let n = published.load(Ordering::Relaxed) + 1;
                broker.publish(
                    &to_topic(VINS[0]),
                    format!(r#"{{"content":{{"action":"tick{n}"}}}}"#).as_bytes(),
                );
                published.store(n, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        second
            .wait_for("rx 5 ", Duration::from_secs(10))
            .unwrap_or_else(|s| panic!("traffic flows:\n{s}"));
        // The first console's window closed, traffic flowing.
        first.kill_session();
        let ended_after = published.load(Ordering::Relaxed);
        let screen = second
            .wait_for(
                "journal: this console keeps it now (the console that kept it ended)",
                Duration::from_secs(5),
            )
            .unwrap_or_else(|s| panic!("the second console does not take the journal over:\n{s}"));
        let taken_after = published.load(Ordering::Relaxed);
        assert!(
            !screen.contains("kept by"),
            "the title and the status bar say it keeps the journal:\n{screen}"
        );
        eprintln!(
            "the first console ended after tick{ended_after}, taken over after tick{taken_after}"
        );
        // The second console publishes to the vehicle.
        second.send_keys(&["BTab"]);
        second.send_keys(&["j"]);
        second.send_keys(&["Enter"]);
        second
            .wait_for(&format!("Editor → {}", VINS[0]), Duration::from_secs(5))
            .unwrap_or_else(|s| panic!("{s}"));
        second.send_keys(&["t"]);
        second
            .wait_for("Templates", Duration::from_secs(5))
            .unwrap_or_else(|s| panic!("{s}"));
        second.send_keys(&["Enter"]);
        second.send_keys(&["C-s"]);
        second
            .wait_for("tx 1 ", Duration::from_secs(10))
            .unwrap_or_else(|s| panic!("nothing was published:\n{s}"));
        std::thread::sleep(Duration::from_millis(500));
    });
    let last = published.load(Ordering::Relaxed);
    // Every tick the second console counted reaches it before it quits.
    second
        .wait_for(&format!("tick{last}"), Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("the last tick is shown:\n{s}"));
    // Out of the editor, then quit.
    second.send_keys(&["Escape"]);
    quit(&second);
    let records = sandbox.journal_records();
    let ticks = ticks(&records);
    assert!(
        ticks.windows(2).all(|pair| pair[0] < pair[1]),
        "each message once, in order: {ticks:?}"
    );
    // One gap, between the first console's end and the takeover, and none
    // after: every message from then on is journaled.
    let missing: Vec<u64> = (1..=last).filter(|n| !ticks.contains(n)).collect();
    assert!(
        missing.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "one gap only: missing {missing:?} of 1..={last}"
    );
    assert_eq!(
        ticks.last(),
        Some(&last),
        "the journal runs to the last tick"
    );
    eprintln!("missing {} message(s): {missing:?}", missing.len());
    let out: Vec<_> = records.iter().filter(|r| r["dir"] == "out").collect();
    assert_eq!(
        out.len(),
        1,
        "the second console's publish is journaled: {records:?}"
    );
}
