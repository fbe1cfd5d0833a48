//! The log's export (`x`): the view as it was when asked, handed to a
//! worker a piece per frame, the status bar telling how far it is. The
//! worker writes as it reads, so the export is never held in memory and
//! keys are answered while it runs.

use super::{LogPane, LogReaction, group};
use crate::store::History;
use crate::store::export_feed::{ExportFeed, ExportItem, export_channel};
use crate::tui::app::Command;
use crate::tui::editor::StatusLevel;

/// An export being fed to its worker.
#[derive(Debug)]
pub struct ExportState {
    feed: ExportFeed,
    /// The messages to export: the view when the export began.
    seqs: Exported,
    /// How many of them were handed over.
    fed: usize,
    /// A piece the worker had no room for yet.
    held: Option<Vec<ExportItem>>,
}

/// The view an export covers, kept apart from the live view (which new
/// messages and filter changes move on).
#[derive(Debug)]
enum Exported {
    /// Every message from the first to the last, by sequence number.
    All(std::ops::Range<u64>),
    /// The filtered view's sequence numbers.
    Matches(super::window::Matches),
}

impl Exported {
    fn len(&self) -> usize {
        match self {
            Self::All(range) => usize::try_from(range.end - range.start).unwrap_or(usize::MAX),
            Self::Matches(seqs) => seqs.len(),
        }
    }

    fn get(&self, index: usize) -> Option<u64> {
        match self {
            Self::All(range) => {
                let seq = range.start + index as u64;
                (seq < range.end).then_some(seq)
            }
            Self::Matches(seqs) => seqs.get(index),
        }
    }
}

/// Messages handed to the worker at a time (one piece per frame or so).
const EXPORT_PIECE: usize = 16_384;

impl LogPane {
    /// Starts exporting the log as filtered: the worker's end goes to the
    /// run loop, which writes the file.
    pub(super) fn export(&mut self, history: &History) -> LogReaction {
        if self.exporting.is_some() {
            return LogReaction::notice(
                StatusLevel::Info,
                "an export is running: wait for it to finish".into(),
            );
        }
        if self.filling() {
            return LogReaction::notice(
                StatusLevel::Info,
                "the filter is still being applied: export once the log shows all it passes".into(),
            );
        }
        let seqs = if self.filtered() {
            Exported::Matches(self.matches.clone())
        } else {
            let first = history.first_seq().unwrap_or(0);
            Exported::All(first..history.end_seq())
        };
        if seqs.len() == 0 {
            return LogReaction::notice(
                StatusLevel::Info,
                "nothing to export: the log is empty".into(),
            );
        }
        let (feed, work) = export_channel();
        self.exporting = Some(ExportState {
            feed,
            seqs,
            fed: 0,
            held: None,
        });
        let mut reaction = self.pump_export(history);
        reaction.command = Some(Command::Export(work));
        reaction
    }

    /// Whether an export is running.
    pub fn exporting(&self) -> bool {
        self.exporting.is_some()
    }

    /// How many messages the running export was handed so far.
    pub fn export_fed(&self) -> Option<usize> {
        self.exporting.as_ref().map(|e| e.fed)
    }

    /// Hands the export's worker its next pieces, without waiting, and
    /// tells how far it is (on every tick, and when it starts).
    pub fn pump_export(&mut self, history: &History) -> LogReaction {
        let Some(export) = self.exporting.as_mut() else {
            return LogReaction::default();
        };
        let (progress, ended) = export.feed.progress();
        if ended {
            // The run loop tells what became of it (written, or why not).
            self.exporting = None;
            return LogReaction::default();
        }
        let total = export.seqs.len();
        while export.fed < total || export.held.is_some() {
            let piece = if let Some(piece) = export.held.take() {
                piece
            } else {
                let end = total.min(export.fed + EXPORT_PIECE);
                let piece = (export.fed..end)
                    .filter_map(|index| export.seqs.get(index))
                    .filter_map(|seq| history.export_item(seq))
                    .collect();
                export.fed = end;
                piece
            };
            if let Err(piece) = export.feed.offer(piece) {
                export.held = Some(piece);
                break;
            }
        }
        if export.fed >= total && export.held.is_none() {
            export.feed.end();
        }
        let done = progress.written + progress.left_out;
        let percent = done * 100 / (total as u64).max(1);
        LogReaction::notice(
            StatusLevel::Info,
            format!(
                "exporting… {} of {} message(s) ({percent}%)",
                group(done),
                group(total as u64)
            ),
        )
    }
}
