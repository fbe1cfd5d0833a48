//! `--jq EXPR` of `tail`, `export` and `replay`: the expression compiled
//! before anything connects or reads (a bad one is a usage error with its
//! column and a caret, exit 2), asked of each record the other filters
//! kept, and the records whose evaluation failed counted and told at the
//! end on standard error.

use super::CliError;
use crate::domain::InboundMessage;
use crate::domain::jq::{JqFilter, Verdict};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

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
                if self.failed.fetch_add(1, Ordering::Relaxed) == 0
                    && let Ok(mut first) = self.first_failure.lock()
                {
                    *first = Some(why);
                }
                false
            }
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
}
