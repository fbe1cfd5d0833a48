//! Where messages come from before the UI files them: the intake task
//! that decodes and journals what the broker sends, and the loader that
//! reads journals or captures back; both hand over bursts.
//!
//! Here the intake, what it hands over and where the run loop takes it
//! from; the loader of files in `loader`.

mod alert_record;
mod backlog;
mod loader;
mod losses;
pub(crate) mod watching;

/// Tests build records as the loader reads them.
#[cfg(test)]
pub(super) use loader::stored_record;
use loader::{start_loader, with_sizes};

use super::app::{App, Loaded, Msg};
use super::run::Source;
use super::update;
use crate::domain::InboundMessage;
use crate::domain::tracking::Tracking;
use crate::mqtt::{Drops, Session, SessionEvent};
use crate::store::Place;
use crate::store::journal::JournalSlot;
use crate::store::journal::sidecar::fields_of;
use backlog::{Backlog, Unheld};
use losses::{Ledger, LossReport};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// What the intake hands the UI: messages already decoded (and journaled)
/// and the session's other events, in arrival order.
pub(super) enum Intake {
    /// Decoded, its journal line at `Place`.
    Message(InboundMessage, Place),
    /// Decoded and journaled while the UI was behind, held without its
    /// payload ([`Loaded::Held`]).
    Held(Loaded),
    /// A record read back from a file (`wpconsole open`).
    Replayed(Loaded),
    Event(SessionEvent),
    /// Messages were lost: for the log, and the status bar's count.
    Lost(LossReport),
    /// What the loader says when it is done, after its last records, so
    /// the screen never says "loaded" before it shows them.
    Said(Msg),
    /// Alerts the watch rules raised, after the messages they are about.
    Alerts(Vec<crate::tui::panes::alerts::Alert>),
}

/// How often the intake looks for losses when nothing arrives (a flood
/// that ended with drops brings no message to look at them with).
const LOOK_FOR_LOSSES: Duration = Duration::from_millis(500);

/// Decodes and journals inbound messages on a task of its own, so the UI
/// thread only files them: the two share the work across cores, and
/// `update` stays free of I/O.
///
/// Journal first: what arrives is decoded and journaled whatever the UI
/// is doing; the intake never waits for the UI. Bursts of at most 1,024
/// go through a short queue; while the UI is behind, the intake holds the
/// rest ([`backlog`], bounded) and hands it all over in one piece when the
/// queue has room, so the UI catches up in a step. Every loss (the
/// session's drops, what the backlog could not hold, what the disk could
/// not write) is counted and told ([`losses`]).
///
/// The connection's latest state also goes out at once on a watch channel:
/// while the history is read the UI does not take bursts (files first, to
/// keep the log in order), yet the status bar must say the broker is
/// connected when it is.
pub(super) fn spawn_intake(
    events: mpsc::Receiver<SessionEvent>,
    rules: IntakeRules,
    journal: JournalSlot,
) -> (
    mpsc::Receiver<Vec<Intake>>,
    watch::Receiver<Option<SessionEvent>>,
) {
    let (to_ui, from_intake) = mpsc::channel::<Vec<Intake>>(8);
    let (connection_tx, connection) = watch::channel(None);
    tokio::spawn(run_intake(events, rules, journal, to_ui, connection_tx));
    (from_intake, connection)
}

/// What the intake decodes and counts with.
pub(super) struct IntakeRules {
    pub topics: crate::domain::TopicScheme,
    /// To read what a message held without its payload acknowledges.
    pub tracking: Tracking,
    /// The session's count of messages it dropped.
    pub drops: Drops,
    /// The profile's watch rules at work, when it has any.
    pub watching: Option<watching::Watching>,
}

