//! The positioned reader's tree as the schema validator's instance: the
//! params are validated where they were read, with no copy into
//! `serde_json` values (a 128 KiB envelope is validated on every
//! keystroke), and the validator's instance paths lead back to nodes with
//! their line:col.

use super::super::json::{Member, Node, Value};
use jsonschema::JsonType;
use jsonschema::json::{self, JsonNumber, NodeIdentity};
use std::borrow::Cow;

/// The representation: `&json::Node`.
pub struct Positioned;

/// A string node lent to the validator for `propertyNames`.
#[derive(Default)]
pub struct StringNode(Option<Node<'static>>);

impl json::Json for Positioned {
    type Node<'a> = &'a Node<'a>;
    type PreparedKey = String;
    type StringBuffer = StringNode;

    // Members are looked up by a scan of the object (envelope objects are
    // small and keep their source order).
    const KEYS_PER_LOOKUP: usize = 1;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut StringNode,
        string: &str,
        f: impl for<'n> FnOnce(&'n Node<'n>) -> T,
    ) -> T {
        let node = buffer.0.insert(Node {
            offset: 0,
            value: Value::String(Cow::Owned(string.to_owned())),
        });
        f(node)
    }
}

/// A number as written.
#[derive(Clone, Copy)]
pub struct Number<'a>(&'a str);

impl Number<'_> {
    fn written_as_integer(self) -> bool {
        !self.0.contains(['.', 'e', 'E'])
    }
}

impl JsonNumber for Number<'_> {
    fn as_u64(&self) -> Option<u64> {
        self.written_as_integer()
            .then(|| self.0.parse().ok())
            .flatten()
    }

    fn as_i64(&self) -> Option<i64> {
        self.written_as_integer()
            .then(|| self.0.parse().ok())
            .flatten()
    }

    fn as_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }

    fn as_str(&self) -> Cow<'_, str> {
        Cow::Borrowed(self.0)
    }

    fn to_number(&self) -> Cow<'_, serde_json::Number> {
        // The reader accepted the spelling, so serde_json reads it too.
        Cow::Owned(
            self.0
                .parse()
                .unwrap_or_else(|_| serde_json::Number::from(0)),
        )
    }

    fn is_integer(&self) -> bool {
        if self.written_as_integer() {
            return true;
        }
        // 1.0 and 1e2 are integers; so is every number too large for a
        // float's fraction (an overflow to infinity included).
        match self.0.parse::<f64>() {
            Ok(value) if value.is_finite() => value.fract() == 0.0,
            Ok(_) => true,
            Err(_) => false,
        }
    }
}

impl<'a> json::Node<'a, Positioned> for &'a Node<'a> {
    type Object = &'a [Member<'a>];
    type Array = &'a [Node<'a>];
    type Number = Number<'a>;

    fn as_object(&self) -> Option<&'a [Member<'a>]> {
        match &self.value {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node<'a>]> {
        match &self.value {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::String(text) => Some(Cow::Borrowed(text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number<'a>> {
        match &self.value {
            Value::Number(spelling) => Some(Number(spelling)),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(value) => Some(value),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    fn json_type(&self) -> JsonType {
        match self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Number(_) => JsonType::Number,
            Value::String(_) => JsonType::String,
            Value::Array(_) => JsonType::Array,
            Value::Object(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, serde_json::Value> {
        Cow::Owned(to_serde(&self.value))
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(
            std::ptr::from_ref::<Node<'_>>(self) as usize
        ))
    }
}

/// The members of an object, in source order.
pub struct Members<'a>(std::slice::Iter<'a, Member<'a>>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|m| (&*m.key, &m.value))
    }
}

impl<'a> json::Object<'a, Positioned> for &'a [Member<'a>] {
    type Node = &'a Node<'a>;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Member<'a>]>::len(self)
    }

    /// The last of duplicate keys, as a JSON reader keeps it (duplicates
    /// are errors of their own).
    fn get(&self, key: &String) -> Option<&'a Node<'a>> {
        self.iter().rfind(|m| m.key == *key).map(|m| &m.value)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

impl<'a> json::Array<'a, Positioned> for &'a [Node<'a>] {
    type Node = &'a Node<'a>;
    type ElementsIter = std::slice::Iter<'a, Node<'a>>;

    fn len(&self) -> usize {
        <[Node<'a>]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node<'a>> {
        self.iter()
    }
}

/// A spanned value as a `serde_json` value, for the schema validator;
/// numbers keep their spelling (arbitrary precision).
fn to_serde(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => n.parse::<serde_json::Number>().map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.as_ref().to_owned()),
        Value::Array(items) => J::Array(items.iter().map(|n| to_serde(&n.value)).collect()),
        Value::Object(members) => J::Object(
            members
                .iter()
                .map(|m| (m.key.as_ref().to_owned(), to_serde(&m.value.value)))
                .collect(),
        ),
    }
}
