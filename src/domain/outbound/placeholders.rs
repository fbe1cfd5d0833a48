//! Placeholders (`{vin}`, `{uid}`, `{idApp}`) filled in for each
//! recipient, remembering where each stood so a problem found in the
//! resolved text points into what the user wrote.

use crate::domain::Vin;

/// The placeholders a template or the editor may hold, resolved per
/// recipient at publish time.
pub const PLACEHOLDERS: [&str; 3] = ["{vin}", "{uid}", "{idApp}"];

/// What `{idApp}` says when no application id is set (instead of "idApp
/// is empty"): where to set one. `cli::needed` checks these names against
/// the option's declaration.
pub const NO_APP_ID: &str = "{idApp} has nothing to stand for: no application id is set; give --app-id ID, WPCONSOLE_APP_ID or app-id in the profile";

/// The values placeholders take for one recipient.
#[derive(Debug, Clone, Copy)]
pub struct Recipient<'a> {
    pub vin: &'a Vin,
    pub uid: &'a str,
    pub app_id: Option<&'a str>,
}

/// A text with its placeholders filled in, and where each one was, so a
/// problem found in the resolved text points into what the user wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    /// (offset in the resolved text, length there, offset in the original,
    /// length there), in order.
    spans: Vec<(usize, usize, usize, usize)>,
}

impl Resolved {
    /// The offset in the original text of `offset` in the resolved one (a
    /// place inside a filled-in value is the placeholder's start).
    pub fn original_offset(&self, offset: usize) -> usize {
        let mut shift: isize = 0;
        for &(at, len, original_at, original_len) in &self.spans {
            if offset < at {
                break;
            }
            if offset < at + len {
                return original_at;
            }
            shift =
                original_at.cast_signed() + original_len.cast_signed() - (at + len).cast_signed();
        }
        offset.saturating_add_signed(shift)
    }

    /// Whether any placeholder was filled in.
    pub fn had_placeholders(&self) -> bool {
        !self.spans.is_empty()
    }
}

/// `text` with `{vin}`, `{uid}` and `{idApp}` filled in for `recipient`,
/// each value JSON-escaped (placeholders stand inside strings).
pub fn resolve(text: &str, recipient: Recipient<'_>) -> Resolved {
    let escape = |s: &str| {
        let quoted = serde_json::Value::String(s.to_owned()).to_string();
        quoted[1..quoted.len() - 1].to_owned()
    };
    let values = [
        escape(recipient.vin.as_str()),
        escape(recipient.uid),
        escape(recipient.app_id.unwrap_or("")),
    ];
    let mut out = String::with_capacity(text.len() + 32);
    let mut spans = Vec::new();
    let mut rest = 0;
    // One pass: `{` is rare in the text between placeholders.
    let mut search_from = 0;
    while let Some(found) = memchr::memchr(b'{', &text.as_bytes()[search_from..]) {
        let at = search_from + found;
        let hit = PLACEHOLDERS.iter().position(|p| text[at..].starts_with(p));
        let Some(which) = hit else {
            search_from = at + 1;
            continue;
        };
        out.push_str(&text[rest..at]);
        spans.push((
            out.len(),
            values[which].len(),
            at,
            PLACEHOLDERS[which].len(),
        ));
        out.push_str(&values[which]);
        rest = at + PLACEHOLDERS[which].len();
        search_from = rest;
    }
    out.push_str(&text[rest..]);
    Resolved { text: out, spans }
}
