//! Publishing to marked vehicles: each gets its own resolved payload
//! after a confirmation that lists them and says what it skips.

use super::*;

#[test]
fn a_fleet_publish_resolves_placeholders_for_each_vehicle() {
    let mut app = app();
    three_vehicles(&mut app);
    // The template is loaded while vehicle A is the editor's target.
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        "{\"idApp\": \"{idApp}\", \"popup\": true, \"popupText\": \"Hello {vin}\",\n \"content\": {\"type\": \"action\", \"params\": {\"vin\": \"{vin}\"}}}",
    );
    focus_on(&mut app, Focus::Vehicles);
    for target in [VIN_A, VIN_B, VIN_C] {
        cursor_to(&mut app, &VehicleRow::Vehicle(vin(target)));
        key(&mut app, KeyCode::Char(' '));
    }
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None, "the confirmation comes first");
    let shown = screen(&app);
    for target in [VIN_A, VIN_B, VIN_C] {
        assert!(shown.contains(&format!("→ {target}")), "listed:\n{shown}");
    }
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    assert_eq!(outgoing.len(), 3);
    let mut ids = std::collections::BTreeSet::new();
    for each in &outgoing {
        let value: serde_json::Value = serde_json::from_str(&each.payload.bytes).unwrap();
        assert_eq!(value["content"]["params"]["vin"], each.vin.as_str());
        assert_eq!(value["popupText"], format!("Hello {}", each.vin));
        assert_eq!(value["idApp"], "APP");
        assert!(each.topic.ends_with(&format!("/{}/", each.vin)));
        ids.insert(each.cid.clone().unwrap());
    }
    assert_eq!(ids.len(), 3, "each vehicle has its own tracking id");
}

#[test]
fn the_fleet_confirmation_scrolls_through_every_recipient() {
    let mut app = crate::tui::testing::app_with(100, 24, 1_000);
    let vins: Vec<String> = (0..30).map(|n| format!("VF3ABCDEFGH1234{n:02}")).collect();
    for each in &vins {
        receive(&mut app, &to_topic(each), br#"{"content":{}}"#, 0);
        mark(&mut app, &vin(each));
    }
    focus_on(&mut app, Focus::Editor);
    set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
    ctrl(&mut app, 's');
    assert!(screen(&app).contains(&format!("→ {}", vins[0])));
    assert!(!screen(&app).contains(&format!("→ {}", vins[29])));
    for _ in 0..40 {
        key(&mut app, KeyCode::Down);
    }
    let shown = screen(&app);
    assert!(shown.contains(&format!("→ {}", vins[29])), "{shown}");
    assert!(
        shown.contains("of 30, k/↑, j/↓ scroll; y publishes; any other key cancels"),
        "the keys that scroll and answer, from the key table:\n{shown}"
    );
    assert!(matches!(
        key(&mut app, KeyCode::Char('y')),
        Some(Command::PublishMany(outgoing)) if outgoing.len() == 30
    ));
}

#[test]
fn marked_vehicles_get_one_payload_each_after_a_confirmation_naming_the_count() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    for target in [VIN_A, VIN_B, VIN_C] {
        cursor_to(&mut app, &VehicleRow::Vehicle(vin(target)));
        key(&mut app, KeyCode::Char(' '));
    }
    cursor_to(&mut app, &VehicleRow::Vehicle(vin(VIN_C)));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.vehicles().marked().len(), 2, "Space again unmarks");
    let shown = screen(&app);
    assert!(
        shown.contains(&format!("! *{VIN_A}")) && shown.contains(&format!("! *{VIN_B}")),
        "marked, and silent for a minute:\n{shown}"
    );
    // A popup to VIN_A went out 5 s ago: the fleet publish skips it.
    record_popup(
        &mut app,
        &vin(VIN_A),
        t0().timestamp_millis().cast_unsigned() + 70_000,
    );
    focus_on(&mut app, Focus::Editor);
    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Service due","content":{"type":"notice"}}"#,
    );
    assert_eq!(ctrl(&mut app, 's'), None, "nothing before the answer");
    let shown = screen(&app);
    assert!(shown.contains("Publish to 1 vehicle(s), up to"), "{shown}");
    assert!(shown.contains(&format!("→ {VIN_B}")), "{shown}");
    assert!(
        shown.contains(&format!("✗ {VIN_A} bench NAC: skipped, popup too soon")),
        "{shown}"
    );
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    assert_eq!(outgoing.len(), 1);
    assert_eq!(outgoing[0].vin, vin(VIN_B));
    let refused = app.history().last().unwrap();
    // The run loop sends it and says so.
    update(
        &mut app,
        Msg::PublishedToFleet {
            sent: vec![vin(VIN_B)],
            refused: Vec::new(),
        },
    );
    assert_eq!(refused.direction, crate::store::Direction::Refused);
    assert_eq!(refused.kind, "popup", "the kind of what was refused");
    assert_eq!(refused.vin, Some(vin(VIN_A)));
    assert_eq!(app.history().tx, 0, "a refusal is not counted as sent");
    focus_on(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(
        shown.contains("refused: popup too soon"),
        "the log says why:\n{shown}"
    );
    focus_on(&mut app, Focus::Editor);
    assert!(
        app.notice().as_ref().is_some_and(
            |(_, t)| t.contains("1 sent, 1 refused") && t.contains("1 mark(s) cleared")
        )
    );
    assert_eq!(
        app.vehicles().marked().iter().collect::<Vec<_>>(),
        vec![&vin(VIN_A)],
        "the mark of the one sent to was for that publish; the refused stays marked"
    );
    mark(&mut app, &vin(VIN_A));
    mark(&mut app, &vin(VIN_A));
    mark(&mut app, &vin(VIN_B));
    focus_on(&mut app, Focus::Editor);
    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":false,"content":{"action":"sync"}}"#,
    );
    ctrl(&mut app, 's');
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("data goes to both");
    };
    assert_eq!(outgoing.len(), 2);
    assert_ne!(outgoing[0].cid, outgoing[1].cid, "each vehicle its own id");
    for one in outgoing {
        update(&mut app, Msg::Published(one));
    }
    assert_eq!(app.history().tx, 2);
    assert_eq!(app.deliveries().vehicle(&vin(VIN_A)).unwrap().waiting, 1);
    assert_eq!(app.deliveries().vehicle(&vin(VIN_B)).unwrap().waiting, 1);
}

