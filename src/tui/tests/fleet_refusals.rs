//! A fleet publish refused after the answer (the popup ledger, shared
//! with `send`, said no in between) and a question that has to say more
//! than its width: each refusal is a row, a count and a kept mark.

use super::*;

/// Marks VIN_A and VIN_B, loads a popup and answers the fleet question
/// with `y`: what the console hands the run loop.
fn fleet_popup_answered(app: &mut crate::tui::App) -> Vec<crate::tui::app::Outgoing> {
    three_vehicles(app);
    mark(app, &vin(VIN_A));
    mark(app, &vin(VIN_B));
    focus_on(app, Focus::Editor);
    set_editor(
        app,
        r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Service due","content":{"type":"notice"}}"#,
    );
    assert_eq!(ctrl(app, 's'), None, "the confirmation comes first");
    let Some(Command::PublishMany(outgoing)) = key(app, KeyCode::Char('y')) else {
        panic!("y publishes to the fleet");
    };
    outgoing
}

#[test]
fn a_fleet_publish_refused_by_the_ledger_after_the_answer_leaves_a_row_and_keeps_its_mark() {
    let mut app = app();
    let outgoing = fleet_popup_answered(&mut app);
    assert_eq!(outgoing.len(), 2);
    assert_eq!(
        app.vehicles().marked().len(),
        2,
        "nothing has gone out yet: the marks stay until the run loop says who got it"
    );
    // Another process (`wpconsole send`) sent VIN_A a popup while the
    // question was open: the account's ledger refuses it in the run loop.
    let why = "popup too soon: wait 19 s (a popup went to this vehicle 1 s ago; the WebPortal allows one every 20 s)";
    let mut each = outgoing.into_iter();
    let to_a = each.next().unwrap();
    assert_eq!(to_a.vin, vin(VIN_A));
    update(
        &mut app,
        Msg::PublishRefused {
            outgoing: to_a,
            reason: why.to_owned(),
        },
    );
    let to_b = each.next().unwrap();
    update(&mut app, Msg::Published(to_b));
    update(
        &mut app,
        Msg::PublishedToFleet {
            sent: vec![vin(VIN_B)],
            refused: vec![(vin(VIN_A), why.to_owned())],
        },
    );
    let refused = (0..app.history().end_seq())
        .filter_map(|seq| app.history().by_seq(seq))
        .find(|entry| entry.direction == crate::store::Direction::Refused)
        .expect("a refused row");
    assert_eq!(refused.vin, Some(vin(VIN_A)));
    assert_eq!(refused.kind, "popup");
    assert_eq!(app.history().tx, 1, "only VIN_B was sent to");
    focus_on(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(shown.contains("refused: popup too soon"), "{shown}");
    let notice = app.notice().map(|(_, t)| t.clone()).unwrap_or_default();
    assert!(
        notice.contains("1 sent, 1 refused") && notice.contains(&format!("{VIN_A}: {why}")),
        "{notice}"
    );
    assert_eq!(
        app.vehicles().marked().iter().collect::<Vec<_>>(),
        vec![&vin(VIN_A)],
        "the mark of the vehicle not sent to is kept"
    );
    assert!(
        status(&app).contains("published to 1 of 2"),
        "{}",
        status(&app)
    );
}

#[test]
fn a_fleet_refused_whole_after_the_answer_says_nothing_went_out() {
    let mut app = app();
    let outgoing = fleet_popup_answered(&mut app);
    let why = "popup too soon: wait 19 s (a popup went to this vehicle 1 s ago; the WebPortal allows one every 20 s)";
    let mut refused = Vec::new();
    for each in outgoing {
        refused.push((each.vin.clone(), why.to_owned()));
        update(
            &mut app,
            Msg::PublishRefused {
                outgoing: each,
                reason: why.to_owned(),
            },
        );
    }
    update(
        &mut app,
        Msg::PublishedToFleet {
            sent: Vec::new(),
            refused,
        },
    );
    let (level, notice) = app
        .notice()
        .cloned()
        .unwrap_or((StatusLevel::Info, String::new()));
    assert!(notice.contains("0 sent, 2 refused"), "{notice}");
    assert_eq!(level, StatusLevel::Error, "nothing went out");
    assert!(!notice.contains("cleared"), "{notice}");
    assert_eq!(app.vehicles().marked().len(), 2, "no mark cleared");
    assert_eq!(app.history().tx, 0);
}

#[test]
fn a_fleet_refusal_counts_its_seconds_when_the_answer_is_given() {
    let mut app = app();
    three_vehicles(&mut app);
    mark(&mut app, &vin(VIN_A));
    mark(&mut app, &vin(VIN_B));
    // A popup to VIN_A went out 5 s before the question opens.
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
    ctrl(&mut app, 's');
    // The question stays open 4 s before `y`.
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(79)));
    let Some(Command::PublishMany(outgoing)) = key(&mut app, KeyCode::Char('y')) else {
        panic!("y publishes to the rest");
    };
    assert_eq!(outgoing.len(), 1);
    update(
        &mut app,
        Msg::PublishedToFleet {
            sent: vec![vin(VIN_B)],
            refused: Vec::new(),
        },
    );
    let notice = app.notice().map(|(_, t)| t.clone()).unwrap_or_default();
    assert!(
        notice.contains("wait 11 s (a popup went to this vehicle 9 s ago"),
        "the figures of when y was pressed: {notice}"
    );
}

#[test]
fn at_80_columns_the_fleet_question_cuts_with_an_ellipsis_and_wraps_its_headline() {
    let mut app = app_with(80, 24, 1_000);
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Vehicles);
    for v in [VIN_A, VIN_B] {
        cursor_to(&mut app, &VehicleRow::Vehicle(vin(v)));
        key(&mut app, KeyCode::Char(' '));
    }
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
    ctrl(&mut app, 's');
    let shown = screen(&app);
    let skipped = shown
        .lines()
        .find(|line| line.contains(&format!("✗ {VIN_A}")))
        .expect("the skipped vehicle's row");
    assert!(skipped.contains('…'), "cut visibly: {skipped}");
    assert!(
        shown.contains("bytes each; 1 skipped"),
        "the headline whole, wrapped:\n{shown}"
    );
}
