//! A strict JSON reader that remembers where every value stands, and the
//! whitespace minifier that produces the exact bytes that are published.
//!
//! `serde_json::Value` forgets positions, silently keeps the last of two
//! duplicate keys and would re-serialise numbers and escapes; validation
//! needs all three, so envelopes are read with this parser instead.

use std::borrow::Cow;

/// A place in the source text: byte offset plus 1-based line and column
/// (the column counts characters, as an editor does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl Location {
    /// The location of a byte offset inside `text`.
    pub fn of(text: &str, offset: usize) -> Self {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.split(|&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        Self {
            offset,
            line,
            column,
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Locations of many offsets in one text: the line starts are found once
/// (on the first location asked for), so each problem of a large envelope
/// costs a binary search and one line's characters, not a scan from the
/// start of the text.
#[derive(Debug)]
pub struct Locator<'a> {
    text: &'a str,
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Locator<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    /// The text located in.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The same as [`Location::of`].
    pub fn locate(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        // The last line start at or before the offset.
        let line = starts.partition_point(|&start| start <= offset);
        let line_start = starts[line - 1];
        let column = String::from_utf8_lossy(&self.text.as_bytes()[line_start..offset])
            .chars()
            .count()
            + 1;
        Location {
            offset,
            line,
            column,
        }
    }
}

/// A JSON value with the byte offset where it starts, borrowing from the
/// text it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Node<'a> {
    pub offset: usize,
    pub value: Value<'a>,
}

/// A JSON value as written: numbers keep their spelling.
///
/// Keys, strings and numbers borrow from the text; only a string with an
/// escape owns its decoded text (a 128 KiB envelope is read on every
/// keystroke, and an allocation for each of its thousands of keys and
/// values cost more than the reading itself).
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(&'a str),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    /// Members in source order, duplicates included.
    Object(Vec<Member<'a>>),
}

/// One `"key": value` of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct Member<'a> {
    pub key: Cow<'a, str>,
    pub key_offset: usize,
    pub value: Node<'a>,
}

impl Value<'_> {
    /// The JSON type's name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// A syntax error with the byte offset where reading stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// How deep arrays and objects may nest (the same limit as `serde_json`).
pub const MAX_DEPTH: usize = 128;

/// Reads one JSON document; trailing non-whitespace is an error.
pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    Reader::new(text, None).document()
}

