//! Publishing from the editor to one vehicle: each refusal says why, a
//! publish is logged and recallable, a failure is shown.

use super::*;

#[test]
fn publish_is_refused_without_a_target() {
    let mut app = app();
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("no target vehicle"),
        "{}",
        status(&app)
    );
}

#[test]
fn publish_is_refused_for_an_invalid_payload() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    set_editor(&mut app, r#"{"idApp":"APP","popup":"no","content":{}}"#);
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("1 error(s)") && status(&app).contains("$.popup"),
        "{}",
        status(&app)
    );
    assert_eq!(app.history().tx, 0);
}

#[test]
fn an_app_id_placeholder_with_no_app_id_is_refused_saying_where_to_set_one() {
    let mut app = app_where(|c| c.rules.app_id = None);
    select_vehicle(&mut app, VIN_A);
    set_editor(
        &mut app,
        r#"{"idApp":"{idApp}","popup":false,"content":{}}"#,
    );
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains(crate::domain::outbound::NO_APP_ID),
        "{}",
        status(&app)
    );
    // Written empty by hand it is only empty: setting an app id would not
    // fill it in.
    set_editor(&mut app, r#"{"idApp":"","popup":false,"content":{}}"#);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("idApp is empty") && !status(&app).contains("--app-id"),
        "{}",
        status(&app)
    );
    assert_eq!(app.history().tx, 0);
}

#[test]
fn publish_is_refused_for_an_oversized_payload() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    let pad = "x".repeat(131_072);
    set_editor(
        &mut app,
        &format!(r#"{{"idApp":"APP","popup":false,"content":{{"pad":"{pad}"}}}}"#),
    );
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(
        status(&app).contains("the broker accepts 131,072"),
        "{}",
        status(&app)
    );
}

#[test]
fn publish_is_refused_for_a_popup_too_soon() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    let popup = r#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"hi","content":{}}"#;
    set_editor(&mut app, popup);
    focus_on(&mut app, Focus::Editor);
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the first popup goes: {}", status(&app));
    };
    update(&mut app, Msg::Published(outgoing));
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(5)));
    assert_eq!(app.popup_wait(), Some(15));
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("wait 15 s"), "{}", status(&app));
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(20)));
    assert!(
        matches!(ctrl(&mut app, 's'), Some(Command::Publish(_))),
        "allowed again after 20 s"
    );
}

#[test]
fn publish_is_refused_while_disconnected() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    update(
        &mut app,
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Closed,
                text: "connection lost".into(),
            },
            attempt: 2,
            retry_in: Some(Duration::from_millis(400)),
        }),
    );
    assert_eq!(
        *app.connection(),
        ConnectionState::Reconnecting {
            attempt: 2,
            reason: "connection lost".into()
        }
    );
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 's'), None);
    assert!(status(&app).contains("not connected"), "{}", status(&app));
}

#[test]
fn a_published_payload_is_logged_counted_and_recallable() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    let text = app.editor().text();
    let Some(Command::Publish(outgoing)) = ctrl(&mut app, 's') else {
        panic!("the template publishes: {}", status(&app));
    };
    assert_eq!(
        outgoing.topic,
        "psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/VF3ABCDEFGH123456/"
    );
    let cid = outgoing.cid.clone().expect("an object content is tracked");
    assert!(cid.starts_with("wpc-"), "{cid}");
    assert_eq!(
        outgoing.payload.bytes,
        app.rules()
            .tracking
            .stamp(
                &crate::domain::json::minify(
                    &crate::domain::outbound::resolve(&text, app.rules().recipient(&vin(VIN_A)))
                        .text
                ),
                &cid
            )
            .unwrap()
            .bytes,
        "what is published is the text for this vehicle with content.cid added, nothing else"
    );
    update(&mut app, Msg::Published(outgoing));
    assert_eq!(
        app.deliveries().state(0),
        Some(crate::domain::tracking::Delivery::Sent)
    );
    assert_eq!(app.history().tx, 1);
    assert_eq!(app.history().vehicles[&vin(VIN_A)].tx, 1);
    let last = app.history().last().unwrap();
    assert_eq!(last.direction, crate::store::Direction::Outbound);
    assert!(status(&app).starts_with("published"));
    set_editor(&mut app, "{}");
    ctrl(&mut app, 'p');
    assert_eq!(
        app.editor().text(),
        text,
        "Ctrl-P recalls what was published"
    );
}

#[test]
fn a_failed_publish_is_shown() {
    let mut app = app();
    update(
        &mut app,
        Msg::PublishFailed("the outgoing queue is full".into()),
    );
    assert_eq!(
        app.editor().status(),
        Some(&(StatusLevel::Error, "the outgoing queue is full".into()))
    );
}

#[test]
fn every_validation_rule_refuses_to_publish_from_the_editor() {
    let mut app = app();
    select_vehicle(&mut app, VIN_A);
    focus_on(&mut app, Focus::Editor);
    for (rule, envelope, says) in rules::BROKEN_ENVELOPES {
        set_editor(&mut app, envelope);
        assert_eq!(ctrl(&mut app, 's'), None, "{rule}");
        let problems: Vec<String> = app
            .editor()
            .validation()
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems.iter().any(|p| p.contains(says)),
            "{rule}: the editor lists {says:?}: {problems:?}"
        );
        assert!(
            status(&app).starts_with("not published"),
            "{rule}: {}",
            status(&app)
        );
    }
    assert_eq!(app.history().tx, 0);
}
