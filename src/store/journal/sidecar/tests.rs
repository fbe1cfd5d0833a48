//! The index beside a journal: written with the lines, read back the same
//! as the lines say, a stale or foreign one rebuilt, a torn one repaired.

use super::*;
use crate::store::journal::{Journal, JournalConfig};
use chrono::{DateTime, TimeZone, Utc};
use std::io::Write;

const VINS: [&str; 3] = [
    "VF3ABCDEFGH123456",
    "ZFA1234567890ABCD",
    "VR1AAAAAAAA000001",
];

fn at(n: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
        + chrono::Duration::milliseconds(i64::from(n) * 7)
}

/// A journal line as the console writes it: record `n`.
fn line(n: u32) -> String {
    let vin = VINS[n as usize % VINS.len()];
    let topic = format!("psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/{vin}/");
    let payload = format!(r#"{{"content":{{"action":"act{}"}},"n":{n}}}"#, n % 5);
    let text = format!("text {n}");
    let (payload, kind, is_json) = if n % 4 == 3 {
        (text.as_bytes(), "text", false)
    } else {
        (payload.as_bytes(), "content", true)
    };
    crate::domain::record::json_line(&crate::domain::record::Record {
        at: at(n),
        vin: Some(vin),
        topic: &topic,
        payload,
        kind,
        is_json,
        dir: Some(if n % 6 == 5 { "out" } else { "in" }),
    })
}

fn write_journal(path: &Path, lines: impl Iterator<Item = String>) {
    let mut file = std::fs::File::create(path).unwrap();
    for line in lines {
        writeln!(file, "{line}").unwrap();
    }
}

/// What the lines themselves say, record by record, with their offsets.
fn parsed(path: &Path) -> Vec<(String, u64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut offset = 0;
    let mut out = Vec::new();
    for line in text.split_inclusive('\n') {
        if line.ends_with('\n')
            && let Some(record) = parse_line(line.trim_end())
        {
            out.push((format!("{record:?}"), offset));
        }
        offset += line.len() as u64;
    }
    out
}

fn indexed(path: &Path) -> (Opened, Vec<(String, u64)>) {
    let len = std::fs::metadata(path).unwrap().len();
    let opened = open(path, len).unwrap();
    let records = opened
        .sidecar
        .entries
        .iter()
        .map(|e| (format!("{:?}", opened.sidecar.record(e)), e.offset))
        .collect();
    (opened, records)
}

#[test]
fn an_index_built_and_read_back_says_what_the_lines_say() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-11-24.jsonl");
    write_journal(&path, (0..50).map(line));
    let (first, records) = indexed(&path);
    assert_eq!(first.found, Found::Nothing);
    assert!(first.kept);
    assert_eq!(records, parsed(&path));
    assert!(IndexPaths::beside(&path).entries.exists());
    let (again, read_back) = indexed(&path);
    assert_eq!(again.found, Found::Whole);
    assert_eq!(again.indexed_now, 0, "nothing parsed again");
    assert_eq!(read_back, records);
}

#[test]
fn the_writer_indexes_each_line_as_it_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    // Half handed with their fields, half as bare lines (read again).
    let decoded: Vec<(String, crate::store::StoredRecord)> = (0..20)
        .map(|n| (line(n), parse_line(&line(n)).unwrap()))
        .collect();
    journal.append_indexed(decoded);
    journal.append_all((20..40).map(|n| (at(n), line(n))).collect());
    journal.append(at(40), r#"{"not":"a record"}"#.into());
    journal.close();
    let path = dir.path().join("2026-11-24.jsonl");
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Whole, "{opened:?}");
    assert_eq!(opened.indexed_now, 0, "the writer left nothing to index");
    assert_eq!(records, parsed(&path));
    assert_eq!(records.len(), 40);
}

#[test]
fn an_index_of_another_journal_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.jsonl");
    let b = dir.path().join("b.jsonl");
    write_journal(&a, (0..30).map(line));
    write_journal(&b, (1000..1040).map(line));
    indexed(&a);
    for (from, to) in [
        (
            IndexPaths::beside(&a).entries,
            IndexPaths::beside(&b).entries,
        ),
        (IndexPaths::beside(&a).names, IndexPaths::beside(&b).names),
    ] {
        std::fs::copy(from, to).unwrap();
    }
    let (opened, records) = indexed(&b);
    assert_eq!(opened.found, Found::Foreign);
    assert_eq!(records, parsed(&b));
}

