//! The reader: one pass over the text, strict about what JSON allows,
//! each value with its offset, nesting bounded, and (when asked) the
//! minified text copied out of the same pass.

use super::{MAX_DEPTH, Member, Node, SyntaxError, Value};
use std::borrow::Cow;

/// Reads one JSON document; trailing non-whitespace is an error.
pub fn parse(text: &str) -> Result<Node<'_>, SyntaxError> {
    Reader::new(text, None).document()
}

/// [`parse`], and the text's [`minify`](super::minify) built in the same pass: the
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
