//! The log's jq filter (`|`): an expression asked of every record that
//! passes the vehicle, kind and text filters (AND). Over the history it
//! runs in the background ([`crate::store::jq_scan`]), the index-only
//! filters choosing its candidates, its hits streaming in newest first a
//! piece per tick; a message arriving meanwhile is asked at once. How
//! many records it asked, how many matched and how many errored (an error
//! is no match) show in the log's title.
//!
//! With a text as well, the text search and the jq scan run side by side
//! and a message shows once both passed it ([`BothHits`]).

use super::{DetailUpdate, LogPane, LogReaction, group};
use crate::domain::jq::{JqFilter, Verdict};
use crate::store::History;
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

/// What the jq filter did since it was set: records asked, matched,
/// errored (each error also a record that did not match).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct JqCounts {
    pub scanned: u64,
    pub matched: u64,
    pub errors: u64,
}

impl JqCounts {
    fn count(&mut self, verdict: &Verdict) -> bool {
        self.scanned += 1;
        match verdict {
            Verdict::Match => {
                self.matched += 1;
                true
            }
            Verdict::NoMatch => false,
            Verdict::Error(_) => {
                self.errors += 1;
                false
            }
        }
    }
}

/// Which background scan a piece of hits came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    Text,
    Jq,
}

/// The hits of the text search and of the jq scan while both run over
/// the history: a message passes once both found it. Both go newest
/// first, so what passes is always older than what passed before (a
/// message needs both to have come that far).
#[derive(Debug, Default)]
pub(super) struct BothHits {
    text: RoaringTreemap,
    jq: RoaringTreemap,
}

impl BothHits {
    /// Files `hits` of one side; returns those the other side found too.
    fn admit(&mut self, side: Side, hits: Vec<u64>) -> Vec<u64> {
        let (own, other) = match side {
            Side::Text => (&mut self.text, &self.jq),
            Side::Jq => (&mut self.jq, &self.text),
        };
        let passed = hits
            .iter()
            .copied()
            .filter(|s| other.contains(*s))
            .collect();
        own.extend(hits);
        passed
    }
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

    /// The jq verdict on a message that arrived (its payload is in the
    /// cache), counted: whether it passes.
    pub(super) fn jq_passes(&mut self, seq: u64, history: &History) -> bool {
        let Some(jq) = &self.jq else {
            return true;
        };
        let verdict = match history.by_seq(seq) {
            Some(entry) if entry.unavailable.is_none() => jq.filter.verdict(&entry.record()),
            Some(entry) => Verdict::Error(format!(
                "payload unavailable: {}",
                entry.unavailable.unwrap_or_default()
            )),
            None => Verdict::NoMatch,
        };
        self.jq_counts.count(&verdict)
    }

    /// Hits of one scan that may show: with both a text and jq, those
    /// the other scan found too; else all of them.
    pub(super) fn admit(&mut self, side: Side, hits: Vec<u64>) -> Vec<u64> {
        match self.both.as_mut() {
            Some(both) => both.admit(side, hits),
            None => hits,
        }
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
        let short = format!(
            "| {}: {} ",
            crate::tui::width::fit(&expression, 24),
            group(counts.matched)
        );
        Some((full, short))
    }
}

/// The jq scan over the history, newest first.
#[derive(Debug)]
pub(super) struct JqRun {
    /// Messages below this sequence number are still to be asked.
    next: u64,
    /// How many index positions there were when it began.
    total: u64,
}

/// Index positions the jq scan looks at per tick.
const JQ_PIECE: u64 = if cfg!(test) { 1000 } else { 4096 };

impl LogPane {
    /// Starts the jq scan over the whole history; says why it cannot.
    pub(super) fn start_jq(&mut self, history: &History) -> Option<(StatusLevel, String)> {
        self.jq_counts = JqCounts::default();
        let end = history.end_seq();
        self.jq_run = Some(JqRun {
            next: end,
            total: end,
        });
        None
    }

    /// Takes the jq scan's hits into the view and moves it on, without
    /// waiting (on every tick).
    pub fn pump_jq(&mut self, history: &History, rows: usize) -> LogReaction {
        let mut reaction = LogReaction::default();
        let (Some(run), Some(jq)) = (self.jq_run.as_mut(), self.jq.as_ref()) else {
            return reaction;
        };
        let mut candidates = Vec::new();
        run.next = history.select_newest(&self.filter, 0..run.next, JQ_PIECE, &mut candidates);
        let filter = jq.filter.clone();
        let mut hits = Vec::new();
        for seq in candidates {
            let verdict = match history.by_seq(seq) {
                Some(entry) if entry.unavailable.is_none() => filter.verdict(&entry.record()),
                Some(entry) => Verdict::Error(format!(
                    "payload unavailable: {}",
                    entry.unavailable.unwrap_or_default()
                )),
                None => Verdict::NoMatch,
            };
            if self.jq_counts.count(&verdict) {
                hits.push(seq);
            }
        }
        if self.jq_run.as_ref().is_some_and(|run| run.next == 0) {
            self.jq_run = None;
            reaction.notice = Some((StatusLevel::Success, self.jq_summary("jq done")));
        }
        let hits = self.admit(Side::Jq, hits);
        self.take_older_hits(hits, history, rows, &mut reaction);
        reaction
    }

    /// Stops the jq scan, keeping what it found; what to say of it.
    pub(super) fn stop_jq(&mut self) -> Option<String> {
        let run = self.jq_run.take()?;
        Some(self.jq_summary(&format!(
            "jq stopped after {} of {} messages",
            group(run.total - run.next),
            group(run.total)
        )))
    }

    /// How far the jq scan has come: index positions looked at, of all.
    pub fn jq_progress(&self) -> Option<(u64, u64)> {
        self.jq_run
            .as_ref()
            .map(|run| (run.total - run.next, run.total))
    }

    fn jq_summary(&self, lead: &str) -> String {
        let counts = self.jq_counts;
        let errors = match counts.errors {
            0 => String::new(),
            n => format!("; {} record(s) errored (counted as no match)", group(n)),
        };
        format!(
            "{lead}: {} matched of {} record(s) asked{errors}",
            group(counts.matched),
            group(counts.scanned)
        )
    }
}
