//! The console's keys as they are before any rebinding (`[keys]` in the
//! config file): every scope, the popups' included. Longer than 400 lines
//! because it is one table, a row of five fields per action and scope,
//! read top to bottom; it holds nothing else.

use super::{Action, Key, Row, Scope};
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

/// An upper-case letter: terminals report it with or without Shift.
const fn upper(c: char) -> [Key; 2] {
    [
        ch(c),
        Key {
            code: KeyCode::Char(c),
            modifiers: KeyModifiers::SHIFT,
        },
    ]
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::ALT,
    }
}

const G: [Key; 2] = upper('G');
const K: [Key; 2] = upper('K');
const T: [Key; 2] = upper('T');
const A: [Key; 2] = upper('A');
const C: [Key; 2] = upper('C');

/// Every key of the console.
pub const DEFAULTS: &[Row] = &[
    Row {
        scope: Scope::Always,
        keys: &[ctrl('c')],
        action: Action::Interrupt,
        hint: "",
        help: "quit from anywhere, a popup and the editor included",
    },
    Row {
        scope: Scope::LoginRefused,
        keys: &[ctrl('r')],
        action: Action::RetryLogin,
        hint: "retry login",
        help: "try the refused login once more (after fixing the password file or the account)",
    },
    Row {
        scope: Scope::Global,
        keys: &[ch('q')],
        action: Action::Quit,
        hint: "quit",
        help: "quit (not from inside the editor)",
    },
    Row {
        scope: Scope::Global,
        keys: &[ch('?')],
        action: Action::Help,
        hint: "help",
        help: "this help",
    },
    Row {
        scope: Scope::Everywhere,
        keys: &[plain(KeyCode::Tab)],
        action: Action::FocusNext,
        hint: "next pane",
        help: "focus the next pane, from the editor too (indent there with spaces)",
    },
    Row {
        scope: Scope::Everywhere,
        keys: &[
            plain(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                modifiers: KeyModifiers::SHIFT,
            },
        ],
        action: Action::FocusPrevious,
        hint: "",
        help: "focus the previous pane",
    },
    Row {
        scope: Scope::Global,
        keys: &[ch('e')],
        action: Action::FocusEditor,
        hint: "editor",
        help: "compose in the editor",
    },
    Row {
        scope: Scope::Global,
        keys: &[ch('t')],
        action: Action::Templates,
        hint: "templates",
        help: "pick a template for the editor",
    },
    Row {
        scope: Scope::Global,
        keys: &A,
        action: Action::ShowAlerts,
        hint: "alerts",
        help: "the Alerts pane: what the watch rules raised; an alert is open until acknowledged there (a silence, until its vehicle is back); open ones are counted in the status bar, ● on their vehicle",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "previous vehicle",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "",
        help: "next vehicle",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        hint: "select",
        help: "show only this vehicle's messages; make it the editor's target",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('/')],
        action: Action::Filter,
        hint: "filter",
        help: "filter vehicles by VIN or label",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[plain(KeyCode::Esc)],
        action: Action::ClearFilter,
        hint: "",
        help: "clear the vehicle filter",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch(' ')],
        action: Action::Mark,
        hint: "mark",
        help: "mark/unmark for a fleet publish (publishing then sends to every marked vehicle)",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('a')],
        action: Action::MarkAll,
        hint: "all",
        help: "mark every vehicle listed (as filtered) for a fleet publish",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('n')],
        action: Action::MarkNone,
        hint: "none",
        help: "unmark every vehicle",
    },
    Row {
        scope: Scope::Vehicles,
        keys: &[ch('s')],
        action: Action::ToggleSort,
        hint: "sort",
        help: "sort by last seen / by label",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "previous message (pauses follow)",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "",
        help: "next message",
    },
    Row {
        scope: Scope::Log,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Row {
        scope: Scope::Log,
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('g'), plain(KeyCode::Home)],
        action: Action::Top,
        hint: "",
        help: "first message",
    },
    Row {
        scope: Scope::Log,
        keys: &[G[0], G[1], plain(KeyCode::End)],
        action: Action::Bottom,
        hint: "",
        help: "last message, follow again",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('f')],
        action: Action::ToggleFollow,
        hint: "follow",
        help: "follow the newest message on/off",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('/')],
        action: Action::Filter,
        hint: "filter",
        help: "search all history: VIN, label, topic, kind, payload",
    },
    Row {
        scope: Scope::Log,
        keys: &[plain(KeyCode::Esc)],
        action: Action::ClearFilter,
        hint: "clear",
        help: "stop a search; clear the text, kind, then vehicle",
    },
    Row {
        scope: Scope::Log,
        keys: &K,
        action: Action::CycleKind,
        hint: "kind",
        help: "show one kind (content, text, ...), the next, all",
    },
    // The optional columns, numbered as they stand left to right.
    Row {
        scope: Scope::Log,
        keys: &[ch('1')],
        action: Action::ToggleLabelColumn,
        hint: "",
        help: "hide/show the label column (the vehicle's label or VIN)",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('2')],
        action: Action::ToggleKindColumn,
        hint: "",
        help: "hide/show the kind column",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('3')],
        action: Action::ToggleActionColumn,
        hint: "",
        help: "hide/show the action column",
    },
    Row {
        scope: Scope::Log,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        hint: "detail",
        help: "open the message in the detail pane",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('c')],
        action: Action::Copy,
        hint: "copy",
        help: "copy the raw payload (OSC 52 clipboard)",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('r')],
        action: Action::Reply,
        hint: "reply",
        help: "load the message into the editor",
    },
    Row {
        scope: Scope::Log,
        keys: &[ch('x')],
        action: Action::Export,
        hint: "export",
        help: "export the log as filtered to a .jsonl file here",
    },
    // After export: a narrow footer gives it up before reply.
    Row {
        scope: Scope::Log,
        keys: &T,
        action: Action::JumpToTime,
        hint: "time",
        help: "jump to a time: 14:03, yesterday 14:03, 2026-11-28 14:03",
    },
    Row {
        scope: Scope::Detail,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "scroll up",
    },
    Row {
        scope: Scope::Detail,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "",
        help: "scroll down",
    },
    Row {
        scope: Scope::Detail,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Row {
        scope: Scope::Detail,
        keys: &[plain(KeyCode::PageDown), ch(' ')],
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Row {
        scope: Scope::Detail,
        keys: &[ch('g'), plain(KeyCode::Home)],
        action: Action::Top,
        hint: "",
        help: "top",
    },
    Row {
        scope: Scope::Detail,
        keys: &[G[0], G[1], plain(KeyCode::End)],
        action: Action::Bottom,
        hint: "",
        help: "bottom",
    },
    Row {
        scope: Scope::Detail,
        keys: &[ch('c')],
        action: Action::Copy,
        hint: "copy",
        help: "copy the raw payload (OSC 52 clipboard)",
    },
    Row {
        scope: Scope::Detail,
        keys: &[ch('r')],
        action: Action::Reply,
        hint: "reply",
        help: "load the message into the editor",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('s')],
        action: Action::Publish,
        hint: "publish",
        help: "validate, size-check and publish to the target vehicle",
    },
    Row {
        scope: Scope::Editor,
        keys: &[plain(KeyCode::Esc)],
        action: Action::LeaveEditor,
        hint: "leave",
        help: "leave the editor (the text stays)",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('t')],
        action: Action::Templates,
        hint: "templates",
        help: "pick a template",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('e')],
        action: Action::JumpToError,
        hint: "next error",
        help: "move the cursor to the next error",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('g')],
        action: Action::ToggleTracking,
        hint: "tracking on/off",
        help: "stamp a tracking id into the next publishes and wait for the reply, or not (the meter follows)",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('p'), alt(KeyCode::Up)],
        action: Action::HistoryPrevious,
        hint: "history",
        help: "recall an earlier published payload",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('n'), alt(KeyCode::Down)],
        action: Action::HistoryNext,
        hint: "",
        help: "recall a later published payload; past the newest, your draft",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('u')],
        action: Action::Undo,
        hint: "",
        help: "undo the last edit; past the first, bring back the draft a template or a reply replaced",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('k')],
        action: Action::DeleteToLineEnd,
        hint: "",
        help: "delete to the end of the line",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('w'), alt(KeyCode::Backspace)],
        action: Action::DeleteWord,
        hint: "",
        help: "delete the word before the cursor",
    },
    Row {
        scope: Scope::Editor,
        keys: &[ctrl('y')],
        action: Action::PasteDeleted,
        hint: "",
        help: "paste what was deleted last",
    },
    // The popups: each is a scope of its own, and only its keys (and
    // the interrupt) work while it is open.
    Row {
        scope: Scope::Help,
        keys: &[plain(KeyCode::Esc), ch('?'), ch('q'), plain(KeyCode::Enter)],
        action: Action::Close,
        hint: "close",
        help: "close this help",
    },
    Row {
        scope: Scope::Help,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "scroll up",
    },
    Row {
        scope: Scope::Help,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "scroll",
        help: "scroll down",
    },
    Row {
        scope: Scope::Help,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Row {
        scope: Scope::Help,
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Row {
        scope: Scope::Help,
        keys: &[ch('g'), plain(KeyCode::Home)],
        action: Action::Top,
        hint: "",
        help: "top",
    },
    Row {
        scope: Scope::Help,
        keys: &[G[0], G[1], plain(KeyCode::End)],
        action: Action::Bottom,
        hint: "",
        help: "bottom",
    },
    Row {
        scope: Scope::Templates,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "previous template",
    },
    Row {
        scope: Scope::Templates,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "",
        help: "next template",
    },
    Row {
        scope: Scope::Templates,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        hint: "loads",
        help: "load the template into the editor",
    },
    Row {
        scope: Scope::Templates,
        keys: &[plain(KeyCode::Esc)],
        action: Action::Close,
        hint: "cancels",
        help: "close the list; the editor keeps its text",
    },
    Row {
        scope: Scope::Confirm,
        keys: &[ch('y')],
        action: Action::Confirm,
        hint: "publishes",
        help: "publish",
    },
    Row {
        scope: Scope::Confirm,
        keys: &[ch('n'), plain(KeyCode::Esc)],
        action: Action::Cancel,
        hint: "cancels",
        help: "do not publish (any key not bound here cancels too)",
    },
    Row {
        scope: Scope::FleetConfirm,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "scroll the list of vehicles up",
    },
    Row {
        scope: Scope::FleetConfirm,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "scroll",
        help: "scroll the list of vehicles down",
    },
    Row {
        scope: Scope::FleetConfirm,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Row {
        scope: Scope::FleetConfirm,
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Row {
        scope: Scope::FilterPrompt,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Accept,
        hint: "keeps it",
        help: "keep the filter and stop typing",
    },
    Row {
        scope: Scope::FilterPrompt,
        keys: &[plain(KeyCode::Esc)],
        action: Action::ClearFilter,
        hint: "clears it",
        help: "clear the filter and stop typing",
    },
    Row {
        scope: Scope::FilterPrompt,
        keys: &[plain(KeyCode::Backspace)],
        action: Action::DeleteBack,
        hint: "deletes",
        help: "delete the last character",
    },
    Row {
        scope: Scope::TimePrompt,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Accept,
        hint: "jumps",
        help: "jump to the first message at or after the time typed",
    },
    Row {
        scope: Scope::TimePrompt,
        keys: &[plain(KeyCode::Esc)],
        action: Action::Close,
        hint: "closes",
        help: "close without jumping",
    },
    Row {
        scope: Scope::TimePrompt,
        keys: &[plain(KeyCode::Backspace)],
        action: Action::DeleteBack,
        hint: "deletes",
        help: "delete the last character",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::Up,
        hint: "",
        help: "newer alert",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::Down,
        hint: "",
        help: "older alert",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[ch('g'), plain(KeyCode::Home)],
        action: Action::Top,
        hint: "",
        help: "the newest alert",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[G[0], G[1], plain(KeyCode::End)],
        action: Action::Bottom,
        hint: "",
        help: "the oldest alert",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[plain(KeyCode::Enter)],
        action: Action::Select,
        hint: "show message",
        help: "show the message that raised the alert in the log (the pane closes)",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[ch('a')],
        action: Action::Acknowledge,
        hint: "acknowledge",
        help: "acknowledge the alert: it is no longer open (no badge, not counted), and stays listed dimmed",
    },
    Row {
        scope: Scope::Alerts,
        keys: &C,
        action: Action::AcknowledgeAll,
        hint: "acknowledge all",
        help: "acknowledge every open alert",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[ch('?')],
        action: Action::Help,
        hint: "help",
        help: "this help",
    },
    Row {
        scope: Scope::Alerts,
        keys: &[plain(KeyCode::Esc), A[0], A[1], ch('q')],
        action: Action::Close,
        hint: "close",
        help: "close the Alerts pane",
    },
];
