//! The one home of the rules every publish obeys, whichever way it goes
//! out (the console to one vehicle, the console to marked vehicles, `send`,
//! `replay`): placeholders resolved for the vehicle it goes to, a valid
//! envelope (and the catalog), the tracking stamp, the size limit, and the
//! console's own rules, read-only and production confirmation. The popup
//! interval is checked here against a ledger the caller holds and kept
//! across processes by `store::popups`.
//!
//! What comes out ([`Prepared`]) holds the exact bytes that were validated
//! and measured; nothing after this may change them.

use super::catalog::Catalog;
use super::envelope::{self, CheckedPayload, MessageKind, Problem, SizeReport};
use super::json::Location;
use super::tracking::Tracking;
use super::{PopupLedger, PopupTooSoon, TopicScheme, Vin};
use std::sync::Arc;

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

/// The rules of one account and one run.
#[derive(Debug, Clone)]
pub struct OutboundRules {
    pub topics: TopicScheme,
    /// What `{idApp}` becomes.
    pub app_id: Option<String>,
    /// The broker's limit on a payload.
    pub size_limit: usize,
    pub catalog: Option<Arc<Catalog>>,
    /// Where the correlation id goes and comes back.
    pub tracking: Tracking,
    /// Whether publishes are stamped and tracked (`--no-track`, profile
    /// `track = false`, a key in the editor).
    pub track: bool,
    /// Nothing may be published.
    pub read_only: bool,
    /// Every publish is confirmed by the user first.
    pub production: bool,
}

/// A payload made ready for one vehicle: the only thing that may be
/// published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub vin: Vin,
    pub topic: String,
    /// The exact bytes, validated and measured (placeholders resolved,
    /// tracking id in).
    pub payload: CheckedPayload,
    /// The id that is tracked: stamped by us, or the one the content
    /// already carried.
    pub cid: Option<String>,
}

/// Why a payload may not go to a vehicle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotReady {
    #[error("{} error(s); first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Invalid(Vec<Problem>),
    #[error(
        "the payload is {} bytes{}; the broker accepts {}: shorten it by {}",
        envelope::group(.size.payload),
        .stamped.as_ref().map(|field| format!(" with the tracking id content.{field}")).unwrap_or_default(),
        envelope::group(.size.limit),
        bytes(.size.payload.saturating_sub(.size.limit))
    )]
    TooLarge {
        size: SizeReport,
        /// The field the tracking id went into, when the stamp is what
        /// the user did not write.
        stamped: Option<String>,
    },
    #[error("cannot track it: {0} (or turn tracking off)")]
    Untrackable(String),
    #[error("{0}")]
    TooSoon(PopupTooSoon),
    #[error(
        "publishing is off here (read-only: --read-only, WPCONSOLE_READ_ONLY or a profile's read-only = true): nothing can be published"
    )]
    ReadOnly,
    #[error("this is a production profile: every publish must be confirmed")]
    Unconfirmed,
}

/// `1 byte`, `1,200 bytes`.
fn bytes(n: usize) -> String {
    if n == 1 {
        "1 byte".to_owned()
    } else {
        format!("{} bytes", envelope::group(n))
    }
}

/// A tracking id of the length real ones have, so sizes measured before
/// an id is drawn are the sizes published.
const SAMPLE_ID: &str = "wpc-000000000000";

impl OutboundRules {
    /// The platform's defaults for an account's topics: the 128 KiB limit,
    /// no app id, no catalog, tracking on with `cid`/`ref`, publishing
    /// allowed without confirmation.
    pub fn new(topics: TopicScheme) -> Self {
        Self {
            topics,
            app_id: None,
            size_limit: envelope::DEFAULT_SIZE_LIMIT,
            catalog: None,
            tracking: Tracking::default(),
            track: true,
            read_only: false,
            production: false,
        }
    }

    /// The recipient values for `vin` under these rules.
    pub fn recipient<'a>(&'a self, vin: &'a Vin) -> Recipient<'a> {
        Recipient {
            vin,
            uid: &self.topics.uid,
            app_id: self.app_id.as_deref(),
        }
    }

    /// Validation of `text` for `vin`, with problems pointing into `text`.
    pub fn validate(&self, text: &str, vin: &Vin) -> (Resolved, envelope::Validation) {
        let resolved = resolve(text, self.recipient(vin));
        let mut validation = envelope::validate_with(&resolved.text, self.catalog.as_deref());
        if resolved.had_placeholders() {
            let no_app_id = self.app_id.as_deref().is_none_or(str::is_empty);
            for problem in &mut validation.problems {
                let at = resolved.original_offset(problem.location.offset);
                problem.location = Location::of(text, at);
                // An empty idApp the user did not write: the placeholder
                // had nothing to stand for.
                let written = text.get(at..).unwrap_or_default();
                if no_app_id
                    && problem.path == "$.idApp"
                    && written.trim_start_matches('"').starts_with("{idApp}")
                {
                    NO_APP_ID.clone_into(&mut problem.message);
                }
            }
        }
        (resolved, validation)
    }

