use super::*;
use crate::domain::{InboundMessage, TopicScheme};
use crate::store::VehicleFilter;
use bytes::Bytes;
use chrono::TimeZone as _;
use std::io::Write as _;
use std::time::{Duration, Instant};

const FAST_VIN: &str = "VF3ABCDEF12345678";
const OTHER_VIN: &str = "0123456789ABCDEFG";

fn message(vin: &str, payload: &str) -> InboundMessage {
    let scheme = TopicScheme::new("p", "U", true).unwrap();
    InboundMessage::new(
        &scheme,
        format!("p/to/uid/U/opa/{vin}/"),
        Bytes::from(payload.to_owned()),
        chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 14, 3, 5)
            .unwrap(),
    )
}

/// Message n: speed n × 10 (hits from 13 on), every 7th a text payload
/// (an error), odd ones from the other vehicle.
fn payload(n: u64) -> String {
    if n % 7 == 3 {
        format!("engine on {n}")
    } else {
        format!(r#"{{"content":{{"params":{{"speed":{}}}}}}}"#, n * 10)
    }
}

fn vin(n: u64) -> &'static str {
    if n.is_multiple_of(2) {
        FAST_VIN
    } else {
        OTHER_VIN
    }
}

/// A history of `count` messages whose lines are in a file, as an opened
/// file's are.
fn history_on_disk(count: u64) -> (History, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut file = std::fs::File::create(&path).unwrap();
    // No payload kept in memory: every record is read from its line.
    let mut history = History::new(0, []);
    let id = history.add_file(path);
    let mut offset = 0;
    for n in 0..count {
        let message = message(vin(n), &payload(n));
        let line = message.journal_line() + "\n";
        file.write_all(line.as_bytes()).unwrap();
        history.push_inbound(&message, Place::File { file: id, offset });
        offset += line.len() as u64;
    }
    (history, dir)
}

fn scan_all(history: &History, expression: &str, filter: LogFilter) -> (Vec<u64>, JqScan) {
    let jq = JqFilter::compile(expression).unwrap();
    let mut scan = JqScan::start(&jq, filter, 0..history.end_seq()).unwrap();
    let mut hits = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let progress = scan.pump(history);
        hits.extend(progress.hits);
        if progress.done {
            break;
        }
        assert!(Instant::now() < deadline, "the scan ends");
        std::thread::sleep(Duration::from_millis(1));
    }
    (hits, scan)
}

#[test]
fn the_scan_streams_the_hits_newest_first_with_its_counts() {
    let count = 3 * JQ_PIECE + 5;
    let (history, _dir) = history_on_disk(count);
    let (hits, scan) = scan_all(
        &history,
        ".payload.content.params.speed > 120",
        LogFilter::default(),
    );
    let expected: Vec<u64> = (13..count).rev().filter(|n| n % 7 != 3).collect();
    assert_eq!(hits, expected);
    let errors = (0..count).filter(|n| n % 7 == 3).count() as u64;
    assert_eq!(
        scan.counts(),
        JqCounts {
            scanned: count,
            matched: expected.len() as u64,
            errors
        }
    );
    assert!(scan.first_error().unwrap().contains("cannot index"));
    assert_eq!(scan.progress(), (count, count));
}

#[test]
fn only_the_index_filters_candidates_are_asked() {
    let count = 2 * JQ_PIECE;
    let (history, _dir) = history_on_disk(count);
    let filter = LogFilter {
        vehicle: VehicleFilter::Vehicle(crate::domain::Vin::parse(FAST_VIN).unwrap()),
        ..LogFilter::default()
    };
    let (hits, scan) = scan_all(&history, ".vin", filter);
    let expected: Vec<u64> = (0..count).rev().filter(|n| n.is_multiple_of(2)).collect();
    assert_eq!(hits, expected, "every candidate has a VIN: all match");
    assert_eq!(
        scan.counts().scanned,
        count / 2,
        "the other vehicle is never asked"
    );
    assert_eq!(scan.progress(), (count, count));
}

#[test]
fn a_record_only_in_memory_is_asked_as_its_entry() {
    // The journal is off: the payloads are in the memory cache only.
    let mut history = History::new(2, []);
    for n in 1..=5 {
        let speed = format!(r#"{{"content":{{"params":{{"speed":{}}}}}}}"#, n * 10);
        history.push_inbound(&message(FAST_VIN, &speed), Place::Nowhere);
    }
    let (hits, scan) = scan_all(
        &history,
        ".dir == \"in\" and .payload.content.params.speed > 20",
        LogFilter::default(),
    );
    assert_eq!(hits, [4, 3, 2]);
    assert_eq!(scan.counts().errors, 0);
}

#[test]
fn a_range_scans_only_its_positions() {
    let (history, _dir) = history_on_disk(100);
    let jq = JqFilter::compile("true").unwrap();
    let mut scan = JqScan::start(&jq, LogFilter::default(), 40..60).unwrap();
    let mut hits = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while !scan.done() {
        hits.extend(scan.pump(&history).hits);
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(hits, (40..60).rev().collect::<Vec<u64>>());
}
