//! The session task: owns rumqttc's event loop, reconnects with capped
//! exponential backoff and jitter, re-subscribes on every ConnAck, and
//! forwards what happens over a bounded channel. A refused login is not
//! retried until the user asks ([`Session::retry_login`]).
//!
//! Here the session as its users hold it (start, publish, retry, shut
//! down) and what it tells them; the task itself in `runner`.

mod runner;

use super::reason::{DisconnectReason, PasswordSource};
use crate::domain::CheckedPayload;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use rumqttc::{AsyncClient, ClientError, MqttOptions, QoS};
use runner::Runner;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// A message as it came off the wire.
#[derive(Debug, Clone)]
pub struct InboundPublish {
    pub topic: String,
    pub payload: Bytes,
    pub received_at: DateTime<Utc>,
}

/// What the session reports.
#[derive(Debug, Clone)]
pub enum SessionEvent {
    /// The broker accepted the connection; subscriptions are being sent.
    Connected,
    /// The connection failed or broke; the next attempt is in `retry_in`,
    /// or, for a failure that waits for the user (a refused login), `None`:
    /// only [`Session::retry_login`] makes another.
    Disconnected {
        reason: DisconnectReason,
        /// Failed attempts in a row, starting at 1.
        attempt: u32,
        retry_in: Option<Duration>,
    },
    /// The broker confirmed the subscriptions: messages flow from now on.
    Subscribed,
    Message(InboundPublish),
    /// A publish was written to the network.
    Published,
}

/// The count of messages the session dropped because its receiver was
/// not keeping up ([`Overflow::DropAfter`]). Shared with the task: the
/// receiver reads it when it likes, so a count never waits for room in
/// the queue that was full (the drop count that never reached the screen).
#[derive(Debug, Clone, Default)]
pub struct Drops(Arc<AtomicU64>);

impl Drops {
    /// Messages dropped since the session started.
    pub fn total(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add_one(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts `n` drops (tests of who reads the count).
    #[cfg(test)]
    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
}

/// What the session does when its receiver is slow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Wait for room (a pipe or a script: never lose a message).
    Wait,
    /// Wait at most this long for room, then drop the message and count
    /// it (an interactive UI). A burst is absorbed by TCP backpressure; a
    /// stalled UI costs counted messages, never the connection: the event
    /// loop is polled at least this often, so keep-alive pings still go out.
    DropAfter(std::time::Duration),
}

/// Why a publish was not handed to the network.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("not connected to the broker; nothing was published (try again once connected)")]
    NotConnected,
    #[error("the outgoing queue is full; nothing was published (try again in a moment)")]
    QueueFull,
    #[error("the session has ended; nothing was published")]
    Closed,
}

/// Reconnection delays: exponential from `initial` to `max`, with jitter.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub initial: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(30),
        }
    }
}

impl Backoff {
    /// The delay before attempt `attempt + 1`, between half and all of the
    /// exponential step, so that many clients do not reconnect in step.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let factor = 2f64.powi(i32::try_from(attempt.saturating_sub(1).min(30)).unwrap_or(30));
        let step = (self.initial.as_secs_f64() * factor).min(self.max.as_secs_f64());
        Duration::from_secs_f64(step * (0.5 + 0.5 * jitter.clamp(0.0, 1.0)))
    }
}

/// A running session.
pub struct Session {
    client: AsyncClient,
    connected: Arc<AtomicBool>,
    drops: Drops,
    stop: watch::Sender<bool>,
    /// Counts the user's requests to try a refused login again.
    retry: watch::Sender<u64>,
    task: JoinHandle<()>,
}

/// How to run a session.
#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub subscriptions: Vec<String>,
    pub capacity: usize,
    pub overflow: Overflow,
    pub backoff: Backoff,
    /// For messages: the broker's `host:port` and the login.
    pub authority: String,
    pub uid: Option<String>,
    /// Where the password came from, named when the login is refused.
    pub password_source: PasswordSource,
}

impl Session {
    /// Starts the session task on the current Tokio runtime.
    pub fn start(
        options: MqttOptions,
        session: SessionOptions,
    ) -> (Self, mpsc::Receiver<SessionEvent>) {
        let (client, eventloop) = AsyncClient::new(options, 1024);
        let (events, receiver) = mpsc::channel(session.capacity.max(1));
        let connected = Arc::new(AtomicBool::new(false));
        let drops = Drops::default();
        let (stop, stop_rx) = watch::channel(false);
        let (retry, retry_rx) = watch::channel(0);
        let task = tokio::spawn(
            Runner {
                eventloop,
                events,
                connected: connected.clone(),
                drops: drops.clone(),
                stop: stop_rx,
                retry: retry_rx,
                options: session,
            }
            .run(),
        );
        (
            Self {
                client,
                connected,
                drops,
                stop,
                retry,
                task,
            },
            receiver,
        )
    }

    pub fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed)
    }

    /// The count of messages dropped because the receiver was slow.
    pub fn drops(&self) -> Drops {
        self.drops.clone()
    }

    /// Hands a checked payload to the network without waiting. While the
    /// broker is away the publish is refused, not queued, so nothing is
    /// sent late or twice.
    pub fn publish(&self, topic: &str, payload: &CheckedPayload) -> Result<(), PublishError> {
        if !self.is_connected() {
            return Err(PublishError::NotConnected);
        }
        tracing::debug!("publishing {} bytes to {topic}", payload.size.payload);
        self.client
            .try_publish(
                topic,
                QoS::AtMostOnce,
                false,
                payload.bytes.clone().into_bytes(),
            )
            .map_err(|err| match err {
                ClientError::TryRequest(_) if self.task.is_finished() => PublishError::Closed,
                _ => PublishError::QueueFull,
            })
    }

    /// Publishes raw bytes (the simulator's replies; they are not envelopes).
    pub fn publish_raw(&self, topic: &str, payload: Vec<u8>) -> Result<(), PublishError> {
        if !self.is_connected() {
            return Err(PublishError::NotConnected);
        }
        self.client
            .try_publish(topic, QoS::AtMostOnce, false, payload)
            .map_err(|_| PublishError::QueueFull)
    }

    /// After a refused login: one more connection attempt (the user fixed
    /// the account, or wants to see the refusal again). Does nothing while
    /// the session is connected or retrying on its own.
    pub fn retry_login(&self) {
        self.retry.send_modify(|asked| *asked += 1);
    }

    /// Disconnects cleanly (flushing what was published) and ends the task.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.client.try_disconnect();
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_and_is_capped() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay(1, 1.0), Duration::from_millis(100));
        assert_eq!(backoff.delay(2, 1.0), Duration::from_millis(200));
        assert_eq!(backoff.delay(5, 1.0), Duration::from_millis(1600));
        assert_eq!(backoff.delay(40, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_between_half_and_the_whole_step() {
        let backoff = Backoff::default();
        assert_eq!(backoff.delay(3, 0.0), Duration::from_millis(200));
        for _ in 0..100 {
            let d = backoff.delay(3, fastrand::f64());
            assert!(
                d >= Duration::from_millis(200) && d <= Duration::from_millis(400),
                "{d:?}"
            );
        }
    }
}
