//! An alert's JSON line: the journal's alert record and what
//! `wpconsole watch` prints, one form for both (`export --dir alert`
//! gives the journal's back as they were written).

use super::engine::{Alert, AlertKind};
use crate::domain::Vin;
use chrono::{DateTime, SecondsFormat, Utc};

impl Alert {
    /// The alert's journal line: `{"received_at": when it was raised,
    /// "dir": "alert", "rule", "vin" (or null), "what" (fired, silent, back,
    /// unacknowledged), "seq" (the message it is about, or null), and
    /// "message_at" (when that message was received) when known}`.
    pub fn line(&self) -> String {
        let string = |text: &str| serde_json::Value::String(text.to_owned()).to_string();
        let mut line = format!(
            "{{\"received_at\":\"{}\",\"dir\":\"alert\",\"rule\":{},\"vin\":{},\"what\":\"{}\",\"seq\":{}",
            self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            string(&self.rule),
            self.vin
                .as_ref()
                .map_or_else(|| "null".into(), |vin| string(vin.as_str())),
            self.what.name(),
            self.seq
                .map_or_else(|| "null".into(), |seq| seq.to_string()),
        );
        if let Some(message_at) = self.message_at {
            line.push_str(",\"message_at\":\"");
            line.push_str(&message_at.to_rfc3339_opts(SecondsFormat::Millis, true));
            line.push('"');
        }
        line.push('}');
        line
    }

    /// [`Self::line`] with the message the alert is about (its record, a
    /// `tail --json` line) as `"message"`: what `wpconsole watch` prints.
    pub fn line_with(&self, message: Option<&str>) -> String {
        let mut line = self.line();
        if let Some(message) = message {
            // line ends with the object's closing brace.
            line.pop();
            line.push_str(",\"message\":");
            line.push_str(message);
            line.push('}');
        }
        line
    }

    /// The alert a journal line records, if it is an alert record.
    pub fn of_line(line: &str) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Fields<'a> {
            received_at: &'a str,
            dir: &'a str,
            rule: String,
            #[serde(default)]
            vin: Option<&'a str>,
            what: &'a str,
            #[serde(default)]
            seq: Option<u64>,
            #[serde(default)]
            message_at: Option<&'a str>,
        }
        // Most lines are messages: passed over before any parsing.
        if !line.contains("\"alert\"") {
            return None;
        }
        let fields: Fields<'_> = serde_json::from_str(line).ok()?;
        (fields.dir == "alert").then_some(())?;
        Some(Self {
            at: DateTime::parse_from_rfc3339(fields.received_at)
                .ok()?
                .with_timezone(&Utc),
            rule: fields.rule,
            vin: fields.vin.and_then(|vin| Vin::parse(vin).ok()),
            what: AlertKind::from_name(fields.what)?,
            seq: fields.seq,
            message_at: match fields.message_at {
                Some(at) => Some(DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc)),
                None => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    fn alert() -> Alert {
        Alert {
            rule: "speed \"high\"".into(),
            vin: Some(Vin::parse("VF3ABCDEFGH123456").unwrap()),
            at: Utc.with_ymd_and_hms(2026, 11, 30, 3, 0, 0).unwrap(),
            seq: Some(42),
            what: AlertKind::Fired,
            message_at: Some(Utc.with_ymd_and_hms(2026, 11, 30, 2, 59, 59).unwrap()),
        }
    }

    #[test]
    fn an_alert_line_reads_back_and_no_message_is_an_alert() {
        let alert = alert();
        let line = alert.line();
        assert_eq!(
            line,
            r#"{"received_at":"2026-11-30T03:00:00.000Z","dir":"alert","rule":"speed \"high\"","vin":"VF3ABCDEFGH123456","what":"fired","seq":42,"message_at":"2026-11-30T02:59:59.000Z"}"#
        );
        assert_eq!(Alert::of_line(&line), Some(alert.clone()));
        let silent = Alert {
            vin: None,
            seq: None,
            what: AlertKind::Silent,
            message_at: None,
            ..alert
        };
        assert_eq!(Alert::of_line(&silent.line()), Some(silent));
        let message = r#"{"received_at":"2026-11-30T03:00:00.000Z","vin":null,"topic":"t","bytes":7,"kind":"content","dir":"in","payload":{"content":"alert"}}"#;
        assert_eq!(Alert::of_line(message), None);
        assert!(
            crate::store::journal::sidecar::parse_line(&line).is_none(),
            "an alert is no message"
        );
    }

    #[test]
    fn the_printed_line_carries_the_message_it_is_about() {
        let record = r#"{"vin":"VF3ABCDEFGH123456","payload":{"a":1}}"#;
        let line = alert().line_with(Some(record));
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["message"]["payload"]["a"], 1);
        assert_eq!(value["what"], "fired");
        assert_eq!(Alert::of_line(&line), Some(alert()));
        assert_eq!(alert().line_with(None), alert().line());
    }
}
