//! The positioned JSON reader (`domain::json`): whatever the text, it
//! answers without panicking; what it accepts is JSON to `serde_json` too
//! (the journal and the broker's other clients read it so) and it refuses
//! only what `serde_json` refuses or what nests too deep, its
//! one-pass minified text is `minify`'s and reads back as the same values,
//! and an error's offset is a place in the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpconsole::domain::json::{self, Location, Locator, Node, Value};

/// The same values, offsets aside (the minified text moves them).
fn same_values(a: &Node<'_>, b: &Node<'_>) -> bool {
    match (&a.value, &b.value) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_values(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(a, b)| a.key == b.key && same_values(&a.value, &b.value))
        }
        (x, y) => x == y,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = json::parse(text);
    let serde_accepts = serde_json::from_str::<serde_json::Value>(text).is_ok();
    match json::parse_and_minify(text) {
        Ok((node, minified)) => {
            let plain = parsed.expect("parse refused what parse_and_minify read");
            assert_eq!(node, plain, "the two readings differ");
            assert_eq!(minified, json::minify(text), "one-pass minify differs");
            let again = json::parse(&minified).expect("the minified text is not JSON");
            assert!(same_values(&node, &again), "minifying changed a value");
            assert!(serde_accepts, "accepted text serde_json refuses: {text:?}");
        }
        Err(err) => {
            assert!(parsed.is_err(), "parse read what parse_and_minify refused");
            assert!(err.offset <= text.len(), "error offset past the end");
            assert_eq!(
                Location::of(text, err.offset),
                Locator::new(text).locate(err.offset)
            );
            // The reader stops nesting sooner than serde_json (MAX_DEPTH):
            // a journal record must stay readable.
            assert!(
                !serde_accepts || err.message.contains("nest deeper than"),
                "refused text serde_json reads: {text:?} ({err})"
            );
        }
    }
});
