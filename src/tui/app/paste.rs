//! A paste (bracketed paste: the terminal marks where pasted text starts
//! and ends) is text for the focused text field, whatever it holds: tabs,
//! newlines, `q` or `quit` never run a key.

use super::{App, Focus, Modal};
use crate::tui::editor::StatusLevel;
use crate::tui::keys::{Action, Scope};

/// Puts pasted text where the user is typing: the editor takes it whole;
/// the filter prompt takes its first line (a filter is one line) without
/// control characters. Anywhere else it is ignored with a notice.
pub(super) fn on_paste(app: &mut App, text: &str) {
    // Terminals send a pasted line break as a carriage return.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    match app.modal.as_mut() {
        Some(Modal::FilterPrompt(prompt)) => {
            let outcome = prompt.paste(&text);
            super::modals::carry_out(app, outcome);
            if text.trim_end_matches('\n').contains('\n') {
                app.notice = Some((
                    StatusLevel::Info,
                    "a filter is one line: pasted the first line only".into(),
                ));
            }
        }
        Some(Modal::TimePrompt(prompt)) => {
            prompt.paste(&text);
        }
        Some(Modal::JqPrompt(prompt)) => {
            prompt.paste(&text);
            if text.trim_end_matches('\n').contains('\n') {
                app.notice = Some((
                    StatusLevel::Info,
                    "a jq filter here is one line: pasted the first line only".into(),
                ));
            }
        }
        Some(_) => ignored(app, "close this window first"),
        None if app.focus == Focus::Editor => {
            if app.editor.paste(&text) {
                app.revalidate();
            }
        }
        None => {
            let what_to_do = format!(
                "press {} for the editor or {} for a filter, then paste",
                app.keys.label(Scope::Global, Action::FocusEditor),
                app.keys.label(app.focus.scope(), Action::Filter)
            );
            ignored(app, &what_to_do);
        }
    }
}

fn ignored(app: &mut App, what_to_do: &str) {
    app.notice = Some((
        StatusLevel::Info,
        format!("paste ignored: it goes into a text field only ({what_to_do})"),
    ));
}

#[cfg(test)]
mod tests {
    use crate::tui::app::{Focus, Modal, Msg, update};
    use crate::tui::testing::{VIN_A, app, ctrl, focus_on, key, three_vehicles};
    use ratatui::crossterm::event::KeyCode;

    fn paste(app: &mut crate::tui::App, text: &str) -> Option<crate::tui::Command> {
        update(app, Msg::Paste(text.to_owned()))
    }

    fn notice(app: &crate::tui::App) -> String {
        app.notice
            .as_ref()
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_paste_into_the_editor_is_text_with_its_tabs_newlines_and_quit() {
        let mut app = app();
        key(&mut app, KeyCode::Char('e'));
        app.editor.set_text("");
        let pasted = "{\r\t\"content\": \"quit\"\r}\rq";
        let command = paste(&mut app, pasted);
        assert_eq!(command, None, "a paste runs no command");
        assert_eq!(
            app.focus,
            Focus::Editor,
            "Tab in a paste does not move focus"
        );
        assert_eq!(app.editor.text(), "{\n\t\"content\": \"quit\"\n}\nq");
        assert_eq!(app.modal, None);
    }

    #[test]
    fn a_paste_goes_in_at_the_cursor_and_is_validated() {
        let mut app = app();
        key(&mut app, KeyCode::Char('e'));
        app.editor.set_text("");
        paste(&mut app, r#"{"idApp":"APP","popup":false,"#);
        paste(&mut app, "\r\n");
        paste(
            &mut app,
            r#""content":{"type":"action","action":"ping","params":{}}}"#,
        );
        assert_eq!(
            app.editor.text(),
            "{\"idApp\":\"APP\",\"popup\":false,\n\"content\":{\"type\":\"action\",\"action\":\"ping\",\"params\":{}}}"
        );
        assert!(
            app.editor.validation().is_valid(),
            "{:?}",
            app.editor.validation()
        );
    }

    #[test]
    fn a_paste_into_the_filter_prompt_takes_its_first_line_as_text() {
        let mut app = app();
        three_vehicles(&mut app);
        key(&mut app, KeyCode::Char('/'));
        let command = paste(&mut app, "clim\tate\rq\rquit");
        assert_eq!(command, None);
        match &app.modal {
            Some(Modal::FilterPrompt(prompt)) => assert_eq!(prompt.text(), "climate"),
            other => panic!("the prompt stays open: {other:?}"),
        }
        assert_eq!(app.log.filter().text, "climate");
        assert!(notice(&app).contains("first line only"), "{}", notice(&app));
    }

    #[test]
    fn a_paste_outside_a_text_field_is_ignored_with_a_notice() {
        let mut app = app();
        three_vehicles(&mut app);
        let before = (app.focus, app.log.selected(), app.log.follows());
        // Every one of these would do something as keys.
        let command = paste(&mut app, "q\tjjy?x");
        assert_eq!(command, None, "no key ran");
        assert_eq!((app.focus, app.log.selected(), app.log.follows()), before);
        assert_eq!(app.modal, None);
        assert!(
            notice(&app).starts_with("paste ignored"),
            "{}",
            notice(&app)
        );
    }

    #[test]
    fn a_paste_holding_y_does_not_confirm_a_production_publish() {
        let mut app = app();
        app.rules.production = true;
        focus_on(&mut app, Focus::Vehicles);
        app.vehicles.select(crate::tui::app::VehicleRow::Vehicle(
            crate::domain::Vin::parse(VIN_A).unwrap(),
        ));
        key(&mut app, KeyCode::Enter);
        focus_on(&mut app, Focus::Editor);
        assert_eq!(ctrl(&mut app, 's'), None);
        assert!(matches!(app.modal, Some(Modal::ConfirmPublish(_))));
        assert_eq!(paste(&mut app, "y"), None, "nothing is published");
        assert!(
            matches!(app.modal, Some(Modal::ConfirmPublish(_))),
            "the question is still asked"
        );
    }

    #[test]
    fn a_paste_never_answers_a_window() {
        let mut app = app();
        key(&mut app, KeyCode::Char('?'));
        let help = app.modal.clone();
        assert!(matches!(help, Some(Modal::Help(_))));
        paste(&mut app, "q");
        assert_eq!(app.modal, help, "the help stays open");
        assert!(
            notice(&app).starts_with("paste ignored"),
            "{}",
            notice(&app)
        );
    }
}
