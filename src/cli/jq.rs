//! `--jq EXPR` of `tail`, `export` and `replay`: the expression compiled
//! before anything connects or reads (a bad one is a usage error with its
//! column and a caret, exit 2), asked of each record the other filters
//! kept, and the records whose evaluation failed counted and told at the
//! end on standard error.

use super::CliError;
use crate::domain::InboundMessage;
use crate::domain::jq::{JqFilter, Verdict};
use crate::store::workers::OrderedWorkers;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A `--jq` expression in force for one command, with its error count.
#[derive(Debug)]
pub struct JqSelection {
    filter: JqFilter,
    failed: AtomicU64,
    first_failure: Mutex<Option<String>>,
}

impl JqSelection {
    /// The expression given, compiled; `None` without `--jq`.
    pub fn compile(expression: Option<&str>) -> Result<Option<Self>, CliError> {
        let Some(expression) = expression else {
            return Ok(None);
        };
        let filter = JqFilter::compile(expression).map_err(|err| {
            CliError::usage(format!(
                "--jq: {}\n  (give the whole expression in single quotes: --jq '.kind == \"popup-cancel\"')",
                err.with_caret(expression)
            ))
        })?;
        Ok(Some(Self {
            filter,
            failed: AtomicU64::new(0),
            first_failure: Mutex::new(None),
        }))
    }

    /// Whether a journal or `tail --json` line is kept.
    pub fn keeps_line(&self, line: &[u8]) -> bool {
        self.counted(self.filter.verdict_line(line))
    }

    /// Whether a message just received is kept (asked of its journal
    /// record: the `tail --json` line plus `"dir":"in"`).
    pub fn keeps_message(&self, message: &InboundMessage) -> bool {
        self.keeps_line(message.journal_line().as_bytes())
    }

    fn counted(&self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Match => true,
            Verdict::NoMatch => false,
            Verdict::Error(why) => {
                self.count_failures(1, Some(why));
                false
            }
        }
    }

    fn count_failures(&self, failed: u64, first: Option<String>) {
        if failed > 0
            && self.failed.fetch_add(failed, Ordering::Relaxed) == 0
            && let Ok(mut first_failure) = self.first_failure.lock()
        {
            *first_failure = first;
        }
    }

    /// How many records the expression failed on.
    pub fn failed(&self) -> u64 {
        self.failed.load(Ordering::Relaxed)
    }

    /// Tells on standard error how many records the expression failed on
    /// (they were left out), with the first reason; nothing when none.
    pub fn report(&self) {
        let failed = self.failed();
        if failed == 0 {
            return;
        }
        let first = self
            .first_failure
            .lock()
            .ok()
            .and_then(|first| first.clone())
            .unwrap_or_default();
        eprintln!(
            "wpconsole: --jq failed on {failed} record(s), left out as not matching; the first: {first} (`?` after a step, as in .payload.content?.speed, or `try EXPR` skips such records quietly)"
        );
    }
}

/// Lines per batch handed to the workers.
const BATCH: usize = 2048;

/// Lines the other filters kept, asked of the expression on both cores in
/// batches and given back in the order they came, those kept only: for a
/// command reading a file (`export`) while the workers parse.
pub struct JqBatches<'a> {
    selection: &'a JqSelection,
    workers: OrderedWorkers<Vec<String>, Asked>,
    batch: Vec<String>,
}

/// A batch asked: its lines, whether each is kept, its failures.
struct Asked {
    lines: Vec<String>,
    kept: Vec<bool>,
    failed: u64,
    first_failure: Option<String>,
}

impl<'a> JqBatches<'a> {
    pub fn start(selection: &'a JqSelection) -> std::io::Result<Self> {
        let workers = OrderedWorkers::start("jq", || {
            // Each worker its own copy: jaq's values stay on one thread.
            let filter = selection.filter.clone();
            move |lines: Vec<String>, _stop: &AtomicBool| {
                let mut asked = Asked {
                    kept: Vec::with_capacity(lines.len()),
                    lines: Vec::new(),
                    failed: 0,
                    first_failure: None,
                };
                for line in &lines {
                    asked.kept.push(match filter.verdict_line(line.as_bytes()) {
                        Verdict::Match => true,
                        Verdict::NoMatch => false,
                        Verdict::Error(why) => {
                            asked.failed += 1;
                            asked.first_failure.get_or_insert(why);
                            false
                        }
                    });
                }
                asked.lines = lines;
                Some(asked)
            }
        })?;
        Ok(Self {
            selection,
            workers,
            batch: Vec::with_capacity(BATCH),
        })
    }

