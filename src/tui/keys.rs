//! The one key table: it drives dispatch, the footer hints and the `?`
//! help popup, so a key exists in exactly one place.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere, the editor included.
    Everywhere,
    /// Everywhere except inside the editor, where letters are text.
    Global,
    Vehicles,
    Log,
    Detail,
    Editor,
    /// While the broker refuses the login, in every pane (the editor too).
    LoginRefused,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Self::Everywhere | Self::Global => "Global",
            Self::Vehicles => "Vehicles",
            Self::Log => "Log",
            Self::Detail => "Detail",
            Self::Editor => "Editor",
            Self::LoginRefused => "Login refused",
        }
    }
}

/// What a key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    FocusNext,
    FocusPrevious,
    FocusEditor,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Select,
    Filter,
    ClearFilter,
    CycleKind,
    ToggleLabelColumn,
    ToggleKindColumn,
    ToggleActionColumn,
    Mark,
    MarkAll,
    MarkNone,
    ToggleSort,
    ToggleFollow,
    Copy,
    Reply,
    Export,
    Templates,
    Publish,
    LeaveEditor,
    JumpToError,
    ToggleTracking,
    HistoryPrevious,
    HistoryNext,
    RetryLogin,
}

/// One key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
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

/// A row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    /// How the keys are written in hints and help.
    pub keys_label: &'static str,
    pub action: Action,
    /// Short, for the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// What the help popup says.
    pub help: &'static str,
}

