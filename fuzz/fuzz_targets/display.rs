//! The display sanitiser (`domain::display`): whatever the text or bytes,
//! nothing unsafe for a terminal comes out, one line stays one line, and a
//! JSON Lines record keeps its meaning.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpconsole::domain::display::{bytes_one_line, is_unsafe, json_line, one_line};

fuzz_target!(|data: &[u8]| {
    let shown = bytes_one_line(data);
    assert!(
        !shown.chars().any(is_unsafe),
        "unsafe character shown: {shown:?}"
    );
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let line = one_line(text);
    assert!(
        !line.chars().any(is_unsafe),
        "unsafe character shown: {line:?}"
    );
    assert_eq!(line, shown, "text and its bytes are shown differently");
    let safe = json_line(text);
    assert!(
        !safe.chars().any(|c| c != '\t' && is_unsafe(c)),
        "unsafe character in a JSON line: {safe:?}"
    );
    // A record is one line (`\n` ends it, a `\r` is never written between
    // tokens): there its meaning must not change.
    if !text.contains(['\n', '\r'])
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(text)
    {
        let after = serde_json::from_str::<serde_json::Value>(&safe)
            .expect("the sanitised JSON line is not JSON");
        assert_eq!(value, after, "the sanitised JSON line means something else");
    }
});
