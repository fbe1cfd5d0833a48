//! The run loop: terminal in, session events in, a frame timer; `update`
//! decides, this loop carries out the commands and draws when something
//! changed. It never waits on the network: publishing is `try_publish`.

use super::app::{App, Command, JournalState, Loaded, Msg};
use super::editor::StatusLevel;
use super::{update, view};
use crate::domain::InboundMessage;
use crate::domain::record::{Record, json_line};
use crate::mqtt::session::SessionOptions;
use crate::mqtt::{Session, SessionEvent};
use crate::store::journal::Journal;
use base64::Engine as _;
use chrono::Utc;
use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// One frame every 33 ms at most (about 30 per second), and only when
/// something changed.
const FRAME: Duration = Duration::from_millis(33);

/// The console's own log file: connection changes and publishes, never
/// payloads or secrets. The terminal belongs to the UI, so nothing is
/// printed there.
pub struct EventLog {
    file: Option<std::fs::File>,
}

/// Where the console writes its log.
pub fn log_path() -> PathBuf {
    crate::config::state_dir().join("wpconsole.log")
}

impl EventLog {
    pub fn open() -> Self {
        let path = log_path();
        let file = path
            .parent()
            .and_then(|dir| std::fs::create_dir_all(dir).ok())
            .and_then(|()| {
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&path)
                    .ok()
            });
        Self { file }
    }

    pub fn write(&mut self, line: &str) {
        if let Some(file) = &mut self.file {
            let _ = writeln!(
                file,
                "{} {line}",
                Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            );
        }
    }
}

/// Where the console's messages come from.
pub enum Source {
    /// A live broker.
    Broker {
        options: Box<rumqttc::MqttOptions>,
        session: SessionOptions,
        /// Journal files shown first (today's history); live messages wait
        /// until they are read.
        history: Vec<PathBuf>,
    },
    /// Journals or `tail --json` captures (`wpconsole open`).
    Files(Vec<PathBuf>),
}

/// Runs the console until the user quits (or a signal ends it).
pub async fn run(mut app: App, source: Source, journal: Option<Journal>) -> anyhow::Result<()> {
    let mut log = EventLog::open();
    log.write(&format!("console started against {}", app.header.broker));
    let journal = journal.map(Arc::new);
    // Outcomes of work done off the UI thread (an export) come back here.
    let (results_tx, mut results) = mpsc::unbounded_channel::<Msg>();
    let (session, mut intake, mut loader) =
        open_source(&mut app, source, journal.as_ref(), &results_tx);
    let intake_open = session.is_some();

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal.size().unwrap_or_default();
    update(&mut app, Msg::Resize(size.width, size.height));

    let mut input = spawn_terminal_input()?;

    let mut frames = tokio::time::interval(FRAME);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut shown_second = 0;
    let mut stop = Stop::new()?;

    let outcome = loop {
        tokio::select! {
            // Files first: live messages wait in their queue until the
            // history is read, so the log stays in arrival order.
            burst = next_burst(&mut loader), if loader.is_some() => {
                match burst {
                    Some(burst) => take_in(&mut app, burst, &mut log),
                    None => loader = None,
                }
                dirty = true;
            }
            burst = intake.recv(), if intake_open && loader.is_none() => {
                let Some(burst) = burst else {
                    break Err(anyhow::anyhow!("the MQTT session ended unexpectedly"));
                };
                take_in(&mut app, burst, &mut log);
                dirty = true;
            }
            Some(terminal_event) = input.recv() => {
                let msg = match terminal_event {
                    Event::Key(key) => Msg::Key(key),
                    Event::Mouse(mouse) => Msg::Mouse(mouse),
                    Event::Resize(width, height) => Msg::Resize(width, height),
                    _ => continue,
                };
                dirty = true;
                if let Some(command) = update(&mut app, msg) {
                    if command == Command::Quit {
                        break Ok(());
                    }
                    carry_out(&mut app, session.as_ref(), command, &mut log, journal.as_deref(), &results_tx);
                }
            }
            _ = frames.tick() => {
                let now = Utc::now();
                if now.timestamp() != shown_second {
                    shown_second = now.timestamp();
                    update(&mut app, Msg::Tick(now));
                    if let Some(journal) = &journal {
                        update(&mut app, Msg::Journal(journal_state(journal)));
                    }
                    dirty = true;
                }
                if dirty {
                    let _ = execute!(std::io::stdout(), BeginSynchronizedUpdate);
                    terminal.draw(|frame| view(frame, &app))?;
                    let _ = execute!(std::io::stdout(), EndSynchronizedUpdate);
                    dirty = false;
                }
            }
            Some(msg) = results.recv() => {
                update(&mut app, msg);
                dirty = true;
            }
            () = stop.signalled() => break Ok(()),
        }
    };

    let _ = execute!(std::io::stdout(), DisableMouseCapture);
    ratatui::restore();
    if let Some(journal) = journal {
        journal.close();
    }
    log.write("console stopped");
    if let Some(session) = session {
        session.shutdown().await;
    }
    outcome
}

