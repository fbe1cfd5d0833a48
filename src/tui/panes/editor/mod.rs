//! The editor pane: composing an envelope, validated and measured as it
//! is typed, for the target vehicle (or the marked ones).

mod render;

pub use render::EditorView;

use crate::domain::Vin;
use crate::domain::envelope::{self, SizeReport, Validation};
use crate::domain::json::Location;
use crate::domain::outbound::OutboundRules;
use crate::tui::editor::StatusLevel;
use crate::tui::keys::Action;
use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, TextArea};

/// The editor pane: the text, its validation as you type, the target
/// vehicle, the payloads published this session and the last outcome.
pub struct EditorState {
    textarea: TextArea<'static>,
    validation: Validation,
    /// Size of the exact bytes that would be published.
    size: Option<SizeReport>,
    target: Option<Vin>,
    /// What was published this session, oldest first.
    history: Vec<String>,
    /// Where recall is in `history`; editing a recalled entry keeps it,
    /// only a publish ends recall.
    history_pos: Option<usize>,
    /// What was in the editor when recall began: stepping past the
    /// newest brings it back, as a shell does.
    draft: Option<String>,
    /// The draft a template or a reply replaced: undo brings it back.
    replaced: Option<String>,
    /// The last outcome or refusal, in words.
    status: Option<(StatusLevel, String)>,
    /// The vehicle the text's placeholders were resolved for, when it
    /// holds any (the meter measures that vehicle's bytes).
    resolved_for: Option<Vin>,
    /// What the empty editor says (it names the templates key).
    placeholder: String,
}

impl EditorState {
    pub fn new(text: &str) -> Self {
        let mut state = Self {
            textarea: TextArea::default(),
            validation: envelope::validate(""),
            size: None,
            target: None,
            history: Vec::new(),
            history_pos: None,
            draft: None,
            replaced: None,
            status: None,
            resolved_for: None,
            placeholder: "compose an envelope here".to_owned(),
        };
        state.set_text(text);
        state
    }

    /// The validation of the text as it would go to its recipient.
    pub fn validation(&self) -> &Validation {
        &self.validation
    }

    /// The size of the exact bytes that would be published, when the text
    /// is JSON.
    pub fn size(&self) -> Option<SizeReport> {
        self.size
    }

    /// The vehicle a publish goes to (without marks).
    pub fn target(&self) -> Option<&Vin> {
        self.target.as_ref()
    }

    pub fn set_target(&mut self, vin: Vin) {
        self.target = Some(vin);
    }

    /// The last outcome or refusal, in words.
    pub fn status(&self) -> Option<&(StatusLevel, String)> {
        self.status.as_ref()
    }

    pub fn set_status(&mut self, level: StatusLevel, text: impl Into<String>) {
        self.status = Some((level, text.into()));
    }

    /// The vehicle the placeholders were resolved for, if any.
    pub fn resolved_for(&self) -> Option<&Vin> {
        self.resolved_for.as_ref()
    }

    /// A payload went out: it is recalled first (Ctrl-P), and recall
    /// starts again from the newest.
    pub fn remember_published(&mut self, text: String) {
        if self.history.last() != Some(&text) {
            self.history.push(text);
        }
        self.history_pos = None;
    }

    /// A key typed into the text; whether the text changed (then it is
    /// validated again by the caller, who knows the recipient).
    pub fn input(&mut self, key: KeyEvent) -> bool {
        // Recall goes on from the entry being edited, as in a shell: Ctrl-N
        // past the newest still brings back the draft (the edit is dropped).
        self.textarea.input(key)
    }

    /// Pasted text, inserted at the cursor as it is; whether it changed.
    pub fn paste(&mut self, text: &str) -> bool {
        self.textarea.insert_str(text)
    }

    /// The editor's own actions (jump to an error, recall a published
    /// payload); whether the text changed.
    pub fn handle(&mut self, action: Action) -> bool {
        match action {
            Action::JumpToError => {
                if self.jump_to_next_error().is_none() {
                    self.set_status(StatusLevel::Info, "no errors");
                }
                false
            }
            // The text field's own edits, named in the key table so the
            // help lists them and `[keys]` can move them.
            Action::DeleteToLineEnd | Action::DeleteWord | Action::PasteDeleted => match action {
                Action::DeleteToLineEnd => self.textarea.delete_line_by_end(),
                Action::DeleteWord => self.textarea.delete_word(),
                _ => self.textarea.paste(),
            },
            Action::Undo => {
                if self.textarea.undo() {
                    return true;
                }
                let Some(draft) = self.replaced.take() else {
                    self.set_status(StatusLevel::Info, "nothing to undo");
                    return false;
                };
                self.set_text(&draft);
                self.set_status(
                    StatusLevel::Info,
                    "your draft is back (the one a template or a reply replaced)",
                );
                true
            }
            Action::HistoryPrevious | Action::HistoryNext => {
                let recalled = self.recall(action == Action::HistoryPrevious);
                if !recalled {
                    self.set_status(
                        StatusLevel::Info,
                        "no more published payloads in this session",
                    );
                }
                recalled
            }
            _ => false,
        }
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
    }

