//! Delivery tracking in the console: acknowledgements, popup answers,
//! unacknowledged counts and the vehicle row's figures.

use super::*;

#[test]
fn a_tracked_publish_is_acknowledged_by_the_reply_carrying_its_id_or_times_out() {
    use crate::domain::tracking::Delivery;
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let publish = |app: &mut crate::tui::App| {
        let Some(Command::Publish(outgoing)) = ctrl(app, 's') else {
            panic!("publishes: {}", status(app));
        };
        let cid = outgoing.cid.clone().unwrap();
        update(app, Msg::Published(outgoing));
        cid
    };
    let first = publish(&mut app);
    let first_seq = app.history().end_seq() - 1;
    // A reply for an id this console never sent changes nothing.
    receive(
        &mut app,
        &to_topic(VIN_A),
        br#"{"content":{"type":"ack","ref":"wpc-000000000000"}}"#,
        50,
    );
    assert_eq!(app.deliveries().state(first_seq), Some(Delivery::Sent));
    receive(
        &mut app,
        &to_topic(VIN_A),
        format!(r#"{{"content":{{"type":"ack","ref":"{first}"}}}}"#).as_bytes(),
        120,
    );
    assert_eq!(
        app.deliveries().state(first_seq),
        Some(Delivery::Acknowledged(Duration::from_millis(120)))
    );
    let second = publish(&mut app);
    assert_ne!(first, second, "every publish gets its own id");
    let second_seq = app.history().end_seq() - 1;
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    assert_eq!(app.deliveries().state(second_seq), Some(Delivery::NoReply));
    focus_on(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(shown.contains("✓ 120 ms"), "{shown}");
    assert!(shown.contains("✗ no reply"), "{shown}");
    assert!(
        shown.contains("bench… 120ms 1✗"),
        "the label, shortened, beside the figures:\n{shown}"
    );
}

#[test]
fn a_tracked_popup_is_acknowledged_by_the_popup_answer_carrying_its_id() {
    use crate::domain::PopupAction;
    use crate::domain::tracking::Delivery;
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"hello","content":{"type":"action","action":"hello"}}"#,
    );
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the popup goes: {}", status(&app));
    };
    let cid = outgoing.cid.clone().expect("a popup is tracked too");
    update(&mut app, Msg::Published(outgoing));
    let seq = app.history().end_seq() - 1;
    // The vehicle's WebPortal answers beside the popup's own content, which
    // carries the console's id in the stamped field.
    let answer = |action: &str| {
        format!(
            r#"{{"popupAction":"{action}","content":{{"type":"action","action":"hello","cid":"{cid}"}}}}"#
        )
    };
    receive(
        &mut app,
        &to_topic(VIN_A),
        answer("WebPortal.okBtnPopupRequestClicked").as_bytes(),
        812,
    );
    assert_eq!(
        app.deliveries().state(seq),
        Some(Delivery::Answered(
            PopupAction::Ok,
            Duration::from_millis(812)
        ))
    );
    // Only the first answer counts.
    receive(
        &mut app,
        &to_topic(VIN_A),
        answer("WebPortal.closeTimeoutPopupRequest").as_bytes(),
        15_000,
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(40)));
    assert_eq!(
        app.deliveries().state(seq),
        Some(Delivery::Answered(
            PopupAction::Ok,
            Duration::from_millis(812)
        ))
    );
    focus_on(&mut app, Focus::Log);
    let shown = screen(&app);
    assert!(shown.contains("✓ OK 812 ms"), "{shown}");
    assert!(!shown.contains("no reply"), "{shown}");
    assert!(
        shown.contains("bench… OK 812ms"),
        "the vehicle's row, label then answer: {shown}"
    );
    // The popup is the oldest of the vehicle's messages.
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.log().selected(), Some(seq));
    assert!(!app.log().follows());
    key(&mut app, KeyCode::Enter);
    let shown = screen(&app);
    assert!(
        shown.contains("answered: OK (WebPortal.okBtnPopupRequestClicked) in 812 ms"),
        "the detail: {shown}"
    );
}

