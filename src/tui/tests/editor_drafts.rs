//! The draft in the editor is never lost: history like a shell's, a
//! template or a reply replacing it keeps it for undo, and a reply goes to
//! the vehicle that wrote.

use super::*;

/// Types `text` into an emptied editor, as a user writes a draft.
pub(super) fn write_draft(app: &mut crate::tui::App, text: &str) {
    set_editor(app, "");
    focus_on(app, Focus::Editor);
    type_text(app, text);
}

#[test]
fn history_is_like_a_shells_next_past_the_newest_brings_the_draft_back() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("published");
    };
    update(&mut app, Msg::Published(outgoing));
    write_draft(&mut app, "{\"my\": \"draft\"");
    assert!(ctrl(&mut app, 'p').is_none());
    assert!(app.editor().text().contains("\"idApp\":\"APP\""));
    ctrl(&mut app, 'n');
    assert_eq!(
        app.editor().text(),
        "{\"my\": \"draft\"",
        "Ctrl-N past the newest brings the draft back: {}",
        status(&app)
    );
}

/// Publishes two payloads, so recall has an older and a newer one.
fn publish_two(app: &mut crate::tui::App) {
    select_vehicle(app, VIN_A);
    focus_on(app, Focus::Editor);
    for text in [
        r#"{"idApp":"APP","popup":false,"content":{}}"#,
        r#"{"idApp":"APP", "popup":false, "content":{}}"#,
    ] {
        set_editor(app, text);
        let Some(Command::Publish(outgoing)) = ctrl(app, 's') else {
            panic!("published: {}", status(app));
        };
        update(app, Msg::Published(outgoing));
    }
}

#[test]
fn editing_a_recalled_payload_does_not_lose_the_draft() {
    let mut app = app();
    publish_two(&mut app);
    write_draft(&mut app, "AAA");
    ctrl(&mut app, 'p');
    type_text(&mut app, "X");
    ctrl(&mut app, 'n');
    assert_eq!(
        app.editor().text(),
        "AAA",
        "Ctrl-N past the newest brings the draft back, edits or not: {}",
        status(&app)
    );

    // Deeper: edit the older one, then step forward past both.
    ctrl(&mut app, 'p');
    ctrl(&mut app, 'p');
    assert!(app.editor().text().contains("\"popup\":false,"));
    type_text(&mut app, "Y");
    ctrl(&mut app, 'n');
    assert!(
        app.editor().text().contains("\"popup\":false, "),
        "Ctrl-N steps to the newer payload: {}",
        app.editor().text()
    );
    ctrl(&mut app, 'n');
    assert_eq!(app.editor().text(), "AAA", "{}", status(&app));

    // Ctrl-P again after editing the draft: the edited draft is the one kept.
    type_text(&mut app, "B");
    ctrl(&mut app, 'p');
    ctrl(&mut app, 'n');
    assert_eq!(app.editor().text(), "AAAB");
}

#[test]
fn a_template_replacing_a_draft_keeps_it_for_undo_and_says_so() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    write_draft(&mut app, "{\"my\": \"draft\"");
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('t'));
    key(&mut app, KeyCode::Enter);
    assert_ne!(app.editor().text(), "{\"my\": \"draft\"");
    assert!(
        status(&app).contains("Ctrl-U brings your draft back"),
        "{}",
        status(&app)
    );
    ctrl(&mut app, 'u');
    assert_eq!(app.editor().text(), "{\"my\": \"draft\"");
}

#[test]
fn a_reply_keeps_the_draft_for_undo_and_says_the_target_changed() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    select_vehicle(&mut app, VIN_A);
    write_draft(&mut app, "{\"my\": \"draft\"");
    // The log shows every vehicle again; the editor still targets VIN_A.
    focus_on(&mut app, Focus::Vehicles);
    cursor_to(&mut app, &VehicleRow::All);
    key(&mut app, KeyCode::Enter);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    let said = status(&app);
    assert!(
        said.contains(&format!("target is now {VIN_B} (was {VIN_A})")),
        "{said}"
    );
    assert!(said.contains("Ctrl-U brings your draft back"), "{said}");
    ctrl(&mut app, 'u');
    assert_eq!(app.editor().text(), "{\"my\": \"draft\"");
}

#[test]
fn a_reply_goes_to_the_vehicle_that_wrote_even_with_vehicles_marked() {
    let mut app = app();
    receive(&mut app, &to_topic(VIN_B), action("unlock").as_bytes(), 0);
    receive(&mut app, &to_topic(VIN_C), action("lock").as_bytes(), 100);
    mark(&mut app, &vin(VIN_C));
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('r'));
    assert_eq!(app.editor().target(), Some(&vin(VIN_B)));
    assert!(
        app.vehicles().marked().is_empty(),
        "Ctrl-S would have gone to the marked fleet instead"
    );
    let said = status(&app);
    assert!(said.contains("1 mark(s) cleared"), "{said}");
}