/// Every key of the console.
pub const BINDINGS: &[Binding] = &[
    Binding {
        scope: Scope::LoginRefused,
        keys: &[ctrl('r')],
        keys_label: "Ctrl-R",
        action: Action::RetryLogin,
        hint: "retry login",
        help: "try the refused login once more (after fixing the password or the account)",
    },
    Binding {
        scope: Scope::Global,
        keys: &[ch('q')],
        keys_label: "q",
        action: Action::Quit,
        hint: "quit",
        help: "quit (not from inside the editor)",
    },
    Binding {
        scope: Scope::Global,
        keys: &[ch('?')],
        keys_label: "?",
        action: Action::Help,
        hint: "help",
        help: "this help",
    },
    Binding {
        scope: Scope::Everywhere,
        keys: &[plain(KeyCode::Tab)],
        keys_label: "Tab",
        action: Action::FocusNext,
        hint: "next pane",
        help: "focus the next pane (in the editor too: indent with spaces)",
    },
    Binding {
        scope: Scope::Everywhere,
        keys: &[
            plain(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                modifiers: KeyModifiers::SHIFT,
            },
        ],
        keys_label: "Shift-Tab",
        action: Action::FocusPrevious,
        hint: "",
        help: "focus the previous pane",
    },
    Binding {
        scope: Scope::Global,
        keys: &[ch('e')],
        keys_label: "e",
        action: Action::FocusEditor,
        hint: "editor",
        help: "compose in the editor",
    },
    Binding {
        scope: Scope::Global,
        keys: &[ch('t')],
        keys_label: "t",
        action: Action::Templates,
        hint: "templates",
        help: "pick a template for the editor",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('k'), plain(KeyCode::Up)],
        keys_label: "k/↑",
        action: Action::Up,
        hint: "",
        help: "previous vehicle",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('j'), plain(KeyCode::Down)],
        keys_label: "j/↓",
        action: Action::Down,
        hint: "",
        help: "next vehicle",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[plain(KeyCode::Enter)],
        keys_label: "Enter",
        action: Action::Select,
        hint: "select",
        help: "show only this vehicle's messages; make it the editor's target",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('/')],
        keys_label: "/",
        action: Action::Filter,
        hint: "filter",
        help: "filter vehicles by VIN or label",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[plain(KeyCode::Esc)],
        keys_label: "Esc",
        action: Action::ClearFilter,
        hint: "",
        help: "clear the vehicle filter",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch(' ')],
        keys_label: "Space",
        action: Action::Mark,
        hint: "mark",
        help: "mark/unmark for a fleet publish (Ctrl-S sends to all marked)",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('a')],
        keys_label: "a",
        action: Action::MarkAll,
        hint: "all",
        help: "mark every vehicle listed (as filtered) for a fleet publish",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('n')],
        keys_label: "n",
        action: Action::MarkNone,
        hint: "none",
        help: "unmark every vehicle",
    },
    Binding {
        scope: Scope::Vehicles,
        keys: &[ch('s')],
        keys_label: "s",
        action: Action::ToggleSort,
        hint: "sort",
        help: "sort by last seen / by label",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('k'), plain(KeyCode::Up)],
        keys_label: "k/↑",
        action: Action::Up,
        hint: "",
        help: "previous message (pauses follow)",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('j'), plain(KeyCode::Down)],
        keys_label: "j/↓",
        action: Action::Down,
        hint: "",
        help: "next message",
    },
    Binding {
        scope: Scope::Log,
        keys: &[plain(KeyCode::PageUp)],
        keys_label: "PgUp",
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Binding {
        scope: Scope::Log,
        keys: &[plain(KeyCode::PageDown)],
        keys_label: "PgDn",
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('g'), plain(KeyCode::Home)],
        keys_label: "g/Home",
        action: Action::Top,
        hint: "",
        help: "first message",
    },
    Binding {
        scope: Scope::Log,
        keys: &[
            ch('G'),
            Key {
                code: KeyCode::Char('G'),
                modifiers: KeyModifiers::SHIFT,
            },
            plain(KeyCode::End),
        ],
        keys_label: "G/End",
        action: Action::Bottom,
        hint: "",
        help: "last message, follow again",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('f')],
        keys_label: "f",
        action: Action::ToggleFollow,
        hint: "follow",
        help: "follow the newest message on/off",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('/')],
        keys_label: "/",
        action: Action::Filter,
        hint: "filter",
        help: "search all history: VIN, label, topic, kind, payload",
    },
    Binding {
        scope: Scope::Log,
        keys: &[plain(KeyCode::Esc)],
        keys_label: "Esc",
        action: Action::ClearFilter,
        hint: "clear",
        help: "stop a search; clear the text, kind, then vehicle",
    },
    Binding {
        scope: Scope::Log,
        keys: &[
            ch('K'),
            Key {
                code: KeyCode::Char('K'),
                modifiers: KeyModifiers::SHIFT,
            },
        ],
        keys_label: "K",
        action: Action::CycleKind,
        hint: "kind",
        help: "show one kind (content, text, ...), the next, all",
    },
    // The optional columns, numbered as they stand left to right.
    Binding {
        scope: Scope::Log,
        keys: &[ch('1')],
        keys_label: "1",
        action: Action::ToggleLabelColumn,
        hint: "",
        help: "hide/show the label column (the vehicle's label or VIN)",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('2')],
        keys_label: "2",
        action: Action::ToggleKindColumn,
        hint: "",
        help: "hide/show the kind column",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('3')],
        keys_label: "3",
        action: Action::ToggleActionColumn,
        hint: "",
        help: "hide/show the action column",
    },
    Binding {
        scope: Scope::Log,
        keys: &[plain(KeyCode::Enter)],
        keys_label: "Enter",
        action: Action::Select,
        hint: "detail",
        help: "open the message in the detail pane",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('c')],
        keys_label: "c",
        action: Action::Copy,
        hint: "copy",
        help: "copy the raw payload (OSC 52 clipboard)",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('r')],
        keys_label: "r",
        action: Action::Reply,
        hint: "reply",
        help: "load the message into the editor",
    },
    Binding {
        scope: Scope::Log,
        keys: &[ch('x')],
        keys_label: "x",
        action: Action::Export,
        hint: "export",
        help: "export the log as filtered to a .jsonl file here",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[ch('k'), plain(KeyCode::Up)],
        keys_label: "k/↑",
        action: Action::Up,
        hint: "",
        help: "scroll up",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[ch('j'), plain(KeyCode::Down)],
        keys_label: "j/↓",
        action: Action::Down,
        hint: "",
        help: "scroll down",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[plain(KeyCode::PageUp)],
        keys_label: "PgUp",
        action: Action::PageUp,
        hint: "",
        help: "a page up",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[plain(KeyCode::PageDown), ch(' ')],
        keys_label: "PgDn/Space",
        action: Action::PageDown,
        hint: "",
        help: "a page down",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[ch('g'), plain(KeyCode::Home)],
        keys_label: "g/Home",
        action: Action::Top,
        hint: "",
        help: "top",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[
            ch('G'),
            Key {
                code: KeyCode::Char('G'),
                modifiers: KeyModifiers::SHIFT,
            },
            plain(KeyCode::End),
        ],
        keys_label: "G/End",
        action: Action::Bottom,
        hint: "",
        help: "bottom",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[ch('c')],
        keys_label: "c",
        action: Action::Copy,
        hint: "copy",
        help: "copy the raw payload (OSC 52 clipboard)",
    },
    Binding {
        scope: Scope::Detail,
        keys: &[ch('r')],
        keys_label: "r",
        action: Action::Reply,
        hint: "reply",
        help: "load the message into the editor",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('s')],
        keys_label: "Ctrl-S",
        action: Action::Publish,
        hint: "publish",
        help: "validate, size-check and publish to the target vehicle",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[plain(KeyCode::Esc)],
        keys_label: "Esc",
        action: Action::LeaveEditor,
        hint: "leave",
        help: "leave the editor (the text stays)",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('t')],
        keys_label: "Ctrl-T",
        action: Action::Templates,
        hint: "templates",
        help: "pick a template",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('e')],
        keys_label: "Ctrl-E",
        action: Action::JumpToError,
        hint: "next error",
        help: "move the cursor to the next error",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('g')],
        keys_label: "Ctrl-G",
        action: Action::ToggleTracking,
        hint: "tracking on/off",
        help: "stamp a tracking id into the next publishes and wait for the reply, or not (the meter follows)",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('p'), alt(KeyCode::Up)],
        keys_label: "Ctrl-P/Alt-↑",
        action: Action::HistoryPrevious,
        hint: "history",
        help: "recall an earlier published payload",
    },
    Binding {
        scope: Scope::Editor,
        keys: &[ctrl('n'), alt(KeyCode::Down)],
        keys_label: "Ctrl-N/Alt-↓",
        action: Action::HistoryNext,
        hint: "",
        help: "recall a later published payload",
    },
];

