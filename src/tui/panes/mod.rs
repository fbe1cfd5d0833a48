//! The four panes. Each is a type with private state, a `handle` for the
//! actions of its scope, and a `render` that draws from that state and the
//! borrowed context it is given (the history, the theme, the clock).
//! Panes know nothing of `App`: it routes actions to the focused one and
//! acts on what they answer (a vehicle chosen, a notice, a command).

pub mod detail;
pub mod editor;
pub mod log;
pub mod vehicles;

use super::keys::Scope;

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Vehicles,
    Log,
    Detail,
    Editor,
}

impl Focus {
    const ORDER: [Focus; 4] = [Focus::Vehicles, Focus::Log, Focus::Detail, Focus::Editor];

    /// The key table's scope for this pane: the one place the mapping is
    /// made (dispatch, footer and help all ask here).
    pub fn scope(self) -> Scope {
        match self {
            Focus::Vehicles => Scope::Vehicles,
            Focus::Log => Scope::Log,
            Focus::Detail => Scope::Detail,
            Focus::Editor => Scope::Editor,
        }
    }

    /// The next pane (or the previous one) in focus order.
    #[must_use]
    pub fn step(self, forward: bool) -> Focus {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        let n = Self::ORDER.len();
        Self::ORDER[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// A short outcome for the status bar, told by a pane that did something
/// in the background or refused to (a search's summary, an export).
pub type Notice = (super::editor::StatusLevel, String);
