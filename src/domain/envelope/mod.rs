//! The outbound WebPortal envelope: what a server may publish on a "from"
//! topic, how it is validated, and how its size is measured.
//!
//! A data message is `{idApp, popup:false, content}`; a notification adds
//! `popup:true`, `popupText` and optionally `popupBtn`.
//!
//! Here what a check finds and what may be published; the envelope rules
//! in `rules`, size accounting in `size`.

mod rules;
mod size;
#[cfg(test)]
mod tests;

pub(crate) use rules::child_path;
pub use rules::{KNOWN_KEYS, validate, validate_with};
pub use size::{DEFAULT_SIZE_LIMIT, SizeReport, group, publish_packet_len};

use super::json::{self, Location};
use std::fmt;

/// How bad a problem is: errors block publishing, warnings do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with an envelope, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    /// JSON path, e.g. `$.content.params`.
    pub path: String,
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{label} at {} ({}): {}",
            self.location, self.path, self.message
        )
    }
}

/// Whether an envelope asks for a popup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Data,
    Popup,
}

impl MessageKind {
    /// The kind in the one list of kinds (which the history's index keeps).
    pub fn kind(self) -> crate::domain::Kind {
        match self {
            Self::Data => crate::domain::Kind::Data,
            Self::Popup => crate::domain::Kind::Popup,
        }
    }

    /// The kind's name in the log and the journal.
    pub fn name(self) -> &'static str {
        self.kind().name()
    }
}

/// The result of checking an envelope text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub problems: Vec<Problem>,
    /// Known when the text is valid JSON with a boolean `popup`.
    pub kind: Option<MessageKind>,
    /// The exact bytes that would be published (whitespace removed);
    /// present when the text is JSON at all.
    pub payload: Option<String>,
    /// The keys of `content` when it is an object: what the tracking stamp
    /// needs to know to tell its length without reading the text again.
    pub content_keys: Option<Vec<String>>,
}

impl Validation {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Warning)
    }

    pub fn is_valid(&self) -> bool {
        self.errors().next().is_none()
    }
}

/// The text of a notification, for composing popup envelopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PopupRequest {
    pub text: String,
    pub button: bool,
}

/// Builds an envelope around `content` (JSON text, kept exactly as written
/// apart from whitespace). The caller validates the result.
pub fn compose(app_id: &str, content: &str, popup: Option<&PopupRequest>) -> String {
    let app_id = serde_json::Value::String(app_id.to_owned());
    let content = json::minify(content);
    match popup {
        None => format!(r#"{{"idApp":{app_id},"popup":false,"content":{content}}}"#),
        Some(popup) => {
            let text = serde_json::Value::String(popup.text.clone());
            format!(
                r#"{{"idApp":{app_id},"popup":true,"popupBtn":{},"popupText":{text},"content":{content}}}"#,
                popup.button
            )
        }
    }
}

/// An envelope that passed validation and the size check: the only thing
/// that may be published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPayload {
    /// The exact bytes to publish.
    pub bytes: String,
    pub kind: MessageKind,
    pub size: SizeReport,
    pub warnings: Vec<Problem>,
}

/// Why an envelope may not be published.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the envelope is invalid ({} error(s)); nothing was published", .0.len())]
    Invalid(Vec<Problem>),
    #[error(
        "the payload is {} bytes; the broker accepts {}: shorten it by {} bytes; nothing was published",
        group(.0.payload), group(.0.limit), group(.0.payload - .0.limit)
    )]
    TooLarge(SizeReport),
}

/// Validates and size-checks an envelope for publication on `topic`.
pub fn check(text: &str, topic: &str, limit: usize) -> Result<CheckedPayload, Refusal> {
    check_with(text, topic, limit, None)
}

/// [`check`] with the catalog's rules too.
pub fn check_with(
    text: &str,
    topic: &str,
    limit: usize,
    catalog: Option<&crate::domain::catalog::Catalog>,
) -> Result<CheckedPayload, Refusal> {
    let validation = validate_with(text, catalog);
    if !validation.is_valid() {
        return Err(Refusal::Invalid(validation.errors().cloned().collect()));
    }
    let Validation {
        problems,
        payload: Some(bytes),
        kind: Some(kind),
        ..
    } = validation
    else {
        unreachable!("a valid envelope is JSON with a boolean popup");
    };
    let size = SizeReport::measure(bytes.as_bytes(), topic, limit);
    if !size.fits() {
        return Err(Refusal::TooLarge(size));
    }
    Ok(CheckedPayload {
        bytes,
        kind,
        size,
        warnings: problems
            .into_iter()
            .filter(|p| p.severity == Severity::Warning)
            .collect(),
    })
}