#[test]
fn an_index_longer_than_its_journal_or_of_another_version_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    write_journal(&path, (0..30).map(line));
    indexed(&path);
    write_journal(&path, (0..10).map(line));
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Foreign, "the journal shrank");
    assert_eq!(records, parsed(&path));
    let entries = IndexPaths::beside(&path).entries;
    let mut bytes = std::fs::read(&entries).unwrap();
    bytes[8] = 99;
    std::fs::write(&entries, bytes).unwrap();
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Foreign, "another version");
    assert_eq!(records, parsed(&path));
}

#[test]
fn a_torn_entry_and_a_torn_name_are_cut_and_the_lines_indexed_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    write_journal(&path, (0..30).map(line));
    indexed(&path);
    let paths = IndexPaths::beside(&path);
    let entries = std::fs::read(&paths.entries).unwrap();
    std::fs::write(&paths.entries, &entries[..entries.len() - 47]).unwrap();
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Torn);
    assert_eq!(opened.indexed_now, 2, "the cut entry and the torn one");
    assert_eq!(records, parsed(&path));
    assert_eq!(
        std::fs::read(&paths.entries).unwrap(),
        entries,
        "written back whole"
    );
    // Names torn: the entries naming what is lost go too.
    let names = std::fs::read(&paths.names).unwrap();
    std::fs::write(&paths.names, &names[..names.len() - 3]).unwrap();
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Torn);
    assert_eq!(records, parsed(&path));
}

#[test]
fn lines_the_index_lacks_are_indexed_and_a_torn_last_line_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    write_journal(&path, (0..10).map(line));
    indexed(&path);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    for n in 10..15 {
        writeln!(file, "{}", line(n)).unwrap();
    }
    write!(file, "{}", &line(15)[..40]).unwrap();
    drop(file);
    let (opened, records) = indexed(&path);
    assert_eq!(opened.found, Found::Whole);
    assert_eq!(opened.indexed_now, 5);
    assert!(opened.torn_tail);
    assert_eq!(records, parsed(&path));
    assert_eq!(records.len(), 15);
}

#[test]
fn the_writer_starts_a_new_line_after_a_torn_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("2026-11-24.jsonl");
    write_journal(&path, (0..5).map(line));
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    write!(file, "{}", &line(5)[..40]).unwrap();
    drop(file);
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    journal.append_all((6..9).map(|n| (at(n), line(n))).collect());
    journal.close();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[5], &line(5)[..40], "the torn line stays as it was");
    assert_eq!(lines[6], line(6), "the next record on a line of its own");
    let (opened, records) = indexed(&path);
    assert_eq!(opened.indexed_now, 0, "{opened:?}");
    assert_eq!(records, parsed(&path));
    assert_eq!(records.len(), 8);
}

#[test]
fn a_file_indexed_on_two_threads_is_indexed_as_on_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    // Over 4 MiB, so the file is cut between two threads; it ends in a
    // torn line, which only the second half sees.
    write_journal(&path, (0..40_000).map(line));
    std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(line(40_000).split_at(50).0.as_bytes())
        .unwrap();
    assert!(std::fs::metadata(&path).unwrap().len() > 4 * 1024 * 1024);
    let (opened, records) = indexed(&path);
    assert_eq!(records.len(), 40_000);
    assert_eq!(records, parsed(&path));
    assert!(opened.torn_tail);
    assert_eq!(
        opened.sidecar.names.vins.len(),
        VINS.len(),
        "names merged, not repeated"
    );
    assert_eq!(opened.sidecar.names.actions.len(), 5);
}

#[test]
fn an_unwritable_directory_keeps_the_index_in_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    write_journal(&path, (0..10).map(line));
    let cached = IndexPaths::in_cache(cache.path(), &path).unwrap();
    assert!(
        cached
            .entries
            .starts_with(cache.path().join("wpconsole/index"))
    );
    assert_ne!(cached, IndexPaths::beside(&path));
    write_journal(&path, (0..11).map(line));
    assert_ne!(
        IndexPaths::in_cache(cache.path(), &path).unwrap(),
        cached,
        "a changed file is another name: a stale index is never found"
    );
}

