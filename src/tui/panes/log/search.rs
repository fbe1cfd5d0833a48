//! The log's filter applied: vehicle and kind from the index at once, a
//! text by a search in the background whose hits stream in on ticks.

use super::jq::Side;
use super::{DetailUpdate, LogPane, LogReaction, group};
use crate::store::History;
use crate::store::NameHits;
use crate::store::search::{Piece, SearchJob};
use crate::tui::editor::StatusLevel;

/// A text search running over the history (see [`crate::store::search`]).
#[derive(Debug)]
pub struct SearchState {
    job: SearchJob,
    /// The names that contain the text, worked out when the search began.
    names: NameHits,
    /// Messages below this sequence number are still to be handed over.
    next: u64,
    /// A piece the thread had no room for yet.
    held: Option<Piece>,
    /// Index positions handed over and searched.
    pub(super) scanned: u64,
    pub(super) total: u64,
    fed: u64,
    pub(super) found: u64,
    /// Payloads that could not be read (not written, journal off).
    unreadable: u64,
}

/// Index positions handed to the search thread at a time.
const SEARCH_PIECE: usize = 32_768;

impl LogPane {
    /// Recomputes the filtered view after the filter changed: vehicle and
    /// kind from the index at once; a text starts a search in the
    /// background whose hits stream in ([`Self::pump_search`]), a jq
    /// expression the jq scan ([`Self::pump_jq`]), both together a view of
    /// what both passed.
    pub(super) fn rebuild_matches(&mut self, history: &History, rows: usize) -> LogReaction {
        let mut reaction = LogReaction::detail(DetailUpdate::Now);
        self.search = None;
        self.scan = None;
        self.jq_run = None;
        self.sides = super::jq::Sides::default();
        self.matches.clear();
        if self.jq.is_some() {
            reaction.notice = self.start_jq(history);
        }
        if !self.filter.text.is_empty() {
            self.start_search(history, rows, &mut reaction);
        } else if self.filter.is_active() && self.jq.is_none() {
            self.start_filter_scan(history);
        }
        self.settle_selection(history, rows);
        reaction
    }

    /// Starts the search for the filter's text; its first hits at once.
    pub(super) fn start_search(
        &mut self,
        history: &History,
        rows: usize,
        reaction: &mut LogReaction,
    ) {
        let end = history.end_seq();
        match SearchJob::start(&self.filter.text) {
            Ok(job) => {
                self.search = Some(SearchState {
                    job,
                    names: history.name_hits(&self.filter.text),
                    next: end,
                    held: None,
                    scanned: 0,
                    total: history.len() as u64,
                    fed: 0,
                    found: 0,
                    unreadable: 0,
                });
                // Its detail request is this one's: shown now.
                let pumped = self.pump_search(history, rows);
                reaction.notice = pumped.notice.or(reaction.notice.take());
            }
            Err(err) => {
                reaction.notice = Some((StatusLevel::Error, format!("cannot search: {err}")));
            }
        }
    }

    /// After the view was made again: the selection follows the newest
    /// message, or stays on its own if it is still in the view.
    pub(super) fn settle_selection(&mut self, history: &History, rows: usize) {
        let still_there = self
            .selected
            .and_then(|s| self.index_of(s, history))
            .is_some();
        if self.follow || !still_there {
            self.selected = self.newest(history);
        }
        self.keep_selection_visible(history, rows);
    }

    /// Takes the search thread's hits into the view and hands it more work,
    /// without waiting (on every tick, and when the search starts).
    pub fn pump_search(&mut self, history: &History, rows: usize) -> LogReaction {
        let mut reaction = LogReaction::default();
        let Some(search) = self.search.as_mut() else {
            return reaction;
        };
        let mut hits: Vec<u64> = Vec::new();
        for found in search.job.take_found() {
            search.scanned += found.covered;
            search.unreadable += found.unreadable;
            search.found += found.seqs.len() as u64;
            // Newest first, each piece older than the one before: reversed,
            // the pieces go in front of what is already shown.
            hits.splice(0..0, found.seqs.into_iter().rev());
        }
        let first = history.first_seq().unwrap_or(0);
        loop {
            let piece = match search.held.take() {
                Some(piece) => piece,
                None if search.next > first => {
                    let (items, next) = history.search_items(
                        &self.filter,
                        &search.names,
                        first,
                        search.next,
                        SEARCH_PIECE,
                    );
                    let covered = search.next - next;
                    search.next = next;
                    Piece { items, covered }
                }
                None => {
                    search.job.end_feed();
                    break;
                }
            };
            let covered = piece.covered;
            match search.job.offer(piece) {
                Ok(()) => search.fed += covered,
                Err(piece) => {
                    search.held = Some(piece);
                    break;
                }
            }
        }
        let done = search.next <= first && search.held.is_none() && search.scanned >= search.fed;
        if done {
            let unreadable = if search.unreadable > 0 {
                format!(
                    "; {} payload(s) could not be read back",
                    group(search.unreadable)
                )
            } else {
                String::new()
            };
            // The search's hits are the text's alone; the log shows
            // those the jq filter passes too.
            let before_jq = if self.jq.is_some() {
                " (before the jq filter)"
            } else {
                ""
            };
            let summary = format!(
                "search done: {} found in {} messages{before_jq}{unreadable}",
                group(search.found),
                group(search.scanned)
            );
            self.search = None;
            reaction.notice = Some((StatusLevel::Success, summary));
        }
        let hits = self.admit(Side::Text, hits);
        self.take_older_hits(hits, history, rows, &mut reaction);
        reaction
    }
}
