//! The one display sanitiser every piece of untrusted text (payloads,
//! topics) passes before it reaches a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether a character could move the cursor, change the terminal's state,
/// reorder text or hide itself: control characters (Unicode Cc) and the
/// format characters (Cf) that matter on a terminal.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}')
}

/// One line of safe text: newlines, tabs and every unsafe character are
/// written as visible escapes (`\n`, `\t`, `\u{1b}`).
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Bytes that may not be UTF-8, made safe for one line: invalid bytes are
/// shown as `\xNN`.
pub fn bytes_one_line(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(&one_line(chunk.valid()));
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

/// A JSON Lines record made safe for a terminal and still the same JSON:
/// each unsafe character (JSON allows them only inside strings) is written
/// as its `\uXXXX` escape, so a reader of the line gets the same values.
/// A tab stays: it is harmless and may be JSON's whitespace.
pub fn json_line(line: &str) -> Cow<'_, str> {
    if !line.chars().any(|c| c != '\t' && is_unsafe(c)) {
        return Cow::Borrowed(line);
    }
    let mut out = String::with_capacity(line.len() + 8);
    for c in line.chars() {
        if c != '\t' && is_unsafe(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_line_for_a_terminal_is_safe_and_means_the_same() {
        let line = "{\"payload\":\"a\u{9b}2J\u{202e}b\u{e0041}\",\t\"n\":1}";
        let safe = json_line(line);
        assert_eq!(
            safe,
            "{\"payload\":\"a\\u009b2J\\u202eb\\udb40\\udc41\",\t\"n\":1}"
        );
        assert!(!safe.chars().any(|c| c != '\t' && is_unsafe(c)));
        let value = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
        assert_eq!(value(&safe), value(line));
        assert!(matches!(json_line("{\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn terminal_escapes_are_shown_not_obeyed() {
        let hostile = "a\u{1b}]0;title\u{7}b\u{1b}[2Jc\u{9b}d";
        let safe = one_line(hostile);
        assert_eq!(safe, "a\\u{1b}]0;title\\u{7}b\\u{1b}[2Jc\\u{9b}d");
        assert!(!safe.chars().any(is_unsafe));
    }

    #[test]
    fn bidi_and_zero_width_are_escaped() {
        assert_eq!(
            one_line("x\u{202E}y\u{200D}z\u{2066}"),
            "x\\u{202e}y\\u{200d}z\\u{2066}"
        );
    }

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(one_line("héllo {\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn invalid_utf8_is_shown_as_hex() {
        assert_eq!(bytes_one_line(b"ok\xff\x00"), "ok\\xff\\u{0}");
    }
}
