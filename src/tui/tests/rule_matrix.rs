//! Every publishing rule, through both console entry points (one
//! vehicle, marked vehicles).

use super::*;

/// The console's two entry points, to one vehicle and to marked
/// vehicles, against every rule of the matrix (the headless entry points
/// are in `tests/it/publish_rules.rs`).
#[derive(Debug, Clone, Copy)]
enum EntryPoint {
    OneVehicle,
    MarkedVehicles,
}

/// Ctrl-S through `entry` with `text` in the editor; what the console
/// would publish (after answering a confirmation with `y` when one is
/// asked and `answer` is true).
fn publish_through(
    app: &mut crate::tui::App,
    entry: EntryPoint,
    text: &str,
    answer: bool,
) -> Vec<crate::tui::app::Outgoing> {
    select_vehicle(app, VIN_A);
    key(app, KeyCode::Char('n'));
    if let EntryPoint::MarkedVehicles = entry {
        mark(app, &vin(VIN_A));
        mark(app, &vin(VIN_B));
    }
    focus_on(app, Focus::Editor);
    set_editor(app, text);
    let command = match ctrl(app, 's') {
        None if answer && app.modal().is_some() => key(app, KeyCode::Char('y')),
        other => other,
    };
    match command {
        Some(Command::Publish(outgoing)) => vec![outgoing],
        Some(Command::PublishMany(outgoing)) => outgoing,
        _ => Vec::new(),
    }
}

#[test]
fn every_rule_holds_for_one_vehicle_and_for_marked_vehicles() {
    let data = r#"{"idApp":"APP","popup":false,"content":{"type":"action","action":"x"}}"#;
    let popup = r#"{"idApp":"APP","popup":true,"popupText":"hi {vin}","content":{}}"#;
    for entry in [EntryPoint::OneVehicle, EntryPoint::MarkedVehicles] {
        let fresh_where = |adjust: fn(&mut crate::tui::AppConfig)| {
            let mut app = app_where(adjust);
            three_vehicles(&mut app);
            app
        };
        let fresh = || fresh_where(|_| {});
        // Valid envelope.
        let mut app = fresh();
        let broken = r#"{"idApp":"APP","popup":"no","content":{}}"#;
        assert!(
            publish_through(&mut app, entry, broken, true).is_empty(),
            "{entry:?}"
        );
        assert!(status(&app).starts_with("not published"), "{entry:?}");
        // Size limit, on the bytes published (the stamp included).
        let mut app = fresh();
        let over = format!(
            r#"{{"idApp":"APP","popup":false,"content":{{"pad":"{}"}}}}"#,
            "x".repeat(131_072 - 40)
        );
        assert!(
            publish_through(&mut app, entry, &over, true).is_empty(),
            "{entry:?}"
        );
        // Popup interval: VIN_A had one 5 s ago.
        let mut app = fresh();
        let five_seconds_ago = unix_ms(app.now()) - 5_000;
        record_popup(&mut app, &vin(VIN_A), five_seconds_ago);
        let sent = publish_through(&mut app, entry, popup, true);
        assert!(sent.iter().all(|o| o.vin != vin(VIN_A)), "{entry:?}");
        // Tracking stamp: one member added per vehicle, its own id; off with Ctrl-G.
        let mut app = fresh();
        let sent = publish_through(&mut app, entry, data, true);
        assert!(!sent.is_empty(), "{entry:?}: {}", status(&app));
        for outgoing in &sent {
            let cid = outgoing.cid.clone().unwrap();
            assert_eq!(
                outgoing.payload.bytes,
                data.replace(r#""x"}"#, &format!(r#""x","cid":"{cid}"}}"#)),
                "{entry:?}"
            );
        }
        ctrl(&mut app, 'g');
        let sent = publish_through(&mut app, entry, data, true);
        assert!(
            sent.iter()
                .all(|o| o.cid.is_none() && o.payload.bytes == data)
        );
        // Production: nothing without the answer, then what was shown.
        let mut app = fresh_where(|c| c.rules.production = true);
        assert!(
            publish_through(&mut app, entry, data, false).is_empty(),
            "{entry:?}"
        );
        assert!(screen(&app).contains("PRODUCTION"), "{entry:?}");
        assert!(
            !publish_through(&mut app, entry, data, true).is_empty(),
            "{entry:?}"
        );
        // The single-vehicle question says what kind of message it is.
        if let EntryPoint::OneVehicle = entry {
            let mut app = fresh_where(|c| c.rules.production = true);
            publish_through(&mut app, entry, popup, false);
            assert!(
                screen(&app).contains("a POPUP message of"),
                "{}",
                screen(&app)
            );
        }
        // Read-only: nothing, even with a yes.
        let mut app = fresh_where(|c| c.rules.read_only = true);
        assert!(
            publish_through(&mut app, entry, data, true).is_empty(),
            "{entry:?}"
        );
        assert!(status(&app).contains("read-only"), "{entry:?}");
    }
}