async fn run_intake(
    mut events: mpsc::Receiver<SessionEvent>,
    mut rules: IntakeRules,
    journal: JournalSlot,
    to_ui: mpsc::Sender<Vec<Intake>>,
    connection_tx: watch::Sender<Option<SessionEvent>>,
) {
    let provoked_panic = provoked_panic();
    let mut batch = Vec::with_capacity(1024);
    let mut backlog = Backlog::default();
    let mut unheld = Unheld::default();
    let mut ledger = Ledger::new(rules.drops.clone());
    let mut look = tokio::time::interval(LOOK_FOR_LOSSES);
    look.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut open = true;
    while open || !backlog.is_empty() {
        tokio::select! {
            // Handing over first: the UI gets what is held as soon as it
            // has room.
            biased;
            permit = to_ui.reserve(), if !backlog.is_empty() => {
                let Ok(permit) = permit else { return };
                permit.send(backlog.take());
            }
            received = events.recv_many(&mut batch, 1024), if open => {
                if received == 0 {
                    open = false;
                    continue;
                }
                let mut burst = decode(&mut batch, &rules.topics, &connection_tx);
                if let Some(payload) = &provoked_panic {
                    let provoking = burst.iter().any(
                        |item| matches!(item, Intake::Message(m, _) if m.payload == payload.as_bytes()),
                    );
                    assert!(
                        !provoking,
                        "WPCONSOLE_DEBUG_PANIC_ON: a panic provoked by the payload {payload}"
                    );
                }
                journal_burst(&mut burst, &journal);
                let alerts = rules.watching.as_mut().map(|watching| watch_burst(watching, &burst));
                for item in burst {
                    backlog.hold(item, &rules.tracking, &mut unheld);
                }
                if let Some(alerts) = alerts.filter(|a| !a.is_empty()) {
                    let alerts = journal_alerts(alerts, &journal);
                    backlog.hold(Intake::Alerts(alerts), &rules.tracking, &mut unheld);
                }
                for report in ledger.look(&mut unheld, &journal) {
                    backlog.hold(Intake::Lost(report), &rules.tracking, &mut unheld);
                }
            }
            _ = look.tick() => {
                if let Some(watching) = rules.watching.as_mut() {
                    let alerts = watching.tick(chrono::Utc::now());
                    if !alerts.is_empty() {
                        let alerts = journal_alerts(alerts, &journal);
                        backlog.hold(Intake::Alerts(alerts), &rules.tracking, &mut unheld);
                    }
                }
                for report in ledger.look(&mut unheld, &journal) {
                    backlog.hold(Intake::Lost(report), &rules.tracking, &mut unheld);
                }
            }
        }
    }
}