#[test]
fn more_than_ten_unacknowledged_messages_to_one_vehicle_are_flagged() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    for _ in 0..11 {
        let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
            panic!("publishes: {}", status(&app));
        };
        update(&mut app, Msg::Published(outgoing));
    }
    let shown = screen(&app);
    assert!(
        shown.contains("11…!"),
        "on their way, already too many:\n{shown}"
    );
    assert!(
        shown.contains("!> VF3ABCDEFGH123456"),
        "flagged like a silent vehicle:\n{shown}"
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    let shown = screen(&app);
    assert!(shown.contains("11✗!"), "none answered in time:\n{shown}");
}

#[test]
fn tracking_figures_sit_beside_the_label_and_count_unacknowledged_only_after_the_timeout() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("publishes: {}", status(&app));
    };
    let cid = outgoing.cid.clone().unwrap();
    update(&mut app, Msg::Published(outgoing));
    focus_on(&mut app, Focus::Log);
    let row = vehicle_row(&app, VIN_A);
    assert!(row.contains("bench NAC"), "the label stays: {row}");
    assert!(
        !row.contains('✗'),
        "waiting is not unacknowledged yet: {row}"
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(31)));
    let row = vehicle_row(&app, VIN_A);
    assert!(
        row.contains("bench NAC") && row.contains("1✗"),
        "after the timeout: {row}"
    );
    // A late reply acknowledges it: the figures show its round trip, beside the label.
    receive(
        &mut app,
        &to_topic(VIN_A),
        format!(r#"{{"content":{{"type":"ack","ref":"{cid}"}}}}"#).as_bytes(),
        32_000,
    );
    let row = vehicle_row(&app, VIN_A);
    assert!(
        row.contains("bench NAC") && row.contains("ms") && !row.contains('✗'),
        "{row}"
    );
    // Narrow terminals (only the focused pane): the label gives way only
    // in part, the figures stay.
    focus_on(&mut app, Focus::Vehicles);
    for (width, height) in [(80, 24), (60, 20)] {
        update(&mut app, Msg::Resize(width, height));
        let row = vehicle_row(&app, VIN_A);
        assert!(
            row.contains("bench") && row.contains("ms"),
            "{width}x{height}: {row}"
        );
    }
}

#[test]
fn a_reply_held_without_its_payload_still_acknowledges_and_counts() {
    use crate::domain::tracking::Delivery;
    use crate::tui::app::Loaded;
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("publishes: {}", status(&app));
    };
    let cid = outgoing.cid.clone().unwrap();
    update(&mut app, Msg::Published(outgoing));
    let seq = app.history().end_seq() - 1;
    let rx = app.history().live_rx;
    // As the intake hands over a reply it held while the UI was behind:
    // what it acknowledges read before its payload was left in the journal.
    let reply = format!(r#"{{"content":{{"type":"ack","ref":"{cid}"}}}}"#);
    let mut message = crate::domain::InboundMessage::new(
        &app.rules().topics,
        to_topic(VIN_A),
        reply.clone().into(),
        t0() + chrono::Duration::milliseconds(80),
    );
    let acknowledgement = app.rules().tracking.acknowledgement(&message.payload);
    message.payload = bytes::Bytes::new();
    update(
        &mut app,
        Msg::Loaded(vec![Loaded::Held {
            message,
            size: reply.len(),
            ticket: 7,
            acknowledgement,
        }]),
    );
    assert_eq!(
        app.deliveries().state(seq),
        Some(Delivery::Acknowledged(Duration::from_millis(80)))
    );
    assert_eq!(app.history().live_rx, rx + 1, "counted as received");
    let last = app.history().last().unwrap();
    assert_eq!(last.size, reply.len(), "its size, not the empty payload's");
    assert_eq!(
        last.vin.as_ref().map(crate::domain::Vin::as_str),
        Some(VIN_A)
    );
}
