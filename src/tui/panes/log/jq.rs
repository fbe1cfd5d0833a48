//! The log's jq filter (`|`): an expression asked of every record that
//! passes the vehicle and kind filters, the view showing those that pass
//! it and the text (AND). Over the history it
//! runs in the background on both cores ([`crate::store::jq_scan`]), the
//! index-only filters choosing its candidates, its hits streaming in newest
//! first a piece per tick; a message arriving meanwhile is asked at once. How
//! many records it asked, how many matched and how many errored (an error
//! is no match) show in the log's title.
//!
//! With a text as well, the text search and the jq scan run side by side
//! and a message shows once both passed it ([`Sides`]); a text typed or
//! cleared meets jq's hits so far without asking jq again.

use super::{DetailUpdate, LogPane, LogReaction, group};
use crate::domain::jq::{JqFilter, Verdict};
use crate::store::History;
use crate::store::jq_scan::{JqCounts, JqScan};
use crate::tui::editor::StatusLevel;
use roaring::RoaringTreemap;
use std::sync::Arc;

/// The log's jq filter: the expression as typed, compiled.
#[derive(Clone)]
pub struct JqExpression {
    text: String,
    filter: Arc<JqFilter>,
}

impl JqExpression {
    pub fn new(text: String, filter: Arc<JqFilter>) -> Self {
        Self { text, filter }
    }

    /// The expression as typed.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn filter(&self) -> &Arc<JqFilter> {
        &self.filter
    }
}

impl PartialEq for JqExpression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for JqExpression {}

impl std::fmt::Debug for JqExpression {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("JqExpression").field(&self.text).finish()
    }
}

/// Counts `verdict` in `counts`: whether it is a match.
fn count(counts: &mut JqCounts, verdict: &Verdict) -> bool {
    counts.scanned += 1;
    match verdict {
        Verdict::Match => {
            counts.matched += 1;
            true
        }
        Verdict::NoMatch => false,
        Verdict::Error(_) => {
            counts.errors += 1;
            false
        }
    }
}

/// What the scan counted since `before`, added to `counts`.
fn add_since(counts: &mut JqCounts, now: JqCounts, before: JqCounts) {
    counts.scanned += now.scanned - before.scanned;
    counts.matched += now.matched - before.matched;
    counts.errors += now.errors - before.errors;
}

/// Which background scan a piece of hits came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Text,
    Jq,
}

/// jq's hits so far (the scan's and the new messages'), kept apart from
/// the view so that a text typed or cleared meets them without asking jq
/// again; and, with a text, the search's hits for jq's to meet. A message
/// shows once both passed it. Both scans go newest first, so what passes
/// is always older than what passed before (a message needs both to have
/// come that far).
#[derive(Debug, Default)]
pub(super) struct Sides {
    jq: RoaringTreemap,
    text: RoaringTreemap,
}

impl LogPane {
    /// The jq filter in force.
    pub fn jq(&self) -> Option<&JqExpression> {
        self.jq.as_ref()
    }

    /// What the jq filter did since it was set.
    pub fn jq_counts(&self) -> JqCounts {
        self.jq_counts
    }

    /// Whether the jq scan over the history still runs.
    pub fn jq_scanning(&self) -> bool {
        self.jq_run.is_some()
    }

    /// Sets (or, with `None`, clears) the jq filter: the view is filled
    /// again over the whole history.
    pub fn set_jq(
        &mut self,
        expression: Option<JqExpression>,
        history: &History,
        rows: usize,
    ) -> LogReaction {
        let cleared = expression.is_none() && self.jq.is_some();
        self.jq = expression;
        let mut reaction = self.rebuild_matches(history, rows);
        if cleared && reaction.notice.is_none() {
            reaction.notice = Some((StatusLevel::Info, "jq filter cleared".to_owned()));
        }
        reaction
    }

    /// Whether a message that arrived passes the vehicle, kind and jq (its
    /// payload is in the cache): jq's verdict counted, and kept for a text
    /// typed later. The text is the caller's.
    pub(super) fn jq_passes(&mut self, seq: u64, history: &History) -> bool {
        let Some(jq) = &self.jq else {
            return true;
        };
        let index_only = crate::store::LogFilter {
            text: String::new(),
            ..self.filter.clone()
        };
        if !history.passes(seq, &index_only) {
            return false;
        }
        let verdict = match history.by_seq(seq) {
            Some(entry) if entry.unavailable.is_none() => jq.filter.verdict(&entry.record()),
            Some(entry) => Verdict::Error(format!(
                "payload unavailable: {}",
                entry.unavailable.unwrap_or_default()
            )),
            None => Verdict::NoMatch,
        };
        let passed = count(&mut self.jq_counts, &verdict);
        if passed {
            self.sides.jq.insert(seq);
        }
        passed
    }

    /// Hits of one scan that may show: with both a text and jq, those
    /// the other found too; else all of them.
    pub(super) fn admit(&mut self, side: Side, hits: Vec<u64>) -> Vec<u64> {
        if self.jq.is_none() {
            return hits;
        }
        let sides = &mut self.sides;
        let other = match side {
            Side::Jq if self.filter.text.is_empty() => {
                sides.jq.extend(hits.iter().copied());
                return hits;
            }
            Side::Jq => {
                sides.jq.extend(hits.iter().copied());
                &sides.text
            }
            Side::Text => {
                sides.text.extend(hits.iter().copied());
                &sides.jq
            }
        };
        hits.into_iter().filter(|s| other.contains(*s)).collect()
    }

