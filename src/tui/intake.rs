//! Where messages come from before the UI files them: the intake task
//! that decodes and journals what the broker sends, and the loader that
//! reads journals or captures back; both hand over bursts.

use super::app::{App, Loaded, Msg, Progress};
use super::editor::StatusLevel;
use super::run::{EventLog, Source};
use super::update;
use crate::domain::InboundMessage;
use crate::mqtt::{Session, SessionEvent};
use crate::store::journal::Journal;
use crate::store::{Direction, Place, StoredRecord};
use chrono::Utc;
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What the intake hands the UI: messages already decoded (and journaled)
/// and the session's other events, in arrival order.
pub(super) enum Intake {
    /// Decoded, its journal line at `Place`.
    Message(InboundMessage, Place),
    /// A record read back from a file (`wpconsole open`).
    Replayed(Loaded),
    Event(SessionEvent),
}

/// Decodes and journals inbound messages on a task of its own, so the UI
/// thread only files them: the two share the work across cores, and
/// `update` stays free of I/O. Bursts of at most 1,024 go to the UI
/// through a short queue; while the UI catches up the intake waits, and the
/// session's bounded queue absorbs (or counts) the rest.
pub(super) fn spawn_intake(
    mut events: mpsc::Receiver<SessionEvent>,
    topics: crate::domain::TopicScheme,
    journal: Option<Arc<Journal>>,
) -> mpsc::Receiver<Vec<Intake>> {
    let (to_ui, from_intake) = mpsc::channel::<Vec<Intake>>(8);
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
                    other => Intake::Event(other),
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
            if let Some(journal) = &journal {
                // The whole burst in one hand-over to the writer.
                let lines = burst
                    .iter()
                    .filter_map(|item| match item {
                        Intake::Message(message, _) => {
                            Some((message.received_at, message.journal_line()))
                        }
                        _ => None,
                    })
                    .collect();
                let mut tickets = journal.append_all(lines);
                for item in &mut burst {
                    if let Intake::Message(_, place) = item {
                        *place = tickets.next().map_or(Place::Nowhere, Place::Journal);
                    }
                }
            }
            if to_ui.send(burst).await.is_err() {
                return;
            }
        }
    });
    from_intake
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

/// Starts reading the source: the broker session and its intake, and the
/// loader of files to show first.
pub(super) fn open_source(
    app: &mut App,
    source: Source,
    journal: Option<&Arc<Journal>>,
    results_tx: &mpsc::UnboundedSender<Msg>,
) -> (Option<Session>, Burst, Option<Burst>) {
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
            let loader = (!history.is_empty()).then(|| spawn_loader(history, results_tx.clone()));
            (
                Some(session),
                spawn_intake(events, app.rules.topics.clone(), journal.cloned()),
                loader,
            )
        }
        Source::Files(paths) => {
            app.connection = super::app::ConnectionState::Offline;
            let (_, never) = mpsc::channel(1);
            (
                None,
                never,
                Some(spawn_loader(with_sizes(app, paths), results_tx.clone())),
            )
        }
    }
}

/// A file to read: its path, its size when reading starts (reading stops
/// there) and its id in the history.
pub(super) struct ToRead {
    path: PathBuf,
    size: u64,
    id: u16,
}

/// Names each file in the history and measures it.
pub(super) fn with_sizes(app: &mut App, paths: Vec<PathBuf>) -> Vec<ToRead> {
    paths
        .into_iter()
        .map(|path| {
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            let id = app.history.add_file(path.clone());
            ToRead { path, size, id }
        })
        .collect()
}

pub(super) async fn next_burst(
    loader: &mut Option<mpsc::Receiver<Vec<Intake>>>,
) -> Option<Vec<Intake>> {
    match loader {
        Some(loader) => loader.recv().await,
        None => std::future::pending().await,
    }
}

