//! The run loop: terminal in, session events in, a frame timer; `update`
//! decides, this loop carries out the commands and draws when something
//! changed. It never waits on the network: publishing is `try_publish`.

use super::app::{App, Command, JournalState, Msg};
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

/// Runs the console until the user quits (or a signal ends it).
pub async fn run(
    mut app: App,
    options: rumqttc::MqttOptions,
    session_options: SessionOptions,
    journal: Option<Journal>,
) -> anyhow::Result<()> {
    let mut log = EventLog::open();
    log.write(&format!("console started against {}", app.header.broker));
    let journal = journal.map(Arc::new);
    let (session, events) = Session::start(options, session_options);
    let mut intake = spawn_intake(events, app.topics.clone(), journal.clone());

    let mut terminal = ratatui::init();
    let _ = execute!(std::io::stdout(), EnableMouseCapture);
    let size = terminal.size().unwrap_or_default();
    update(&mut app, Msg::Resize(size.width, size.height));

    let (input_tx, mut input) = mpsc::channel::<Event>(1024);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            while let Ok(event) = event::read() {
                if input_tx.blocking_send(event).is_err() {
                    break;
                }
            }
        })?;

    let mut frames = tokio::time::interval(FRAME);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut shown_second = 0;
    let mut stop = Stop::new()?;
    // Outcomes of work done off the UI thread (an export) come back here.
    let (results_tx, mut results) = mpsc::unbounded_channel::<Msg>();

    let outcome = loop {
        tokio::select! {
            burst = intake.recv() => {
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
                    carry_out(&mut app, &session, command, &mut log, journal.as_deref(), &results_tx);
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
    session.shutdown().await;
    outcome
}

/// What the intake hands the UI: messages already decoded (and journaled)
/// and the session's other events, in arrival order.
enum Intake {
    Message(InboundMessage),
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
                received.push(message);
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
            update(app, Msg::Received(std::mem::take(&mut received)));
        }
        update(app, Msg::Session(event));
    }
    if !received.is_empty() {
        update(app, Msg::Received(received));
    }
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
    session: &Session,
    command: Command,
    log: &mut EventLog,
    journal: Option<&Journal>,
    results: &mpsc::UnboundedSender<Msg>,
) {
    match command {
        Command::Publish(outgoing) => match session.publish(&outgoing.topic, &outgoing.payload) {
            Ok(()) => {
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
            Err(err) => {
                log.write(&format!("publish to {} refused: {err}", outgoing.topic));
                update(app, Msg::PublishFailed(err.to_string()));
            }
        },
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