    /// The exact bytes `text` would be published as to `vin` (with a
    /// sample id of a real id's length when tracked), and their size: what
    /// the editor's meter shows. `None` when the text is not JSON.
    pub fn measure(&self, validation: &envelope::Validation, vin: &Vin) -> Option<SizeReport> {
        let payload = validation.payload.as_ref()?;
        // Counted whenever the content can carry the id, errors or not, so
        // fixing an error never moves the meter by the id's length; from
        // the keys validation read, not by stamping the text again (this
        // runs on every keystroke).
        let stamp = if self.track {
            self.tracking
                .stamp_len(validation.content_keys.as_deref(), SAMPLE_ID)
        } else {
            0
        };
        Some(SizeReport::of_length(
            payload.len() + stamp,
            &self.topics.from_topic(vin),
            self.size_limit,
        ))
    }

    /// `text` made ready for `vin`: placeholders resolved, validated with
    /// the catalog, stamped with a new tracking id (or the content's own),
    /// size-checked on the exact bytes, and the popup rule checked against
    /// `popups`. Read-only and production are [`Self::admit`]'s.
    pub fn prepare(
        &self,
        text: &str,
        vin: &Vin,
        popups: &PopupLedger,
        now_ms: u64,
    ) -> Result<Prepared, NotReady> {
        let (_, validation) = self.validate(text, vin);
        self.prepare_validated(&validation, vin, popups, now_ms)
    }

    /// [`Self::prepare`] for a text already validated for `vin`.
    fn prepare_validated(
        &self,
        validation: &envelope::Validation,
        vin: &Vin,
        popups: &PopupLedger,
        now_ms: u64,
    ) -> Result<Prepared, NotReady> {
        if !validation.is_valid() {
            return Err(NotReady::Invalid(validation.errors().cloned().collect()));
        }
        let (Some(minified), Some(kind)) = (validation.payload.as_ref(), validation.kind) else {
            return Err(NotReady::Invalid(Vec::new()));
        };
        let (bytes, cid, stamped) = if self.track {
            let stamp = self
                .tracking
                .stamp(minified, &super::tracking::new_id())
                .map_err(NotReady::Untrackable)?;
            let field = stamp.added.then(|| self.tracking.stamp_field.clone());
            (stamp.bytes, Some(stamp.id), field)
        } else {
            (minified.clone(), None, None)
        };
        let topic = self.topics.from_topic(vin);
        let size = SizeReport::measure(bytes.as_bytes(), &topic, self.size_limit);
        if !size.fits() {
            return Err(NotReady::TooLarge { size, stamped });
        }
        if kind == MessageKind::Popup {
            popups.check(vin, now_ms).map_err(NotReady::TooSoon)?;
        }
        Ok(Prepared {
            vin: vin.clone(),
            topic,
            payload: CheckedPayload {
                bytes,
                kind,
                size,
                warnings: validation.warnings().cloned().collect(),
            },
            cid,
        })
    }

