//! The payload editor's state: the text, its validation as you type, the
//! target vehicle, the templates and the in-session history.

use crate::domain::Vin;
use crate::domain::envelope::{self, SizeReport, Validation};
use crate::domain::json::Location;
use crate::domain::outbound::OutboundRules;
use ratatui_textarea::{CursorMove, TextArea};
use std::path::Path;

/// A starting point for the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    /// With `{vin}`, `{uid}` and `{idApp}` placeholders.
    pub text: String,
    /// Why a user's template file cannot serve as it is (not JSON, not
    /// readable): listed with a mark and this reason, not left out.
    pub broken: Option<String>,
}

/// The templates shipped in `assets/templates/`.
pub fn builtin_templates() -> Vec<Template> {
    [
        (
            "data action",
            include_str!("../../assets/templates/data-action.json"),
        ),
        (
            "popup with OK button",
            include_str!("../../assets/templates/popup-with-ok.json"),
        ),
        (
            "popup without button",
            include_str!("../../assets/templates/popup-without-button.json"),
        ),
    ]
    .into_iter()
    .map(|(name, text)| Template {
        name: name.to_owned(),
        text: text.to_owned(),
        broken: None,
    })
    .collect()
}

/// Templates from a user directory (`*.json`, named by file), sorted.
/// A missing directory is no templates; a file that cannot be read, or is
/// not JSON, is listed broken with the reason (the user wrote it to use
/// it: silence would leave them guessing).
pub fn user_templates(dir: &Path) -> Vec<Template> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut templates: Vec<Template> = read
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .filter_map(|path| {
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some(match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let broken = serde_json::from_str::<serde::de::IgnoredAny>(&text)
                        .err()
                        .map(|err| {
                            format!(
                                "not JSON at {}:{}: {}",
                                err.line(),
                                err.column(),
                                without_position(&err)
                            )
                        });
                    Template { name, text, broken }
                }
                Err(err) => Template {
                    name,
                    text: String::new(),
                    broken: Some(format!("cannot read {}: {err}", path.display())),
                },
            })
        })
        .collect();
    templates.sort_by(|a, b| a.name.cmp(&b.name));
    templates
}

/// Everything the editor pane shows and does.
pub struct EditorState {
    pub textarea: TextArea<'static>,
    pub validation: Validation,
    /// Size of the exact bytes that would be published.
    pub size: Option<SizeReport>,
    pub target: Option<Vin>,
    /// What was published this session, oldest first.
    pub history: Vec<String>,
    /// Where recall is in `history`.
    pub history_pos: Option<usize>,
    /// The last outcome or refusal, in words.
    pub status: Option<(StatusLevel, String)>,
    /// The vehicle the text's placeholders were resolved for, when it
    /// holds any (the meter measures that vehicle's bytes).
    pub resolved_for: Option<Vin>,
}

/// How the editor's status line is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Success,
    Error,
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
            status: None,
            resolved_for: None,
        };
        state.set_text(text);
        state
    }

    pub fn text(&self) -> String {
        self.textarea.lines().join("\n")
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
        self.textarea
            .set_placeholder_text("compose an envelope here, or press Ctrl-T for a template");
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
        self.validation = validation;
        self.resolved_for =
            (resolved.had_placeholders() && recipient.is_some()).then(|| vin.clone());
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
            (None, true) => last,
            (Some(p), true) => p.saturating_sub(1),
            (Some(p), false) if p < last => p + 1,
            (None | Some(_), false) => return false,
        };
        self.history_pos = Some(pos);
        let text = self.history[pos].clone();
        self.set_text(&text);
        true
    }
}

/// serde_json's message without the " at line L column C" it ends with
/// (the position is said first, as line:col like every other error).
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// Each catalog action as a template: its skeleton with the required params.
pub fn catalog_templates(catalog: &crate::domain::catalog::Catalog) -> Vec<Template> {
    catalog
        .apps
        .iter()
        .flat_map(|app| {
            app.actions.iter().map(move |action| Template {
                name: format!("{} {}: {}", app.app, action.name, action.description),
                text: crate::domain::catalog::Catalog::skeleton(app, action),
                broken: None,
            })
        })
        .collect()
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
    fn builtin_templates_are_valid_once_filled() {
        let vin = Vin::parse("VF3ABCDEFGH123456").unwrap();
        let templates = builtin_templates();
        assert_eq!(templates.len(), 3);
        for template in templates {
            let (resolved, validation) = rules().validate(&template.text, &vin);
            let text = resolved.text;
            assert!(
                validation.is_valid(),
                "{}: {:?}",
                template.name,
                validation.problems
            );
            assert!(!text.contains("{idApp}") && text.contains("APP"));
        }
    }

    #[test]
    fn user_templates_are_read_from_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b-second.json"), "{}").unwrap();
        std::fs::write(dir.path().join("a-first.json"), "[]").unwrap();
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap();
        let names: Vec<String> = user_templates(dir.path())
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["a-first", "b-second"]);
        assert!(user_templates(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn a_user_template_that_is_not_json_is_listed_broken_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("good.json"), "{\"popup\": false}").unwrap();
        std::fs::write(dir.path().join("half.json"), "{\n  \"popup\": false,\n").unwrap();
        let templates = user_templates(dir.path());
        assert_eq!(
            templates.len(),
            2,
            "a broken template is listed, not left out"
        );
        assert_eq!(templates[0].name, "good");
        assert_eq!(templates[0].broken, None);
        assert_eq!(templates[1].name, "half");
        assert_eq!(
            templates[1].broken.as_deref(),
            Some("not JSON at 3:0: EOF while parsing an object")
        );
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
        let mut editor = EditorState::new("");
        editor.history = vec!["one".into(), "two".into()];
        assert!(editor.recall(true));
        assert_eq!(editor.text(), "two");
        assert!(editor.recall(true));
        assert_eq!(editor.text(), "one");
        assert!(editor.recall(false));
        assert_eq!(editor.text(), "two");
        assert!(!editor.recall(false));
    }
}