/// The session's events as the UI takes them: messages decoded; the
/// connection's state told on the watch channel as well.
fn decode(
    batch: &mut Vec<SessionEvent>,
    topics: &crate::domain::TopicScheme,
    connection_tx: &watch::Sender<Option<SessionEvent>>,
) -> Vec<Intake> {
    batch
        .drain(..)
        .map(|event| match event {
            SessionEvent::Message(publish) => Intake::Message(
                InboundMessage::new(topics, publish.topic, publish.payload, publish.received_at),
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
        .collect()
}

/// The alerts the burst's messages raise, in order.
fn watch_burst(watching: &mut watching::Watching, burst: &[Intake]) -> Vec<watching::Raised> {
    burst
        .iter()
        .filter_map(|item| match item {
            Intake::Message(message, place) => Some(watching.message(message, *place)),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Journals alerts (so they survive a restart, and `export --dir alert`
/// lists them); what the console lists.
fn journal_alerts(
    alerts: Vec<watching::Raised>,
    journal: &JournalSlot,
) -> Vec<crate::tui::panes::alerts::Alert> {
    if let Some(writer) = journal.journal() {
        let lines = alerts
            .iter()
            .filter(|raised| journal.journal_for(raised.alert.at).is_some())
            .map(|raised| (raised.alert.at, raised.line.clone()))
            .collect();
        writer.append_all(lines);
    }
    alerts.into_iter().map(|raised| raised.alert).collect()
}

/// Appends the burst's messages to the journal in one hand-over to the
/// writer, and notes where each line is.
fn journal_burst(burst: &mut [Intake], journal: &JournalSlot) {
    // The journal may have come since the last burst (this console took
    // it over); what arrived before that is not this one's.
    let Some(writer) = journal.journal() else {
        return;
    };
    let mine = |message: &InboundMessage| journal.journal_for(message.received_at).is_some();
    // With the fields their index entries need (decoded once, here).
    let lines = burst
        .iter()
        .filter_map(|item| match item {
            Intake::Message(message, _) if mine(message) => {
                Some((message.journal_line(), fields_of(message)))
            }
            _ => None,
        })
        .collect();
    let mut tickets = writer.append_indexed(lines);
    for item in burst {
        if let Intake::Message(message, place) = item
            && mine(message)
        {
            *place = tickets.next().map_or(Place::Nowhere, Place::Journal);
        }
    }
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

/// How long each frame is made to take, from
/// `WPCONSOLE_DEBUG_SLOW_FRAME_MS`: how the tests make the UI fall behind
/// a flood (the intake must then hold what the UI has no room for, and
/// lose nothing while the journal is on). Debug builds only; a release
/// build never reads the variable.
pub(super) fn slow_frame() -> Option<Duration> {
    if cfg!(debug_assertions) {
        std::env::var("WPCONSOLE_DEBUG_SLOW_FRAME_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map(Duration::from_millis)
    } else {
        None
    }
}

/// Files a burst from the intake: messages in one update, other events in
/// order between them.
pub(super) fn take_in(app: &mut App, burst: Vec<Intake>) {
    let mut received = Vec::new();
    for item in burst {
        let event = match item {
            Intake::Message(message, place) => {
                received.push(Loaded::Received(message, place));
                continue;
            }
            Intake::Replayed(record) | Intake::Held(record) => {
                received.push(record);
                continue;
            }
            Intake::Lost(report) => {
                tracing::warn!("{} messages lost: {}", report.lost, report.reason);
                if let Some(shown) = report.shown {
                    update(app, Msg::Lost(shown));
                }
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
            Intake::Alerts(alerts) => {
                // After the messages they are about, which are filed first.
                if !received.is_empty() {
                    update(app, Msg::Loaded(std::mem::take(&mut received)));
                }
                update(app, Msg::Alerts(alerts));
                continue;
            }
        };
        match &event {
            SessionEvent::Connected => tracing::info!("connected"),
            SessionEvent::Disconnected {
                reason, attempt, ..
            } => {
                tracing::warn!("disconnected (attempt {attempt}): {reason}");
            }
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
    /// Where the console sends the tracking timeouts it sees, for the
    /// `unacknowledged` watch rules.
    pub no_replies: Option<mpsc::UnboundedSender<watching::NoReply>>,
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
            watch,
            ..
        } => {
            // Measure the history before the session appends to it: what
            // comes later arrives live, not twice.
            let history = with_sizes(app, history);
            let (session, events) = Session::start(*options, *session);
            let loader = (!history.is_empty()).then(|| start_loader(app, history, results_tx));
            let (watching, no_replies) = if watch.is_empty() {
                (None, None)
            } else {
                let (watching, no_replies) = watching::Watching::new(watch.into_vec(), app.now());
                (Some(watching), Some(no_replies))
            };
            let rules = IntakeRules {
                topics: app.rules().topics.clone(),
                tracking: app.rules().tracking.clone(),
                drops: session.drops(),
                watching,
            };
            let (intake, connection) = spawn_intake(events, rules, journal.clone());
            Sources {
                session: Some(session),
                intake,
                connection: Some(connection),
                loader,
                no_replies,
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
                no_replies: None,
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
    use crate::mqtt::InboundPublish;
    use crate::store::journal::{Journal, JournalConfig};

    fn rules(drops: Drops) -> IntakeRules {
        IntakeRules {
            topics: crate::domain::TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true)
                .unwrap(),
            tracking: Tracking::default(),
            drops,
            watching: None,
        }
    }

    fn publish(n: usize) -> SessionEvent {
        SessionEvent::Message(InboundPublish {
            topic: "psa/OVIPPartners-Dev/to/uid/PARTNER1/opa/VF3BENCH000000001/".into(),
            payload: format!(r#"{{"content":{{"n":{n},"pad":"{}"}}}}"#, "x".repeat(600)).into(),
            received_at: chrono::Utc::now(),
        })
    }

    /// Messages in what the UI was handed, in order, by their `n`.
    fn numbers(bursts: &[Vec<Intake>]) -> Vec<usize> {
        let n = |topic_payload: &[u8]| {
            let value: serde_json::Value = serde_json::from_slice(topic_payload).unwrap();
            usize::try_from(value["content"]["n"].as_u64().unwrap()).unwrap()
        };
        bursts
            .iter()
            .flatten()
            .filter_map(|item| match item {
                Intake::Message(m, _) => Some(n(&m.payload)),
                Intake::Held(Loaded::Held { ticket, .. }) => {
                    Some(usize::try_from(*ticket).unwrap())
                }
                _ => None,
            })
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_ui_that_takes_nothing_for_a_while_loses_nothing_while_the_journal_is_on() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
        let stats = journal.stats.clone();
        let slot = JournalSlot::holding(Some(journal));
        let (events_tx, events) = mpsc::channel(1024);
        let (mut bursts, _connection) = spawn_intake(events, rules(Drops::default()), slot.clone());
        // 40,000 messages (25 MB of payload) while the UI takes none: the
        // intake journals them all and does not wait.
        let total = 40_000;
        for n in 0..total {
            events_tx.send(publish(n)).await.unwrap();
        }
        let journaled = tokio::time::timeout(Duration::from_secs(60), async {
            while stats.written.load(std::sync::atomic::Ordering::Relaxed) < total as u64 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await;
        assert!(journaled.is_ok(), "journaled while the UI took nothing");
        drop(events_tx);
        let mut taken = Vec::new();
        while let Some(burst) = bursts.recv().await {
            taken.push(burst);
        }
        let numbers = numbers(&taken);
        // Journal tickets and the messages' own numbers agree here: one
        // line per message, in order.
        assert_eq!(
            numbers,
            (0..total).collect::<Vec<_>>(),
            "every one, in order"
        );
        assert!(
            taken.iter().flatten().any(|i| matches!(i, Intake::Held(_))),
            "the backlog left payloads behind"
        );
        assert!(
            taken
                .iter()
                .flatten()
                .all(|i| !matches!(i, Intake::Lost(_))),
            "nothing lost"
        );
        slot.journal().unwrap().close();
    }

    #[tokio::test]
    async fn the_sessions_drops_are_told_and_leave_a_gap_in_the_journal() {
        let dir = tempfile::tempdir().unwrap();
        let slot = JournalSlot::holding(Some(Journal::start(JournalConfig::new(
            dir.path().to_owned(),
        ))));
        let drops = Drops::default();
        let (events_tx, events) = mpsc::channel(16);
        let (mut bursts, _connection) = spawn_intake(events, rules(drops.clone()), slot.clone());
        drops.add(1234);
        // Nothing arrives after the drops: the intake looks anyway.
        let report = tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                let burst = bursts.recv().await.expect("the intake runs");
                if let Some(report) = burst.into_iter().find_map(|i| match i {
                    Intake::Lost(report) => Some(report),
                    _ => None,
                }) {
                    return report;
                }
            }
        })
        .await
        .expect("told without another message");
        assert_eq!(report.lost, 1234);
        assert_eq!(report.shown.map(|s| s.total), Some(1234));
        drop(events_tx);
        slot.journal().unwrap().close();
        let text =
            std::fs::read_to_string(&crate::store::journal::flat_day_files(dir.path())[0]).unwrap();
        let gap = crate::domain::record::Gap::of_line(text.lines().next().unwrap()).unwrap();
        assert_eq!(
            (gap.lost, gap.reason.as_str()),
            (1234, losses::SESSION_DROPPED)
        );
    }

    #[tokio::test]
    async fn the_connection_state_is_told_while_the_ui_takes_no_bursts() {
        let topics =
            crate::domain::TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true).unwrap();
        let (events_tx, events) = mpsc::channel(16);
        let rules = IntakeRules {
            topics,
            tracking: Tracking::default(),
            drops: Drops::default(),
            watching: None,
        };
        let (_bursts, connection) = spawn_intake(events, rules, JournalSlot::default());
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
