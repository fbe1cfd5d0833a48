//! Where messages come from before the UI files them: the intake task
//! that decodes and journals what the broker sends, and the loader that
//! reads journals or captures back; both hand over bursts.
//!
//! Here the intake, what it hands over and where the run loop takes it
//! from; the loader of files in `loader`.

mod loader;

/// Tests build records as the loader reads them.
#[cfg(test)]
pub(super) use loader::stored_record;
use loader::{start_loader, with_sizes};

use super::app::{App, Loaded, Msg};
use super::run::{EventLog, Source};
use super::update;
use crate::domain::InboundMessage;
use crate::mqtt::{Session, SessionEvent};
use crate::store::Place;
use crate::store::journal::JournalSlot;
use tokio::sync::{mpsc, watch};

/// What the intake hands the UI: messages already decoded (and journaled)
/// and the session's other events, in arrival order.
pub(super) enum Intake {
    /// Decoded, its journal line at `Place`.
    Message(InboundMessage, Place),
    /// A record read back from a file (`wpconsole open`).
    Replayed(Loaded),
    Event(SessionEvent),
    /// What the loader says when it is done, after its last records, so
    /// the screen never says "loaded" before it shows them.
    Said(Msg),
}

/// Decodes and journals inbound messages on a task of its own, so the UI
/// thread only files them: the two share the work across cores, and
/// `update` stays free of I/O. Bursts of at most 1,024 go to the UI
/// through a short queue; while the UI catches up the intake waits, and the
/// session's bounded queue absorbs (or counts) the rest.
///
/// The connection's latest state also goes out at once on a watch channel:
/// while the history is read the UI does not take bursts (files first, to
/// keep the log in order), yet the status bar must say the broker is
/// connected when it is.
pub(super) fn spawn_intake(
    mut events: mpsc::Receiver<SessionEvent>,
    topics: crate::domain::TopicScheme,
    journal: JournalSlot,
) -> (
    mpsc::Receiver<Vec<Intake>>,
    watch::Receiver<Option<SessionEvent>>,
) {
    let (to_ui, from_intake) = mpsc::channel::<Vec<Intake>>(8);
    let (connection_tx, connection) = watch::channel(None);
    let provoked_panic = provoked_panic();
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(1024);
        while events.recv_many(&mut batch, 1024).await > 0 {
            let mut burst: Vec<Intake> = batch
                .drain(..)
                .map(|event| match event {
                    SessionEvent::Message(publish) => Intake::Message(
                        InboundMessage::new(
                            &topics,
                            publish.topic,
                            publish.payload,
                            publish.received_at,
                        ),
                        Place::Nowhere,
                    ),
                    other => {
                        if matches!(
                            other,
                            SessionEvent::Connected | SessionEvent::Disconnected { .. }
                        ) {
                            connection_tx.send_replace(Some(other.clone()));
                        }
                        Intake::Event(other)
                    }
                })
                .collect();
            if let Some(payload) = &provoked_panic {
                let provoking = burst.iter().any(
                    |item| matches!(item, Intake::Message(m, _) if m.payload == payload.as_bytes()),
                );
                assert!(
                    !provoking,
                    "WPCONSOLE_DEBUG_PANIC_ON: a panic provoked by the payload {payload}"
                );
            }
            // The journal may have come since the last burst (this console
            // took it over); what arrived before that is not this one's.
            if let Some(writer) = journal.journal() {
                let mine =
                    |message: &InboundMessage| journal.journal_for(message.received_at).is_some();
                // The whole burst in one hand-over to the writer.
                let lines = burst
                    .iter()
                    .filter_map(|item| match item {
                        Intake::Message(message, _) if mine(message) => {
                            Some((message.received_at, message.journal_line()))
                        }
                        _ => None,
                    })
                    .collect();
                let mut tickets = writer.append_all(lines);
                for item in &mut burst {
                    if let Intake::Message(message, place) = item
                        && mine(message)
                    {
                        *place = tickets.next().map_or(Place::Nowhere, Place::Journal);
                    }
                }
            }
            if to_ui.send(burst).await.is_err() {
                return;
            }
        }
    });
    (from_intake, connection)
}

/// A payload that makes the intake task panic, from
/// `WPCONSOLE_DEBUG_PANIC_ON`: how the tests provoke a panic off the UI
/// thread (and, with `-while-drawing` after it, on the UI thread in the
/// middle of a frame). Debug builds only; a release build never reads the
/// variable.
pub(super) fn provoked_panic() -> Option<String> {
    if cfg!(debug_assertions) {
        std::env::var("WPCONSOLE_DEBUG_PANIC_ON")
            .ok()
            .filter(|p| !p.is_empty())
    } else {
        None
    }
}