    /// Adds a line; returns the lines known to be kept so far, in order.
    pub fn push(&mut self, line: String) -> Vec<String> {
        self.batch.push(line);
        if self.batch.len() < BATCH {
            return self.answered();
        }
        let mut batch = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        let mut kept = Vec::new();
        // The workers are busy: wait for one, taking what they answered.
        while let Err(back) = self.workers.offer(batch) {
            batch = back;
            kept.extend(self.answered());
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        kept.extend(self.answered());
        kept
    }

    /// The kept lines of every line pushed, in order, once all are asked.
    pub fn finish(mut self) -> Vec<String> {
        let mut kept = Vec::new();
        let last = std::mem::take(&mut self.batch);
        let mut last = (!last.is_empty()).then_some(last);
        while let Some(batch) = last.take() {
            if let Err(back) = self.workers.offer(batch) {
                last = Some(back);
                kept.extend(self.answered());
                std::thread::sleep(std::time::Duration::from_micros(200));
            }
        }
        self.workers.end_feed();
        while !self.workers.all_answered() {
            kept.extend(self.answered());
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        kept.extend(self.answered());
        kept
    }

    fn answered(&mut self) -> Vec<String> {
        let mut kept = Vec::new();
        for asked in self.workers.take_answers() {
            self.selection
                .count_failures(asked.failed, asked.first_failure);
            kept.extend(
                asked
                    .lines
                    .into_iter()
                    .zip(asked.kept)
                    .filter_map(|(line, keep)| keep.then_some(line)),
            );
        }
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_expression_is_a_usage_error_with_a_caret() {
        let err = JqSelection::compile(Some(".speed >")).unwrap_err();
        assert_eq!(err.code, super::super::exit::USAGE);
        let lines: Vec<&str> = err.message.lines().collect();
        assert!(lines[0].starts_with("--jq: "), "{}", err.message);
        assert!(lines[0].contains("column 9"), "{}", err.message);
        assert_eq!(lines[1], "  .speed >");
        assert_eq!(lines[2], "          ^");
    }

    #[test]
    fn failures_are_counted_and_not_kept() {
        let jq = JqSelection::compile(Some(".payload.a")).unwrap().unwrap();
        assert!(!jq.keeps_line(br#"{"payload":"text"}"#));
        assert!(!jq.keeps_line(b"not json"));
        assert!(jq.keeps_line(br#"{"payload":{"a":1}}"#));
        assert!(!jq.keeps_line(br#"{"payload":{"a":null}}"#));
        assert_eq!(jq.failed(), 2);
        assert!(JqSelection::compile(None).unwrap().is_none());
    }

    #[test]
    fn batches_keep_the_order_of_the_lines_and_count_the_failures() {
        let jq = JqSelection::compile(Some(".n % 3 == 0")).unwrap().unwrap();
        let mut batches = JqBatches::start(&jq).unwrap();
        let mut kept = Vec::new();
        let count = 5 * BATCH + 17;
        for n in 0..count {
            let line = if n % 1000 == 7 {
                format!(r#"{{"n":"text {n}"}}"#)
            } else {
                format!(r#"{{"n":{n}}}"#)
            };
            kept.extend(batches.push(line));
        }
        kept.extend(batches.finish());
        let expected: Vec<String> = (0..count)
            .filter(|n| n % 1000 != 7 && n % 3 == 0)
            .map(|n| format!(r#"{{"n":{n}}}"#))
            .collect();
        assert_eq!(kept, expected);
        assert_eq!(
            jq.failed(),
            (0..count).filter(|n| n % 1000 == 7).count() as u64
        );
    }
}