    /// The text changed while a jq filter is in force: the search starts
    /// again and meets jq's hits so far; the jq scan goes on where it was
    /// (its candidates do not depend on the text) and its counts stay.
    pub(super) fn rebuild_text(&mut self, history: &History, rows: usize) -> LogReaction {
        let mut reaction = LogReaction::detail(DetailUpdate::Now);
        self.search = None;
        self.scan = None;
        self.matches.clear();
        self.sides.text.clear();
        if self.filter.text.is_empty() {
            self.matches.union(&self.sides.jq);
        } else {
            self.start_search(history, rows, &mut reaction);
        }
        self.settle_selection(history, rows);
        reaction
    }

    /// Files admitted hits (older than what the view holds) into the view,
    /// keeping the selection where it was or on the newest.
    pub(super) fn take_older_hits(
        &mut self,
        hits: Vec<u64>,
        history: &History,
        rows: usize,
        reaction: &mut LogReaction,
    ) {
        if hits.is_empty() {
            return;
        }
        let first = history.first_seq().unwrap_or(0);
        let kept: Vec<u64> = hits.into_iter().filter(|s| *s >= first).collect();
        let added = kept.len();
        self.matches.extend(kept);
        if self.follow || self.selected.is_none() {
            self.selected = self.matches.last();
            reaction.detail = DetailUpdate::Later;
        } else {
            // Older matches went in before the rows shown.
            self.top += added;
        }
        self.keep_selection_visible(history, rows);
    }

    /// The jq part of the log's title: the expression, and how far the
    /// scan is or what it found.
    pub(super) fn jq_title(&self) -> Option<(String, String)> {
        let jq = self.jq.as_ref()?;
        let counts = self.jq_counts;
        let errors = match counts.errors {
            0 => String::new(),
            n => format!(", {} error(s)", group(n)),
        };
        let expression = crate::domain::display::one_line(&jq.text).into_owned();
        let full = format!(
            "| {expression}: {} matched of {} scanned{errors} ",
            group(counts.matched),
            group(counts.scanned),
        );
        // A narrow log keeps the counts and cuts the expression.
        let short = format!(
            "| {}: {} matched{errors} ",
            crate::tui::width::fit(&expression, 24),
            group(counts.matched)
        );
        Some((full, short))
    }
}

/// The jq scan over the history, newest first, in the background.
#[derive(Debug)]
pub(super) struct JqRun {
    scan: JqScan,
    /// The scan's counts already added to the pane's.
    taken: JqCounts,
}

impl LogPane {
    /// Starts the jq scan over the whole history; says why it cannot.
    pub(super) fn start_jq(&mut self, history: &History) -> Option<(StatusLevel, String)> {
        self.jq_counts = JqCounts::default();
        let jq = self.jq.as_ref()?;
        match JqScan::start(&jq.filter, self.filter.clone(), 0..history.end_seq()) {
            Ok(scan) => {
                self.jq_run = Some(JqRun {
                    scan,
                    taken: JqCounts::default(),
                });
                None
            }
            Err(err) => Some((
                StatusLevel::Error,
                format!("cannot run the jq filter over the history: {err}"),
            )),
        }
    }

    /// Takes the jq scan's hits into the view and hands it more work,
    /// without waiting (on every tick).
    pub fn pump_jq(&mut self, history: &History, rows: usize) -> LogReaction {
        let mut reaction = LogReaction::default();
        let Some(run) = self.jq_run.as_mut() else {
            return reaction;
        };
        let progress = run.scan.pump(history);
        let now = run.scan.counts();
        add_since(&mut self.jq_counts, now, run.taken);
        run.taken = now;
        if progress.done {
            // jaq's message may quote a payload: shown as any payload is.
            let first_error = run
                .scan
                .first_error()
                .map(|why| crate::domain::display::one_line(why).into_owned());
            self.jq_run = None;
            let summary = self.jq_summary("jq done", first_error.as_deref());
            reaction.notice = Some((StatusLevel::Success, summary));
        }
        let hits = self.admit(Side::Jq, progress.hits);
        self.take_older_hits(hits, history, rows, &mut reaction);
        reaction
    }

    /// Stops the jq scan, keeping what it found; what to say of it.
    pub(super) fn stop_jq(&mut self) -> Option<String> {
        let run = self.jq_run.take()?;
        let (done, total) = run.scan.progress();
        Some(self.jq_summary(
            &format!(
                "jq stopped after {} of {} messages",
                group(done),
                group(total)
            ),
            None,
        ))
    }

    /// How far the jq scan has come: index positions looked at, of all.
    pub fn jq_progress(&self) -> Option<(u64, u64)> {
        self.jq_run.as_ref().map(|run| run.scan.progress())
    }

    /// The counts in a sentence, with the first error's reason if known.
    fn jq_summary(&self, lead: &str, first_error: Option<&str>) -> String {
        let counts = self.jq_counts;
        let errors = match (counts.errors, first_error) {
            (0, _) => String::new(),
            (n, None) => format!("; {} errored (no match)", group(n)),
            (n, Some(why)) => format!("; {} errored (no match), the first: {why}", group(n)),
        };
        format!(
            "{lead}: {} matched of {} record(s) asked{errors}",
            group(counts.matched),
            group(counts.scanned)
        )
    }
}