/// The action of `key` in `scope` (global keys apply outside the editor).
pub fn action_for(scope: Scope, key: &KeyEvent) -> Option<Action> {
    let pressed = Key {
        code: key.code,
        modifiers: key.modifiers,
    };
    let in_scope = |binding: &&Binding| applies(binding.scope, scope);
    BINDINGS
        .iter()
        .filter(in_scope)
        .find(|binding| binding.keys.contains(&pressed))
        .map(|binding| binding.action)
}

/// Whether a binding of `binding` scope works when `focused` has focus.
fn applies(binding: Scope, focused: Scope) -> bool {
    // The login-refused keys are a table of their own, asked for besides
    // the focused pane's (global keys are not theirs to repeat).
    if focused == Scope::LoginRefused {
        return binding == focused;
    }
    binding == focused
        || binding == Scope::Everywhere
        || (binding == Scope::Global && focused != Scope::Editor)
}

/// What the console can do now, for what the footer and help offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offer {
    /// The publishing rules are read-only (or there is no broker): no
    /// key that publishes is offered.
    pub read_only: bool,
}

impl Offer {
    /// Whether `binding` is worth offering: publishing, and marking for a
    /// fleet publish, are not when nothing can be published.
    fn offers(self, binding: &Binding) -> bool {
        let publishing = matches!(
            binding.action,
            Action::Publish | Action::Mark | Action::MarkAll | Action::MarkNone
        );
        !(self.read_only && publishing)
    }
}

