//! What the intake holds while the UI is behind: everything that arrived,
//! in order, handed over in one piece as soon as the UI's queue has room.
//!
//! Memory stays bounded however long the UI is behind. Messages are held
//! whole (payload and all) up to [`HOLD_PAYLOAD_BYTES`]; past that, a
//! journaled message is held without its payload (its journal line gives
//! it back when shown, and what it acknowledges is read first), about 250
//! bytes each, up to [`HOLD_LEFT_BEHIND`] of them (about 25 MB). Past
//! both, what arrives is still journaled but not shown: counted, and the
//! status bar says so. A message with no journal line (`--no-journal`, or
//! the journal is another console's) cannot leave its payload behind:
//! past the first bound it is lost, and counted.

use super::Intake;
use crate::domain::InboundMessage;
use crate::domain::tracking::Tracking;
use crate::store::Place;
use crate::tui::app::Loaded;
use std::collections::VecDeque;

/// Payload bytes held whole while the UI is behind (about 27,000
/// messages of 600 B).
pub(super) const HOLD_PAYLOAD_BYTES: usize = 16 * 1024 * 1024;

/// Journaled messages held without their payload past that: about 25 MB,
/// a second of a 100,000 msg/s flood.
pub(super) const HOLD_LEFT_BEHIND: usize = 100_000;

/// Why messages held past both bounds are not shown.
pub(super) const NOT_SHOWN: &str = "the screen fell behind by more than 100,000 messages; they are in the journal (`wpconsole open` shows them)";

/// Why messages with no journal line are lost past the first bound.
pub(super) const NO_JOURNAL: &str =
    "the screen fell behind and no journal keeps them (--no-journal, or another console keeps it)";

/// What the intake holds for the UI, in arrival order.
#[derive(Default)]
pub(super) struct Backlog {
    items: VecDeque<Intake>,
    /// Payload bytes of the messages held whole.
    payload_bytes: usize,
    /// Messages held without their payload.
    left_behind: usize,
}

/// What [`Backlog::hold`] could not keep.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Unheld {
    /// Journaled, not shown.
    pub not_shown: u64,
    /// No journal line: lost.
    pub lost: u64,
}

impl Backlog {
    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Holds one item for the UI; what it cannot keep is counted in
    /// `unheld`.
    pub(super) fn hold(&mut self, item: Intake, tracking: &Tracking, unheld: &mut Unheld) {
        let Intake::Message(message, place) = item else {
            self.items.push_back(item);
            return;
        };
        let size = message.payload.len();
        // The first is always held whole: one message larger than the
        // bound is no backlog.
        if self.payload_bytes + size <= HOLD_PAYLOAD_BYTES || self.payload_bytes == 0 {
            self.payload_bytes += size;
            self.items.push_back(Intake::Message(message, place));
        } else if let Place::Journal(ticket) = place {
            if self.left_behind < HOLD_LEFT_BEHIND {
                self.left_behind += 1;
                self.items
                    .push_back(Intake::Held(leave_payload(message, ticket, tracking)));
            } else {
                unheld.not_shown += 1;
            }
        } else {
            unheld.lost += 1;
        }
    }

    /// Everything held, in order, for one hand-over: the UI files it in
    /// one update, so a UI that fell behind catches up in few steps.
    pub(super) fn take(&mut self) -> Vec<Intake> {
        self.payload_bytes = 0;
        self.left_behind = 0;
        self.items.drain(..).collect()
    }
}