#[test]
fn the_fields_the_intake_hands_are_those_its_line_says() {
    let topics = crate::domain::TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true).unwrap();
    let vehicle = "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/VF3ABCDEFGH123456/";
    let received = Utc.with_ymd_and_hms(2026, 11, 24, 10, 0, 0).unwrap()
        + chrono::Duration::microseconds(123_456);
    for (topic, payload) in [
        (vehicle, &br#"{"content":{"action":"go"}}"#[..]),
        (vehicle, b"{\n \"content\": \"x\"\n}"),
        (vehicle, b"plain text"),
        (vehicle, &[0xff, 0x00, 0x10]),
        ("somewhere/else", br#"{"popupAction":"ok"}"#),
        // The action is walked to, not parsed with the rest: every shape
        // of it reads as the intake's classification reads it.
        (
            vehicle,
            br#"{"a":[1,{"content":{"action":"no"}}],"content":{"params":{"action":"deep"},"action":"esc\u00e9\"q"}}"#,
        ),
        (vehicle, br#"{"content":{"action":17}}"#),
        (vehicle, br#"{"content":{"action":{"name":"x"}}}"#),
        (vehicle, br#"{"content":["action","x"]}"#),
        (vehicle, br#"{"cont\u0065nt":{"\u0061ction":"escaped keys"}}"#),
        (vehicle, br#"{"popupAction":"cancel","content":{"action":"popup"}}"#),
        (vehicle, br#"[{"content":{"action":"in an array"}}]"#),
        (vehicle, b"\"a string\""),
        (vehicle, b"42"),
        (vehicle, b"null"),
    ] {
        let message = crate::domain::InboundMessage::new(
            &topics,
            topic.to_owned(),
            bytes::Bytes::copy_from_slice(payload),
            received,
        );
        let handed = fields_of(&message);
        let read = parse_line(&message.journal_line()).unwrap();
        assert_eq!(format!("{handed:?}"), format!("{read:?}"), "{payload:?}");
    }
}

#[test]
fn a_line_without_its_size_is_measured_from_its_payload() {
    let line = r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","kind":"content","payload":{"content":{"action":"go"}}}"#;
    let record = parse_line(line).unwrap();
    assert_eq!(record.size, r#"{"content":{"action":"go"}}"#.len());
    assert_eq!(record.action.as_deref(), Some("go"));
}

#[test]
fn entries_taken_as_they_are_make_the_history_their_records_make() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("capture.jsonl");
    let odd = [
        // Not a vehicle's topic; a topic whose VIN is not one; another account.
        r#"{"received_at":"2026-11-24T10:00:01.000Z","topic":"somewhere/else","bytes":2,"kind":"json","dir":"in","payload":{}}"#,
        r#"{"received_at":"2026-11-24T10:00:02.000Z","vin":"NOTAVIN","topic":"psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/NOTAVIN/","bytes":2,"kind":"json","dir":"in","payload":{}}"#,
        r#"{"received_at":"2026-11-24T10:00:03.000Z","vin":"VF3ABCDEFGH123456","topic":"psa/OVIPPartners-Dev/to/uid/PARTNER2/opa/VF3ABCDEFGH123456/","bytes":2,"kind":"json","dir":"in","payload":{}}"#,
        r#"{"received_at":"2026-11-24T10:00:04.000Z","vin":"VR1AAAAAAAA000009","topic":"psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/VR1AAAAAAAA000009/","bytes":2,"kind":"json","dir":"out","payload":{}}"#,
    ];
    write_journal(
        &path,
        (0..600)
            .map(line)
            .chain(odd.iter().map(|l| (*l).to_owned())),
    );
    let opened = open(&path, std::fs::metadata(&path).unwrap().len()).unwrap();
    let sidecar = &opened.sidecar;

    let mut one_by_one = crate::store::History::new(1024, []);
    let file = one_by_one.add_file(path.clone());
    for entry in &sidecar.entries {
        one_by_one.push_stored(&sidecar.record(entry), file, entry.offset);
    }
    let mut as_they_are = crate::store::History::new(1024, []);
    let file = as_they_are.add_file(path.clone());
    // In runs, as the loader hands them: the names learned in one run
    // serve the next.
    for run in sidecar.entries.chunks(97) {
        as_they_are.push_indexed(&sidecar.names, run, file);
    }

    assert_eq!(as_they_are.end_seq(), one_by_one.end_seq());
    for seq in 0..one_by_one.end_seq() {
        assert_eq!(
            format!("{:?}", as_they_are.by_seq(seq)),
            format!("{:?}", one_by_one.by_seq(seq)),
            "message {seq}"
        );
    }
    assert_eq!(
        format!("{:?}", as_they_are.vehicles),
        format!("{:?}", one_by_one.vehicles)
    );
    assert_eq!(
        (as_they_are.rx, as_they_are.tx, as_they_are.unrecognised),
        (one_by_one.rx, one_by_one.tx, one_by_one.unrecognised)
    );
    assert_eq!(as_they_are.accounts, one_by_one.accounts);
    assert_eq!(as_they_are.accounts.len(), 2);
    assert_eq!(
        format!("{:?}", as_they_are.kinds()),
        format!("{:?}", one_by_one.kinds())
    );
}
