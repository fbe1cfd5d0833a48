//! The run loop: terminal in, session events in, a frame timer; `update`
//! decides, this loop carries out the commands and draws when something
//! changed. It never waits on the network: publishing is `try_publish`.

mod outlet;
mod stop;

use super::app::{App, Command, JournalState, Msg};
use super::intake::{
    Sources, next_burst, next_connection_state, open_source, provoked_panic, slow_frame, take_in,
};
use super::terminal::ConsoleTerminal;
use super::{update, view};
use crate::mqtt::session::SessionOptions;
use crate::store::journal::{Journal, JournalConfig, JournalSlot};
use crate::store::popups::PopupLedgerFile;
use crate::tui::editor::StatusLevel;
use chrono::Utc;
use outlet::{Outlet, carry_out};
use ratatui::crossterm::event::{self, Event};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use stop::Stop;
use tokio::sync::mpsc;

/// One frame every 33 ms at most (about 30 per second), and only when
/// something changed.
const FRAME: Duration = Duration::from_millis(33);

/// Where the console's messages come from.
pub enum Source {
    /// A live broker.
    Broker {
        options: Box<rumqttc::MqttOptions>,
        session: Box<SessionOptions>,
        /// Journal files shown first (today's history); live messages wait
        /// until they are read.
        history: Vec<PathBuf>,
        /// The account's popup ledger: every popup is reserved there before
        /// it is published, so the 20 s rule holds across processes.
        popups: Option<PopupLedgerFile>,
        /// The profile's watch rules, applied by the intake.
        watch: Box<[crate::domain::watch::Rule]>,
    },
    /// Journals or `tail --json` captures (`wpconsole open`).
    Files(Vec<PathBuf>),
}

/// The journal the console starts with.
pub enum StartingJournal {
    /// None is kept (`--no-journal`, files opened offline).
    None,
    /// This console keeps the account's journal.
    Kept(Journal),
    /// Another console keeps it: this one tries its lock again every
    /// second and, once that console has ended, keeps the journal itself.
    KeptElsewhere(JournalConfig),
}

impl StartingJournal {
    /// The slot everyone appends through (the app told of the journal in
    /// it), and the journal waited for.
    fn start(self, app: &mut App) -> (JournalSlot, Option<JournalConfig>) {
        let (slot, waiting) = match self {
            Self::None => (JournalSlot::default(), None),
            Self::Kept(journal) => (JournalSlot::holding(Some(journal)), None),
            Self::KeptElsewhere(config) => (JournalSlot::default(), Some(config)),
        };
        if let Some(journal) = slot.journal() {
            update(app, Msg::JournalOpened(journal.stats.clone()));
        }
        (slot, waiting)
    }
}