/// A journaled message without its payload: what the UI needs to file it
/// (the index fields, and what it acknowledges), its payload left in the
/// journal.
fn leave_payload(mut message: InboundMessage, ticket: u64, tracking: &Tracking) -> Loaded {
    let acknowledgement = tracking.acknowledgement(&message.payload);
    let size = message.payload.len();
    message.payload = bytes::Bytes::new();
    Loaded::Held {
        message,
        size,
        ticket,
        acknowledgement,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TopicScheme;
    use crate::mqtt::SessionEvent;

    fn message(payload: &[u8]) -> InboundMessage {
        let topics = TopicScheme::new("psa/OVIPPartners-Dev", "U", true).unwrap();
        InboundMessage::new(
            &topics,
            "psa/OVIPPartners-Dev/to/uid/U/opa/VF3BENCH000000001/".into(),
            bytes::Bytes::copy_from_slice(payload),
            chrono::Utc::now(),
        )
    }

    fn kinds(items: &[Intake]) -> (usize, usize) {
        let whole = items
            .iter()
            .filter(|i| matches!(i, Intake::Message(..)))
            .count();
        let held = items
            .iter()
            .filter(|i| matches!(i, Intake::Held(Loaded::Held { .. })))
            .count();
        (whole, held)
    }

    #[test]
    fn past_the_payload_bound_a_journaled_message_is_held_without_its_payload() {
        let mut backlog = Backlog::default();
        let mut unheld = Unheld::default();
        let tracking = Tracking::default();
        let payload = vec![b'x'; 1024 * 1024];
        for ticket in 0..20 {
            backlog.hold(
                Intake::Message(message(&payload), Place::Journal(ticket)),
                &tracking,
                &mut unheld,
            );
        }
        assert_eq!(unheld, Unheld::default(), "nothing lost");
        let items = backlog.take();
        assert_eq!(kinds(&items), (16, 4), "16 MiB whole, the rest held");
        let Intake::Held(Loaded::Held {
            message,
            size,
            ticket,
            ..
        }) = &items[19]
        else {
            panic!("held");
        };
        assert!(message.payload.is_empty(), "its payload left behind");
        assert_eq!((*size, *ticket), (1024 * 1024, 19), "in order");
        assert!(backlog.is_empty());
        // Taken, the bounds start again.
        backlog.hold(
            Intake::Message(message.clone(), Place::Journal(20)),
            &tracking,
            &mut unheld,
        );
        assert_eq!(kinds(&backlog.take()), (1, 0));
    }

    #[test]
    fn what_a_held_message_acknowledges_is_read_before_its_payload_goes() {
        let mut backlog = Backlog::default();
        let mut unheld = Unheld::default();
        let tracking = Tracking::default();
        let big = vec![b'x'; HOLD_PAYLOAD_BYTES];
        backlog.hold(
            Intake::Message(message(&big), Place::Journal(0)),
            &tracking,
            &mut unheld,
        );
        let reply = br#"{"content":{"type":"ack","ref":"wpc-0123456789ab"}}"#;
        backlog.hold(
            Intake::Message(message(reply), Place::Journal(1)),
            &tracking,
            &mut unheld,
        );
        let items = backlog.take();
        let Intake::Held(Loaded::Held {
            acknowledgement: Some(acknowledgement),
            ..
        }) = &items[1]
        else {
            panic!("held, with what it acknowledges");
        };
        assert_eq!(acknowledgement.id, "wpc-0123456789ab");
    }

    #[test]
    fn past_the_bounds_messages_are_counted_never_dropped_silently() {
        let mut backlog = Backlog::default();
        let mut unheld = Unheld::default();
        let tracking = Tracking::default();
        let big = vec![b'x'; HOLD_PAYLOAD_BYTES];
        backlog.hold(
            Intake::Message(message(&big), Place::Nowhere),
            &tracking,
            &mut unheld,
        );
        // No journal line: nowhere to leave the payload.
        for _ in 0..3 {
            backlog.hold(
                Intake::Message(message(b"{}"), Place::Nowhere),
                &tracking,
                &mut unheld,
            );
        }
        assert_eq!(unheld.lost, 3);
        let one = message(b"{}");
        for ticket in 0..=HOLD_LEFT_BEHIND as u64 {
            backlog.hold(
                Intake::Message(one.clone(), Place::Journal(ticket)),
                &tracking,
                &mut unheld,
            );
        }
        assert_eq!(unheld.not_shown, 1, "one past the bound");
        // Other events are never refused: the order of what is told holds.
        backlog.hold(
            Intake::Event(SessionEvent::Connected),
            &tracking,
            &mut unheld,
        );
        let items = backlog.take();
        assert_eq!(kinds(&items), (1, HOLD_LEFT_BEHIND));
        assert!(matches!(items.last(), Some(Intake::Event(_))));
    }
}