    /// Replaces the text with a template or a reply; whether a draft was
    /// kept for undo (the text was not empty and is not the new one).
    pub fn replace_text(&mut self, text: &str) -> bool {
        let current = self.text();
        let kept = !current.trim().is_empty() && current != text;
        if kept {
            self.replaced = Some(current);
        }
        self.set_text(text);
        kept
    }

    /// Replaces the text (cursor at the top) and validates it.
    pub fn set_text(&mut self, text: &str) {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        self.textarea = TextArea::new(if lines.is_empty() {
            vec![String::new()]
        } else {
            lines
        });
        self.textarea.set_tab_length(2);
        self.textarea.set_hard_tab_indent(false);
        self.textarea
            .set_cursor_line_style(ratatui::style::Style::default());
        self.textarea.set_placeholder_text(self.placeholder.clone());
    }

    /// What the empty editor says, naming the key that opens the
    /// templates as it is bound.
    pub fn name_templates_key(&mut self, key: &str) {
        self.placeholder = format!("compose an envelope here, or press {key} for a template");
        self.textarea.set_placeholder_text(self.placeholder.clone());
    }

    /// Validates the text as it would go to `recipient` (placeholders
    /// resolved; a sample VIN without one) and measures the exact bytes
    /// that would be published, tracking id included. Every VIN has 17
    /// characters and the other placeholders take the account's values,
    /// so every recipient of a fleet publish gets a payload of this size.
    pub fn revalidate(&mut self, rules: &OutboundRules, recipient: Option<&Vin>) {
        let text = self.text();
        let sample = Vin::parse("0123456789ABCDEFG").expect("a valid VIN");
        let vin = recipient.unwrap_or(&sample);
        let (resolved, validation) = rules.validate(&text, vin);
        self.size = rules.measure(&validation, vin);
        // `{idApp}` with no app id set was filled with nothing: the meter
        // must not call the placeholders resolved (the problem says why).
        let unresolved = validation
            .problems
            .iter()
            .any(|p| p.message == crate::domain::outbound::NO_APP_ID);
        self.validation = validation;
        self.resolved_for = (resolved.had_placeholders() && recipient.is_some() && !unresolved)
            .then(|| vin.clone());
    }

    /// Moves the cursor to the first error after it (wrapping around).
    pub fn jump_to_next_error(&mut self) -> Option<Location> {
        let ratatui_textarea::DataCursor(row, col) = self.textarea.cursor();
        let errors: Vec<Location> = self.validation.errors().map(|p| p.location).collect();
        let next = errors
            .iter()
            .find(|l| (l.line - 1, l.column - 1) > (row, col))
            .or_else(|| errors.first())
            .copied()?;
        let to_u16 = |n: usize| u16::try_from(n).unwrap_or(u16::MAX);
        self.textarea.move_cursor(CursorMove::Jump(
            to_u16(next.line - 1),
            to_u16(next.column - 1),
        ));
        Some(next)
    }

    /// Steps through the publish history: `back` to older payloads.
    pub fn recall(&mut self, back: bool) -> bool {
        if self.history.is_empty() {
            return false;
        }
        let last = self.history.len() - 1;
        let pos = match (self.history_pos, back) {
            (None, true) => {
                self.draft = Some(self.text());
                last
            }
            (Some(p), true) => p.saturating_sub(1),
            (Some(p), false) if p < last => p + 1,
            (Some(_), false) => {
                // Past the newest: the draft recall began from.
                self.history_pos = None;
                let draft = self.draft.take().unwrap_or_default();
                self.set_text(&draft);
                // Where the writing stopped, as a shell leaves it.
                self.textarea.move_cursor(CursorMove::Bottom);
                self.textarea.move_cursor(CursorMove::End);
                return true;
            }
            (None, false) => return false,
        };
        self.history_pos = Some(pos);
        let text = self.history[pos].clone();
        self.set_text(&text);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> OutboundRules {
        OutboundRules {
            app_id: Some("APP".into()),
            ..OutboundRules::new(crate::domain::TopicScheme::new("p", "U", true).unwrap())
        }
    }

    #[test]
    fn the_cursor_jumps_to_errors_in_turn() {
        let mut editor =
            EditorState::new("{\n  \"idApp\": 1,\n  \"popup\": \"x\",\n  \"content\": {}\n}");
        editor.revalidate(&rules(), None);
        assert_eq!(editor.jump_to_next_error().unwrap().to_string(), "2:12");
        assert_eq!(
            editor.textarea.cursor(),
            ratatui_textarea::DataCursor(1, 11)
        );
        assert_eq!(editor.jump_to_next_error().unwrap().to_string(), "3:12");
        assert_eq!(
            editor.jump_to_next_error().unwrap().to_string(),
            "2:12",
            "wraps around"
        );
    }

    #[test]
    fn history_recall_walks_back_and_forth() {
        let mut editor = EditorState::new("draft");
        editor.history = vec!["one".into(), "two".into()];
        assert!(editor.recall(true));
        assert_eq!(editor.text(), "two");
        assert!(editor.recall(true));
        assert_eq!(editor.text(), "one");
        assert!(editor.recall(false));
        assert_eq!(editor.text(), "two");
        assert!(editor.recall(false), "past the newest: the draft");
        assert_eq!(editor.text(), "draft");
        assert!(!editor.recall(false));
    }
}
