//! The simulated fleet's behaviour, with time given, not waited for.

use super::*;
use crate::domain::{InboundKind, classify};

fn fleet(count: usize) -> Fleet {
    Fleet::new(TopicScheme::new("p", "DEMO", true).unwrap(), count, 7)
}

fn run(fleet: &mut Fleet, from: u64, to: u64) -> Vec<VehicleMessage> {
    (from..to)
        .flat_map(|ms| fleet.tick(Duration::from_millis(ms * 100)))
        .collect()
}

#[test]
fn vins_are_valid_distinct_and_varied() {
    let fleet = fleet(12);
    let mut vins: Vec<_> = fleet.vehicles.iter().map(|v| v.vin.clone()).collect();
    vins.sort();
    vins.dedup();
    assert_eq!(vins.len(), 12);
    let makes: std::collections::HashSet<_> = vins.iter().map(|v| &v.as_str()[..3]).collect();
    assert!(makes.len() >= 6);
}

#[test]
fn every_vehicle_talks_and_every_kind_shows_up() {
    let mut fleet = fleet(12).with_malformed_share(0.2);
    let messages = run(&mut fleet, 0, 3000);
    let scheme = TopicScheme::new("p", "DEMO", true).unwrap();
    for vehicle in &fleet.vehicles {
        assert!(
            messages
                .iter()
                .any(|m| m.topic == scheme.to_topic(&vehicle.vin))
        );
    }
    let kinds: std::collections::HashSet<_> = messages
        .iter()
        .map(|m| classify(&m.payload).kind.name())
        .collect();
    for kind in ["content", "content-string", "no-content", "text", "binary"] {
        assert!(kinds.contains(kind), "{kind} missing from {kinds:?}");
    }
}

#[test]
fn data_messages_are_acknowledged_with_action_and_correlation_id() {
    let mut fleet = fleet(1).with_malformed_share(0.0);
    let vin = fleet.vehicles[0].vin.clone();
    let scheme = TopicScheme::new("p", "DEMO", true).unwrap();
    fleet.on_server_message(
        &scheme.from_topic(&vin),
        br#"{"idApp":"A","popup":false,"content":{"type":"action","action":"unlock","cid":"c-42"}}"#,
        Duration::from_secs(1),
    );
    let replies = run(&mut fleet, 10, 20);
    let ack = replies
        .iter()
        .filter_map(|m| serde_json::from_slice::<Value>(&m.payload).ok())
        .find(|v| v["content"]["type"] == "ack")
        .expect("an acknowledgement within a second");
    assert_eq!(ack["content"]["action"], "unlock");
    assert_eq!(ack["content"]["ref"], "c-42");
}

#[test]
fn popups_are_answered_with_a_popup_action() {
    let mut fleet = fleet(1).with_malformed_share(0.0);
    let vin = fleet.vehicles[0].vin.clone();
    let scheme = TopicScheme::new("p", "DEMO", true).unwrap();
    fleet.on_server_message(
        &scheme.from_topic(&vin),
        br#"{"idApp":"A","popup":true,"popupText":"Hi","content":{}}"#,
        Duration::ZERO,
    );
    let replies = run(&mut fleet, 0, 160);
    let answers: Vec<_> = replies
        .iter()
        .map(|m| classify(&m.payload).kind)
        .filter(|k| matches!(k, InboundKind::PopupAnswer(_)))
        .collect();
    assert_eq!(answers.len(), 1);
    // Without an OK button the user can only cancel or let it time out.
    assert_ne!(
        answers[0],
        InboundKind::PopupAnswer(crate::domain::PopupAction::Ok)
    );
}

#[test]
fn a_popup_answer_carries_the_servers_id_in_content_cid() {
    let mut fleet = fleet(1)
        .with_malformed_share(0.0)
        .with_popup_answer(PopupAction::Cancel);
    let vin = fleet.vehicles[0].vin.clone();
    let scheme = TopicScheme::new("p", "DEMO", true).unwrap();
    fleet.on_server_message(
        &scheme.from_topic(&vin),
        br#"{"idApp":"A","popup":true,"popupBtn":true,"popupText":"Hi","content":{"type":"action","action":"hi","cid":"wpc-7"}}"#,
        Duration::ZERO,
    );
    let answers: Vec<Value> = run(&mut fleet, 0, 160)
        .iter()
        .filter(|m| matches!(classify(&m.payload).kind, InboundKind::PopupAnswer(_)))
        .filter_map(|m| serde_json::from_slice(&m.payload).ok())
        .collect();
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(
        answers[0]["popupAction"],
        "WebPortal.cancelBtnPopupRequestClicked"
    );
    assert_eq!(answers[0]["content"]["cid"], "wpc-7");
    let tracking = crate::domain::tracking::Tracking::default();
    assert_eq!(
        tracking.acknowledgement(answers[0].to_string().as_bytes()),
        Some(crate::domain::tracking::Acknowledgement::popup(
            "wpc-7",
            PopupAction::Cancel
        ))
    );
}

#[test]
fn a_sleeping_vehicle_keeps_only_the_last_ten_data_messages() {
    let mut fleet = fleet(4).with_malformed_share(0.0);
    let sleeper = 3;
    fleet.vehicles[sleeper].awake = false;
    fleet.vehicles[sleeper].next_sleep_toggle = Duration::from_secs(100);
    let scheme = TopicScheme::new("p", "DEMO", true).unwrap();
    let topic = scheme.from_topic(&fleet.vehicles[sleeper].vin);
    for n in 0..13 {
        let payload = format!(r#"{{"idApp":"A","popup":false,"content":{{"action":"a{n}"}}}}"#);
        fleet.on_server_message(&topic, payload.as_bytes(), Duration::from_secs(1));
    }
    assert_eq!(fleet.vehicles[sleeper].lost, 3);
    assert!(
        run(&mut fleet, 10, 990)
            .iter()
            .all(|m| m.topic != scheme.to_topic(&fleet.vehicles[sleeper].vin))
    );
    let after_wake = run(&mut fleet, 1000, 1020);
    let acks: Vec<String> = after_wake
        .iter()
        .filter_map(|m| serde_json::from_slice::<Value>(&m.payload).ok())
        .filter(|v| v["content"]["type"] == "ack")
        .map(|v| {
            v["content"]["action"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(acks.len(), 10);
    assert!(acks.contains(&"a3".to_owned()) && acks.contains(&"a12".to_owned()));
    assert!(!acks.contains(&"a2".to_owned()));
}
