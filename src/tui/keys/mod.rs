//! The one key table: it drives dispatch, the footer hints and the `?`
//! help popup, for the panes and the popups alike, and every key label on
//! the screen is written from the keys bound, so a rebinding (`[keys]` in
//! the config file, see [`rebind`]) shows wherever the key is named.

mod defaults;
mod names;
pub mod rebind;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In every pane and every popup: the way out.
    Always,
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
    /// The `?` help popup.
    Help,
    /// The list of templates.
    Templates,
    /// A question before publishing (production, fleet).
    Confirm,
    /// The fleet publish's question, which also scrolls its list.
    FleetConfirm,
    /// Typing a filter: letters are text.
    FilterPrompt,
    /// Typing the time the log jumps to (`T`): letters are text.
    TimePrompt,
    /// The Alerts pane (`A`), over the others while it is up.
    Alerts,
    /// Typing the log's jq filter (`|`): letters are text.
    JqPrompt,
    /// Typing the name of a watch rule made of the log's filter (`W`).
    RuleNamePrompt,
}

impl Scope {
    /// Every scope, for the config file's names.
    pub const ALL: [Scope; 17] = [
        Scope::Always,
        Scope::Everywhere,
        Scope::Global,
        Scope::Vehicles,
        Scope::Log,
        Scope::Detail,
        Scope::Editor,
        Scope::LoginRefused,
        Scope::Help,
        Scope::Templates,
        Scope::Confirm,
        Scope::FleetConfirm,
        Scope::FilterPrompt,
        Scope::TimePrompt,
        Scope::Alerts,
        Scope::JqPrompt,
        Scope::RuleNamePrompt,
    ];

    /// The heading the help gives the scope's keys.
    pub fn title(self) -> &'static str {
        match self {
            Self::Always | Self::Everywhere | Self::Global => "Global",
            Self::Vehicles => "Vehicles",
            Self::Log => "Log",
            Self::Detail => "Detail",
            Self::Editor => "Editor",
            Self::LoginRefused => "Login refused",
            Self::Help => "Help",
            Self::Templates => "Templates",
            Self::Confirm => "Confirmation",
            Self::FleetConfirm => "Fleet confirmation",
            Self::FilterPrompt => "Filter prompt",
            Self::TimePrompt => "Time prompt",
            Self::Alerts => "Alerts",
            Self::RuleNamePrompt => "Rule name prompt",
            Self::JqPrompt => "jq prompt",
        }
    }

    /// The scope's name in the config file (`[keys.editor]`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Everywhere => "everywhere",
            Self::Global => "global",
            Self::Vehicles => "vehicles",
            Self::Log => "log",
            Self::Detail => "detail",
            Self::Editor => "editor",
            Self::LoginRefused => "login-refused",
            Self::Help => "help",
            Self::Templates => "template-list",
            Self::Confirm => "confirm",
            Self::FleetConfirm => "fleet-confirm",
            Self::FilterPrompt => "filter-prompt",
            Self::TimePrompt => "time-prompt",
            Self::Alerts => "alerts",
            Self::RuleNamePrompt => "rule-name-prompt",
            Self::JqPrompt => "jq-prompt",
        }
    }

    /// Scopes where a key without Ctrl or Alt is text being typed.
    fn types_text(self) -> bool {
        matches!(
            self,
            Self::Editor
                | Self::FilterPrompt
                | Self::TimePrompt
                | Self::JqPrompt
                | Self::RuleNamePrompt
        )
    }

    /// A popup's scope: only its own keys (and [`Scope::Always`]) work.
    fn is_popup(self) -> bool {
        matches!(
            self,
            Self::Help
                | Self::Templates
                | Self::Confirm
                | Self::FleetConfirm
                | Self::FilterPrompt
                | Self::TimePrompt
                | Self::Alerts
                | Self::JqPrompt
                | Self::RuleNamePrompt
        )
    }
}

macro_rules! actions {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// What a key does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            /// Every action, for the config file's names.
            pub const ALL: &[Action] = &[$(Action::$variant,)*];

            /// The action's name in the config file (`[keys]`).
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

actions! {
    Quit = "quit",
    /// Ctrl-C: quits from anywhere.
    Interrupt = "interrupt",
    Help = "help",
    FocusNext = "focus-next",
    FocusPrevious = "focus-previous",
    FocusEditor = "focus-editor",
    Up = "up",
    Down = "down",
    PageUp = "page-up",
    PageDown = "page-down",
    Top = "top",
    Bottom = "bottom",
    Select = "select",
    Filter = "filter",
    ClearFilter = "clear-filter",
    CycleKind = "cycle-kind",
    /// Opens the prompt for a time the log jumps to.
    JumpToTime = "jump-to-time",
    /// Opens the prompt for the log's jq filter.
    JqFilter = "jq-filter",
    ToggleLabelColumn = "toggle-label-column",
    ToggleKindColumn = "toggle-kind-column",
    ToggleActionColumn = "toggle-action-column",
    Mark = "mark",
    MarkAll = "mark-all",
    MarkNone = "mark-none",
    ToggleSort = "toggle-sort",
    ToggleFollow = "toggle-follow",
    Copy = "copy",
    Reply = "reply",
    Export = "export",
    Templates = "templates",
    Publish = "publish",
    LeaveEditor = "leave-editor",
    JumpToError = "jump-to-error",
    ToggleTracking = "toggle-tracking",
    HistoryPrevious = "history-previous",
    HistoryNext = "history-next",
    /// Undoes the last edit in the editor; past the first, brings back
    /// the draft a template or a reply replaced.
    Undo = "undo",
    /// Deletes from the editor's cursor to the end of its line.
    DeleteToLineEnd = "delete-to-line-end",
    /// Deletes the word before the editor's cursor.
    DeleteWord = "delete-word",
    /// Pastes what the editor last deleted.
    PasteDeleted = "paste-deleted",
    RetryLogin = "retry-login",
    /// Closes a popup.
    Close = "close",
    /// Answers a confirmation yes.
    Confirm = "confirm",
    /// Answers a confirmation no.
    Cancel = "cancel",
    /// Keeps the filter typed and leaves the prompt.
    Accept = "accept",
    /// Deletes the character before the prompt's cursor.
    DeleteBack = "delete-back",
    /// Puts the Alerts pane up (or down).
    ShowAlerts = "show-alerts",
    /// Acknowledges the alert under the cursor.
    Acknowledge = "acknowledge",
    /// Acknowledges every open alert.
    AcknowledgeAll = "acknowledge-all",
    /// Turns the log's filter in force into a watch rule of the profile.
    SaveRule = "save-rule",
}

/// One key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// How the key is written on the screen and in the config file:
    /// `q`, `Ctrl-S`, `Alt-↑`, `PgDn`, `Space`.
    pub fn label(self) -> String {
        names::label(self)
    }

    /// Whether the key, in a scope where letters are text, would be typed.
    fn is_text(self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }
}