/// [`parse`], and the text's [`minify`] built in the same pass: the
/// whitespace the reader skips between tokens is all there is to remove
/// (validation reads a 128 KiB envelope on every keystroke; one pass over it
/// instead of two).
pub fn parse_and_minify(text: &str) -> Result<(Node<'_>, String), SyntaxError> {
    let mut reader = Reader::new(text, Some(String::with_capacity(text.len())));
    let node = reader.document()?;
    let mut minified = reader.minified.take().unwrap_or_default();
    minified.push_str(&text[reader.copied_to..]);
    Ok((node, minified))
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    at: usize,
    depth: usize,
    /// The text without the whitespace skipped so far, when asked for.
    minified: Option<String>,
    /// Where the text not yet copied to `minified` starts.
    copied_to: usize,
    /// The members of the objects being read, innermost last: each object
    /// takes its own off the top when it closes, in a vector of exactly
    /// their number (no growth and copy per object, no spare capacity).
    members: Vec<Member<'a>>,
    /// The same for the items of the arrays being read.
    items: Vec<Node<'a>>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, minified: Option<String>) -> Self {
        Self {
            bytes: text.as_bytes(),
            text,
            at: 0,
            depth: 0,
            minified,
            copied_to: 0,
            members: Vec::new(),
            items: Vec::new(),
        }
    }

    /// One JSON document; trailing non-whitespace is an error.
    fn document(&mut self) -> Result<Node<'a>, SyntaxError> {
        self.skip_whitespace();
        let node = self.value()?;
        self.skip_whitespace();
        if self.at < self.bytes.len() {
            return Err(self.error("unexpected text after the end of the JSON document"));
        }
        Ok(node)
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset: self.at,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    #[inline]
    fn skip_whitespace(&mut self) {
        // Most calls find a token right away (minified text, or between
        // `"key"` and `:`): answer those without the loop.
        if self.peek().is_none_or(|b| b > b' ') {
            return;
        }
        self.skip_whitespace_run();
    }

    /// The whitespace from here to the next token, copying the text before
    /// it to `minified`.
    fn skip_whitespace_run(&mut self) {
        let start = self.at;
        let rest = &self.bytes[start..];
        let run = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
        self.at += run;
        if run > 0
            && let Some(minified) = &mut self.minified
        {
            // Both ends are ASCII whitespace or the text's ends: char
            // boundaries.
            minified.push_str(&self.text[self.copied_to..start]);
            self.copied_to = self.at;
        }
    }

    fn describe_here(&self) -> String {
        match self.text[self.at..].chars().next() {
            None => "the end of the text".to_owned(),
            Some(c) => format!("{c:?}"),
        }
    }

    fn value(&mut self) -> Result<Node<'a>, SyntaxError> {
        let offset = self.at;
        let value = match self.peek() {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => {
                return Err(self.error(format!("expected a value, found {}", self.describe_here())));
            }
        };
        Ok(Node { offset, value })
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, SyntaxError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error(format!(
                "expected a value, found {} (strings need double quotes)",
                self.describe_here()
            )))
        }
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!(
                "arrays and objects nest deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.enter()?;
        self.at += 1;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Value::Object(Vec::new()));
        }
        // This object's members sit above `first` until it closes; the
        // members of objects inside them come and go above those.
        let first = self.members.len();
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error(format!(
                    "expected a key in double quotes, found {}",
                    self.describe_here()
                )));
            }
            let key_offset = self.at;
            let key = self.string()?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error(format!(
                    "expected ':' after the key {key:?}, found {}",
                    self.describe_here()
                )));
            }
            self.at += 1;
            self.skip_whitespace();
            let value = self.value()?;
            self.members.push(Member {
                key,
                key_offset,
                value,
            });
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(Value::Object(self.members.split_off(first)));
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or '}}' after a member, found {}",
                        self.describe_here()
                    )));
                }
            }
        }
    }

    fn array(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.enter()?;
        self.at += 1;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            self.depth -= 1;
            return Ok(Value::Array(Vec::new()));
        }
        // As for an object's members.
        let first = self.items.len();
        loop {
            self.skip_whitespace();
            let item = self.value()?;
            self.items.push(item);
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b']') => {
                    self.at += 1;
                    self.depth -= 1;
                    return Ok(Value::Array(self.items.split_off(first)));
                }
                _ => {
                    return Err(self.error(format!(
                        "expected ',' or ']' after an array item, found {}",
                        self.describe_here()
                    )));
                }
            }
        }
    }

    fn number(&mut self) -> Result<Value<'a>, SyntaxError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("a number needs a digit after '-'")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("a number needs a digit after '.'"));
            }
            self.digits();
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("a number needs a digit in its exponent"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("numbers cannot have leading zeros"));
        }
        Ok(Value::Number(&self.text[start..self.at]))
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
    }

    /// A string's text: borrowed from the source when it has no escape,
    /// decoded into its own otherwise.
    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let opening = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            let run_start = self.at;
            let rest = &self.bytes[run_start..];
            self.at += rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                .unwrap_or(rest.len());
            let run = &self.text[run_start..self.at];
            match self.peek() {
                None => {
                    return Err(SyntaxError {
                        message: "a string is never closed (missing '\"')".into(),
                        offset: opening,
                    });
                }
                // The usual string, with no escape: the source's own text.
                Some(b'"') if run_start == opening + 1 => {
                    self.at += 1;
                    return Ok(Cow::Borrowed(run));
                }
                Some(b'"') => {
                    out.push_str(run);
                    self.at += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(run);
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(b) => {
                    return Err(self.error(format!(
                        "control character U+{b:04X} inside a string; write it escaped (\\n, \\t, \\u{b:04x})"
                    )));
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let Some(b) = self.peek() else {
            return Err(self.error("a string ends inside an escape"));
        };
        self.at += 1;
        match b {
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'/' => out.push('/'),
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if !self.bytes[self.at..].starts_with(b"\\u") {
                        return Err(
                            self.error("a \\u escape of a high surrogate needs its low surrogate")
                        );
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(
                            self.error("a \\u escape of a high surrogate needs its low surrogate")
                        );
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                match char::from_u32(code) {
                    Some(c) => out.push(c),
                    None => return Err(self.error("a \\u escape names a lone surrogate")),
                }
            }
            _ => {
                self.at -= 1;
                return Err(self.error(format!(
                    "unknown escape '\\{}' in a string",
                    self.describe_here().trim_matches('\'')
                )));
            }
        }
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .bytes
            .get(self.at..self.at + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| {
                u32::from_str_radix(d, 16)
                    .ok()
                    .filter(|_| d.bytes().all(|b| b.is_ascii_hexdigit()))
            });
        match digits {
            Some(value) => {
                self.at += 4;
                Ok(value)
            }
            None => Err(self.error("a \\u escape needs four hex digits")),
        }
    }
}

/// Removes the whitespace between JSON tokens and nothing else: key order,
/// number spelling and string escapes stay exactly as written.
///
/// On text that is not JSON it still never touches the inside of a string.
pub fn minify(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        // Outside strings: copy the run up to the next whitespace or quote.
        let start = at;
        while at < bytes.len() && !matches!(bytes[at], b' ' | b'\t' | b'\n' | b'\r' | b'"') {
            at += 1;
        }
        out.extend_from_slice(&bytes[start..at]);
        match bytes.get(at) {
            None => break,
            Some(b'"') => {
                // A string, copied whole through its closing quote (or to
                // the end when it is never closed).
                let start = at;
                at += 1;
                loop {
                    match memchr::memchr2(b'"', b'\\', &bytes[at..]) {
                        None => {
                            at = bytes.len();
                            break;
                        }
                        Some(found) if bytes[at + found] == b'\\' => {
                            at = (at + found + 2).min(bytes.len());
                        }
                        Some(found) => {
                            at += found + 1;
                            break;
                        }
                    }
                }
                out.extend_from_slice(&bytes[start..at]);
            }
            Some(_) => at += 1,
        }
    }
    // Only ASCII whitespace bytes were removed, so the bytes stay UTF-8.
    String::from_utf8(out).expect("removing ASCII bytes keeps UTF-8 valid")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn positions_are_remembered() {
        let text = "{\n  \"a\": [1, \"x\"]\n}";
        let node = parse(text).unwrap();
        let Value::Object(members) = node.value else {
            panic!()
        };
        assert_eq!(members[0].key, "a");
        assert_eq!(Location::of(text, members[0].key_offset).to_string(), "2:3");
        assert_eq!(
            Location::of(text, members[0].value.offset).to_string(),
            "2:8"
        );
    }

    #[test]
    fn the_locator_agrees_with_location_of_everywhere() {
        let text = "{\n  \"é\": [1,\n\n \"x\"]\r\n}\n";
        let locator = Locator::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(
                locator.locate(offset),
                Location::of(text, offset),
                "{offset}"
            );
        }
        assert_eq!(Locator::new("").locate(0), Location::of("", 0));
    }

    #[test]
    fn duplicate_keys_are_all_kept() {
        let Value::Object(members) = parse(r#"{"a":1,"a":2}"#).unwrap().value else {
            panic!()
        };
        assert_eq!(members.len(), 2);
    }

    #[test]
    fn numbers_keep_their_spelling() {
        assert_eq!(parse("1.50E+3").unwrap().value, Value::Number("1.50E+3"));
    }

    #[test]
    fn syntax_errors_name_the_problem_and_place() {
        for (text, needle, at) in [
            ("{\"a\": 1,}", "expected a key", "1:9"),
            ("{'a': 1}", "expected a key", "1:2"),
            ("[1 2]", "expected ',' or ']'", "1:4"),
            ("{\"a\": tru}", "expected a value", "1:7"),
            ("\"abc", "never closed", "1:1"),
            ("01", "leading zeros", "1:2"),
            ("{}\n x", "after the end", "2:2"),
            ("\"a\u{1}\"", "control character", "1:3"),
            ("\"\\x\"", "unknown escape", "1:3"),
            ("\"\\ud800\"", "low surrogate", "1:8"),
            ("", "found the end", "1:1"),
        ] {
            let err = parse(text).unwrap_err();
            assert!(err.message.contains(needle), "{text:?}: {}", err.message);
            assert_eq!(
                Location::of(text, err.offset).to_string(),
                at,
                "{text:?}: {}",
                err.message
            );
        }
    }

    #[test]
    fn nesting_is_limited_instead_of_overflowing_the_stack() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(
            parse(&deep)
                .unwrap_err()
                .message
                .contains("deeper than 128")
        );
        let fine = "[".repeat(100) + &"]".repeat(100);
        assert!(parse(&fine).is_ok());
    }

    #[test]
    fn escapes_are_decoded_for_comparison() {
        assert_eq!(
            parse(r#""a\n\u00e9\ud83d\ude00""#).unwrap().value,
            Value::String("a\né😀".into())
        );
    }

    #[test]
    fn only_strings_with_escapes_own_their_text() {
        let Value::Object(members) = parse(r#"{"plain": "text", "esc\\aped": "a\nb"}"#)
            .unwrap()
            .value
        else {
            panic!()
        };
        assert!(matches!(members[0].key, Cow::Borrowed("plain")));
        assert!(matches!(
            members[0].value.value,
            Value::String(Cow::Borrowed("text"))
        ));
        assert!(matches!(&members[1].key, Cow::Owned(key) if key == "esc\\aped"));
        assert!(
            matches!(&members[1].value.value, Value::String(Cow::Owned(text)) if text == "a\nb")
        );
    }

    #[test]
    fn minify_keeps_strings_escapes_and_numbers() {
        let text = "{ \"a b\" : \"x \\\" y\\n\" ,\n\t\"n\": 1.0e+2 , \"u\":\"\\u00e9 é\" }";
        assert_eq!(
            minify(text),
            r#"{"a b":"x \" y\n","n":1.0e+2,"u":"\u00e9 é"}"#
        );
    }

    #[test]
    fn agrees_with_serde_json_on_valid_documents() {
        for text in [
            r#"{"a":[1,2,{"b":null}],"c":"d"}"#,
            "[]",
            "-0.5e-3",
            "\"\\/\"",
        ] {
            assert!(parse(text).is_ok(), "{text}");
            assert!(
                serde_json::from_str::<serde_json::Value>(text).is_ok(),
                "{text}"
            );
        }
    }

    fn arb_json() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            any::<i64>().prop_map(|n| serde_json::json!(n)),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(|f| serde_json::json!(f)),
            "\\PC{0,12}".prop_map(serde_json::Value::String),
            "[ \\t\\n\"\\\\{}:,]{0,6}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::btree_map("\\PC{0,6}", inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// The byte-at-a-time minifier the fast one replaced: the reference.
    fn minify_byte_by_byte(text: &str) -> String {
        let mut out = Vec::with_capacity(text.len());
        let mut in_string = false;
        let mut escaped = false;
        for &b in text.as_bytes() {
            if in_string {
                out.push(b);
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                }
            } else if !matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
                if b == b'"' {
                    in_string = true;
                }
                out.push(b);
            }
        }
        String::from_utf8(out).unwrap()
    }

    proptest! {
        #[test]
        fn minify_agrees_with_the_byte_by_byte_reference(text in "[ \\t\\n\\r\"\\\\a{}:,é0-9\\[\\]]{0,60}") {
            prop_assert_eq!(minify(&text), minify_byte_by_byte(&text));
        }

        #[test]
        fn minify_agrees_with_the_reference_on_any_text(text in "\\PC{0,80}") {
            prop_assert_eq!(minify(&text), minify_byte_by_byte(&text));
        }
    }

    proptest! {
        #[test]
        fn minify_then_parse_gives_the_same_value(value in arb_json()) {
            let pretty = serde_json::to_string_pretty(&value).unwrap();
            let minified = minify(&pretty);
            prop_assert!(parse(&minified).is_ok());
            // Compared through one parser so float reading quirks cancel out.
            let before: serde_json::Value = serde_json::from_str(&pretty).unwrap();
            let after: serde_json::Value = serde_json::from_str(&minified).unwrap();
            prop_assert_eq!(after, before);
            prop_assert!(minified.len() <= pretty.len());
        }

        #[test]
        fn parse_and_minify_gives_the_same_tree_and_bytes(value in arb_json(), indent in 0_usize..3) {
            let text = match indent {
                0 => serde_json::to_string(&value).unwrap(),
                1 => serde_json::to_string_pretty(&value).unwrap(),
                _ => serde_json::to_string_pretty(&value).unwrap().replace('\n', "\r\n\t "),
            };
            let (node, minified) = parse_and_minify(&text).unwrap();
            prop_assert_eq!(node, parse(&text).unwrap());
            prop_assert_eq!(minified, minify(&text));
        }

        #[test]
        fn minify_is_idempotent(text in "\\PC{0,80}") {
            let once = minify(&text);
            prop_assert_eq!(minify(&once), once);
        }

        #[test]
        fn minify_never_touches_a_string(inside in "([^\"\\\\]|\\\\[\"\\\\nt/])*", pad in "[ \\t\\n\\r]{0,4}") {
            let text = format!("{pad}[{pad}\"{inside}\"{pad},{pad}1{pad}]{pad}");
            prop_assert_eq!(minify(&text), format!("[\"{inside}\",1]"));
        }

        #[test]
        fn parser_never_panics(text in "\\PC{0,60}") {
            let _ = parse(&text);
        }
    }
}
