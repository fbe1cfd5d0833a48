//! The console's hold on the terminal and on the journal, and the one
//! place that gives both back: on `q` and Ctrl-C, on SIGTERM, SIGHUP and
//! SIGINT, when the terminal goes away under it (a closed window, a dropped
//! SSH connection: writes and reads fail), on an early return, and on a
//! panic in any thread or task.
//!
//! Giving back means, in this order: the journal writes every line it was
//! handed and stops (so every message the screen counted is on disk), then
//! mouse reporting and bracketed paste are switched off, the alternate
//! screen is left and raw mode is undone. It happens once, whichever path
//! comes first; the panic hook reaches it through process-wide state
//! because a panic can start on any thread.

use crate::store::journal::{Journal, JournalSlot};
use ratatui::Frame;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Size;
use std::io::{IsTerminal as _, Stdout};
use std::sync::{Arc, Mutex, MutexGuard, Once, TryLockError};
use std::time::{Duration, Instant};

/// The console was started where there is no terminal to draw on.
#[derive(Debug, thiserror::Error)]
#[error(
    "the console needs a terminal (standard input and output must both be one); for scripts, `wpconsole tail` prints what vehicles send and `wpconsole send` publishes, and `wpconsole demo --headless` runs the demo without a terminal"
)]
pub struct NoTerminal;

/// Refuses to open the console without a terminal, before anything
/// starts: drawing into a pipe or a file writes escape sequences there,
/// and raw mode cannot be set on it. Every entry point that opens the
/// console (`wpconsole`, `demo`, `open`) calls this first.
pub fn require_terminal() -> Result<(), NoTerminal> {
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        Ok(())
    } else {
        Err(NoTerminal)
    }
}

/// Whether the console holds the terminal. Locked for the whole of each
/// frame, so a panic on another thread gives the terminal back between
/// frames, never in the middle of one, and no frame follows.
static SCREEN: Mutex<bool> = Mutex::new(false);

/// The journal to close when the console ends: the slot, so that a journal
/// this console took over after it started is closed too. Locked only to
/// put it in and take it out, so the panic hook always gets it.
static JOURNAL: Mutex<Option<JournalSlot>> = Mutex::new(None);

/// The terminal as the console holds it: raw mode, the alternate screen,
/// mouse capture and bracketed paste, with the journal it must flush
/// before it lets go. Dropping it (or [`ConsoleTerminal::release`]) gives
/// everything back.
pub struct ConsoleTerminal {
    terminal: Option<ratatui::Terminal<CrosstermBackend<Stdout>>>,
}

impl ConsoleTerminal {
    /// Takes the terminal and the journal's slot (whichever journal is in
    /// it at the end is closed). If the terminal cannot be set up, what was
    /// set up is undone before the error is returned.
    pub fn take(journal: JournalSlot) -> std::io::Result<Self> {
        give_back_on_panic();
        *lock(&JOURNAL) = Some(journal);
        *lock(&SCREEN) = true;
        let mut console = Self { terminal: None };
        enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        console.terminal = Some(ratatui::Terminal::new(CrosstermBackend::new(
            std::io::stdout(),
        ))?);
        Ok(console)
    }

    /// The terminal's size.
    pub fn size(&self) -> Size {
        self.terminal
            .as_ref()
            .and_then(|t| t.size().ok())
            .unwrap_or_default()
    }

    /// Draws one frame, unless the terminal has been given back (a panic
    /// on another thread did it).
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> std::io::Result<()> {
        let held = lock(&SCREEN);
        let Some(terminal) = self.terminal.as_mut().filter(|_| *held) else {
            return Ok(());
        };
        // Synchronized updates: the terminal shows the frame whole. The
        // end is sent even when the frame failed, or the terminal would
        // hold back what comes next.
        execute!(std::io::stdout(), BeginSynchronizedUpdate)?;
        let drawn = terminal.draw(render).map(|_| ());
        let ended = execute!(std::io::stdout(), EndSynchronizedUpdate);
        drawn.and(ended)
    }

    /// Flushes and closes the journal, then gives the terminal back.
    pub fn release(self) {
        drop(self);
    }
}

impl Drop for ConsoleTerminal {
    fn drop(&mut self) {
        give_back(Duration::from_secs(60));
        if let Some(mut terminal) = self.terminal.take()
            && terminal.show_cursor().is_err()
        {
            // The terminal is gone: ratatui's own drop would try to show
            // the cursor again and report the failure on standard error,
            // which is the same dead terminal, and writing there panics.
            std::mem::forget(terminal);
        }
    }
}

/// Installs, once, a panic hook that gives everything back before the
/// panic is printed (and the program ends, see `cli::end_on_any_panic`).
fn give_back_on_panic() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // The panicking thread may be the journal's writer, or hold
            // the lock a frame is drawn under: wait a bounded time only.
            give_back(Duration::from_secs(5));
            previous(info);
        }));
    });
}

/// Closes the journal (every line handed to it is written) and gives the
/// terminal back, each at most once. Waits at most `patience` for the
/// journal, then for a frame being drawn to finish.
fn give_back(patience: Duration) {
    let slot = lock(&JOURNAL).take();
    if let Some(journal) = slot.as_ref().and_then(JournalSlot::journal) {
        close_within(journal, patience);
    }
    let deadline = Instant::now() + patience.min(Duration::from_millis(500));
    let held = loop {
        match SCREEN.try_lock() {
            Ok(held) => break Some(held),
            Err(TryLockError::Poisoned(poisoned)) => break Some(poisoned.into_inner()),
            // The panicking thread itself may be mid-frame; it will not
            // draw again, so past the deadline the terminal is restored
            // without the lock.
            Err(TryLockError::WouldBlock) if Instant::now() > deadline => break None,
            Err(TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    match held {
        Some(mut held) => {
            if std::mem::replace(&mut *held, false) {
                restore_terminal();
            }
        }
        None => restore_terminal(),
    }
}

/// Closes the journal on a thread of its own and waits at most
/// `patience`: a panic on the writer's own thread must not wait for
/// itself.
fn close_within(journal: &Arc<Journal>, patience: Duration) {
    let (done_tx, done) = std::sync::mpsc::channel();
    let closing = journal.clone();
    let closer = std::thread::Builder::new()
        .name("journal-close".into())
        .spawn(move || {
            closing.close();
            let _ = done_tx.send(());
        });
    match closer {
        Ok(_) => {
            let _ = done.recv_timeout(patience);
        }
        // No thread to spare: close it here, without the bound.
        Err(_) => journal.close(),
    }
}

/// Undoes what [`ConsoleTerminal::take`] did, each step on its own: on a
/// terminal that went away every write fails, and that is fine.
fn restore_terminal() {
    let mut out = std::io::stdout();
    // A panic in the middle of a frame leaves its synchronized update open.
    let _ = execute!(out, EndSynchronizedUpdate);
    let _ = execute!(out, DisableBracketedPaste);
    let _ = execute!(out, DisableMouseCapture);
    let _ = execute!(out, LeaveAlternateScreen);
    let _ = execute!(out, Show);
    let _ = disable_raw_mode();
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
