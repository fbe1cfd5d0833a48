//! The replay's plan, made before anything is sent: every recorded
//! message made ready for the vehicle under the rules every publish obeys
//! and scheduled (its recorded spacing or one after another, popups 20 s
//! apart), or every refusal by position.

use super::Pace;
use crate::domain::envelope::MessageKind;
use crate::domain::outbound::{NotReady, OutboundRules, Prepared};
use crate::domain::{PopupLedger, Vin};
use std::time::Duration;

/// A recorded message: when it was recorded and its exact bytes.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at: chrono::DateTime<chrono::Utc>,
    pub payload: Vec<u8>,
}

/// One message of the replay, made ready for the vehicle, and when it goes
/// after the start.
#[derive(Debug, Clone)]
pub struct Planned {
    pub after: Duration,
    pub prepared: Prepared,
}

/// A recorded message that cannot be published: its position (1-based),
/// why, and each problem of an invalid envelope (path, line:col, message).
#[derive(Debug, Clone)]
pub struct Unpublishable {
    pub position: usize,
    pub why: String,
    pub problems: Vec<String>,
}

impl Unpublishable {
    fn new(position: usize, refusal: NotReady) -> Self {
        match refusal {
            NotReady::Invalid(problems) if !problems.is_empty() => Self {
                position,
                why: format!("the envelope is invalid ({} error(s)):", problems.len()),
                problems: problems.iter().map(ToString::to_string).collect(),
            },
            other => Self {
                position,
                why: other.to_string(),
                problems: Vec::new(),
            },
        }
    }
}

/// Makes every recorded message ready for `vin` under `rules` (the ones
/// every publish obeys) and schedules it; every refusal, by position
/// (1-based), or the plan. Popups are spaced 20 s apart here; each is
/// also reserved in the account's ledger when it goes.
pub fn plan(
    recorded: &[Recorded],
    rules: &OutboundRules,
    vin: &Vin,
    pace: Pace,
    popups_from: Duration,
) -> Result<Vec<Planned>, Vec<Unpublishable>> {
    let mut refused = Vec::new();
    let mut planned = Vec::new();
    let first = recorded.first().map(|r| r.at);
    let mut previous = Duration::ZERO;
    let mut last_popup: Option<Duration> = None;
    for (index, record) in recorded.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(&record.payload) else {
            refused.push(Unpublishable {
                position: index + 1,
                why: "not text, so not an envelope".into(),
                problems: Vec::new(),
            });
            continue;
        };
        // The spacing of popups is planned below, not refused here.
        let prepared = match rules.prepare(text, vin, &PopupLedger::default(), 0) {
            Ok(prepared) => prepared,
            Err(refusal) => {
                refused.push(Unpublishable::new(index + 1, refusal));
                continue;
            }
        };
        let recorded_after = match pace {
            Pace::Original => first
                .and_then(|first| (record.at - first).to_std().ok())
                .unwrap_or_default(),
            Pace::Fast => Duration::ZERO,
        };
        let mut after = recorded_after.max(previous);
        if prepared.payload.kind == MessageKind::Popup {
            let earliest = last_popup.map_or(popups_from, |p| p + Duration::from_secs(20));
            after = after.max(earliest);
            last_popup = Some(after);
        }
        previous = after;
        planned.push(Planned { after, prepared });
    }
    if refused.is_empty() {
        Ok(planned)
    } else {
        Err(refused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rules() -> OutboundRules {
        OutboundRules {
            track: false,
            ..OutboundRules::new(crate::domain::TopicScheme::new("p", "U", true).unwrap())
        }
    }

    fn vin() -> Vin {
        Vin::parse("VF3ABCDEFGH123456").unwrap()
    }

    fn at(ms: i64, payload: &str) -> Recorded {
        Recorded {
            at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
                .unwrap()
                + chrono::Duration::milliseconds(ms),
            payload: payload.as_bytes().to_vec(),
        }
    }

    const DATA: &str = r#"{"idApp":"A","popup":false,"content":{"action":"x"}}"#;
    const POPUP: &str =
        r#"{"idApp":"A","popup":true,"popupBtn":false,"popupText":"hi","content":{}}"#;

    #[test]
    fn the_recorded_spacing_is_kept_and_popups_stay_20_s_apart() {
        let recorded = [
            at(0, DATA),
            at(300, POPUP),
            at(1_000, POPUP),
            at(1_500, DATA),
        ];
        let planned = plan(&recorded, &rules(), &vin(), Pace::Original, Duration::ZERO).unwrap();
        let after: Vec<u128> = planned.iter().map(|p| p.after.as_millis()).collect();
        assert_eq!(
            after,
            [0, 300, 20_300, 20_300],
            "order is kept, popups wait"
        );
        let fast = plan(
            &recorded,
            &rules(),
            &vin(),
            Pace::Fast,
            Duration::from_secs(5),
        )
        .unwrap();
        let after: Vec<u128> = fast.iter().map(|p| p.after.as_millis()).collect();
        assert_eq!(after, [0, 5_000, 25_000, 25_000]);
    }

    #[test]
    fn one_bad_record_refuses_the_whole_replay() {
        let recorded = [at(0, DATA), at(10, "not an envelope"), at(20, DATA)];
        let refused = plan(&recorded, &rules(), &vin(), Pace::Fast, Duration::ZERO).unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].position, 2);
    }
}