#[test]
fn a_fleet_confirmation_with_nothing_to_confirm_says_why_and_swallows_the_answer() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    cursor_to(&mut app, &VehicleRow::Vehicle(vin(VIN_A)));
    key(&mut app, KeyCode::Char(' '));
    // A popup to VIN_A went out 5 s ago: the only marked vehicle refuses it.
    record_popup(
        &mut app,
        &vin(VIN_A),
        t0().timestamp_millis().cast_unsigned() + 70_000,
    );
    focus_on(&mut app, Focus::Editor);
    let text = r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Service due","content":{"type":"notice"}}"#;
    set_editor(&mut app, text);
    assert_eq!(ctrl(&mut app, 's'), None);
    let shown = screen(&app);
    assert!(shown.contains("Nothing to publish"), "{shown}");
    assert!(shown.contains(&format!("✗ {VIN_A}")), "{shown}");
    let footer = shown.lines().last().unwrap_or_default();
    assert!(
        footer.contains("any key closes") && !footer.contains("publishes"),
        "the footer offers no answer to a question with nothing to confirm:\n{shown}"
    );
    assert!(
        status(&app).contains("nothing was sent"),
        "{}",
        status(&app)
    );
    assert_eq!(key(&mut app, KeyCode::Char('y')), None);
    assert_eq!(app.modal(), None, "the answer closes it");
    assert_eq!(app.editor().text(), text, "the y went nowhere");
    assert_eq!(app.history().tx, 0);
}

#[test]
fn after_a_fleet_publish_a_filtered_log_is_named_instead_of_promising_every_row() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_C);
    mark(&mut app, &vin(VIN_A));
    mark(&mut app, &vin(VIN_B));
    focus_on(&mut app, Focus::Editor);
    set_editor(&mut app, r#"{"idApp":"APP","popup":false,"content":{}}"#);
    ctrl(&mut app, 's');
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    let sent: Vec<Vin> = outgoing.iter().map(|one| one.vin.clone()).collect();
    for one in outgoing {
        update(&mut app, Msg::Published(one));
    }
    update(
        &mut app,
        Msg::PublishedToFleet {
            sent,
            refused: Vec::new(),
        },
    );
    let said = status(&app);
    assert!(
        !said.contains("the log shows each one's delivery"),
        "the log shows only {VIN_C}: {said}"
    );
    assert!(
        said.contains("the log is filtered") && said.contains("Esc in Log clears it"),
        "{said}"
    );
}

#[test]
fn with_vehicles_marked_the_screen_says_the_publish_goes_to_the_marked_fleet() {
    let mut app = app();
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_A);
    mark(&mut app, &vin(VIN_A));
    mark(&mut app, &vin(VIN_B));
    focus_on(&mut app, Focus::Editor);
    let shown = screen(&app);
    assert!(
        shown.contains("Editor → 2 marked vehicles"),
        "Ctrl-S publishes to the marks, not to the target:\n{shown}"
    );
    assert!(shown.contains("2 marked"), "{shown}");
    let title = shown
        .lines()
        .find(|line| line.contains(" Vehicles ("))
        .unwrap_or_default();
    assert!(
        title.contains("2 marked"),
        "the pane counts its marks: {title}"
    );
    assert!(
        shown.contains(&format!(">*{VIN_A}")),
        "the target, marked, shows both:\n{shown}"
    );
    assert!(shown.contains(&format!(" *{VIN_B}")), "{shown}");
    mark(&mut app, &vin(VIN_B));
    let shown = screen(&app);
    assert!(shown.contains("Editor → 1 marked vehicle "), "{shown}");
}
