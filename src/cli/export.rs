//! `wpconsole export`: journal records (or `tail --json` captures),
//! filtered, as JSON Lines or CSV. Streams: files of any size, little memory.

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::Vin;
use crate::domain::record::payload_bytes;
use crate::store::export::{Exporter, Format};
use chrono::{DateTime, Utc};
use clap::Args;
use std::io::{BufRead, BufReader, IsTerminal as _, Write};
use std::path::PathBuf;

/// Export messages from journals or captures, filtered.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole export --vin VF3ABCDEFGH123456 --format csv -o bench.csv\n  wpconsole export PARTNER1/2026-11-24.jsonl --kind text --kind binary\n  wpconsole export capture.jsonl --text unlock --dir in\n  wpconsole export --since \"yesterday 14:00\" --until \"yesterday 14:10\" --vin VF3ABCDEFGH123456\n  wpconsole export --kind popup-cancel --jq '.payload.content.action | test(\"^climate\")'\n\nWithout files, today's journal of the account connected to (--broker and --uid, or\n--profile) is read, or the days --since and --until span; never another account's. Filters combine (all must match); --vin and\n--kind may be repeated (any of them matches). A torn last line (a crash while\nwriting) is skipped and reported. To a terminal, control characters in the text are shown\nescaped; to a file or a pipe the bytes stay exact."
)]
pub struct ExportArgs {
    #[command(flatten)]
    pub filter: RecordFilter,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Which records of which files: shared by `export` and `replay`.
#[derive(Debug, Clone, Args)]
pub struct RecordFilter {
    /// Journal files or `tail --json` captures [default: today's journal of the account].
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Only this vehicle (repeat for several).
    #[arg(long, value_name = "VIN")]
    pub vin: Vec<String>,
    /// Only this kind (repeat for several); an unknown kind is refused with the list.
    #[arg(
        long,
        value_name = "KIND",
        value_parser = clap::builder::PossibleValuesParser::new(crate::store::record_kinds().iter().copied())
    )]
    pub kind: Vec<String>,
    /// Only what came in from vehicles (in), what this console published
    /// (out), what a fleet publish refused before sending (refused: only
    /// in the console's `x` export; never sent, never journaled), the
    /// journal's gap records (gap: how many messages were lost, when, why),
    /// or the watch rules' alerts the console journaled (alert: rule, vin,
    /// what, seq).
    #[arg(long, value_parser = ["in", "out", "refused", "gap", "alert"])]
    pub dir: Option<String>,
    /// Only messages whose VIN, topic or payload contains this text (any case).
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
    /// Only messages received at or after this time: 14:03, "yesterday 14:03",
    /// "2026-11-28 14:03", 2026-11-28 (its midnight) in the local time zone, or RFC 3339
    /// (2026-11-28T14:03:00Z). Without files, the journal is read from that day on.
    #[arg(long, value_name = "TIME", value_parser = moment_arg)]
    pub since: Option<DateTime<Utc>>,
    /// Only messages received before this time (same forms as --since): `--since 2026-11-27
    /// --until 2026-11-28` is the 27th. Without files, the journal is read up to that day.
    #[arg(long, value_name = "TIME", value_parser = moment_arg)]
    pub until: Option<DateTime<Utc>>,
    /// Only records for which this jq expression is truthy (not false, not
    /// null, not an error), asked of each record the other filters kept:
    /// --jq '.payload.content.params.speed > 120'. Records it fails on are
    /// counted on standard error.
    #[arg(long, value_name = "EXPR")]
    pub jq: Option<String>,
}

/// `--since` / `--until` read by the one parser the console's `T` uses,
/// in the machine's local time zone.
fn moment_arg(text: &str) -> Result<DateTime<Utc>, String> {
    crate::domain::moment::parse(text, Utc::now(), &chrono::Local).map_err(|err| err.to_string())
}

#[derive(serde::Deserialize)]
struct Fields<'a> {
    #[serde(borrow, default)]
    received_at: Option<&'a str>,
    #[serde(borrow, default)]
    vin: Option<&'a str>,
    #[serde(borrow, default)]
    topic: &'a str,
    #[serde(borrow, default)]
    kind: &'a str,
    #[serde(borrow, default)]
    dir: Option<&'a str>,
}

impl RecordFilter {
    /// The VINs to keep, parsed.
    pub fn vins(&self) -> Result<Vec<Vin>, CliError> {
        self.vin
            .iter()
            .map(|v| Vin::parse(v).map_err(CliError::usage))
            .collect()
    }

