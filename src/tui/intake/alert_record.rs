//! An alert as the console journals it: the journal's alert record
//! (`watch::Alert::line`, `"dir":"alert"`) plus `"message_at"`, when the
//! message it is about was received. The log's sequence numbers are the
//! session's own, so after a restart the console finds that message by
//! its time and vehicle; readers of the record (`export --dir alert`,
//! `Alert::of_line`) pass the extra member over.
//!
//! Reading them back: the loader finds them among the day files' index
//! entries (an entry of their own) and reads their lines.

use crate::domain::watch;
use crate::tui::panes::alerts::{Alert, Raised};
use chrono::{DateTime, SecondsFormat, Utc};

/// The journal line of `alert`, about the message received at `about`.
pub(super) fn line(alert: &watch::Alert, about: Option<DateTime<Utc>>) -> String {
    let mut line = alert.line();
    if let Some(about) = about {
        // The record ends with the object's closing brace.
        line.pop();
        line.push_str(",\"message_at\":\"");
        line.push_str(&about.to_rfc3339_opts(SecondsFormat::Millis, true));
        line.push_str("\"}");
    }
    line
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
    #[derive(serde::Deserialize)]
    struct About<'a> {
        #[serde(default)]
        message_at: Option<&'a str>,
    }
    let alert = watch::Alert::of_line(line)?;
    let about = serde_json::from_str::<About<'_>>(line)
        .ok()
        .and_then(|about| about.message_at)
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map(|at| at.with_timezone(&Utc));
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
            message_at: None,
            what: watch::AlertKind::Fired,
        }
    }

    #[test]
    fn the_record_keeps_the_journals_form_and_says_when_its_message_came() {
        let about = Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap();
        let line = line(&alert(), Some(about));
        let read = watch::Alert {
            message_at: Some(about),
            ..alert()
        };
        assert_eq!(watch::Alert::of_line(&line), Some(read), "{line}");
        let listed = of_line(&line).unwrap();
        assert_eq!(listed.message_at, Some(about));
        assert_eq!(listed.rule, "speeding");
        assert_eq!(
            of_line(&super::line(&alert(), None)).unwrap().message_at,
            None
        );
    }
}
