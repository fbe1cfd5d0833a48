//! The exchange with the broker for one `send`: a session of its own, one
//! publish accepted, the reply or popup answer carrying the id waited for
//! and reported with its exit code.

use super::super::settings::Settings;
use super::super::{CliError, exit};
use crate::domain::PopupAction;
use crate::domain::envelope;
use crate::domain::tracking::{Delivery, Tracking};
use crate::mqtt::{Overflow, Session, SessionEvent, session::SessionOptions};
use std::time::Duration;

/// What came back for the message.
pub(super) enum Reply {
    Untracked,
    /// A reply or a popup answer carried the id: what it said (with the
    /// round trip), and for a popup which answer it was.
    Came(Delivery, Option<PopupAction>),
    Silent,
}

/// Says what came back for a tracked message; the exit code. A popup's
/// answer decides it: OK 0, Cancel 5, closed unanswered 6 (a script can
/// tell the driver's choice apart from a popup that was never answered, 4).
pub(super) fn report_reply(
    reply: Reply,
    correlation: Option<&str>,
    tracking: &Tracking,
    popup: bool,
    wait: Duration,
) -> u8 {
    match (reply, correlation) {
        (Reply::Came(Delivery::Acknowledged(round_trip), _), Some(id)) => {
            say!("acknowledged: {id} in {} ms", round_trip.as_millis());
            exit::OK
        }
        (Reply::Came(delivery, answer), Some(_)) => {
            say!("{}", delivery.describe());
            match answer {
                Some(PopupAction::Cancel) => exit::POPUP_CANCELLED,
                Some(PopupAction::Timeout) => exit::POPUP_TIMED_OUT,
                _ => exit::OK,
            }
        }
        (Reply::Silent, Some(id)) => {
            if popup {
                eprintln!(
                    "wpconsole: no popup answer (popupAction) with content.{} = {id:?} within {} s: \
                     the vehicle may be asleep or offline, or its app may not forward popup answers",
                    tracking.stamp_field,
                    wait.as_secs_f64()
                );
            } else {
                eprintln!(
                    "wpconsole: no reply with content.{} = {id:?} within {} s: the vehicle may be asleep, \
                     offline, or its app may not echo the id (see --reply-field)",
                    tracking.reply_field,
                    wait.as_secs_f64()
                );
            }
            exit::NO_REPLY
        }
        _ => exit::OK,
    }
}

/// A session for a command that publishes: a small queue that waits.
pub(in crate::cli) fn start_session(
    settings: &Settings,
    subscriptions: Vec<String>,
) -> Result<(Session, tokio::sync::mpsc::Receiver<SessionEvent>), CliError> {
    let connection = settings.connection()?;
    let options = connection.mqtt_options().map_err(CliError::usage)?;
    Ok(Session::start(
        options,
        SessionOptions {
            subscriptions,
            capacity: 64,
            overflow: Overflow::Wait,
            backoff: crate::mqtt::session::Backoff::default(),
            authority: connection.broker.authority(),
            uid: connection.uid.clone(),
            password_source: connection.password_source.clone(),
        },
    ))
}

/// Waits for the first reply or popup answer carrying `id`: what it says
/// (with the round trip), or `None` when `wait` passes. Replies for other
/// ids are ignored.
pub(super) async fn wait_for_reply(
    events: &mut tokio::sync::mpsc::Receiver<SessionEvent>,
    tracking: &Tracking,
    id: &str,
    sent_at: std::time::Instant,
    wait: Duration,
) -> Option<(Delivery, Option<PopupAction>)> {
    let watch = async {
        while let Some(event) = events.recv().await {
            if let SessionEvent::Message(reply) = event
                && let Some(acknowledgement) = tracking.acknowledgement(&reply.payload)
                && acknowledgement.id == id
            {
                let round_trip = sent_at.elapsed();
                let answer = acknowledgement.answer;
                let delivery = answer
                    .clone()
                    .map_or(Delivery::Acknowledged(round_trip), |answer| {
                        Delivery::Answered(answer, round_trip)
                    });
                return Some((delivery, answer));
            }
        }
        None
    };
    tokio::time::timeout(wait, watch).await.ok().flatten()
}

pub(super) async fn publish_once(
    session: &Session,
    events: &mut tokio::sync::mpsc::Receiver<SessionEvent>,
    topic: &str,
    checked: &envelope::CheckedPayload,
    after_subscribing: bool,
) -> Result<std::time::Instant, CliError> {
    let deadline = Duration::from_secs(20);
    let flow = async {
        let mut sent_at = std::time::Instant::now();
        loop {
            match events.recv().await {
                Some(SessionEvent::Connected) if !after_subscribing => {
                    sent_at = std::time::Instant::now();
                    session.publish(topic, checked).map_err(CliError::broker)?;
                }
                Some(SessionEvent::Subscribed) if after_subscribing => {
                    sent_at = std::time::Instant::now();
                    session.publish(topic, checked).map_err(CliError::broker)?;
                }
                Some(SessionEvent::Published) => return Ok(sent_at),
                Some(SessionEvent::Disconnected { reason, .. }) => {
                    return Err(CliError::broker(format!("{reason}; nothing was published")));
                }
                Some(_) => {}
                None => {
                    return Err(CliError::broker(
                        "the connection ended; nothing was published",
                    ));
                }
            }
        }
    };
    tokio::time::timeout(deadline, flow)
        .await
        .unwrap_or_else(|_| {
            Err(CliError::broker(
                "the broker did not accept the message within 20 s; it may not have been published",
            ))
        })
}
