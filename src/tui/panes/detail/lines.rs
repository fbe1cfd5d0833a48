//! The detail pane's content: a message pretty-printed and split into
//! coloured tokens once, when it is first shown.

use crate::domain::display;
use crate::store::LogEntry;
use crate::tui::width::of as cells;
use std::fmt::Write as _;

/// What a piece of text is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Label,
    Plain,
    Key,
    String,
    Number,
    Literal,
    Punctuation,
    Hex,
    Notice,
}

/// One display line: tokens with their (already safe) text.
pub type DetailLine = Vec<(Token, String)>;

/// How many bytes of binary are shown as hex before a note says the rest
/// is there to copy.
const HEX_LIMIT: usize = 64 * 1024;

/// Payloads over the WebPortal limit are shown up to it, with a note.
const SHOWN_LIMIT: usize = 131_072;

/// The lines of the detail pane for `entry`, times in `offset`, wrapped
/// at `width` characters so a long value can be read to its end.
pub fn lines(entry: &LogEntry, offset: chrono::FixedOffset, width: usize) -> Vec<DetailLine> {
    let mut wrapped = Vec::new();
    for line in unwrapped(entry, offset) {
        wrap(line, width.max(8), &mut wrapped);
    }
    wrapped
}

/// Splits a line into pieces of at most `width` cells (a wide character
/// takes two), keeping each piece's token colours.
fn wrap(line: DetailLine, width: usize, out: &mut Vec<DetailLine>) {
    let total: usize = line.iter().map(|(_, text)| cells(text)).sum();
    if total <= width {
        out.push(line);
        return;
    }
    let mut current: DetailLine = Vec::new();
    let mut room = width;
    for (token, text) in line {
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let (mut piece, mut after) = crate::tui::width::split(rest, room);
            if piece.is_empty() && current.is_empty() {
                // Not even one character fits an empty line: it goes alone.
                let first = rest.chars().next().map_or(rest.len(), char::len_utf8);
                (piece, after) = rest.split_at(first);
            }
            // A wide character that does not fit in the last cell starts
            // the next line.
            let line_full = piece.len() < rest.len();
            if !piece.is_empty() {
                room = room.saturating_sub(cells(piece));
                current.push((token, piece.to_owned()));
            }
            rest = after;
            if room == 0 || line_full {
                out.push(std::mem::take(&mut current));
                room = width;
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
}

fn unwrapped(entry: &LogEntry, offset: chrono::FixedOffset) -> Vec<DetailLine> {
    let mut out: Vec<DetailLine> = Vec::new();
    let label = |name: &str, value: String| {
        vec![(Token::Label, format!("{name:<7} ")), (Token::Plain, value)]
    };
    out.push(label("topic", display::one_line(&entry.topic).into_owned()));
    out.push(label(
        "time",
        entry
            .at
            .with_timezone(&offset)
            .format("%Y-%m-%d %H:%M:%S%.3f %:z")
            .to_string(),
    ));
    let direction = match entry.direction {
        crate::store::Direction::Inbound => "received",
        crate::store::Direction::Outbound => "published",
        crate::store::Direction::Refused => "refused, not published",
    };
    out.push(label("kind", format!("{} ({direction})", entry.kind)));
    // Why it was refused: known to the history, so `open` of an export
    // tells it too.
    if let Some(reason) = &entry.refusal {
        out.push(label("refused", display::one_line(reason).into_owned()));
    }
    out.push(label(
        "size",
        format!(
            "{} bytes, MQTT packet {} bytes",
            crate::domain::envelope::group(entry.size),
            crate::domain::envelope::group(crate::domain::envelope::publish_packet_len(
                entry.topic.len(),
                entry.size
            ))
        ),
    ));
    out.push(Vec::new());
    if let Some(reason) = &entry.unavailable {
        out.push(vec![(Token::Notice, "payload unavailable:".to_owned())]);
        out.push(vec![(Token::Notice, reason.clone())]);
        return out;
    }
    let mut payload: &[u8] = &entry.payload;
    if payload.len() > SHOWN_LIMIT {
        out.push(vec![(
            Token::Notice,
            format!(
                "{} bytes, over the broker's 131,072 limit: showing the first 131,072 (c copies them all)",
                crate::domain::envelope::group(payload.len())
            ),
        )]);
        payload = &payload[..SHOWN_LIMIT];
        // Do not cut a character in two.
        if let Err(err) = std::str::from_utf8(payload)
            && err.error_len().is_none()
        {
            payload = &payload[..err.valid_up_to()];
        }
    }
    if let Ok(text) = std::str::from_utf8(payload) {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => {
                let pretty =
                    serde_json::to_string_pretty(&value).unwrap_or_else(|_| text.to_owned());
                out.extend(pretty.lines().map(json_tokens));
            }
            Err(_) => out.extend(
                text.lines()
                    .map(|line| vec![(Token::Plain, expand_tabs(&display::one_line(line)))]),
            ),
        }
    } else {
        {
            out.extend(hex_lines(&payload[..payload.len().min(HEX_LIMIT)]));
            if payload.len() > HEX_LIMIT {
                out.push(vec![(
                    Token::Notice,
                    format!(
                        "… {} more bytes (c copies them all)",
                        payload.len() - HEX_LIMIT
                    ),
                )]);
            }
        }
    }
    out
}

fn expand_tabs(text: &str) -> String {
    text.replace("\\t", "    ")
}

fn hex_lines(bytes: &[u8]) -> impl Iterator<Item = DetailLine> + '_ {
    bytes.chunks(16).enumerate().map(|(row, chunk)| {
        let mut hex = String::with_capacity(48);
        for b in chunk {
            let _ = write!(hex, "{b:02x} ");
        }
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        vec![
            (Token::Label, format!("{:08x}  ", row * 16)),
            (Token::Hex, format!("{hex:<48} ")),
            (Token::Plain, ascii),
        ]
    })
}

