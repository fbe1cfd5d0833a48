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

mod placeholders;

pub use placeholders::{NO_APP_ID, PLACEHOLDERS, Recipient, Resolved, resolve};

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
mod tests;
