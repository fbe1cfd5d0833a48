//! A console killed with SIGKILL in the middle of a flood: nothing runs at
//! its end, so the journal may hold lines its index lacks and a torn last
//! line, the index a torn last entry. The next console repairs both and
//! goes on: journal and index agree after.

use super::{available, console};
use crate::util::{self, Mosquitto, Sandbox, VIN, to_topic};
use std::time::{Duration, Instant};
use wpconsole::store::journal::sidecar::{self, Found};

const FLOOD: usize = 40_000;

fn flood(broker: &Mosquitto, from: usize, count: usize) {
    let mut lines = String::new();
    for n in from..from + count {
        lines.push_str(r#"{"content":{"type":"telemetry","action":"vehicleStatus","params":{"n":"#);
        lines.push_str(&n.to_string());
        // 600-byte payloads: the writer's buffer fills and goes to the
        // file mid-line, as under a real flood.
        lines.push_str(r#","pad":""#);
        lines.push_str(&"x".repeat(500));
        lines.push_str("\"}}}\n");
    }
    let mut flood = broker.flood(&to_topic(VIN), &lines);
    assert!(flood.wait().expect("mosquitto_pub").success());
}

/// The journal's records (by `journal::read`) and what its index says,
/// opened afresh: every record has its entry, at its line.
fn assert_journal_and_index_agree(sandbox: &Sandbox) -> (usize, sidecar::Opened) {
    let files = sandbox.journal_files();
    assert_eq!(files.len(), 1, "{files:?}");
    let path = &files[0];
    let records = wpconsole::store::journal::read(path)
        .expect("journal")
        .records;
    let len = std::fs::metadata(path).unwrap().len();
    let opened = sidecar::open(path, len).expect("index");
    let text = std::fs::read(path).unwrap();
    let messages: Vec<_> = opened
        .sidecar
        .entries
        .iter()
        .filter(|e| e.lost().is_none())
        .collect();
    let gaps = records.iter().filter(|r| r["dir"] == "gap").count();
    assert_eq!(messages.len(), records.len() - gaps, "an entry per record");
    for entry in &messages {
        let start = usize::try_from(entry.offset).unwrap();
        let line = &text[start..start + entry.line_len as usize];
        assert!(line.ends_with(b"\n") && line.starts_with(b"{\"received_at\""));
    }
    (records.len() - gaps, opened)
}

#[test]
fn a_console_killed_mid_flood_leaves_a_journal_and_index_the_next_one_repairs() {
    if !available("a_console_killed_mid_flood_leaves_a_journal_and_index_the_next_one_repairs") {
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
    let journal = sandbox.path("journal").display().to_string();
    let pid = util::wpconsole_pid(&journal).expect("the console's pid");
    // The flood goes on while the console is killed: wait until the
    // journal is being written, then SIGKILL.
    let broker_ref = &broker;
    std::thread::scope(|scope| {
        scope.spawn(|| flood(broker_ref, 0, FLOOD));
        let deadline = Instant::now() + Duration::from_secs(60);
        while sandbox
            .journal_files()
            .first()
            .and_then(|f| std::fs::metadata(f).ok())
            .is_none_or(|m| m.len() < 4 * 1024 * 1024)
        {
            assert!(Instant::now() < deadline, "the journal is never written");
            std::thread::sleep(Duration::from_millis(5));
        }
        util::signal(pid, "-KILL");
    });
    assert!(util::wait_until_gone(pid, Duration::from_secs(10)));
    terminal.kill_session();
    // What the kill left, seen on a copy (opening repairs what it opens).
    let copy = tempfile::tempdir().unwrap();
    let journal_file = &sandbox.journal_files()[0];
    for suffix in ["", ".idx", ".names"] {
        let mut from = journal_file.as_os_str().to_owned();
        from.push(suffix);
        let name = format!("j.jsonl{suffix}");
        let _ = std::fs::copy(&from, copy.path().join(name));
    }
    let copied = copy.path().join("j.jsonl");
    let left = sidecar::open(&copied, std::fs::metadata(&copied).unwrap().len()).unwrap();
    eprintln!(
        "the kill left: index {:?}, {} line(s) it lacked, torn last line: {}",
        left.found, left.indexed_now, left.torn_tail
    );

    // A second console takes the journal over: its writer repairs the
    // index and goes on, the line after a torn one on a line of its own.
    let terminal = console(&sandbox, broker.port);
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .expect("connected again");
    flood(&broker, FLOOD, 100);
    terminal
        .wait_for("rx 100 ", Duration::from_secs(30))
        .unwrap_or_else(|screen| panic!("the second console took the flood:\n{screen}"));
    terminal.send_keys(&["q"]);
    let pid = util::wpconsole_pid(&journal);
    if let Some(pid) = pid {
        assert!(util::wait_until_gone(pid, Duration::from_secs(20)));
    }
    let (records, opened) = assert_journal_and_index_agree(&sandbox);
    assert!(records >= 100, "{records}");
    assert_eq!(
        opened.found,
        Found::Whole,
        "the second console left a whole index"
    );
    assert_eq!(opened.indexed_now, 0, "it indexed every line it lacked");
    let after = wpconsole::store::journal::read(&sandbox.journal_files()[0]).unwrap();
    assert!(
        !after.torn_last_line,
        "nothing glued, nothing torn at the end"
    );
    assert!(
        after.bad_lines <= 1,
        "at most the line the kill tore: {}",
        after.bad_lines
    );
}