/// Files a burst from the intake: messages in one update, other events in
/// order between them.
pub(super) fn take_in(app: &mut App, burst: Vec<Intake>, log: &mut EventLog) {
    let mut received = Vec::new();
    for item in burst {
        let event = match item {
            Intake::Message(message, place) => {
                received.push(Loaded::Received(message, place));
                continue;
            }
            Intake::Replayed(record) => {
                received.push(record);
                continue;
            }
            Intake::Event(event) => event,
            Intake::Said(msg) => {
                if !received.is_empty() {
                    update(app, Msg::Loaded(std::mem::take(&mut received)));
                }
                update(app, msg);
                continue;
            }
        };
        match &event {
            SessionEvent::Connected => log.write("connected"),
            SessionEvent::Disconnected {
                reason, attempt, ..
            } => {
                log.write(&format!("disconnected (attempt {attempt}): {reason}"));
            }
            SessionEvent::Dropped(total) => log.write(&format!("{total} messages dropped so far")),
            SessionEvent::Message(_) | SessionEvent::Subscribed | SessionEvent::Published => {}
        }
        if !received.is_empty() {
            update(app, Msg::Loaded(std::mem::take(&mut received)));
        }
        update(app, Msg::Session(event));
    }
    if !received.is_empty() {
        update(app, Msg::Loaded(received));
    }
}

/// Reads journals or captures on a thread of its own and hands the records
/// to the UI in bursts, with progress notices; torn and foreign lines are
/// counted and reported at the end.
pub(super) type Burst = mpsc::Receiver<Vec<Intake>>;

/// Where the run loop takes messages from: the broker session (if any)
/// and its intake, the connection's latest state while files are read,
/// and the loader of files to show first.
pub(super) struct Sources {
    pub session: Option<Session>,
    pub intake: Burst,
    pub connection: Option<watch::Receiver<Option<SessionEvent>>>,
    pub loader: Option<Burst>,
}

/// Starts reading the source: the broker session and its intake, and the
/// loader of files to show first.
pub(super) fn open_source(
    app: &mut App,
    source: Source,
    journal: &JournalSlot,
    results_tx: &mpsc::UnboundedSender<Msg>,
) -> Sources {
    match source {
        Source::Broker {
            options,
            session,
            history,
            ..
        } => {
            // Measure the history before the session appends to it: what
            // comes later arrives live, not twice.
            let history = with_sizes(app, history);
            let (session, events) = Session::start(*options, session);
            let loader = (!history.is_empty()).then(|| start_loader(app, history, results_tx));
            let (intake, connection) =
                spawn_intake(events, app.rules().topics.clone(), journal.clone());
            Sources {
                session: Some(session),
                intake,
                connection: Some(connection),
                loader,
            }
        }
        Source::Files(paths) => {
            update(app, Msg::Offline);
            let (_, never) = mpsc::channel(1);
            let files = with_sizes(app, paths);
            Sources {
                session: None,
                intake: never,
                connection: None,
                loader: Some(start_loader(app, files, results_tx)),
            }
        }
    }
}

pub(super) async fn next_burst(
    loader: &mut Option<mpsc::Receiver<Vec<Intake>>>,
) -> Option<Vec<Intake>> {
    match loader {
        Some(loader) => loader.recv().await,
        None => std::future::pending().await,
    }
}

/// The connection's next state from the intake; `None` when there is no
/// broker, or once the intake has ended (and from then on).
pub(super) async fn next_connection_state(
    connection: &mut Option<watch::Receiver<Option<SessionEvent>>>,
) -> Option<SessionEvent> {
    let watching = connection.as_mut()?;
    if watching.changed().await.is_err() {
        *connection = None;
        return None;
    }
    watching.borrow_and_update().clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn the_connection_state_is_told_while_the_ui_takes_no_bursts() {
        let topics =
            crate::domain::TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true).unwrap();
        let (events_tx, events) = mpsc::channel(16);
        let (_bursts, connection) = spawn_intake(events, topics, JournalSlot::default());
        let mut connection = Some(connection);
        events_tx.send(SessionEvent::Connected).await.unwrap();
        let told = tokio::time::timeout(
            Duration::from_secs(10),
            next_connection_state(&mut connection),
        )
        .await
        .expect("told at once, though no burst was taken");
        assert!(matches!(told, Some(SessionEvent::Connected)), "{told:?}");
        drop(events_tx);
        let ended = tokio::time::timeout(
            Duration::from_secs(10),
            next_connection_state(&mut connection),
        )
        .await
        .expect("the end of the intake is told too");
        assert!(ended.is_none());
    }
}
