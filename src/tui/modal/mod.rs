//! The popups over the panes: help, templates, the two publish questions,
//! the filter prompt, the time prompt and the jq prompt. Each holds its own state, turns the action of a
//! key (from the key table, in the popup's scope) into an [`Outcome`], and
//! draws itself from what it was given when it opened; none knows `App`.

mod confirm;
mod filter;
mod help;
mod jq;
mod line_field;
mod rule_name;
mod templates;
mod time;

pub use confirm::{FleetConfirmation, PublishConfirmation};
pub use filter::FilterPrompt;
pub use help::{HelpContent, HelpPopup};
pub use jq::JqPrompt;
pub use rule_name::RuleNamePrompt;
pub use templates::TemplatePicker;
pub use time::TimePrompt;

use super::app::{Focus, Outgoing};
use super::keys::{Action, Scope};
use super::panes::log::JqExpression;
use super::theme::Theme;
use crate::domain::Vin;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;

/// A popup over the panes.
#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Help(HelpPopup),
    Templates(TemplatePicker),
    /// A production profile asks before every publish.
    ConfirmPublish(PublishConfirmation),
    /// A fleet publish lists who will receive it and who it skips.
    ConfirmFleet(FleetConfirmation),
    /// Typing a filter for the vehicles or the log.
    FilterPrompt(FilterPrompt),
    /// Typing the time the log jumps to.
    TimePrompt(TimePrompt),
    /// Typing the log's jq filter.
    JqPrompt(JqPrompt),
    /// Naming the watch rule the log's filter becomes (`W`).
    RuleName(RuleNamePrompt),
}

/// A key as a popup receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// What the key table binds the key to in the popup's scope.
    Action(Action),
    /// A key bound to nothing there: text for the prompt, "no" for a
    /// question, nothing for the others.
    Unbound(KeyEvent),
}

/// What a key did to a popup, for `App` to carry out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The popup stays open (its own state may have moved).
    Keep,
    /// The popup closes; nothing else happens.
    Close,
    /// A question answered no: the popup closes, nothing is published.
    Cancelled,
    /// The production question answered yes.
    Publish(Outgoing),
    /// The fleet question answered yes: publish to `outgoing`, record the
    /// `refused` vehicles as refused.
    PublishFleet {
        outgoing: Vec<Outgoing>,
        refused: Vec<(Vin, String)>,
    },
    /// Load the template at this index of the list into the editor.
    LoadTemplate(usize),
    /// The filter text of `target` is now `text`; the prompt stays open.
    Filter { target: Focus, text: String },
    /// The prompt closes keeping its filter.
    FilterKept,
    /// The prompt closes and the filter of `target` is cleared.
    FilterCleared(Focus),
    /// Save the log's filter as a watch rule of this name.
    SaveRule(String),
    /// Jump the log to the time this text names; the prompt stays open
    /// until it is read.
    JumpTo(String),
    /// The log's jq filter is now this compiled expression (none: no jq
    /// filter); the prompt closes.
    ApplyJq(Option<JqExpression>),
}

impl Modal {
    /// The key table's scope for this popup.
    pub fn scope(&self) -> Scope {
        match self {
            Self::Help(_) => Scope::Help,
            Self::Templates(_) => Scope::Templates,
            Self::ConfirmPublish(_) => Scope::Confirm,
            Self::ConfirmFleet(_) => Scope::FleetConfirm,
            Self::FilterPrompt(_) => Scope::FilterPrompt,
            Self::TimePrompt(_) => Scope::TimePrompt,
            Self::JqPrompt(_) => Scope::JqPrompt,
            Self::RuleName(_) => Scope::RuleNamePrompt,
        }
    }

    /// Applies a key.
    pub fn handle(&mut self, input: Input) -> Outcome {
        match self {
            Self::Help(help) => help.handle(input),
            Self::Templates(picker) => picker.handle(input),
            Self::ConfirmPublish(question) => question.handle(input),
            Self::ConfirmFleet(question) => question.handle(input),
            Self::FilterPrompt(prompt) => prompt.handle(input),
            Self::TimePrompt(prompt) => prompt.handle(input),
            Self::JqPrompt(prompt) => prompt.handle(input),
            Self::RuleName(prompt) => prompt.handle(input),
        }
    }

    /// Draws the popup over the panes (the filter prompt draws in its
    /// pane's title, see [`Modal::filter_text`]).
    pub fn render(&self, frame: &mut Frame, theme: Theme) {
        match self {
            Self::Help(help) => help.render(frame, theme),
            Self::Templates(picker) => picker.render(frame, theme),
            Self::ConfirmPublish(question) => question.render(frame, theme),
            Self::ConfirmFleet(question) => question.render(frame, theme),
            Self::FilterPrompt(_) => {}
            Self::TimePrompt(prompt) => prompt.render(frame, theme),
            Self::JqPrompt(prompt) => prompt.render(frame, theme),
            Self::RuleName(prompt) => prompt.render(frame, theme),
        }
    }

    /// What the footer says instead of the popup's keys, when they do
    /// not apply: a question with nothing to confirm takes any key as
    /// "close", so it offers no answer.
    pub fn footer_note(&self) -> Option<&'static str> {
        match self {
            Self::ConfirmFleet(question) if question.nothing() => Some("any key closes"),
            _ => None,
        }
    }

    /// The text being typed for `target`'s filter, while its prompt is open.
    pub fn filter_text(&self, target: Focus) -> Option<&str> {
        match self {
            Self::FilterPrompt(prompt) if prompt.target() == target => Some(prompt.text()),
            _ => None,
        }
    }
}

/// A popup's bordered block: a popup has the focus.
fn block(title: String, theme: Theme) -> ratatui::widgets::Block<'static> {
    super::draw::pane_block(ratatui::text::Line::from(title), true, theme)
}
