//! An alert as the console journals it: the journal's alert record
//! (`watch::Alert::line`, `"dir":"alert"`) with its `"message_at"`, when the
//! message it is about was received. The log's sequence numbers are the
//! session's own, so after a restart the console finds that message by
//! its time and vehicle.
//!
//! Reading them back: the loader finds them among the day files' index
//! entries (an entry of their own) and reads their lines.

use crate::domain::watch;
use crate::tui::panes::alerts::{Alert, Raised};
use chrono::{DateTime, Utc};

/// The journal line of `alert`, about the message received at `about`.
pub(super) fn line(alert: &watch::Alert, about: Option<DateTime<Utc>>) -> String {
    // The record's own member: said once, the console's time first.
    watch::Alert {
        message_at: about.or(alert.message_at),
        ..alert.clone()
    }
    .line()
}

/// The engine's alert as the console lists it.
pub(super) fn listed(alert: watch::Alert, about: Option<DateTime<Utc>>) -> Alert {
    Alert {
        rule: alert.rule,
        vin: alert.vin,
        at: alert.at,
        raised: match alert.what {
            watch::AlertKind::Fired => Raised::Fired,
            watch::AlertKind::Silent => Raised::Silent,
            watch::AlertKind::Back => Raised::Back,
            watch::AlertKind::Unacknowledged => Raised::NoReply,
        },
        message_at: about,
    }
}

/// The alert a journal line records, as the console lists it.
pub(super) fn of_line(line: &str) -> Option<Alert> {
    let alert = watch::Alert::of_line(line)?;
    let about = alert.message_at;
    Some(listed(alert, about))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn alert() -> watch::Alert {
        watch::Alert {
            rule: "speeding".into(),
            vin: Some(crate::domain::Vin::parse("VF3ABCDEFGH123456").unwrap()),
            at: Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 1).unwrap(),
            seq: Some(3),
            what: watch::AlertKind::Fired,
            message_at: None,
        }
    }

    #[test]
    fn the_record_keeps_the_journals_form_and_says_when_its_message_came() {
        let about = Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap();
        let line = line(&alert(), Some(about));
        assert_eq!(
            watch::Alert::of_line(&line),
            Some(watch::Alert {
                message_at: Some(about),
                ..alert()
            }),
            "{line}"
        );
        assert_eq!(line.matches("message_at").count(), 1, "{line}");
        // The engine's alerts carry their message's time already: said
        // once (twice, serde refuses the record and it is lost on reading).
        let carried = watch::Alert {
            message_at: Some(about),
            ..alert()
        };
        let again = super::line(&carried, Some(about));
        assert_eq!(again.matches("message_at").count(), 1, "{again}");
        assert_eq!(watch::Alert::of_line(&again), Some(carried));
        let listed = of_line(&line).unwrap();
        assert_eq!(listed.message_at, Some(about));
        assert_eq!(listed.rule, "speeding");
        assert_eq!(
            of_line(&super::line(&alert(), None)).unwrap().message_at,
            None
        );
    }
}
