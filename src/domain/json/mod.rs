//! A strict JSON reader that remembers where every value stands, and the
//! whitespace minifier that produces the exact bytes that are published.
//!
//! `serde_json::Value` forgets positions, silently keeps the last of two
//! duplicate keys and would re-serialise numbers and escapes; validation
//! needs all three, so envelopes are read with this parser instead.
//!
//! Here the tree the reader builds; the reader itself in `reader`, places
//! in the text in `location`, the minifier in `minify`.

mod location;
mod minify;
mod reader;
#[cfg(test)]
mod tests;

pub use location::{Location, Locator};
pub use minify::minify;
pub use reader::{parse, parse_and_minify};

use std::borrow::Cow;

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

/// How deep arrays and objects may nest: as deep as an inbound payload
/// may be and still be kept as JSON. A journal record holds the payload one
/// level down and `serde_json` (export, any script reading records) reads
/// 127 levels at most; at `serde_json`'s own 128 an envelope could be
/// published whose record `export --format csv` refused (found by fuzzing).
pub const MAX_DEPTH: usize = 100;