/// Runs the console until the user quits, a signal ends it or the
/// terminal goes away. However it ends, the journal is flushed and closed
/// and the terminal given back ([`ConsoleTerminal`]).
pub async fn run(mut app: App, source: Source, journal: StartingJournal) -> anyhow::Result<()> {
    tracing::info!("console started against {}", app.header().broker);
    let (journal, mut waiting) = journal.start(&mut app);
    // Before the terminal is taken: a signal from then on ends the loop
    // instead of the process.
    let mut stop = Stop::new()?;
    // First, so that every later return, error or panic gives both back.
    let mut terminal = ConsoleTerminal::take(journal.clone())
        .map_err(|err| anyhow::anyhow!("cannot set up the terminal: {err}"))?;
    // Outcomes of work done off the UI thread (an export) come back here.
    let (results_tx, mut results) = mpsc::unbounded_channel::<Msg>();
    let popups = match &source {
        Source::Broker { popups, .. } => popups.clone(),
        Source::Files(_) => None,
    };
    let Sources {
        session,
        mut intake,
        mut connection,
        mut loader,
        no_replies,
    } = open_source(&mut app, source, &journal, &results_tx);

    let size = terminal.size();
    update(&mut app, Msg::Resize(size.width, size.height));

    let mut input = spawn_terminal_input()?;

    let mut frames = tokio::time::interval(FRAME);
    frames.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut shown_second = 0;
    let hooks = DrawHooks::from_env();

    let outcome = loop {
        tokio::select! {
            // Files first: live messages wait in their queue until the
            // history is read, so the log stays in arrival order.
            burst = next_burst(&mut loader), if loader.is_some() => {
                match burst {
                    Some(burst) => take_in(&mut app, burst),
                    None => loader = None,
                }
                dirty = true;
            }
            // While the files are read, the connection's state still
            // reaches the status bar (the events come again, in order,
            // with the bursts they were in).
            Some(event) = next_connection_state(&mut connection), if loader.is_some() => {
                update(&mut app, Msg::Session(event));
                dirty = true;
            }
            burst = intake.recv(), if session.is_some() && loader.is_none() => {
                let Some(burst) = burst else {
                    break Err(anyhow::anyhow!("the MQTT session ended unexpectedly"));
                };
                take_in(&mut app, burst);
                dirty = true;
            }
            terminal_event = input.recv() => {
                let msg = match terminal_msg(terminal_event) {
                    Ok(Some(msg)) => msg,
                    Ok(None) => continue,
                    Err(err) => break Err(err),
                };
                dirty = true;
                // The clock a key acts on is now, not the last tick: a
                // publish is stamped, logged and written in the popup
                // ledger at the moment it goes.
                update(&mut app, Msg::Tick(Utc::now()));
                if let Some(command) = update(&mut app, msg) {
                    if command == Command::Quit {
                        break Ok(());
                    }
                    let out = Outlet { session: session.as_ref(), popups: popups.as_ref(), journal: journal.journal().map(Arc::as_ref) };
                    carry_out(&mut app, &out, command, &results_tx);
                }
            }
            _ = frames.tick() => {
                let now = Utc::now();
                // A search or a filter's scan streams its hits in, and an
                // export is fed, at frame rate.
                if now.timestamp() != shown_second || app.log().busy() {
                    shown_second = now.timestamp();
                    update(&mut app, Msg::Tick(now));
                    hand_no_replies(&mut app, no_replies.as_ref());
                    look_around(&mut app, journal.journal().map(Arc::as_ref), popups.as_ref());
                    take_over(&mut app, &journal, &mut waiting);
                    dirty = true;
                }
                if dirty {
                    let drawn = draw(&mut terminal, &app, &hooks);
                    if let Err(err) = drawn {
                        break Err(anyhow::anyhow!(
                            "cannot draw on the terminal ({err}): it was probably closed"
                        ));
                    }
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

    terminal.release();
    match &outcome {
        Ok(()) => tracing::info!("console stopped"),
        Err(err) => tracing::error!("console stopped: {err}"),
    }
    if let Some(session) = session {
        session.shutdown().await;
    }
    outcome
}

/// Tracked messages that went unanswered, handed to the intake for the
/// watch rules it applies (dropped when no rule watches).
fn hand_no_replies(
    app: &mut App,
    to_intake: Option<&mpsc::UnboundedSender<crate::tui::intake::watching::NoReply>>,
) {
    for no_reply in app.take_no_replies() {
        if let Some(to_intake) = to_intake {
            let _ = to_intake.send(no_reply);
        }
    }
}

/// What a terminal event means to the console: a message, nothing (an
/// event it does not use), or the end (the terminal went away).
fn terminal_msg(event: Option<std::io::Result<Event>>) -> anyhow::Result<Option<Msg>> {
    match event {
        Some(Ok(Event::Key(key))) => Ok(Some(Msg::Key(key))),
        Some(Ok(Event::Mouse(mouse))) => Ok(Some(Msg::Mouse(mouse))),
        Some(Ok(Event::Resize(width, height))) => Ok(Some(Msg::Resize(width, height))),
        Some(Ok(Event::Paste(text))) => Ok(Some(Msg::Paste(text))),
        Some(Ok(_)) => Ok(None),
        Some(Err(err)) => Err(anyhow::anyhow!(
            "cannot read the terminal ({err}): it was probably closed"
        )),
        None => Err(anyhow::anyhow!("the terminal input stopped")),
    }
}

/// What a debug build's tests ask of the drawing: a panic in the middle
/// of a frame, frames made slow.
struct DrawHooks {
    panic_while_drawing: Option<String>,
    slow_frame: Option<Duration>,
}

impl DrawHooks {
    fn from_env() -> Self {
        Self {
            panic_while_drawing: provoked_panic().map(|payload| format!("{payload}-while-drawing")),
            slow_frame: slow_frame(),
        }
    }
}

/// Draws one frame. A debug build asked to (`WPCONSOLE_DEBUG_PANIC_ON`)
/// panics in the middle of it when the last message carries the payload;
/// asked to (`WPCONSOLE_DEBUG_SLOW_FRAME_MS`), it takes that long more.
fn draw(terminal: &mut ConsoleTerminal, app: &App, hooks: &DrawHooks) -> std::io::Result<()> {
    if let Some(slow) = hooks.slow_frame {
        std::thread::sleep(slow);
    }
    // Decided before the frame: drawing reads nothing from the history.
    let provoked = hooks.panic_while_drawing.as_deref().filter(|payload| {
        app.history()
            .last()
            .is_some_and(|last| last.payload == payload.as_bytes())
    });
    terminal.draw(|frame| {
        view(frame, app);
        if let Some(payload) = provoked {
            panic!(
                "WPCONSOLE_DEBUG_PANIC_ON: a panic provoked while drawing by the payload {payload}"
            );
        }
    })
}

/// Reads the terminal on a thread of its own (crossterm's `read` blocks).
/// A read error (the terminal went away) is handed over and ends the
/// reading.
fn spawn_terminal_input() -> std::io::Result<mpsc::Receiver<std::io::Result<Event>>> {
    let (input_tx, input) = mpsc::channel(1024);
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let event = event::read();
                let failed = event.is_err();
                if input_tx.blocking_send(event).is_err() || failed {
                    break;
                }
            }
        })?;
    Ok(input)
}

/// What changed outside the console: the journal's health, and popups
/// that other processes of the account (a `send`, another console) sent,
/// which count for the editor's countdown.
fn look_around(app: &mut App, journal: Option<&Journal>, popups: Option<&PopupLedgerFile>) {
    if let Some(journal) = journal {
        update(app, Msg::Journal(journal_state(journal)));
    }
    if let Some(popups) = popups {
        update(app, Msg::Popups(popups.read()));
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
        writing_again: journal
            .stats
            .writing_again
            .load(std::sync::atomic::Ordering::Relaxed),
    }
}

/// Tries the lock of the journal another console keeps; once that console
/// has ended, this one keeps the journal: what arrives and what it
/// publishes from then on is journaled (what arrived before is not: the
/// other console journaled it, or it is in the gap of at most about a
/// second between that console's end and this try).
fn take_over(app: &mut App, slot: &JournalSlot, waiting: &mut Option<JournalConfig>) {
    let Some(config) = waiting.as_ref() else {
        return;
    };
    match Journal::open(config.clone()) {
        Ok(journal) => {
            *waiting = None;
            // Taken after the lock: the other console has ended, so
            // nothing received from now on is in its journal.
            let Some(journal) = slot.fill(journal, Utc::now()) else {
                return;
            };
            update(app, Msg::JournalOpened(journal.stats.clone()));
            update(app, Msg::Journal(journal_state(journal)));
            update(
                app,
                Msg::Notice(
                    StatusLevel::Info,
                    "journal: this console keeps it now (the console that kept it ended)".into(),
                ),
            );
            tracing::info!("journal taken over: the console that kept it ended");
        }
        // Still kept, maybe by a console started since.
        Err(kept) => {
            let state = JournalState::KeptElsewhere(kept);
            if *app.journal() != state {
                update(app, Msg::Journal(state));
            }
        }
    }
}
