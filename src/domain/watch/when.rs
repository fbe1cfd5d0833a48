//! The `when` condition: a jq expression over the record, through the
//! crate's one jq filter (`domain::jq`).

use crate::domain::jq::{JqFilter, Verdict};
use crate::domain::record::Record;

/// A compiled `when` expression.
#[derive(Debug, Clone)]
pub struct When {
    filter: JqFilter,
}

impl When {
    /// Compiles `expression`; an error carries its 1-based column.
    pub fn compile(expression: &str) -> Result<Self, (Option<usize>, String)> {
        JqFilter::compile(expression)
            .map(|filter| Self { filter })
            .map_err(|err| (Some(err.column), err.message))
    }

    /// The expression as written.
    pub fn expression(&self) -> &str {
        self.filter.source()
    }

    /// The expression's verdict on `record`.
    pub fn verdict(&self, record: &Record<'_>) -> Verdict {
        self.filter.verdict(record)
    }
}
