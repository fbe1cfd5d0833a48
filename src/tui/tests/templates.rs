//! The templates popup: a user's broken template is listed, marked, with
//! the reason.

use super::*;

#[test]
fn a_broken_user_template_is_listed_with_a_mark_and_why() {
    let mut app = app_where(|c| {
        c.templates.push(crate::tui::editor::Template {
            name: "half".into(),
            text: "{\n  \"popup\": false,\n".into(),
            broken: Some("not JSON at 3:0: EOF while parsing an object".into()),
        });
    });
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('t'));
    let shown = screen(&app);
    assert!(
        shown.contains("✗ half (not JSON at 3:0: EOF while parsing an object)"),
        "{shown}"
    );
    for _ in 1..app.templates().len() {
        key(&mut app, KeyCode::Down);
    }
    key(&mut app, KeyCode::Enter);
    assert!(
        status(&app).starts_with("template half is broken (not JSON at 3:0"),
        "{}",
        status(&app)
    );
}