    /// The console's rules on a publish: read-only refuses; production
    /// needs the user's confirmation first.
    pub fn admit(&self, confirmed: bool) -> Result<(), NotReady> {
        if self.read_only {
            return Err(NotReady::ReadOnly);
        }
        if self.production && !confirmed {
            return Err(NotReady::Unconfirmed);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "VF3ABCDEFGH123456";
    const B: &str = "ZFA1234567890ABCD";

    fn vin(text: &str) -> Vin {
        Vin::parse(text).unwrap()
    }

    fn rules() -> OutboundRules {
        OutboundRules {
            app_id: Some("APP".into()),
            ..OutboundRules::new(TopicScheme::new("p", "U1", true).unwrap())
        }
    }

    const TEMPLATE: &str = "{\n  \"idApp\": \"{idApp}\",\n  \"popup\": true,\n  \"popupText\": \"for {vin}\",\n  \"content\": {\"vin\": \"{vin}\", \"uid\": \"{uid}\"}\n}";

    #[test]
    fn each_recipient_gets_its_own_values() {
        let rules = rules();
        for each in [A, B] {
            let prepared = rules
                .prepare(TEMPLATE, &vin(each), &PopupLedger::default(), 0)
                .unwrap();
            let value: serde_json::Value = serde_json::from_str(&prepared.payload.bytes).unwrap();
            assert_eq!(value["content"]["vin"], each);
            assert_eq!(value["popupText"], format!("for {each}"));
            assert_eq!(value["content"]["uid"], "U1");
            assert_eq!(value["idApp"], "APP");
            assert_eq!(prepared.topic, format!("p/from/uid/U1/opa/{each}/"));
        }
    }

    #[test]
    fn problems_point_into_the_text_the_user_wrote() {
        let text = "{\"idApp\": \"{idApp}\", \"popup\": \"{vin}\", \"content\": {}}";
        let (_, validation) = rules().validate(text, &vin(A));
        let problem = validation.errors().next().unwrap();
        assert_eq!(problem.path, "$.popup");
        assert_eq!(problem.location.offset, text.find("\"{vin}\"").unwrap());
        assert_eq!(problem.location.column, text.find("\"{vin}\"").unwrap() + 1);
    }

    #[test]
    fn an_app_id_placeholder_with_no_app_id_says_where_to_set_one() {
        let mut rules = rules();
        rules.app_id = None;
        let (_, validation) = rules.validate(TEMPLATE, &vin(A));
        let problem = validation.errors().next().unwrap();
        assert_eq!(problem.message, NO_APP_ID);
        assert_eq!(
            problem.location.offset,
            TEMPLATE.find("\"{idApp}\"").unwrap()
        );
        // Written empty by hand, it is only empty.
        let (_, validation) = rules.validate(
            r#"{"idApp":"","popup":false,"content":{"v":"{vin}"}}"#,
            &vin(A),
        );
        assert!(
            validation
                .errors()
                .next()
                .unwrap()
                .message
                .starts_with("idApp is empty")
        );
    }

    #[test]
    fn offsets_after_placeholders_shift_back() {
        let resolved = resolve("{vin}-x-{uid}-y", rules().recipient(&vin(A)));
        assert_eq!(resolved.text, format!("{A}-x-U1-y"));
        assert_eq!(resolved.original_offset(0), 0);
        assert_eq!(resolved.original_offset(5), 0, "inside the value");
        assert_eq!(resolved.original_offset(17), 5);
        assert_eq!(resolved.original_offset(20), 8, "the uid's start");
        assert_eq!(resolved.original_offset(22), 13);
        assert_eq!(resolved.original_offset(24), 15);
    }

    #[test]
    fn values_are_json_escaped_and_other_braces_stay() {
        let mut rules = rules();
        rules.app_id = Some("a\"b".into());
        let resolved = resolve("{\"x\":\"{idApp}{other}\"}", rules.recipient(&vin(A)));
        assert_eq!(resolved.text, "{\"x\":\"a\\\"b{other}\"}");
    }

    #[test]
    fn the_meter_measures_the_stamped_bytes_and_tracking_can_be_off() {
        let mut rules = rules();
        let text = r#"{"idApp":"APP","popup":false,"content":{"a":1}}"#;
        let (_, validation) = rules.validate(text, &vin(A));
        let measured = rules.measure(&validation, &vin(A)).unwrap();
        let prepared = rules
            .prepare(text, &vin(A), &PopupLedger::default(), 0)
            .unwrap();
        assert_eq!(measured.payload, prepared.payload.bytes.len());
        assert_eq!(
            measured.payload,
            text.len() + r#","cid":"wpc-000000000000""#.len()
        );
        rules.track = false;
        assert_eq!(
            rules.measure(&validation, &vin(A)).unwrap().payload,
            text.len()
        );
        let untracked = rules
            .prepare(text, &vin(A), &PopupLedger::default(), 0)
            .unwrap();
        assert_eq!(untracked.payload.bytes, text);
        assert_eq!(untracked.cid, None);
    }

    #[test]
    fn an_envelope_that_fits_only_without_the_stamp_says_so() {
        let mut rules = rules();
        let text = r#"{"idApp":"APP","popup":false,"content":{}}"#;
        rules.size_limit = text.len();
        let err = rules
            .prepare(text, &vin(A), &PopupLedger::default(), 0)
            .unwrap_err();
        assert!(
            err.to_string().contains("with the tracking id content.cid"),
            "{err}"
        );
        rules.track = false;
        assert!(
            rules
                .prepare(text, &vin(A), &PopupLedger::default(), 0)
                .is_ok()
        );
    }

    #[test]
    fn a_popup_too_soon_is_refused_per_vehicle() {
        let mut ledger = PopupLedger::default();
        ledger.record(&vin(A), 1_000);
        let rules = rules();
        assert!(matches!(
            rules.prepare(TEMPLATE, &vin(A), &ledger, 5_000),
            Err(NotReady::TooSoon(_))
        ));
        assert!(rules.prepare(TEMPLATE, &vin(B), &ledger, 5_000).is_ok());
    }

    #[test]
    fn read_only_and_production_are_admitted_here() {
        let mut rules = rules();
        assert_eq!(rules.admit(false), Ok(()));
        rules.production = true;
        assert_eq!(rules.admit(false), Err(NotReady::Unconfirmed));
        assert_eq!(rules.admit(true), Ok(()));
        rules.read_only = true;
        assert_eq!(rules.admit(true), Err(NotReady::ReadOnly));
    }
}
