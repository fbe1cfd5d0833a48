//! Days of history on the command line: `export` and `replay` with
//! `--since` / `--until` (one parser with the console's `T`), reading the
//! account's journal days the range spans when no file is named.

use super::text;
use crate::util::{Sandbox, VIN};
use chrono::{DateTime, TimeZone, Utc};

const ACCOUNT: [&str; 4] = ["--broker", "mqtt://127.0.0.1:1883", "--uid", "PARTNER1"];

fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .unwrap()
}

/// A journal line of `dir` ("in" or "out") at `at`, its payload naming `n`.
fn line(at: DateTime<Utc>, dir: &'static str, n: u32) -> String {
    let payload = if dir == "in" {
        format!(r#"{{"content":{{"n":{n}}}}}"#)
    } else {
        format!(r#"{{"idApp":"APP","popup":false,"content":{{"n":{n}}}}}"#)
    };
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at,
        vin: Some(VIN),
        topic: &format!("psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/{VIN}/"),
        payload: payload.as_bytes(),
        kind: if dir == "in" { "content" } else { "data" },
        is_json: true,
        dir: Some(dir),
    })
}

/// The `n`s of the exported lines, in order.
fn numbers(stdout: &str) -> Vec<u64> {
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["payload"]["content"]["n"].as_u64().unwrap()
        })
        .collect()
}

/// Yesterday's and today's journal of a day around midnight (the 28th
/// and the 29th of November 2026, UTC) in one capture: 1 to 6, two of
/// them a minute either side of midnight.
fn midnight_capture(sandbox: &Sandbox) -> std::path::PathBuf {
    let lines = [
        line(at(28, 14, 2), "in", 1),
        line(at(28, 14, 3), "in", 2),
        line(at(28, 23, 59), "in", 3),
        line(at(29, 0, 0), "in", 4),
        line(at(29, 0, 1), "in", 5),
        line(at(29, 14, 3), "in", 6),
    ];
    sandbox.write("capture.jsonl", lines.join("\n") + "\n")
}

fn export(sandbox: &Sandbox, tz: &str, args: &[&str]) -> (Option<i32>, String, String) {
    let out = sandbox
        .wpconsole()
        .env("TZ", tz)
        .arg("export")
        .args(args)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    (out.status.code(), stdout, stderr)
}

#[test]
fn export_since_is_inclusive_and_until_exclusive_in_any_of_the_forms() {
    let sandbox = Sandbox::new();
    let file = midnight_capture(&sandbox);
    let file = file.to_str().unwrap();
    for (since, until, expected) in [
        // RFC 3339 is exact wherever the machine is.
        ("2026-11-28T23:59:00Z", "2026-11-29T00:01:00Z", vec![3, 4]),
        // A day alone is its midnight: --since D --until D+1 is day D.
        ("2026-11-28", "2026-11-29", vec![1, 2, 3]),
        ("2026-11-28 14:03", "2026-11-29 00:00:30", vec![2, 3, 4]),
        ("2026-11-28T14:03", "2026-11-28T14:03:00.001", vec![2]),
    ] {
        let (code, stdout, stderr) =
            export(&sandbox, "UTC", &[file, "--since", since, "--until", until]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(numbers(&stdout), expected, "{since} .. {until}");
    }
    // One bound alone.
    let (_, stdout, _) = export(&sandbox, "UTC", &[file, "--since", "2026-11-29 00:00"]);
    assert_eq!(numbers(&stdout), [4, 5, 6]);
    let (_, stdout, _) = export(&sandbox, "UTC", &[file, "--until", "2026-11-28 23:59"]);
    assert_eq!(numbers(&stdout), [1, 2]);
}

#[test]
fn a_time_without_a_zone_is_the_machines_local_time() {
    let sandbox = Sandbox::new();
    let file = midnight_capture(&sandbox);
    let file = file.to_str().unwrap();
    // 09:00 in Tokyo (UTC+9, no summer time) is midnight UTC.
    let (code, stdout, stderr) = export(
        &sandbox,
        "Asia/Tokyo",
        &[
            file,
            "--since",
            "2026-11-29 08:59",
            "--until",
            "2026-11-29 09:00:30",
        ],
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(numbers(&stdout), [3, 4]);
}

#[test]
fn an_unreadable_or_empty_range_is_refused_saying_what_to_write() {
    let sandbox = Sandbox::new();
    let file = midnight_capture(&sandbox);
    let file = file.to_str().unwrap();
    let (code, _, stderr) = export(&sandbox, "UTC", &[file, "--since", "noon"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("cannot read \"noon\" as a time")
            && stderr.contains("yesterday 14:03")
            && stderr.contains("2026-11-28T14:03:00Z"),
        "{stderr}"
    );
    let (code, _, stderr) = export(
        &sandbox,
        "UTC",
        &["--since", "2026-11-29", "--until", "2026-11-28"],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is not before --until") && stderr.contains("swap them"),
        "{stderr}"
    );
}

#[test]
fn without_files_the_journal_days_the_range_spans_are_read_in_order() {
    let sandbox = Sandbox::new();
    let root = sandbox.path("journal");
    let dir = sandbox.account_journal(1883, "PARTNER1");
    // Three days of journal, the middle one continued in a second part.
    let write = |name: &str, lines: &[String]| {
        std::fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
    };
    write("2026-11-27.jsonl", &[line(at(27, 12, 0), "in", 1)]);
    write("2026-11-28.jsonl", &[line(at(28, 12, 0), "in", 2)]);
    write("2026-11-28.1.jsonl", &[line(at(28, 23, 59), "in", 3)]);
    write("2026-11-29.jsonl", &[line(at(29, 0, 1), "in", 4)]);
    let run = |args: &[&str]| {
        let out = sandbox
            .wpconsole()
            .env("TZ", "UTC")
            .args(ACCOUNT)
            .arg("--journal")
            .arg(&root)
            .arg("export")
            .args(args)
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        (out.status.code(), stdout, stderr)
    };
    let (code, stdout, stderr) = run(&["--since", "2026-11-28", "--until", "2026-11-29 12:00"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(numbers(&stdout), [2, 3, 4]);
    assert!(stderr.contains("from 3 file(s)"), "{stderr}");
    // --until at a midnight does not open the day it starts.
    let (code, stdout, stderr) = run(&["--since", "2026-11-27", "--until", "2026-11-28"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(numbers(&stdout), [1]);
    assert!(stderr.contains("from 1 file(s)"), "{stderr}");
    // A range with no journal says which days were looked for, and where.
    let (code, _, stderr) = run(&["--since", "2026-11-01", "--until", "2026-11-03"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr
            .contains("no journal from 2026-11-01 to 2026-11-02 (UTC) of PARTNER1@127.0.0.1:1883")
            && stderr.contains("127.0.0.1_1883/PARTNER1"),
        "{stderr}"
    );
}

#[test]
fn replay_takes_the_same_range() {
    let sandbox = Sandbox::new();
    let lines = [
        line(at(28, 14, 2), "out", 1),
        line(at(28, 14, 3), "out", 2),
        line(at(28, 14, 4), "out", 3),
    ];
    let file = sandbox.write("journal.jsonl", lines.join("\n") + "\n");
    let out = sandbox
        .wpconsole()
        .env("TZ", "UTC")
        .args(ACCOUNT)
        .arg("replay")
        .arg(&file)
        .args(["--to", VIN, "--dry-run", "--pace", "fast"])
        .args(["--since", "2026-11-28 14:03", "--until", "2026-11-28 14:04"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("would publish 1 message(s)"), "{stdout}");
    assert!(stdout.contains(r#""n":2"#), "{stdout}");
}
