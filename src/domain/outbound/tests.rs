//! The publishing rules, one by one and together.

use super::*;

const A: &str = "VF3ABCDEFGH123456";
const B: &str = "ZFA1234567890ABCD";

fn vin(text: &str) -> Vin {
    Vin::parse(text).unwrap()
}

fn rules() -> OutboundRules {
    OutboundRules {
        app_id: Some("APP".into()),
        ..OutboundRules::new(TopicScheme::new("p", "U1", true).unwrap())
    }
}

const TEMPLATE: &str = "{\n  \"idApp\": \"{idApp}\",\n  \"popup\": true,\n  \"popupText\": \"for {vin}\",\n  \"content\": {\"vin\": \"{vin}\", \"uid\": \"{uid}\"}\n}";

#[test]
fn each_recipient_gets_its_own_values() {
    let rules = rules();
    for each in [A, B] {
        let prepared = rules
            .prepare(TEMPLATE, &vin(each), &PopupLedger::default(), 0)
            .unwrap();
        let value: serde_json::Value = serde_json::from_str(&prepared.payload.bytes).unwrap();
        assert_eq!(value["content"]["vin"], each);
        assert_eq!(value["popupText"], format!("for {each}"));
        assert_eq!(value["content"]["uid"], "U1");
        assert_eq!(value["idApp"], "APP");
        assert_eq!(prepared.topic, format!("p/from/uid/U1/opa/{each}/"));
    }
}

#[test]
fn problems_point_into_the_text_the_user_wrote() {
    let text = "{\"idApp\": \"{idApp}\", \"popup\": \"{vin}\", \"content\": {}}";
    let (_, validation) = rules().validate(text, &vin(A));
    let problem = validation.errors().next().unwrap();
    assert_eq!(problem.path, "$.popup");
    assert_eq!(problem.location.offset, text.find("\"{vin}\"").unwrap());
    assert_eq!(problem.location.column, text.find("\"{vin}\"").unwrap() + 1);
}

#[test]
fn an_app_id_placeholder_with_no_app_id_says_where_to_set_one() {
    let mut rules = rules();
    rules.app_id = None;
    let (_, validation) = rules.validate(TEMPLATE, &vin(A));
    let problem = validation.errors().next().unwrap();
    assert_eq!(problem.message, NO_APP_ID);
    assert_eq!(
        problem.location.offset,
        TEMPLATE.find("\"{idApp}\"").unwrap()
    );
    // Written empty by hand, it is only empty.
    let (_, validation) = rules.validate(
        r#"{"idApp":"","popup":false,"content":{"v":"{vin}"}}"#,
        &vin(A),
    );
    assert!(
        validation
            .errors()
            .next()
            .unwrap()
            .message
            .starts_with("idApp is empty")
    );
}

#[test]
fn offsets_after_placeholders_shift_back() {
    let resolved = resolve("{vin}-x-{uid}-y", rules().recipient(&vin(A)));
    assert_eq!(resolved.text, format!("{A}-x-U1-y"));
    assert_eq!(resolved.original_offset(0), 0);
    assert_eq!(resolved.original_offset(5), 0, "inside the value");
    assert_eq!(resolved.original_offset(17), 5);
    assert_eq!(resolved.original_offset(20), 8, "the uid's start");
    assert_eq!(resolved.original_offset(22), 13);
    assert_eq!(resolved.original_offset(24), 15);
}

#[test]
fn values_are_json_escaped_and_other_braces_stay() {
    let mut rules = rules();
    rules.app_id = Some("a\"b".into());
    let resolved = resolve("{\"x\":\"{idApp}{other}\"}", rules.recipient(&vin(A)));
    assert_eq!(resolved.text, "{\"x\":\"a\\\"b{other}\"}");
}

#[test]
fn the_meter_measures_the_stamped_bytes_and_tracking_can_be_off() {
    let mut rules = rules();
    let text = r#"{"idApp":"APP","popup":false,"content":{"a":1}}"#;
    let (_, validation) = rules.validate(text, &vin(A));
    let measured = rules.measure(&validation, &vin(A)).unwrap();
    let prepared = rules
        .prepare(text, &vin(A), &PopupLedger::default(), 0)
        .unwrap();
    assert_eq!(measured.payload, prepared.payload.bytes.len());
    assert_eq!(
        measured.payload,
        text.len() + r#","cid":"wpc-000000000000""#.len()
    );
    rules.track = false;
    assert_eq!(
        rules.measure(&validation, &vin(A)).unwrap().payload,
        text.len()
    );
    let untracked = rules
        .prepare(text, &vin(A), &PopupLedger::default(), 0)
        .unwrap();
    assert_eq!(untracked.payload.bytes, text);
    assert_eq!(untracked.cid, None);
}

#[test]
fn an_envelope_that_fits_only_without_the_stamp_says_so() {
    let mut rules = rules();
    let text = r#"{"idApp":"APP","popup":false,"content":{}}"#;
    rules.size_limit = text.len();
    let err = rules
        .prepare(text, &vin(A), &PopupLedger::default(), 0)
        .unwrap_err();
    assert!(
        err.to_string().contains("with the tracking id content.cid"),
        "{err}"
    );
    rules.track = false;
    assert!(
        rules
            .prepare(text, &vin(A), &PopupLedger::default(), 0)
            .is_ok()
    );
}

#[test]
fn a_popup_too_soon_is_refused_per_vehicle() {
    let mut ledger = PopupLedger::default();
    ledger.record(&vin(A), 1_000);
    let rules = rules();
    assert!(matches!(
        rules.prepare(TEMPLATE, &vin(A), &ledger, 5_000),
        Err(NotReady::TooSoon(_))
    ));
    assert!(rules.prepare(TEMPLATE, &vin(B), &ledger, 5_000).is_ok());
}

#[test]
fn read_only_and_production_are_admitted_here() {
    let mut rules = rules();
    assert_eq!(rules.admit(false), Ok(()));
    rules.production = true;
    assert_eq!(rules.admit(false), Err(NotReady::Unconfirmed));
    assert_eq!(rules.admit(true), Ok(()));
    rules.read_only = true;
    assert_eq!(rules.admit(true), Err(NotReady::ReadOnly));
}
