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

#[cfg(test)]
mod tests {
    use super::*;

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