    /// The files named, or the journal of the account `settings` are
    /// connected to (never another account's, never the old flat
    /// layout's): today's, or the days `--since` and `--until` span.
    pub fn files(&self, settings: &Settings) -> Result<Vec<PathBuf>, CliError> {
        if !self.files.is_empty() {
            return Ok(self.files.clone());
        }
        if let (Some(since), Some(until)) = (self.since, self.until)
            && since >= until
        {
            return Err(CliError::usage(format!(
                "--since {} is not before --until {}: nothing lies between them; swap them?",
                since.to_rfc3339(),
                until.to_rfc3339()
            )));
        }
        let journal = match settings.journal() {
            Ok(Some(journal)) => journal,
            Ok(None) => {
                return Err(CliError::usage(
                    "no journal to read (--no-journal): name the files to read",
                ));
            }
            Err(err) => {
                return Err(CliError::usage(format!(
                    "without files, today's journal of the connected account is read, but {}; or name the files to read",
                    err.message
                )));
            }
        };
        // Journal files are per UTC day; the last day is the one `--until`
        // falls in (a record a microsecond before it may be there).
        let today = Utc::now().date_naive();
        let last = self.until.map_or(today, |until| {
            (until - chrono::Duration::microseconds(1)).date_naive()
        });
        let first = self
            .since
            .map_or(last.min(today), |since| since.date_naive());
        let files = journal.days(first, last);
        if files.is_empty() {
            if let Some(notice) = journal.old_layout_notice() {
                eprintln!("wpconsole: {notice}");
            }
            let days = if first == last && first == today {
                "for today".to_owned()
            } else if first == last {
                format!("for {first} (UTC)")
            } else {
                format!("from {first} to {last} (UTC)")
            };
            return Err(CliError::usage(format!(
                "no journal {days} of {} in {}: name the files to read",
                journal.account,
                journal.dir.display()
            )));
        }
        Ok(files)
    }

    /// Whether a record's time is inside `--since` / `--until`; a record
    /// whose time cannot be read is outside any range given.
    fn in_range(&self, received_at: Option<&str>) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        received_at
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
            .is_some_and(|at| {
                self.since.is_none_or(|since| at >= since)
                    && self.until.is_none_or(|until| at < until)
            })
    }

    /// Whether a record line passes; `None` when it is not a record.
    pub fn matches(&self, line: &str, vins: &[Vin], needle: Option<&str>) -> Option<bool> {
        let fields: Fields<'_> = serde_json::from_str(line).ok()?;
        let vin_ok = vins.is_empty()
            || fields
                .vin
                .is_some_and(|v| vins.iter().any(|w| w.as_str() == v));
        let kind_ok = self.kind.is_empty() || self.kind.iter().any(|k| k == fields.kind);
        let dir_ok = self
            .dir
            .as_deref()
            .is_none_or(|d| fields.dir.unwrap_or("in") == d);
        // The console's search rule, so `/x` and `--text x` find the same
        // messages.
        let text_ok = needle.is_none_or(|needle| {
            let lower = needle.as_bytes();
            [fields.vin.unwrap_or(""), fields.topic]
                .iter()
                .any(|f| crate::store::search::contains(f.as_bytes(), lower))
                || payload_bytes(line)
                    .is_ok_and(|payload| crate::store::search::contains(&payload, lower))
        });
        Some(vin_ok && kind_ok && dir_ok && self.in_range(fields.received_at) && text_ok)
    }
}

