//! Envelope validation with the demo catalog (`domain::envelope`,
//! `domain::outbound`): whatever the user types, every problem is found
//! without panicking and points into the text; what is prepared for
//! publishing is valid, the size the editor's meter showed, and within the
//! limit. Inputs are raw text or envelopes built from the catalog's own
//! apps and actions with arbitrary params (most raw text is refused before
//! the catalog is ever asked).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, LazyLock};
use wpconsole::domain::catalog::Catalog;
use wpconsole::domain::envelope::validate_with;
use wpconsole::domain::json::Location;
use wpconsole::domain::outbound::OutboundRules;
use wpconsole::domain::{PopupLedger, TopicScheme, Vin};

static CATALOG: LazyLock<Arc<Catalog>> = LazyLock::new(|| Arc::new(Catalog::demo()));

/// A JSON value, written out by `write`.
#[derive(Debug, Arbitrary)]
enum Json {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A number as spelled (may not be a number at all).
    Spelled(String),
    Str(String),
    Array(Vec<Json>),
    Object(Vec<(Key, Json)>),
}

/// Keys the rules and the catalog look at, or any.
#[derive(Debug, Arbitrary)]
enum Key {
    Known(u8),
    Any(String),
}

const KEYS: [&str; 14] = [
    "idApp",
    "popup",
    "popupBtn",
    "popupText",
    "content",
    "type",
    "action",
    "params",
    "cid",
    "doors",
    "temperature",
    "minutes",
    "text",
    "{vin}",
];

impl Key {
    fn text(&self) -> &str {
        match self {
            Key::Known(i) => KEYS[usize::from(*i) % KEYS.len()],
            Key::Any(s) => s,
        }
    }
}

fn quoted(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

impl Json {
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Float(f) => out.push_str(&f.to_string()),
            Json::Spelled(s) => out.push_str(s),
            Json::Str(s) => out.push_str(&quoted(s)),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&quoted(key.text()));
                    out.push(':');
                    value.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// Raw text (the seeds are real envelopes), or after a first NUL byte an
/// envelope built from the rest.
#[derive(Debug)]
enum Input {
    Raw(String),
    Built(Built),
}

/// `{"idApp", "popup", ..., "content": {"type":"action","action","params"}}`.
#[derive(Debug, Arbitrary)]
struct Built {
    app: Option<u8>,
    popup: Option<Json>,
    popup_text: Option<Json>,
    action: u8,
    params: Json,
    extra: Vec<(Key, Json)>,
    /// The `{vin}`, `{uid}`, `{idApp}` placeholders in the text.
    placeholders: bool,
}

impl Input {
    fn text(&self) -> String {
        let (app, popup, popup_text, action, params, extra, placeholders) = match self {
            Input::Raw(text) => return text.clone(),
            Input::Built(Built {
                app,
                popup,
                popup_text,
                action,
                params,
                extra,
                placeholders,
            }) => (app, popup, popup_text, action, params, extra, placeholders),
        };
        let catalog = &*CATALOG;
        let app_id = match app {
            Some(_) if *placeholders => "{idApp}".to_owned(),
            Some(i) => catalog
                .apps
                .get(usize::from(*i) % (catalog.apps.len() + 1))
                .map_or_else(|| "OTHER".to_owned(), |a| a.app.clone()),
            None => String::new(),
        };
        let actions = catalog
            .apps
            .first()
            .map(|a| a.actions.as_slice())
            .unwrap_or(&[]);
        let action = actions
            .get(usize::from(*action) % (actions.len() + 1))
            .map_or("unknownAction", |a| a.name.as_str());
        let mut out = String::from("{\n  ");
        if app.is_some() {
            out.push_str(&format!("\"idApp\": {},\n  ", quoted(&app_id)));
        }
        if let Some(popup) = popup {
            out.push_str("\"popup\": ");
            popup.write(&mut out);
            out.push_str(",\n  ");
        }
        if let Some(text) = popup_text {
            out.push_str("\"popupText\": ");
            text.write(&mut out);
            out.push_str(",\n  ");
        }
        for (key, value) in extra {
            out.push_str(&quoted(key.text()));
            out.push_str(": ");
            value.write(&mut out);
            out.push_str(",\n  ");
        }
        out.push_str("\"content\": {\"type\": \"action\", \"action\": ");
        out.push_str(&quoted(action));
        if *placeholders {
            out.push_str(", \"vin\": \"{vin}\", \"uid\": \"{uid}\"");
        }
        out.push_str(", \"params\": ");
        params.write(&mut out);
        out.push_str("}\n}");
        out
    }
}

fuzz_target!(|data: &[u8]| {
    let input = match data.split_first() {
        Some((0, rest)) => match Built::arbitrary_take_rest(arbitrary::Unstructured::new(rest)) {
            Ok(built) => Input::Built(built),
            Err(_) => return,
        },
        _ => match std::str::from_utf8(data) {
            Ok(text) => Input::Raw(text.to_owned()),
            Err(_) => return,
        },
    };
    let text = input.text();
    let validation = validate_with(&text, Some(&CATALOG));
    for problem in &validation.problems {
        assert!(problem.location.offset <= text.len(), "{problem}");
        assert_eq!(
            problem.location,
            Location::of(&text, problem.location.offset)
        );
        let _ = problem.to_string();
    }
    if validation.is_valid() {
        let payload = validation
            .payload
            .as_ref()
            .expect("a valid envelope has its bytes");
        serde_json::from_str::<serde_json::Value>(payload).expect("valid, yet not JSON");
    }

    let vin = Vin::parse("VF3ABCDEF12345678").expect("a VIN");
    let mut rules =
        OutboundRules::new(TopicScheme::new("psa/OVIPPartners-Dev", "U", true).expect("a scheme"));
    rules.catalog = Some(Arc::clone(&CATALOG));
    rules.app_id = Some("DEMO_APP".to_owned());
    let (resolved, validation) = rules.validate(&text, &vin);
    for problem in &validation.problems {
        assert!(
            problem.location.offset <= text.len(),
            "{problem} in {:?}",
            resolved.text
        );
    }
    let meter = rules.measure(&validation, &vin);
    match rules.prepare(&text, &vin, &PopupLedger::default(), 0) {
        Ok(prepared) => {
            let bytes = &prepared.payload.bytes;
            serde_json::from_str::<serde_json::Value>(bytes).expect("prepared, yet not JSON");
            assert_eq!(prepared.payload.size.payload, bytes.len());
            assert!(prepared.payload.size.fits());
            let meter = meter.expect("prepared, yet the meter showed nothing");
            assert_eq!(meter.payload, bytes.len(), "the meter showed another size");
        }
        Err(refusal) => {
            let _ = refusal.to_string();
        }
    }
});
