use super::*;
use crate::domain::record::{Record, json_line};
use chrono::{TimeZone, Utc};
use std::io::Write as _;

/// A journal file of `payloads` (each with whether it is JSON); the
/// offsets of its lines.
fn journal(payloads: &[(&[u8], bool)]) -> (tempfile::NamedTempFile, Vec<u64>) {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    let mut offsets = Vec::new();
    let mut at = 0;
    for (payload, is_json) in payloads {
        let line = json_line(&Record {
            at: Utc.with_ymd_and_hms(2026, 11, 29, 14, 3, 0).unwrap(),
            vin: Some("VF3ABCDEFGH123456"),
            topic: "psa/OVIPPartners-Dev/to/PARTNER1/VF3ABCDEFGH123456",
            payload,
            kind: match (is_json, std::str::from_utf8(payload).is_ok()) {
                (true, _) => "content",
                (false, true) => "text",
                (false, false) => "binary",
            },
            is_json: *is_json,
            dir: Some("in"),
        });
        offsets.push(at);
        writeln!(file, "{line}").unwrap();
        at += line.len() as u64 + 1;
    }
    file.flush().unwrap();
    (file, offsets)
}

/// The lines where the scan finds `text`.
fn found(file: &tempfile::NamedTempFile, offsets: &[u64], text: &str) -> Vec<usize> {
    let needle = Needle::new(text);
    let mut scan = LineScan::new(&needle);
    let path = Arc::new(file.path().to_owned());
    // Newest first, as a piece comes.
    let mut lines: Vec<(usize, u64)> = offsets.iter().copied().enumerate().rev().collect();
    let mut hit = vec![false; offsets.len()];
    let unreadable = scan
        .scan(
            &mut Files::default(),
            &path,
            &mut lines,
            &mut hit,
            &needle,
            &AtomicBool::new(false),
        )
        .unwrap();
    assert_eq!(unreadable, 0);
    (0..hit.len()).filter(|i| hit[*i]).collect()
}

/// The lines whose payload holds `text`, checked one by one.
fn expected(payloads: &[(&[u8], bool)], text: &str) -> Vec<usize> {
    let needle = Needle::new(text);
    (0..payloads.len())
        .filter(|i| needle.is_in(payloads[*i].0))
        .collect()
}

#[test]
fn the_block_scan_finds_what_a_line_by_line_check_finds() {
    let big = format!("{{\"pad\":\"{}\",\"end\":\"Needle\"}}", "x".repeat(100_000));
    let payloads: Vec<(&[u8], bool)> = vec![
        (br#"{"action":"Unlock","speed":120}"#, true),
        (b"say \"hi\" to C:\\temp\n now", false),
        (b"{\n  \"action\": \"lock\"\n}", true),
        (b"\xff\xfe binary unlock \x00", false),
        ("CAFÉ ouvert".as_bytes(), false),
        (big.as_bytes(), true),
        (br#"{"base64":"not binary, says unlock"}"#, true),
        (b"plain text, nothing here", false),
    ];
    let (file, offsets) = journal(&payloads);
    for text in [
        "unlock",
        "UNLOCK",
        "\"action\":\"lock\"",
        "\"hi\"",
        "c:\\temp",
        "\n now",
        "café",
        "needle",
        "2026-11-29",
        "vf3abcdefgh",
        "nothing",
        "absent",
        "base64",
        "\"",
    ] {
        assert_eq!(
            found(&file, &offsets, text),
            expected(&payloads, text),
            "{text:?}"
        );
    }
}

#[test]
fn lines_beyond_one_block_are_all_searched() {
    // Over 4 MiB of lines: several blocks, each line once.
    let payloads: Vec<String> = (0..9000)
        .map(|i| format!("{{\"n\":{i},\"pad\":\"{}\"}}", "y".repeat(500)))
        .collect();
    let payloads: Vec<(&[u8], bool)> = payloads.iter().map(|p| (p.as_bytes(), true)).collect();
    let (file, offsets) = journal(&payloads);
    assert_eq!(found(&file, &offsets, "\"n\":77,"), vec![77]);
    assert_eq!(found(&file, &offsets, "\"N\":8999,"), vec![8999]);
    assert_eq!(found(&file, &offsets, "yyy").len(), 9000);
}

#[test]
fn a_line_that_changed_since_it_was_indexed_is_unreadable() {
    let (file, offsets) = journal(&[(br#"{"a":1}"#, true), (br#"{"a":2}"#, true)]);
    // The second line is said to start in its middle.
    let needle = Needle::new("a");
    let mut scan = LineScan::new(&needle);
    let mut lines = vec![(0, offsets[0]), (1, offsets[1] + 5)];
    let mut hit = vec![false; 2];
    let unreadable = scan.scan(
        &mut Files::default(),
        &Arc::new(file.path().to_owned()),
        &mut lines,
        &mut hit,
        &needle,
        &AtomicBool::new(false),
    );
    assert_eq!(unreadable, Some(1));
    assert_eq!(hit, vec![true, false]);
}
