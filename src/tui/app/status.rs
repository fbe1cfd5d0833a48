//! What the title and status bars tell about the console's surroundings:
//! the connection, where it is connected, whose history is shown, the
//! journal.

/// The connection as the status bar tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    Connecting,
    Connected,
    Reconnecting {
        attempt: u32,
        reason: String,
    },
    /// The broker refused the login: no attempt is made until the user
    /// asks (the retry key); `reason` names where the password came from.
    LoginRefused {
        reason: String,
    },
    /// `wpconsole open`: files, no broker (reading them while
    /// [`App::progress`] is set).
    Offline,
}

/// What the title bar says about where the console is connected.
#[derive(Debug, Clone)]
pub struct Header {
    pub profile: Option<String>,
    pub broker: String,
    pub demo: bool,
    pub uid: String,
    /// `--insecure`: the broker's certificate is not verified.
    pub insecure: bool,
    /// Whose history is on the screen.
    pub history_of: HistoryOf,
}

impl Header {
    /// The title follows the journal: the console that kept it elsewhere
    /// may have changed (a console started since), or this one keeps it
    /// now (the one that kept it ended).
    pub(super) fn journal_now(&mut self, state: &JournalState) {
        let HistoryOf::KeptElsewhere(account, kept) = &mut self.history_of else {
            return;
        };
        match state {
            JournalState::KeptElsewhere(now) => now.clone_into(kept),
            JournalState::Writing { .. } => {
                self.history_of = HistoryOf::Journal(account.clone());
            }
            JournalState::Off => {}
        }
    }
}

/// Whose history the console shows, for the title bar: one account's
/// history is its own, and the screen says whose it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum HistoryOf {
    /// Not said (the title names the UID only).
    #[default]
    Unnamed,
    /// The journal of the account the console is connected to: what it
    /// starts with and what it writes.
    Journal(crate::account::Account),
    /// The account the console is connected to, keeping no journal.
    NoJournal(crate::account::Account),
    /// The journal of the account the console is connected to, written by
    /// another console: this one starts with its history and writes none.
    KeptElsewhere(
        crate::account::Account,
        crate::store::journal::KeptElsewhere,
    ),
    /// Files opened offline, with the accounts their directories name
    /// (the per-account layout); the UIDs of their records are in
    /// `History::accounts` as they are read.
    Files(Vec<crate::account::Account>),
}

/// The journal as the status bar tells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum JournalState {
    /// `--no-journal`.
    #[default]
    Off,
    Writing {
        dir: String,
        /// Lines that could not be written.
        unwritten: u64,
        error: Option<String>,
        /// Lines were written since the error: it is over.
        writing_again: bool,
    },
    /// Another console on the account writes its journal: this one writes
    /// none (one writer per journal).
    KeptElsewhere(crate::store::journal::KeptElsewhere),
}
