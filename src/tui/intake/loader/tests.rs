//! Reading journals and captures back: merged by time, torn and foreign
//! lines counted.

use super::*;
use crate::store::Direction;
use chrono::Utc;
use std::io::Write;

fn journal_line(at: &str, vin: &str, text: &str) -> String {
    format!(
        r#"{{"received_at":"{at}","vin":"{vin}","topic":"t/{vin}","kind":"text","payload":"{text}"}}"#
    )
}

#[test]
fn a_refused_record_exported_comes_back_refused_with_its_reason() {
    let vin = crate::domain::Vin::parse("VF3ABCDEFGH123456").unwrap();
    let mut history = crate::store::History::new(10, []);
    let payload = r#"{"popup":true,"content":{"action":"openFromPopup"}}"#;
    let seq = history.push_refused(
        &vin,
        "p/from/uid/U/opa/VF3ABCDEFGH123456/",
        (payload, "popup"),
        "a popup 4 s ago: wait 16 s",
        Utc::now(),
    );
    let line = history.by_seq(seq).unwrap().line();
    let value: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(value["dir"], "refused", "{line}");
    assert_eq!(value["reason"], "a popup 4 s ago: wait 16 s", "{line}");
    assert_eq!(
        crate::domain::record::payload_bytes(&line).unwrap(),
        payload.as_bytes()
    );
    let record = stored_record(&line).unwrap();
    assert_eq!(record.direction, Direction::Refused);
    assert_eq!(record.reason.as_deref(), Some("a popup 4 s ago: wait 16 s"));
    let sent = line.replace(r#""dir":"refused""#, r#""dir":"out""#);
    assert_eq!(stored_record(&sent).unwrap().direction, Direction::Outbound);
    let read = history.push_stored(&record, 0, 0);
    assert_eq!(
        history.by_seq(read).unwrap().refusal.as_deref(),
        Some("a popup 4 s ago: wait 16 s"),
        "read back, the reason stays with it"
    );
}

fn write(dir: &std::path::Path, name: &str, lines: &[String]) -> PathBuf {
    let path = dir.join(name);
    let mut file = std::fs::File::create(&path).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
    path
}

fn to_read(paths: &[PathBuf]) -> Vec<ToRead> {
    paths
        .iter()
        .zip(0u16..)
        .map(|(path, id)| ToRead {
            path: path.clone(),
            size: std::fs::metadata(path).unwrap().len(),
            id,
        })
        .collect()
}

#[test]
fn two_files_are_merged_by_time_each_record_pointing_at_its_own_line() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.jsonl",
        &[
            journal_line("2026-11-24T10:00:00Z", "VF3ABCDEFGH123456", "a1"),
            journal_line("2026-11-24T10:00:02Z", "VF3ABCDEFGH123456", "a2"),
            "not a record".to_owned(),
            String::new(),
            journal_line("2026-11-24T10:00:04Z", "VF3ABCDEFGH123456", "a3"),
        ],
    );
    let b = write(
        dir.path(),
        "b.jsonl",
        &[
            journal_line("2026-11-24T10:00:01Z", "ZFA1234567890ABCD", "b1"),
            journal_line("2026-11-24T10:00:02Z", "ZFA1234567890ABCD", "b2"),
            journal_line("2026-11-24T10:00:05Z", "ZFA1234567890ABCD", "b3"),
        ],
    );
    let (notices, mut said) = mpsc::unbounded_channel();
    let mut loader = spawn_loader(to_read(&[a.clone(), b.clone()]), notices);
    let mut read = Vec::new();
    while let Some(burst) = loader.blocking_recv() {
        read.extend(burst);
    }
    // What is said of the records comes after them, in the same stream:
    // the screen never says "loaded" before it shows what was loaded.
    let mut summary = None;
    while let Some(Intake::Said(msg)) = read.last() {
        if let Msg::Notice(_, text) = msg {
            summary = Some(text.clone());
        }
        read.pop();
    }
    let order: Vec<(String, u16, u64)> = read
        .into_iter()
        .flat_map(records_of)
        .map(|(record, file, offset)| (record.at.format("%S").to_string(), file, offset))
        .collect();
    let seconds: Vec<&str> = order.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(seconds, ["00", "01", "02", "02", "04", "05"]);
    assert_eq!(
        order.iter().map(|(_, f, _)| *f).collect::<Vec<_>>(),
        [0, 1, 0, 1, 0, 1],
        "on a tie the earlier file first"
    );
    for (_, file, offset) in &order {
        let text = std::fs::read_to_string(if *file == 0 { &a } else { &b }).unwrap();
        let line = text[usize::try_from(*offset).unwrap()..]
            .lines()
            .next()
            .unwrap();
        assert!(stored_record(line).is_some(), "{line}");
    }
    while let Ok(msg) = said.try_recv() {
        assert!(
            !matches!(msg, Msg::Notice(_, ref text) if text.starts_with("loaded")),
            "the summary is not said beside the records: {msg:?}"
        );
    }
    assert_eq!(
        summary.as_deref(),
        Some(
            "loaded 6 message(s) from 2 file(s); skipped 1 line(s) that are not records (a torn last line, say)"
        )
    );
}