/// A row of the default table.
#[derive(Debug, Clone, Copy)]
struct Row {
    scope: Scope,
    keys: &'static [Key],
    action: Action,
    hint: &'static str,
    help: &'static str,
}

/// A row of the key table: the keys bound to an action in a scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub scope: Scope,
    pub keys: Vec<Key>,
    pub action: Action,
    /// Short, for the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// What the help popup says.
    pub help: &'static str,
}

impl Binding {
    /// The keys as hints and help write them: `k/↑`, `G/End`.
    pub fn label(&self) -> String {
        let mut labels: Vec<String> = Vec::new();
        for key in &self.keys {
            let label = key.label();
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
        labels.join("/")
    }
}

/// Every key of the console: the defaults, with the config file's
/// rebindings applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyTable {
    bindings: Vec<Binding>,
}

impl Default for KeyTable {
    fn default() -> Self {
        Self {
            bindings: defaults::DEFAULTS
                .iter()
                .map(|row| Binding {
                    scope: row.scope,
                    keys: row.keys.to_vec(),
                    action: row.action,
                    hint: row.hint,
                    help: row.help,
                })
                .collect(),
        }
    }
}

impl KeyTable {
    /// Every row, in the table's order.
    pub fn bindings(&self) -> &[Binding] {
        &self.bindings
    }

    /// The action of `key` in `scope` (global keys apply outside the
    /// editor, none but a popup's own in a popup).
    pub fn action_for(&self, scope: Scope, key: &KeyEvent) -> Option<Action> {
        let pressed = Key {
            code: key.code,
            modifiers: key.modifiers,
        };
        self.bindings
            .iter()
            .filter(|binding| applies(binding.scope, scope))
            .find(|binding| binding.keys.contains(&pressed))
            .map(|binding| binding.action)
    }

    /// The row for `action` in exactly `scope`.
    pub fn binding(&self, scope: Scope, action: Action) -> Option<&Binding> {
        self.bindings
            .iter()
            .find(|b| b.scope == scope && b.action == action)
    }

    /// How the keys of `action` in `scope` (or a scope that applies
    /// there) are written: `Esc/?/q/Enter`.
    pub fn label(&self, scope: Scope, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action && applies(b.scope, scope))
            .map(Binding::label)
            .unwrap_or_default()
    }

    /// The first key of `action` in `scope`, for a hint inside a
    /// sentence ("G or f to follow"); empty when none is bound.
    pub fn first_label(&self, scope: Scope, action: Action) -> String {
        self.bindings
            .iter()
            .find(|b| b.action == action && applies(b.scope, scope))
            .and_then(|b| b.keys.first())
            .map(|key| key.label())
            .unwrap_or_default()
    }

    /// The footer: the focused pane's (or popup's) hints first, then the
    /// shared ones.
    pub fn hints(&self, scope: Scope, offer: Offer) -> Vec<(String, &'static str)> {
        let own = self.bindings.iter().filter(|b| b.scope == scope);
        let shared = self
            .bindings
            .iter()
            .filter(|b| b.scope != scope && applies(b.scope, scope));
        own.chain(shared)
            .filter(|b| !b.hint.is_empty() && offer.offers(b))
            .map(|b| (b.label(), b.hint))
            .collect()
    }

    /// The help popup's rows: every key that works in the focused pane
    /// (the interrupt is said on the help's closing line).
    pub fn help_rows(&self, scope: Scope, offer: Offer) -> Vec<&Binding> {
        self.bindings
            .iter()
            .filter(|b| b.scope != Scope::Always || scope == Scope::Always)
            .filter(|b| applies(b.scope, scope) && offer.offers(b))
            .collect()
    }
}

/// Whether a binding of `binding` scope works when `focused` has focus.
fn applies(binding: Scope, focused: Scope) -> bool {
    if binding == focused {
        return true;
    }
    // The login-refused keys are a table of their own, asked for besides
    // the focused pane's (global keys are not theirs to repeat).
    if focused == Scope::LoginRefused {
        return false;
    }
    if binding == Scope::Always {
        return true;
    }
    if focused.is_popup() {
        return focused == Scope::FleetConfirm && binding == Scope::Confirm;
    }
    binding == Scope::Everywhere || (binding == Scope::Global && focused != Scope::Editor)
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

#[cfg(test)]
mod tests;
