//! The session task: owns rumqttc's event loop, reconnects with capped
//! exponential backoff and jitter, re-subscribes on every ConnAck, holds a
//! refused login until the user asks again, and forwards what happens
//! (waiting, or dropping and counting, as the overflow says).

use super::{Drops, InboundPublish, Overflow, SessionEvent, SessionOptions};
use crate::mqtt::reason::{self, DisconnectReason, PasswordSource};
use chrono::Utc;
use rumqttc::{Event, EventLoop, Outgoing, Packet, QoS, Request, Subscribe};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// The task's state: the event loop it owns, where events go, and what
/// the handle shares with it ([`super::Session`]).
pub(super) struct Runner {
    pub(super) eventloop: EventLoop,
    pub(super) events: mpsc::Sender<SessionEvent>,
    pub(super) connected: Arc<AtomicBool>,
    pub(super) drops: Drops,
    pub(super) stop: watch::Receiver<bool>,
    pub(super) retry: watch::Receiver<u64>,
    pub(super) options: SessionOptions,
}

impl Runner {
    /// Why the connection ended, in the user's words; a close before the
    /// login was answered also names the likely cause, from what the server
    /// answers to a CONNECT of its own (plain MQTT only).
    async fn reason(
        options: &SessionOptions,
        tls: bool,
        err: &rumqttc::ConnectionError,
        established: bool,
    ) -> DisconnectReason {
        reason::explain(
            err,
            &options.authority,
            options.uid.as_deref(),
            &options.password_source,
            tls,
            established,
        )
        .await
    }

    fn is_tls(&self) -> bool {
        matches!(
            self.eventloop.mqtt_options.transport(),
            rumqttc::Transport::Tls(_)
        )
    }

    pub(super) async fn run(mut self) {
        let mut attempt: u32 = 0;
        loop {
            let polled = tokio::select! {
                polled = self.eventloop.poll() => Some(polled).inspect(|polled| log(polled, &self.options)),
                _ = self.stop.wait_for(|stop| *stop) => None,
            };
            let Some(polled) = polled else {
                // Let the disconnect (and anything queued before it) go out.
                let flush = async {
                    while let Ok(event) = self.eventloop.poll().await {
                        if matches!(event, Event::Outgoing(Outgoing::Disconnect)) {
                            break;
                        }
                    }
                };
                let _ = tokio::time::timeout(Duration::from_secs(1), flush).await;
                return;
            };
            match polled {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    attempt = 0;
                    self.connected.store(true, Ordering::Relaxed);
                    // A clean session forgets subscriptions: send them again
                    // on every ConnAck, ahead of anything else queued.
                    for filter in self.options.subscriptions.iter().rev() {
                        self.eventloop
                            .pending
                            .push_front(Request::Subscribe(Subscribe::new(
                                filter,
                                QoS::AtMostOnce,
                            )));
                    }
                    if !self.forward(SessionEvent::Connected).await {
                        return;
                    }
                }
                Ok(Event::Incoming(Packet::Publish(publish))) => {
                    let message = SessionEvent::Message(InboundPublish {
                        topic: publish.topic,
                        payload: publish.payload,
                        received_at: Utc::now(),
                    });
                    if !self.forward(message).await {
                        return;
                    }
                }
                Ok(Event::Incoming(Packet::SubAck(_))) => {
                    if !self.forward(SessionEvent::Subscribed).await {
                        return;
                    }
                }
                Ok(Event::Outgoing(Outgoing::Publish(_))) => {
                    if !self.forward(SessionEvent::Published).await {
                        return;
                    }
                }
                Ok(Event::Outgoing(Outgoing::Disconnect)) => {
                    self.connected.store(false, Ordering::Relaxed);
                    return;
                }
                Ok(_) => {}
                Err(err) => {
                    let established = self.connected.swap(false, Ordering::Relaxed);
                    if *self.stop.borrow() {
                        return;
                    }
                    attempt = attempt.saturating_add(1);
                    let tls = self.is_tls();
                    let reason = Self::reason(&self.options, tls, &err, established).await;
                    let retry_in = (!reason.kind.waits_for_the_user())
                        .then(|| self.options.backoff.delay(attempt, fastrand::f64()));
                    // Requests made before this refusal do not count.
                    self.retry.borrow_and_update();
                    let event = SessionEvent::Disconnected {
                        reason,
                        attempt,
                        retry_in,
                    };
                    if !self.forward(event).await {
                        return;
                    }
                    let stopped = if let Some(delay) = retry_in {
                        tokio::select! {
                            () = tokio::time::sleep(delay) => false,
                            _ = self.stop.wait_for(|stop| *stop) => true,
                        }
                    } else {
                        // rumqttc reconnects on the next poll: poll again
                        // only when the user asks.
                        let stopped = tokio::select! {
                            asked = self.retry.changed() => asked.is_err(),
                            _ = self.stop.wait_for(|stop| *stop) => true,
                        };
                        if !stopped {
                            self.read_the_password_again();
                        }
                        stopped
                    };
                    if stopped {
                        return;
                    }
                }
            }
        }
    }

    /// The user asked to retry a refused login, most likely after fixing
    /// the password file: the retry uses what the file holds now.
    fn read_the_password_again(&mut self) {
        if let (PasswordSource::File(path), Some(uid)) =
            (&self.options.password_source, &self.options.uid)
            && let Ok(password) = crate::mqtt::Password::from_file(path)
        {
            self.eventloop
                .mqtt_options
                .set_credentials(uid.clone(), password.expose());
        }
    }

    /// Sends an event to the receiver; false when the receiver is gone. A
    /// message dropped is counted in [`Drops`], which the receiver reads
    /// (a count sent in the queue would wait for the room that was missing).
    async fn forward(&mut self, event: SessionEvent) -> bool {
        match self.options.overflow {
            Overflow::Wait => self.events.send(event).await.is_ok(),
            Overflow::DropAfter(patience) => match self.events.try_send(event) {
                Ok(()) => true,
                Err(mpsc::error::TrySendError::Full(event)) => {
                    if let Ok(sent) = tokio::time::timeout(patience, self.events.send(event)).await
                    {
                        sent.is_ok()
                    } else {
                        self.drops.add_one();
                        true
                    }
                }
                Err(mpsc::error::TrySendError::Closed(_)) => false,
            },
        }
    }
}

/// What the session sees, for the log at debug level: connections and
/// their failures, and each message by size and topic (quoted: it is the
/// sender's text), never its payload.
fn log(polled: &Result<Event, rumqttc::ConnectionError>, options: &SessionOptions) {
    match polled {
        Ok(Event::Incoming(Packet::ConnAck(ack))) => tracing::debug!(
            "connection accepted ({:?}); subscribing to {:?}",
            ack.code,
            options.subscriptions
        ),
        Ok(Event::Incoming(Packet::Publish(publish))) => tracing::debug!(
            "received {} bytes on {:?}",
            publish.payload.len(),
            publish.topic
        ),
        Err(err) => tracing::debug!("connection attempt failed: {err}"),
        Ok(_) => {}
    }
}