#[test]
fn a_gap_record_is_no_torn_line_the_summary_says_how_many_were_lost() {
    let dir = tempfile::tempdir().unwrap();
    let gap = crate::domain::record::Gap {
        at: Utc::now(),
        lost: 1234,
        reason: "the console could not take messages as fast as the broker sent them".into(),
    };
    let a = write(
        dir.path(),
        "a.jsonl",
        &[
            journal_line("2026-11-24T10:00:00Z", "VF3ABCDEFGH123456", "a1"),
            gap.line(),
            journal_line("2026-11-24T10:00:04Z", "VF3ABCDEFGH123456", "a3"),
        ],
    );
    let (notices, _said) = mpsc::unbounded_channel();
    let mut loader = spawn_loader(to_read(&[a]), notices);
    let mut summary = None;
    let mut records = 0;
    while let Some(burst) = loader.blocking_recv() {
        for item in burst {
            match item {
                Intake::Said(Msg::Notice(_, text)) => summary = Some(text),
                item @ Intake::Replayed(_) => records += records_of(item).len(),
                _ => {}
            }
        }
    }
    assert_eq!(records, 2);
    assert_eq!(
        summary.as_deref(),
        Some(
            "loaded 2 message(s) from 1 file(s); the journal says 1,234 message(s) were lost when received (gap records)"
        )
    );
}

#[test]
fn an_alert_record_is_neither_a_message_nor_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let alert = crate::domain::watch::Alert {
        rule: "quiet".into(),
        vin: crate::domain::Vin::parse("VF3ABCDEFGH123456").ok(),
        at: Utc::now(),
        seq: Some(0),
        what: crate::domain::watch::AlertKind::Silent,
        message_at: None,
    };
    let a = write(
        dir.path(),
        "a.jsonl",
        &[
            journal_line("2026-11-24T10:00:00Z", "VF3ABCDEFGH123456", "a1"),
            alert.line(),
            journal_line("2026-11-24T10:00:04Z", "VF3ABCDEFGH123456", "a3"),
        ],
    );
    // Read line by line (a file no index can be had for).
    let mut lines = LineRecords::open(&to_read(std::slice::from_ref(&a))[0]).unwrap();
    let mut counts = Counts::default();
    let mut read = 0;
    while lines.next(&mut counts).is_some() {
        read += 1;
    }
    assert_eq!((read, counts.skipped), (2, 0), "line by line");
    // Through its index.
    let (notices, _said) = mpsc::unbounded_channel();
    let mut loader = spawn_loader(to_read(&[a]), notices);
    let mut summary = None;
    let mut records = 0;
    while let Some(burst) = loader.blocking_recv() {
        for item in burst {
            match item {
                Intake::Said(Msg::Notice(_, text)) => summary = Some(text),
                item @ Intake::Replayed(_) => records += records_of(item).len(),
                _ => {}
            }
        }
    }
    assert_eq!(records, 2);
    assert_eq!(
        summary.as_deref(),
        Some("loaded 2 message(s) from 1 file(s)")
    );
}

/// Every record the loader hands over, with its file and offset, as text.
fn loaded(files: Vec<ToRead>) -> Vec<String> {
    let (notices, _said) = mpsc::unbounded_channel();
    let mut loader = spawn_loader(files, notices);
    let mut out = Vec::new();
    while let Some(burst) = loader.blocking_recv() {
        for (record, file, offset) in burst.into_iter().flat_map(records_of) {
            out.push(format!("{record:?} {file} {offset}"));
        }
    }
    out
}

#[test]
fn the_loader_gives_the_same_history_from_the_index_as_from_the_lines() {
    let dir = tempfile::tempdir().unwrap();
    let vin = crate::domain::Vin::parse("VF3ABCDEFGH123456").unwrap();
    let mut history = crate::store::History::new(10, []);
    let refused = history.push_refused(
        &vin,
        "p/from/uid/U/opa/VF3ABCDEFGH123456/",
        (r#"{"content":{"action":"go"}}"#, "data"),
        "a popup 4 s ago: wait 16 s",
        chrono::DateTime::parse_from_rfc3339("2026-11-24T10:00:03Z")
            .unwrap()
            .with_timezone(&Utc),
    );
    let lines = [
        journal_line("2026-11-24T10:00:00Z", "VF3ABCDEFGH123456", "a1"),
        journal_line("2026-11-24T10:00:02Z", "ZFA1234567890ABCD", "a2"),
        "not a record".to_owned(),
        history.by_seq(refused).unwrap().line(),
        journal_line("2026-11-24T10:00:04Z", "VF3ABCDEFGH123456", "a3"),
    ];
    let path = write(dir.path(), "2026-11-24.jsonl", &lines);
    // What the lines say, read without any index.
    let expected: Vec<String> = {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut offset = 0;
        let mut out = Vec::new();
        for line in text.split_inclusive('\n') {
            if let Some(record) = stored_record(line.trim_end()) {
                out.push(format!("{record:?} 0 {offset}"));
            }
            offset += line.len();
        }
        out
    };
    assert_eq!(expected.len(), 4);
    let first = loaded(to_read(std::slice::from_ref(&path)));
    assert_eq!(first, expected, "indexed on first open");
    let index = crate::store::journal::sidecar::IndexPaths::beside(&path);
    assert!(
        std::fs::metadata(&index.entries).unwrap().len() > 32,
        "kept beside it"
    );
    // The index alone answers now: lines changed in place (same length)
    // would show, and do not, since no line is read but the refused one.
    let again = loaded(to_read(std::slice::from_ref(&path)));
    assert_eq!(again, expected, "from the index");
    assert!(again[2].contains("a popup 4 s ago"), "{}", again[2]);
}

/// The records a loader's item hands over, each with its file and offset:
/// a run of index entries read as records (nothing for what is said).
fn records_of(item: Intake) -> Vec<(crate::store::StoredRecord, u16, u64)> {
    match item {
        Intake::Replayed(Loaded::Stored {
            record,
            file,
            offset,
        }) => vec![(record, file, offset)],
        Intake::Replayed(Loaded::Indexed {
            names,
            entries,
            file,
        }) => entries
            .iter()
            .map(|entry| (names.record(entry), file, entry.offset))
            .collect(),
        Intake::Replayed(other) => panic!("only records come from files: {other:?}"),
        _ => Vec::new(),
    }
}
