//! The editor's templates (built in, from the catalog, from a user
//! directory) and how its status line is coloured; the editor pane itself
//! is [`super::panes::editor`].

use std::path::Path;

pub use super::panes::editor::EditorState;

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

/// How the editor's status line is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Success,
    Error,
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
    use crate::domain::Vin;
    use crate::domain::outbound::OutboundRules;

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
}
