//! The `when` condition: a jq expression over the record, through the
//! crate's one jq filter (`domain::jq`).

use crate::domain::record::Record;

/// A compiled `when` expression and its source.
#[derive(Debug, Clone)]
pub struct When {
    /// The expression as written.
    pub expression: String,
}

/// What a `when` expression said of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Match,
    NoMatch,
    /// The expression failed on this record: no match, and counted.
    Error,
}

impl When {
    /// Compiles `expression`; an error carries its 1-based column when the
    /// filter knows it.
    pub fn compile(expression: &str) -> Result<Self, (Option<usize>, String)> {
        let _ = expression;
        Err((
            None,
            "jq expressions arrive with the jq filter, not in this build yet".into(),
        ))
    }

    /// The expression's verdict on `record`.
    pub fn verdict(&self, record: &Record<'_>) -> Verdict {
        let _ = record;
        Verdict::NoMatch
    }
}