/// Splits one line of pretty JSON into tokens. Strings are sanitised, so
/// a bidi override or an escape inside a value is shown, not obeyed.
fn json_tokens(line: &str) -> DetailLine {
    let mut tokens = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i = (i + 1).min(chars.len());
            let text: String = chars[start..i].iter().collect();
            let rest = chars[i..].iter().find(|c| **c != ' ');
            let token = if rest == Some(&':') {
                Token::Key
            } else {
                Token::String
            };
            tokens.push((token, display::one_line(&text).into_owned()));
        } else if c == '-' || c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit() || matches!(chars[i], '-' | '+' | '.' | 'e' | 'E'))
            {
                i += 1;
            }
            tokens.push((Token::Number, chars[start..i].iter().collect()));
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            tokens.push((Token::Literal, chars[start..i].iter().collect()));
        } else {
            let start = i;
            while i < chars.len()
                && !(chars[i] == '"' || chars[i] == '-' || chars[i].is_ascii_alphanumeric())
            {
                i += 1;
            }
            tokens.push((Token::Punctuation, chars[start..i].iter().collect()));
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::History;
    use bytes::Bytes;
    use chrono::{FixedOffset, TimeZone, Utc};

    fn entry(payload: &[u8]) -> LogEntry {
        let scheme = crate::domain::TopicScheme::new("p", "U", true).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let message = crate::domain::InboundMessage::new(
            &scheme,
            "p/to/uid/U/opa/0123456789ABCDEFG/".into(),
            Bytes::copy_from_slice(payload),
            at,
        );
        let mut history = History::new(10, []);
        let seq = history.push_inbound(&message, crate::store::Place::Nowhere);
        history.by_seq(seq).unwrap()
    }

    fn text(lines: &[DetailLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|(_, t)| t.as_str()).collect())
            .collect()
    }

    #[test]
    fn json_is_pretty_printed_and_coloured() {
        let lines = lines(
            &entry(br#"{"content":{"action":"go","n":1}}"#),
            FixedOffset::east_opt(0).unwrap(),
            200,
        );
        let text = text(&lines);
        assert_eq!(text[1], "time    2026-01-02 03:04:05.000 +00:00");
        assert!(
            text.contains(&"    \"action\": \"go\",".to_owned()),
            "{text:?}"
        );
        let action_line = lines
            .iter()
            .find(|l| l.iter().any(|(_, t)| t == "\"action\""))
            .unwrap();
        assert!(action_line.contains(&(Token::Key, "\"action\"".into())));
        assert!(action_line.contains(&(Token::String, "\"go\"".into())));
    }

    #[test]
    fn a_refused_message_says_why_it_was_refused() {
        let mut entry = entry(br#"{"popup":true}"#);
        entry.direction = crate::store::Direction::Refused;
        entry.refusal = Some("a popup 4 s ago: wait 16 s\u{1b}".into());
        let text = text(&lines(&entry, FixedOffset::east_opt(0).unwrap(), 200));
        assert!(
            text.contains(&"refused a popup 4 s ago: wait 16 s\\u{1b}".to_owned()),
            "{text:?}"
        );
    }

    #[test]
    fn hostile_text_is_shown_escaped() {
        let shown = text(&lines(
            &entry(b"{\"a\":\"\xe2\x80\xae\"}\x1b"),
            FixedOffset::east_opt(0).unwrap(),
            200,
        ));
        assert!(
            shown
                .iter()
                .all(|l| !l.contains('\u{202e}') && !l.contains('\u{1b}')),
            "{shown:?}"
        );
        let json = text(&lines(
            &entry("{\"a\":\"\u{202e}x\"}".as_bytes()),
            FixedOffset::east_opt(0).unwrap(),
            200,
        ));
        assert!(json.iter().any(|l| l.contains("\\u{202e}x")), "{json:?}");
    }

    #[test]
    fn long_values_wrap_at_the_pane_width_keeping_their_colour() {
        let long = format!("{{\"s\":\"{}\"}}", "x".repeat(250));
        let lines = lines(
            &entry(long.as_bytes()),
            FixedOffset::east_opt(0).unwrap(),
            100,
        );
        let body: Vec<&DetailLine> = lines
            .iter()
            .filter(|l| l.iter().any(|(_, t)| t.contains("xxx")))
            .collect();
        assert_eq!(body.len(), 3, "{body:?}");
        assert!(
            lines
                .iter()
                .all(|l| l.iter().map(|(_, t)| cells(t)).sum::<usize>() <= 100)
        );
        assert!(body[1].iter().all(|(token, _)| *token == Token::String));
        let joined: String = body
            .iter()
            .flat_map(|l| l.iter().map(|(_, t)| t.as_str()))
            .collect();
        assert!(
            joined.contains(&"x".repeat(250)),
            "nothing is lost in the wrap"
        );
    }

    #[test]
    fn an_oversized_payload_is_shown_truncated_with_a_note() {
        let big = format!("{{\"blob\":\"{}\"}}", "é".repeat(600_000));
        let shown = text(&lines(
            &entry(big.as_bytes()),
            FixedOffset::east_opt(0).unwrap(),
            200,
        ));
        assert!(
            shown
                .iter()
                .any(|l| l.contains("over the broker's 131,072 limit")),
            "{:?}",
            &shown[..6]
        );
        let body: usize = shown.iter().skip(6).map(String::len).sum();
        assert!(body <= 131_072, "{body}");
    }

    #[test]
    fn binary_is_shown_as_hex() {
        let text = text(&lines(
            &entry(&[0xff, 0x00, b'A']),
            FixedOffset::east_opt(0).unwrap(),
            200,
        ));
        assert!(
            text.iter()
                .any(|l| l.starts_with("00000000  ff 00 41") && l.ends_with("..A")),
            "{text:?}"
        );
    }
}