/// Indexes journals or captures on a thread of its own: each line becomes
/// an index entry pointing at the line (payloads stay in the file), handed
/// to the UI in bursts, with progress in the status bar. Torn and foreign
/// lines are counted and reported at the end.
pub(super) fn spawn_loader(
    files: Vec<ToRead>,
    notices: mpsc::UnboundedSender<Msg>,
) -> mpsc::Receiver<Vec<Intake>> {
    let (to_ui, from_loader) = mpsc::channel::<Vec<Intake>>(8);
    let total: u64 = files.iter().map(|f| f.size).sum();
    let failure = notices.clone();
    let spawned = std::thread::Builder::new()
        .name("loader".into())
        .spawn(move || {
            let (mut loaded, mut skipped, mut read_bytes) = (0u64, 0u64, 0u64);
            let mut last_notice = std::time::Instant::now();
            let mut burst = Vec::with_capacity(4096);
            let progress = |read_bytes: u64, loaded: u64| {
                let _ = notices.send(Msg::Progress(Some(Progress {
                    done: read_bytes,
                    total,
                    what: format!("indexing… {} messages", group(loaded)),
                })));
            };
            for file in &files {
                let opened = match std::fs::File::open(&file.path) {
                    Ok(opened) => opened,
                    Err(err) => {
                        let _ = notices.send(Msg::Notice(
                            StatusLevel::Error,
                            format!("cannot read {}: {err}", file.path.display()),
                        ));
                        continue;
                    }
                };
                let mut reader = std::io::BufReader::with_capacity(
                    1024 * 1024,
                    std::io::Read::take(opened, file.size),
                );
                let mut line = Vec::new();
                let mut offset = 0u64;
                while std::io::BufRead::read_until(&mut reader, b'\n', &mut line).unwrap_or(0) > 0 {
                    let at = offset;
                    offset += line.len() as u64;
                    read_bytes += line.len() as u64;
                    let text = std::str::from_utf8(&line).unwrap_or_default();
                    match stored_record(text.trim_end_matches(['\n', '\r'])) {
                        Some(record) => {
                            burst.push(Intake::Replayed(Loaded::Stored {
                                record,
                                file: file.id,
                                offset: at,
                            }));
                            loaded += 1;
                        }
                        None if line.trim_ascii().is_empty() => {}
                        None => skipped += 1,
                    }
                    line.clear();
                    if burst.len() == 4096 {
                        if to_ui.blocking_send(std::mem::take(&mut burst)).is_err() {
                            return;
                        }
                        if last_notice.elapsed() > Duration::from_millis(100) {
                            last_notice = std::time::Instant::now();
                            progress(read_bytes, loaded);
                        }
                    }
                }
            }
            if !burst.is_empty() && to_ui.blocking_send(burst).is_err() {
                return;
            }
            let _ = notices.send(Msg::Progress(None));
            let skipped_note = if skipped > 0 {
                format!("; skipped {skipped} line(s) that are not records (a torn last line, say)")
            } else {
                String::new()
            };
            let summary = format!(
                "loaded {} message(s) from {} file(s){skipped_note}",
                group(loaded),
                files.len()
            );
            let _ = notices.send(Msg::Notice(StatusLevel::Success, summary));
        });
    if let Err(err) = spawned {
        let _ = failure.send(Msg::Notice(
            StatusLevel::Error,
            format!("cannot start reading the files: {err}"),
        ));
    }
    from_loader
}

fn group(n: u64) -> String {
    crate::domain::envelope::group(usize::try_from(n).unwrap_or(usize::MAX))
}

/// One journal or capture line as an index record, if it is one. The
/// payload is looked at only for its action; it stays in the file.
pub(super) fn stored_record(line: &str) -> Option<StoredRecord> {
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        received_at: &'a str,
        #[serde(default, borrow)]
        vin: Option<Cow<'a, str>>,
        #[serde(borrow)]
        topic: Cow<'a, str>,
        kind: Cow<'a, str>,
        #[serde(default)]
        dir: Option<&'a str>,
        #[serde(default)]
        bytes: Option<usize>,
        #[serde(borrow)]
        payload: &'a serde_json::value::RawValue,
    }
    let fields: Fields<'_> = serde_json::from_str(line).ok()?;
    let at = chrono::DateTime::parse_from_rfc3339(fields.received_at)
        .ok()?
        .with_timezone(&Utc);
    let raw = fields.payload.get();
    let is_json = !matches!(fields.kind.as_ref(), "text" | "binary");
    let action = if is_json {
        crate::domain::classify(raw.as_bytes()).action
    } else {
        None
    };
    Some(StoredRecord {
        at,
        direction: if fields.dir == Some("out") {
            Direction::Outbound
        } else {
            Direction::Inbound
        },
        vin: fields.vin.and_then(|v| crate::domain::Vin::parse(&v).ok()),
        topic: fields.topic.into_owned(),
        size: fields.bytes.unwrap_or(raw.len()),
        kind: fields.kind.into_owned(),
        action,
        is_json,
    })
}
