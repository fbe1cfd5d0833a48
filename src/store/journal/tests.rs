//! The journal's tests: the flush window, tickets and their places,
//! bursts and full queues counted, parts, old flat files, a torn last line.

use super::writer::FLUSH_EVERY;
use super::*;
use chrono::TimeZone;
use std::time::{Duration, Instant};

fn at(day: u32, second: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 10, 0, second).unwrap()
}

fn wait_for(stats: &JournalStats, written: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while stats.written.load(Ordering::Relaxed) < written && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn lines_land_in_the_day_file_within_the_flush_window() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    journal.append(at(24, 0), r#"{"n":1}"#.into());
    wait_for(&journal.stats, 1);
    std::thread::sleep(FLUSH_EVERY * 2);
    let text = std::fs::read_to_string(dir.path().join("2026-11-24.jsonl")).unwrap();
    assert_eq!(text, "{\"n\":1}\n", "flushed without closing");
    journal.append(at(25, 0), r#"{"n":2}"#.into());
    journal.close();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("2026-11-25.jsonl")).unwrap(),
        "{\"n\":2}\n"
    );
}

#[test]
fn each_ticket_tells_where_its_line_landed() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = JournalConfig::new(dir.path().to_owned());
    config.max_file_bytes = 20;
    let journal = Journal::start(config);
    let tickets: Vec<u64> = (0..3)
        .map(|n| journal.append(at(24, n), format!(r#"{{"n":{n}}}"#)))
        .collect();
    journal.close();
    for (n, ticket) in tickets.iter().enumerate() {
        let LineAt::Written { path, offset } = journal.stats.locations.find(*ticket) else {
            panic!("ticket {ticket} not written");
        };
        let text = std::fs::read_to_string(path.as_path()).unwrap();
        let line = text[usize::try_from(offset).unwrap()..]
            .lines()
            .next()
            .unwrap();
        assert_eq!(line, format!(r#"{{"n":{n}}}"#));
    }
    assert_eq!(journal.stats.locations.find(99), LineAt::Pending);
    let blocked = tempfile::tempdir().unwrap();
    let file = blocked.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let unwritable = Journal::start(JournalConfig::new(file.join("journal")));
    let ticket = unwritable.append(at(24, 0), "{}".into());
    unwritable.close();
    assert_eq!(unwritable.stats.locations.find(ticket), LineAt::Unwritten);
}

#[test]
fn a_burst_goes_in_pieces_and_a_piece_without_room_is_counted() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = JournalConfig::new(dir.path().to_owned());
    config.queue_bytes = 100;
    let journal = Journal::start(config);
    let small: Vec<_> = (0..3)
        .map(|n| (at(24, n), format!("{{\"n\":{n}}}")))
        .collect();
    assert_eq!(journal.append_all(small), 0..3);
    let too_big: Vec<_> = (0..20).map(|n| (at(24, n), "x".repeat(10))).collect();
    assert_eq!(
        journal.append_all(too_big),
        3..23,
        "tickets are still given"
    );
    journal.close();
    assert_eq!(journal.stats.written.load(Ordering::Relaxed), 3);
    assert_eq!(journal.stats.unwritten.load(Ordering::Relaxed), 20);
    assert_eq!(journal.stats.locations.find(10), LineAt::Unwritten);
    let text = std::fs::read_to_string(dir.path().join("2026-11-24.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 3);
}

#[test]
fn a_full_file_continues_in_a_new_part() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = JournalConfig::new(dir.path().to_owned());
    config.max_file_bytes = 20;
    let journal = Journal::start(config);
    for n in 0..5 {
        journal.append(at(24, n), format!(r#"{{"n":{n}}}"#));
    }
    journal.close();
    let files = day_files(dir.path(), at(24, 0).date_naive());
    assert_eq!(files.len(), 3, "{files:?}");
    let all: usize = files.iter().map(|f| read(f).unwrap().records.len()).sum();
    assert_eq!(all, 5);
}

#[test]
fn old_flat_day_files_are_found_and_account_directories_are_not() {
    let root = tempfile::tempdir().unwrap();
    for name in [
        "2026-11-24.jsonl",
        "2026-11-25.1.jsonl",
        "notes.jsonl",
        "2026-11-24.idx",
    ] {
        std::fs::write(root.path().join(name), "").unwrap();
    }
    std::fs::create_dir_all(root.path().join("h_1883/P1")).unwrap();
    std::fs::write(root.path().join("h_1883/P1/2026-11-24.jsonl"), "").unwrap();
    let names: Vec<_> = flat_day_files(root.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2026-11-24.jsonl", "2026-11-25.1.jsonl"]);
    assert!(flat_day_files(&root.path().join("missing")).is_empty());
}

#[test]
fn an_unwritable_directory_counts_every_line_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let journal = Journal::start(JournalConfig::new(blocker.join("journal")));
    journal.append(at(24, 0), "{}".into());
    journal.append(at(24, 1), "{}".into());
    let stats = journal.stats.clone();
    journal.close();
    assert_eq!(stats.unwritten.load(Ordering::Relaxed), 2);
    assert!(
        stats
            .error()
            .unwrap()
            .contains("cannot create the journal directory"),
        "{:?}",
        stats.error()
    );
}

#[test]
fn a_full_queue_counts_instead_of_waiting() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = JournalConfig::new(dir.path().to_owned());
    config.queue = 1;
    let journal = Journal::start(config);
    for n in 0..10_000 {
        journal.append(at(24, 0), format!("{{\"n\":{n}}}"));
    }
    let stats = journal.stats.clone();
    journal.close();
    let written = stats.written.load(Ordering::Relaxed);
    let unwritten = stats.unwritten.load(Ordering::Relaxed);
    assert_eq!(
        written + unwritten,
        10_000,
        "every line is either written or counted"
    );
}

#[test]
fn queued_bytes_are_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = JournalConfig::new(dir.path().to_owned());
    config.queue_bytes = 1000;
    let journal = Journal::start(config);
    journal.append(at(24, 0), "x".repeat(2000));
    let stats = journal.stats.clone();
    journal.close();
    assert_eq!(
        stats.unwritten.load(Ordering::Relaxed),
        1,
        "a line larger than the budget is refused"
    );
}

#[test]
fn a_torn_last_line_is_ignored_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    std::fs::write(&path, "{\"a\":1}\nnot json\n\n{\"b\":2}\n{\"c\":").unwrap();
    let report = read(&path).unwrap();
    assert_eq!(report.records.len(), 2);
    assert_eq!(report.bad_lines, 1);
    assert!(report.torn_last_line);
}

#[test]
fn a_second_writer_of_one_journal_is_refused_with_the_holders_pid_until_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let first = Journal::open(JournalConfig::new(dir.path().to_owned())).unwrap();
    let second = Journal::open(JournalConfig::new(dir.path().to_owned()));
    assert_eq!(
        second.err(),
        Some(KeptElsewhere {
            pid: Some(std::process::id())
        })
    );
    assert_eq!(
        KeptElsewhere { pid: Some(42) }.to_string(),
        "journal kept by another console, pid 42: this one writes none"
    );
    first.close();
    drop(first);
    assert!(
        Journal::open(JournalConfig::new(dir.path().to_owned())).is_ok(),
        "the lock goes with its holder"
    );
}

#[test]
fn a_journal_taken_over_is_for_what_arrives_from_the_takeover_on() {
    let dir = tempfile::tempdir().unwrap();
    let slot = JournalSlot::default();
    assert!(slot.journal().is_none(), "kept elsewhere: none yet");
    let taken = at(24, 30);
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    assert!(slot.fill(journal, taken).is_some());
    assert!(
        slot.journal_for(at(24, 29)).is_none(),
        "received before the takeover: the other console's (written by it, or the gap)"
    );
    assert!(slot.journal_for(taken).is_some());
    assert!(slot.journal_for(at(24, 31)).is_some());
    let another = Journal::start(JournalConfig::new(dir.path().to_owned()));
    assert!(
        slot.fill(another, at(24, 40)).is_none(),
        "a slot is filled once"
    );
    assert!(
        slot.journal_for(at(24, 35)).is_some(),
        "the first takeover stands"
    );
}

#[test]
fn an_alert_record_written_through_the_journal_is_indexed_as_an_alert_and_reads_back() {
    use crate::domain::watch::{Alert, AlertKind};
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    let message = r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":2,"kind":"content","dir":"in","payload":{}}"#;
    let alert = Alert {
        rule: "quiet".into(),
        vin: crate::domain::Vin::parse("VF3ABCDEFGH123456").ok(),
        at: at(24, 1),
        seq: Some(0),
        what: AlertKind::Silent,
        message_at: None,
    };
    journal.append(at(24, 0), message.into());
    journal.append(alert.at, alert.line());
    journal.close();
    let path = dir.path().join("2026-11-24.jsonl");
    let len = std::fs::metadata(&path).unwrap().len();
    let opened = sidecar::open(&path, len).unwrap();
    assert_eq!(
        opened.found,
        sidecar::Found::Whole,
        "written with the lines"
    );
    assert_eq!((opened.indexed_now, opened.skipped), (0, 0));
    let entries = &opened.sidecar.entries;
    assert_eq!(entries.len(), 2);
    assert!(entries[0].is_message() && !entries[0].is_alert());
    assert!(entries[1].is_alert() && !entries[1].is_message());
    assert_eq!(entries[1].at, alert.at.timestamp_micros());
    let text = std::fs::read_to_string(&path).unwrap();
    let line = &text[usize::try_from(entries[1].offset).unwrap()..].trim_end();
    assert_eq!(Alert::of_line(line), Some(alert));
    // Built again from the lines (the index lost), the same entries.
    std::fs::remove_file(sidecar::IndexPaths::beside(&path).entries).unwrap();
    std::fs::remove_file(sidecar::IndexPaths::beside(&path).names).unwrap();
    let built = sidecar::open(&path, len).unwrap();
    assert_eq!(built.skipped, 0);
    assert_eq!(&built.sidecar.entries, entries);
}

#[test]
fn the_days_of_any_range_are_found_by_listing_the_directory_once() {
    let dir = tempfile::tempdir().unwrap();
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    for name in [
        "2026-11-28.jsonl",
        "2026-11-29.jsonl",
        "2026-11-29.1.jsonl",
        "2026-11-30.jsonl",
    ] {
        std::fs::write(dir.path().join(name), "").unwrap();
    }
    std::fs::write(dir.path().join("journal.lock"), "").unwrap();
    std::fs::write(dir.path().join("2026-11-29.jsonl.idx"), "").unwrap();
    let names = |files: Vec<std::path::PathBuf>| -> Vec<String> {
        files
            .iter()
            .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(
        names(days_between(dir.path(), day(29), day(30))),
        ["2026-11-29.jsonl", "2026-11-29.1.jsonl", "2026-11-30.jsonl"]
    );
    // The widest range there is: as quick as any (a day at a time, this
    // was four billion days of looking).
    assert_eq!(
        names(days_between(
            dir.path(),
            chrono::NaiveDate::MIN,
            chrono::NaiveDate::MAX
        ))
        .len(),
        4
    );
}