/// Reads the terminal on a thread of its own (crossterm's `read` blocks).
fn spawn_terminal_input() -> std::io::Result<mpsc::Receiver<Event>> {
    let (input_tx, input) = mpsc::channel::<Event>(1024);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if input_tx.blocking_send(event).is_err() {
                    break;
                }
            }
        })?;
    Ok(input)
}

/// What the intake hands the UI: messages already decoded (and journaled)
/// and the session's other events, in arrival order.
enum Intake {
    Message(InboundMessage),
    /// A record read back from a file (`wpconsole open`).
    Replayed(Loaded),
    Event(SessionEvent),
}

/// Decodes and journals inbound messages on a task of its own, so the UI
/// thread only files them: the two share the work across cores, and
/// `update` stays free of I/O. Bursts of at most 1,024 go to the UI
/// through a short queue; while the UI catches up the intake waits, and the
/// session's bounded queue absorbs (or counts) the rest.
fn spawn_intake(
    mut events: mpsc::Receiver<SessionEvent>,
    topics: crate::domain::TopicScheme,
    journal: Option<Arc<Journal>>,
) -> mpsc::Receiver<Vec<Intake>> {
    let (to_ui, from_intake) = mpsc::channel::<Vec<Intake>>(8);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(1024);
        while events.recv_many(&mut batch, 1024).await > 0 {
            let burst: Vec<Intake> = batch
                .drain(..)
                .map(|event| match event {
                    SessionEvent::Message(publish) => {
                        let message = InboundMessage::new(
                            &topics,
                            publish.topic,
                            publish.payload,
                            publish.received_at,
                        );
                        if let Some(journal) = &journal {
                            journal.append(message.received_at, message.journal_line());
                        }
                        Intake::Message(message)
                    }
                    other => Intake::Event(other),
                })
                .collect();
            if to_ui.send(burst).await.is_err() {
                return;
            }
        }
    });
    from_intake
}

