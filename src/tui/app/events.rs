//! What happens around the console: messages filed into the history,
//! the clock, the session's events.

use super::{App, ConnectionState, Loaded, Msg, apply};
use crate::domain::InboundMessage;
use crate::mqtt::SessionEvent;
use crate::store::Place;
use crate::tui::editor::StatusLevel;
use crate::tui::intake::watching::NoReply;
use crate::tui::panes::log::LogReaction;
use chrono::{DateTime, Utc};

/// How long a notice of something done (an export, a fleet publish)
/// stays in the status bar: long enough to read, short enough not to be
/// taken for the state of now.
pub const NOTICE_FADES_AFTER: chrono::Duration = chrono::Duration::seconds(10);

/// Files messages into the history, the log and the deliveries they
/// acknowledge; the log settles once per burst.
pub(super) fn on_loaded(app: &mut App, records: Vec<Loaded>) {
    let mut last = None;
    for record in records {
        let seq = match record {
            Loaded::Received(message, place) => {
                if app.deliveries.awaiting()
                    && let Some(acknowledgement) =
                        app.rules.tracking.acknowledgement(&message.payload)
                {
                    app.deliveries
                        .acknowledge(&acknowledgement, message.received_at);
                }
                app.history.push_inbound(&message, place)
            }
            Loaded::Held {
                message,
                size,
                ticket,
                acknowledgement,
            } => {
                if let Some(acknowledgement) = acknowledgement {
                    app.deliveries
                        .acknowledge(&acknowledgement, message.received_at);
                }
                app.history
                    .push_held(&message, size, Place::Journal(ticket))
            }
            Loaded::Stored {
                record,
                file,
                offset,
            } => app.history.push_stored(&record, file, offset),
            Loaded::Indexed {
                names,
                entries,
                file,
            } => {
                for seq in app.history.push_indexed(&names, &entries, file) {
                    if app.log.track(seq, &app.history) {
                        last = Some(seq);
                    }
                }
                continue;
            }
        };
        if app.log.track(seq, &app.history) {
            last = Some(seq);
        }
    }
    if let Some(seq) = last {
        let rows = app.log_rows_visible();
        let detail = app.log.settle(seq, &app.history, rows);
        app.react(LogReaction {
            detail,
            ..LogReaction::default()
        });
    }
}

pub(super) fn on_tick(app: &mut App, now: DateTime<Utc>) {
    app.now = now;
    if let Some((level, _)) = &app.notice
        && *level != StatusLevel::Error
        && now - app.notice_since >= NOTICE_FADES_AFTER
    {
        app.notice = None;
    }
    let rows = app.log_rows_visible();
    let reaction = app.log.pump_search(&app.history, rows);
    app.react(reaction);
    let reaction = app.log.pump_filter(&app.history, rows);
    app.react(reaction);
    let reaction = app.log.pump_jq(&app.history, rows);
    app.react(reaction);
    let reaction = app.log.pump_export(&app.history);
    app.react(reaction);
    for key in app.deliveries.expire(now) {
        // For the `unacknowledged` watch rules: the run loop hands them
        // to the intake, where the rules are applied.
        let (Some(sent_at), Some(vin)) = (
            app.history.at(key),
            app.history.by_seq(key).and_then(|entry| entry.vin),
        ) else {
            continue;
        };
        app.no_replies.push(NoReply {
            seq: key,
            vin,
            sent_at,
            at: now,
        });
    }
    let (mark_at, mark_rx) = app.rate_mark;
    let elapsed = (now - mark_at).to_std().unwrap_or_default().as_secs_f64();
    if elapsed >= 1.0 {
        #[allow(clippy::cast_precision_loss)]
        let arrived = (app.history.live_rx - mark_rx) as f64;
        app.rate = arrived / elapsed;
        app.rate_mark = (now, app.history.live_rx);
    }
}

pub(super) fn on_session(app: &mut App, event: SessionEvent) {
    match event {
        SessionEvent::Connected | SessionEvent::Subscribed => {
            app.connection = ConnectionState::Connected;
        }
        SessionEvent::Disconnected {
            reason,
            attempt,
            retry_in,
        } => {
            app.connection = if retry_in.is_some() {
                ConnectionState::Reconnecting {
                    attempt,
                    reason: reason.text,
                }
            } else {
                ConnectionState::LoginRefused {
                    reason: reason.text,
                }
            };
        }
        SessionEvent::Message(publish) => {
            let message = InboundMessage::new(
                &app.rules.topics,
                publish.topic,
                publish.payload,
                publish.received_at,
            );
            // The same path as the run loop's bursts.
            apply(app, Msg::Received(vec![message]));
        }
        SessionEvent::Published => {}
    }
}