/// The footer: the focused pane's hints first, then the global ones.
pub fn hints(scope: Scope, offer: Offer) -> Vec<(&'static str, &'static str)> {
    let own = BINDINGS.iter().filter(|b| b.scope == scope);
    let shared = BINDINGS
        .iter()
        .filter(|b| b.scope != scope && applies(b.scope, scope));
    own.chain(shared)
        .filter(|b| !b.hint.is_empty() && offer.offers(b))
        .map(|b| (b.keys_label, b.hint))
        .collect()
}

/// The help popup's rows: every key that works in the focused pane.
pub fn help_rows(scope: Scope, offer: Offer) -> Vec<&'static Binding> {
    BINDINGS
        .iter()
        .filter(|b| applies(b.scope, scope) && offer.offers(b))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn q_quits_everywhere_but_in_the_editor() {
        let q = key(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(action_for(Scope::Log, &q), Some(Action::Quit));
        assert_eq!(action_for(Scope::Vehicles, &q), Some(Action::Quit));
        assert_eq!(action_for(Scope::Editor, &q), None);
    }

    #[test]
    fn pane_keys_win_over_nothing_and_differ_by_pane() {
        let slash = key(KeyCode::Char('/'), KeyModifiers::NONE);
        assert_eq!(action_for(Scope::Log, &slash), Some(Action::Filter));
        let enter = key(KeyCode::Enter, KeyModifiers::NONE);
        assert_eq!(action_for(Scope::Vehicles, &enter), Some(Action::Select));
        assert_eq!(
            action_for(
                Scope::Editor,
                &key(KeyCode::Char('s'), KeyModifiers::CONTROL)
            ),
            Some(Action::Publish)
        );
    }

    #[test]
    fn no_key_means_two_things_in_one_scope() {
        for scope in [Scope::Vehicles, Scope::Log, Scope::Detail, Scope::Editor] {
            let visible = help_rows(scope, Offer::default());
            for (i, a) in visible.iter().enumerate() {
                for b in &visible[i + 1..] {
                    for k in a.keys {
                        assert!(!b.keys.contains(k), "{k:?} is bound twice in {scope:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_retry_key_works_only_while_the_login_is_refused_and_takes_no_pane_key() {
        let ctrl_r = key(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for(Scope::LoginRefused, &ctrl_r),
            Some(Action::RetryLogin)
        );
        for scope in [Scope::Vehicles, Scope::Log, Scope::Detail, Scope::Editor] {
            assert_eq!(action_for(scope, &ctrl_r), None, "{scope:?}");
            assert!(!hints(scope, Offer::default()).contains(&("Ctrl-R", "retry login")));
        }
        assert_eq!(
            hints(Scope::LoginRefused, Offer::default()),
            [("Ctrl-R", "retry login")]
        );
    }

    #[test]
    fn footer_and_help_come_from_the_same_table() {
        let hints = hints(Scope::Editor, Offer::default());
        assert!(hints.contains(&("Ctrl-S", "publish")));
        assert!(
            !hints.iter().any(|(_, h)| *h == "quit"),
            "q is a letter in the editor"
        );
        let read_only = Offer { read_only: true };
        assert!(
            !super::hints(Scope::Editor, read_only).contains(&("Ctrl-S", "publish")),
            "a read-only console offers no publishing"
        );
        assert!(
            !help_rows(Scope::Editor, read_only)
                .iter()
                .any(|b| b.action == Action::Publish)
        );
        let help = help_rows(Scope::Log, Offer::default());
        assert!(help.iter().any(|b| b.action == Action::ToggleFollow));
        assert!(help.iter().any(|b| b.action == Action::Quit));
    }
}