/// Files a burst from the intake: messages in one update, other events in
/// order between them.
fn take_in(app: &mut App, burst: Vec<Intake>, log: &mut EventLog) {
    let mut received = Vec::new();
    for item in burst {
        let event = match item {
            Intake::Message(message) => {
                received.push(Loaded::Received(message));
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
type Burst = mpsc::Receiver<Vec<Intake>>;

/// Starts reading the source: the broker session and its intake, and the
/// loader of files to show first.
fn open_source(
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
        } => {
            // Measure the history before the session appends to it: what
            // comes later arrives live, not twice.
            let history = with_sizes(history);
            let (session, events) = Session::start(*options, session);
            let loader = (!history.is_empty()).then(|| spawn_loader(history, results_tx.clone()));
            (
                Some(session),
                spawn_intake(events, app.topics.clone(), journal.cloned()),
                loader,
            )
        }
        Source::Files(paths) => {
            app.connection = super::app::ConnectionState::Offline;
            let (_, never) = mpsc::channel(1);
            (
                None,
                never,
                Some(spawn_loader(with_sizes(paths), results_tx.clone())),
            )
        }
    }
}

/// Each file with its current size: reading stops there.
fn with_sizes(paths: Vec<PathBuf>) -> Vec<(PathBuf, u64)> {
    paths
        .into_iter()
        .map(|path| {
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            (path, size)
        })
        .collect()
}

async fn next_burst(loader: &mut Option<mpsc::Receiver<Vec<Intake>>>) -> Option<Vec<Intake>> {
    match loader {
        Some(loader) => loader.recv().await,
        None => std::future::pending().await,
    }
}

fn spawn_loader(
    files: Vec<(PathBuf, u64)>,
    notices: mpsc::UnboundedSender<Msg>,
) -> mpsc::Receiver<Vec<Intake>> {
    let (to_ui, from_loader) = mpsc::channel::<Vec<Intake>>(8);
    let total: u64 = files.iter().map(|(_, size)| size).sum();
    let failure = notices.clone();
    let spawned = std::thread::Builder::new()
        .name("loader".into())
        .spawn(move || {
            let (mut loaded, mut skipped, mut read_bytes) = (0u64, 0u64, 0u64);
            let mut last_notice = std::time::Instant::now();
            let mut burst = Vec::with_capacity(1024);
            for (path, size) in &files {
                let file = match std::fs::File::open(path) {
                    Ok(file) => file,
                    Err(err) => {
                        let _ = notices.send(Msg::Notice(
                            StatusLevel::Error,
                            format!("cannot read {}: {err}", path.display()),
                        ));
                        continue;
                    }
                };
                let mut reader = std::io::BufReader::new(std::io::Read::take(file, *size));
                let mut line = String::new();
                while std::io::BufRead::read_line(&mut reader, &mut line).unwrap_or(0) > 0 {
                    read_bytes += line.len() as u64;
                    match replay(line.trim_end_matches(['\n', '\r'])) {
                        Some(record) => {
                            burst.push(Intake::Replayed(record));
                            loaded += 1;
                        }
                        None if line.trim().is_empty() => {}
                        None => skipped += 1,
                    }
                    line.clear();
                    if burst.len() == 1024 {
                        if to_ui.blocking_send(std::mem::take(&mut burst)).is_err() {
                            return;
                        }
                        if last_notice.elapsed() > Duration::from_millis(250) {
                            last_notice = std::time::Instant::now();
                            let percent = read_bytes * 100 / total.max(1);
                            let _ = notices.send(Msg::Notice(
                                StatusLevel::Info,
                                format!("loading… {percent}% ({loaded} messages)"),
                            ));
                        }
                    }
                }
            }
            if !burst.is_empty() && to_ui.blocking_send(burst).is_err() {
                return;
            }
            let skipped_note = if skipped > 0 {
                format!("; skipped {skipped} line(s) that are not records (a torn last line, say)")
            } else {
                String::new()
            };
            let summary = format!(
                "loaded {loaded} message(s) from {} file(s){skipped_note}",
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

/// One journal or capture line as a log record, if it is one.
fn replay(line: &str) -> Option<Loaded> {
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        received_at: &'a str,
        #[serde(default)]
        vin: Option<&'a str>,
        topic: String,
        kind: &'a str,
        #[serde(default)]
        dir: Option<&'a str>,
    }
    let fields: Fields<'_> = serde_json::from_str(line).ok()?;
    let at = chrono::DateTime::parse_from_rfc3339(fields.received_at)
        .ok()?
        .with_timezone(&Utc);
    let payload = crate::domain::record::payload_bytes(line).ok()?;
    let vin = fields.vin.and_then(|v| crate::domain::Vin::parse(v).ok());
    if fields.dir == Some("out") {
        return Some(Loaded::Published {
            vin: vin?,
            topic: fields.topic,
            payload: String::from_utf8(payload).ok()?,
            kind: if fields.kind == "popup" {
                crate::domain::MessageKind::Popup
            } else {
                crate::domain::MessageKind::Data
            },
            at,
        });
    }
    let source = match vin {
        Some(vin) => crate::domain::InboundTopic::Vehicle {
            uid: String::new(),
            vin,
        },
        None => crate::domain::InboundTopic::Unrecognised(fields.topic.clone()),
    };
    Some(Loaded::Received(InboundMessage {
        received_at: at,
        topic: fields.topic,
        source,
        classified: crate::domain::classify(&payload),
        payload: payload.into(),
    }))
}

fn journal_state(journal: &Journal) -> JournalState {
    JournalState::Writing {
        dir: journal.dir.display().to_string(),
        unwritten: journal
            .stats
            .unwritten
            .load(std::sync::atomic::Ordering::Relaxed),
        error: journal.stats.error(),
    }
}

fn carry_out(
    app: &mut App,
    session: Option<&Session>,
    command: Command,
    log: &mut EventLog,
    journal: Option<&Journal>,
    results: &mpsc::UnboundedSender<Msg>,
) {
    match command {
        Command::Publish(outgoing) => {
            match session.map(|s| s.publish(&outgoing.topic, &outgoing.payload)) {
                None => {
                    update(
                        app,
                        Msg::PublishFailed(
                            "this console is reading files: nothing can be published".into(),
                        ),
                    );
                }
                Some(Ok(())) => {
                    log.write(&format!(
                        "published {} bytes to {}",
                        outgoing.payload.size.payload, outgoing.topic
                    ));
                    if let Some(journal) = journal {
                        let kind = match outgoing.payload.kind {
                            crate::domain::MessageKind::Data => "data",
                            crate::domain::MessageKind::Popup => "popup",
                        };
                        let record = Record {
                            at: app.now.max(Utc::now()),
                            vin: Some(outgoing.vin.as_str()),
                            topic: &outgoing.topic,
                            payload: outgoing.payload.bytes.as_bytes(),
                            kind,
                            is_json: true,
                            dir: Some("out"),
                        };
                        journal.append(record.at, json_line(&record));
                    }
                    update(app, Msg::Published(outgoing));
                }
                Some(Err(err)) => {
                    log.write(&format!("publish to {} refused: {err}", outgoing.topic));
                    update(app, Msg::PublishFailed(err.to_string()));
                }
            }
        }
        Command::Copy(bytes) => {
            // OSC 52: the terminal (even over SSH) puts it on the clipboard.
            let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
            let mut out = std::io::stdout();
            let _ = write!(out, "\x1b]52;c;{encoded}\x07");
            let _ = out.flush();
            app.notice = Some((
                StatusLevel::Info,
                format!("copied {} bytes to the clipboard", bytes.len()),
            ));
        }
        Command::Export(lines) => {
            let path = std::env::current_dir().unwrap_or_default().join(format!(
                "wpconsole-export-{}.jsonl",
                Utc::now().format("%Y%m%d-%H%M%S")
            ));
            let results = results.clone();
            // Off the UI thread: the disk may be slow.
            tokio::task::spawn_blocking(move || {
                let written = std::fs::File::create(&path).and_then(|file| {
                    let mut out = std::io::BufWriter::new(file);
                    for line in &lines {
                        writeln!(out, "{line}")?;
                    }
                    out.flush()
                });
                let (level, text) = match written {
                    Ok(()) => (
                        StatusLevel::Success,
                        format!("exported {} message(s) to {}", lines.len(), path.display()),
                    ),
                    Err(err) => (
                        StatusLevel::Error,
                        format!("export to {} failed: {err}", path.display()),
                    ),
                };
                let _ = results.send(Msg::Notice(level, text));
            });
        }
        Command::Quit => {}
    }
}

/// SIGTERM and SIGHUP end the console cleanly (Ctrl-C arrives as a key).
struct Stop {
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(unix)]
    hangup: tokio::signal::unix::Signal,
}

impl Stop {
    fn new() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                terminate: signal(SignalKind::terminate())?,
                hangup: signal(SignalKind::hangup())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    async fn signalled(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.terminate.recv() => {}
            _ = self.hangup.recv() => {}
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await;
    }
}