pub fn run(global: &GlobalArgs, args: &ExportArgs) -> Result<u8, CliError> {
    let jq = super::jq::JqSelection::compile(args.filter.jq.as_deref())?;
    let vins = args.filter.vins()?;
    let needle = args.filter.text.as_ref().map(|t| t.to_lowercase());
    let files = args.filter.files(&Settings::resolve(global)?)?;
    // To a terminal, text is sanitised as `tail` and the console do.
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let out: Box<dyn Write> =
        match &args.output {
            Some(path) => Box::new(std::fs::File::create(path).map_err(|err| {
                CliError::usage(format!("cannot write {}: {err}", path.display()))
            })?),
            None => Box::new(std::io::stdout().lock()),
        };
    let mut exporter = Exporter::new(std::io::BufWriter::new(out), args.format)
        .map_err(write_error)?
        .for_terminal(to_terminal);
    let (mut bad, mut torn, mut records) = (0u64, 0u64, 0u64);
    let mut batches = match &jq {
        Some(jq) => Some(
            super::jq::JqBatches::start(jq)
                .map_err(|err| CliError::usage(format!("cannot start the jq workers: {err}")))?,
        ),
        None => None,
    };
    for path in &files {
        // A cut last line is torn only after records: a file with none is
        // no journal at all (a payload, a BOM-prefixed JSON file...).
        let mut records_here = 0u64;
        let file = std::fs::File::open(path)
            .map_err(|err| CliError::usage(format!("cannot read {}: {err}", path.display())))?;
        let mut reader = BufReader::new(file);
        let mut line = String::new();
        loop {
            line.clear();
            let read = reader
                .read_line(&mut line)
                .map_err(|err| CliError::usage(format!("cannot read {}: {err}", path.display())))?;
            if read == 0 {
                break;
            }
            let complete = line.ends_with('\n');
            let record = line.trim_end_matches(['\n', '\r']);
            if record.trim().is_empty() {
                continue;
            }
            let matched = args.filter.matches(record, &vins, needle.as_deref());
            if matched.is_some() {
                records_here += 1;
            }
            match matched {
                // jq only on what the cheaper filters kept, on both cores.
                Some(true) => {
                    let ended = match batches.as_mut() {
                        Some(batches) => write_all(&mut exporter, batches.push(record.to_owned())),
                        None => write_record(&mut exporter, record),
                    }?;
                    if let Some(code) = ended {
                        return Ok(code);
                    }
                }
                Some(false) => {}
                None if !complete && records_here > 0 => torn += 1,
                None => bad += 1,
            }
        }
        records += records_here;
    }
    if let Some(batches) = batches
        && let Some(code) = write_all(&mut exporter, batches.finish())?
    {
        return Ok(code);
    }
    if records == 0 && bad > 0 {
        return Err(CliError::usage(format!(
            "no wpconsole records in {}: {bad} line(s), none a record (a journal or `tail --json` line is one JSON object per line, with received_at, topic and payload); is it the right file?",
            files
                .iter()
                .map(|f| f.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let written = exporter.written;
    match exporter.finish() {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => return Ok(exit::OK),
        other => {
            other.map_err(write_error)?;
        }
    }
    eprintln!(
        "wpconsole: exported {written} message(s) from {} file(s)",
        files.len()
    );
    if let Some(jq) = &jq {
        jq.report();
    }
    if torn > 0 {
        eprintln!("wpconsole: skipped {torn} torn last line(s) (written during a crash)");
    }
    if bad > 0 {
        eprintln!("wpconsole: skipped {bad} line(s) that are not wpconsole records");
    }
    Ok(exit::OK)
}

/// Writes one record; `Some(exit code)` when the command ends here (the
/// reader went away, `| head`: quietly).
fn write_record<W: Write>(
    exporter: &mut Exporter<W>,
    record: &str,
) -> Result<Option<u8>, CliError> {
    match exporter.write(record) {
        Ok(()) => Ok(None),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(Some(exit::OK)),
        Err(err) => Err(write_error(err)),
    }
}

/// [`write_record`] for each of `records`.
fn write_all<W: Write>(
    exporter: &mut Exporter<W>,
    records: Vec<String>,
) -> Result<Option<u8>, CliError> {
    for record in records {
        if let Some(code) = write_record(exporter, &record)? {
            return Ok(Some(code));
        }
    }
    Ok(None)
}

#[allow(clippy::needless_pass_by_value)] // used as a `map_err` function
fn write_error(err: std::io::Error) -> CliError {
    CliError::usage(format!("cannot write the export: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser as _;

    #[derive(clap::Parser)]
    struct Filtered {
        #[command(flatten)]
        filter: RecordFilter,
    }

    fn filter(args: &[&str]) -> RecordFilter {
        Filtered::try_parse_from(std::iter::once("export").chain(args.iter().copied()))
            .unwrap()
            .filter
    }

    #[test]
    fn gap_records_are_exported_and_dir_gap_selects_only_them() {
        let gap = crate::domain::record::Gap {
            at: chrono::Utc::now(),
            lost: 12,
            reason: "the console could not take messages as fast as the broker sent them".into(),
        }
        .line();
        let message = r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":2,"kind":"content","dir":"in","payload":{}}"#;
        let all = filter(&[]);
        assert_eq!(all.matches(&gap, &[], None), Some(true), "exported");
        let gaps = filter(&["--dir", "gap"]);
        assert_eq!(gaps.matches(&gap, &[], None), Some(true));
        assert_eq!(gaps.matches(message, &[], None), Some(false));
        let inbound = filter(&["--dir", "in"]);
        assert_eq!(inbound.matches(&gap, &[], None), Some(false));
    }

    #[test]
    fn dir_alert_selects_the_journals_alert_records_and_vin_narrows_them() {
        use crate::domain::watch::{Alert, AlertKind};
        let vin = Vin::parse("VF3ABCDEFGH123456").unwrap();
        let alert = Alert {
            rule: "quiet".into(),
            vin: Some(vin.clone()),
            at: chrono::Utc::now(),
            seq: Some(7),
            what: AlertKind::Silent,
            message_at: None,
        }
        .line();
        let message = r#"{"received_at":"2026-11-24T10:00:00.000Z","vin":"VF3ABCDEFGH123456","topic":"t","bytes":2,"kind":"content","dir":"in","payload":{}}"#;
        let alerts = filter(&["--dir", "alert"]);
        assert_eq!(alerts.matches(&alert, &[], None), Some(true));
        assert_eq!(alerts.matches(message, &[], None), Some(false));
        assert_eq!(alerts.matches(&alert, &[vin], None), Some(true));
        let other = Vin::parse("0123456789ABCDEFG").unwrap();
        assert_eq!(alerts.matches(&alert, &[other], None), Some(false));
        assert_eq!(
            filter(&["--dir", "in"]).matches(&alert, &[], None),
            Some(false)
        );
    }
}
