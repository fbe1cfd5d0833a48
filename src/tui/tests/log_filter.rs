//! The log's filters: the text search streaming in (and stopped), the
//! kind filter, and exporting what the filter shows.

use super::*;

#[test]
fn text_filter_searches_payloads_and_combines_with_the_vehicle() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "CLIMATE");
    assert!(matches!(app.modal(), Some(Modal::FilterPrompt(_))));
    finish_search(&mut app);
    assert_eq!(app.log_len(), 1, "case-insensitive payload search");
    assert!(
        app.notice()
            .as_ref()
            .is_some_and(|(_, t)| t.contains("1 found in 4 messages")),
        "{:?}",
        app.notice()
    );
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.modal(), None);
    assert_eq!(app.log().filter().text, "climate");
    receive(
        &mut app,
        &to_topic(VIN_A),
        action("climateOff").as_bytes(),
        80_000,
    );
    assert_eq!(app.log_len(), 2, "new messages are filtered as they come");
    select_vehicle(&mut app, VIN_A);
    finish_search(&mut app);
    assert_eq!(app.log_len(), 1);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log().filter().text, "");
    assert_eq!(
        app.log_len(),
        2,
        "first Esc clears the text, the vehicle stays"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log().filter().vehicle, VehicleFilter::All);
    assert_eq!(app.log_len(), 5);
}

#[test]
fn esc_stops_a_running_search_and_keeps_the_filter() {
    let mut app = app();
    three_vehicles(&mut app);
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "climate");
    key(&mut app, KeyCode::Enter);
    assert!(app.log().searching(), "the hits come on later ticks");
    assert!(screen(&app).contains("searching… 0 of 4 scanned (Esc stops)"));
    key(&mut app, KeyCode::Esc);
    assert!(!app.log().searching());
    assert_eq!(
        app.log().filter().text,
        "climate",
        "the first Esc only stops"
    );
    let (_, notice) = app.notice().unwrap();
    assert!(
        notice.starts_with("search stopped after 0 of 4"),
        "{notice}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.log().filter().text, "");
    assert_eq!(app.log_len(), 4);
}

#[test]
fn the_kind_filter_steps_through_the_kinds_present() {
    let mut app = app();
    three_vehicles(&mut app);
    receive(&mut app, &to_topic(VIN_C), b"just text", 90_000);
    focus_on(&mut app, Focus::Log);
    let kinds = app.history().kinds();
    assert!(kinds.len() >= 2, "{kinds:?}");
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(app.log().filter().kind, Some(kinds[0]));
    let first_kind = app.log_len();
    assert!(first_kind > 0);
    assert!(screen(&app).contains(&format!("kind {}", kinds[0])));
    for _ in 1..kinds.len() {
        key(&mut app, KeyCode::Char('K'));
    }
    assert_eq!(app.log().filter().kind, kinds.last().copied());
    assert_eq!(
        (0..app.log_len())
            .filter_map(|i| app.log_seq_at(i))
            .filter_map(|s| app.history().by_seq(s))
            .filter(|e| e.kind != *kinds.last().unwrap())
            .count(),
        0
    );
    key(&mut app, KeyCode::Char('K'));
    assert_eq!(
        app.log().filter().kind,
        None,
        "after the last kind, all again"
    );
    assert_eq!(app.log_len(), 5);
}

#[test]
fn export_writes_the_log_as_filtered() {
    let mut app = app();
    focus_on(&mut app, Focus::Log);
    assert_eq!(key(&mut app, KeyCode::Char('x')), None);
    assert!(
        app.notice()
            .as_ref()
            .is_some_and(|(_, t)| t.contains("nothing to export"))
    );
    three_vehicles(&mut app);
    select_vehicle(&mut app, VIN_B);
    focus_on(&mut app, Focus::Log);
    let Some(Command::Export(work)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports");
    };
    let (lines, done) = finish_export(&mut app, work);
    assert_eq!(lines.len(), 2, "only the filtered view");
    assert_eq!(done.left_out, 0);
    for line in &lines {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(record["vin"], VIN_B);
        assert_eq!(record["dir"], "in");
    }
    assert_eq!(
        crate::domain::record::payload_bytes(&lines[0]).unwrap(),
        action("climateOn").into_bytes()
    );
    update(
        &mut app,
        Msg::Notice(
            StatusLevel::Success,
            "exported 2 message(s) to /x.jsonl".into(),
        ),
    );
    assert!(screen(&app).contains("exported 2 message(s) to /x.jsonl"));
}

#[test]
fn an_export_is_fed_a_piece_per_frame_and_keys_are_answered_meanwhile() {
    use crate::domain::InboundMessage;
    use crate::store::Place;
    use crate::tui::app::Loaded;
    let mut app = app();
    let messages: Vec<Loaded> = (0..100_000)
        .map(|n| {
            let message = InboundMessage::new(
                &crate::domain::TopicScheme::new("psa/OVIPPartners-Dev", "PARTNER1", true).unwrap(),
                to_topic(VIN_A),
                bytes::Bytes::from(format!("{{\"n\":{n}}}")),
                t0(),
            );
            Loaded::Received(message, Place::Nowhere)
        })
        .collect();
    update(&mut app, Msg::Loaded(messages));
    focus_on(&mut app, Focus::Log);
    let Some(Command::Export(work)) = key(&mut app, KeyCode::Char('x')) else {
        panic!("x exports");
    };
    // The key's update handed over a piece or two, not 100,000 messages.
    let fed = app.log().export_fed().expect("the export runs");
    assert!(fed < 100_000 / 2, "{fed} handed over in the key's update");
    // A key while it runs is answered: the selection moves.
    let before = app.log().selected();
    key(&mut app, KeyCode::Up);
    assert_ne!(app.log().selected(), before);
    assert!(
        app.notice()
            .as_ref()
            .is_some_and(|(_, t)| t.starts_with("exporting…")),
        "{:?}",
        app.notice()
    );
    let (lines, done) = finish_export(&mut app, work);
    assert_eq!(lines.len(), 100_000);
    assert_eq!(done.written, 100_000);
    assert!(lines[99_999].contains("\"n\":99999"));
}
