//! The journal's day files (`YYYY-MM-DD.jsonl`, then `.1`, `.2`, ...),
//! old flat ones, and reading a journal or capture back.

use chrono::NaiveDate;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

/// The journal file of `day`, part `part`.
pub fn day_file(dir: &Path, day: NaiveDate, part: u32) -> PathBuf {
    if part == 0 {
        dir.join(format!("{day}.jsonl"))
    } else {
        dir.join(format!("{day}.{part}.jsonl"))
    }
}

/// The journal files of `day`, in order.
pub fn day_files(dir: &Path, day: NaiveDate) -> Vec<PathBuf> {
    (0..u32::MAX)
        .map(|part| day_file(dir, day, part))
        .take_while(|path| path.exists())
        .collect()
}

/// The journal files in `dir` of the days `first` to `last` (both
/// included), oldest first. The directory is listed once: a range of any
/// length costs the files there are, not the days it spans.
pub fn days_between(dir: &Path, first: NaiveDate, last: NaiveDate) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut days: Vec<NaiveDate> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name();
            let day = name.to_str()?.strip_suffix(".jsonl")?.get(..10)?.to_owned();
            NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()
        })
        .filter(|day| (first..=last).contains(day))
        .collect();
    days.sort_unstable();
    days.dedup();
    days.into_iter()
        .flat_map(|day| day_files(dir, day))
        .collect()
}

/// Day files lying directly in `root`: journals of the layout before one
/// journal per account, when every account wrote into one directory. They
/// stay readable with `open` and `export FILE`, but they are no account's
/// history, so nothing reads them by itself. Sorted by name (by day).
pub fn flat_day_files(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_file()))
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.strip_suffix(".jsonl"))
                .and_then(|stem| stem.get(..10))
                .is_some_and(|day| NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok())
        })
        .collect();
    files.sort();
    files
}

/// What reading a journal or capture found.
#[derive(Debug, Default)]
pub struct ReadReport {
    pub records: Vec<serde_json::Value>,
    /// Lines that are not a JSON object (kept out, counted).
    pub bad_lines: u64,
    /// The last line was cut short (a crash while writing): ignored.
    pub torn_last_line: bool,
}

/// Reads a journal or a `tail --json` capture. A torn last line is
/// ignored and reported; other bad lines are counted.
pub fn read(path: &Path) -> std::io::Result<ReadReport> {
    let mut report = ReadReport::default();
    let mut reader = BufReader::new(File::open(path)?);
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            return Ok(report);
        }
        let complete = line.last() == Some(&b'\n');
        match serde_json::from_slice::<serde_json::Value>(&line) {
            Ok(value) if value.is_object() => report.records.push(value),
            _ if !complete => report.torn_last_line = true,
            _ if line.iter().all(u8::is_ascii_whitespace) => {}
            _ => report.bad_lines += 1,
        }
    }
}
