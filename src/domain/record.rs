//! An inbound message as the console keeps it, and its JSON Lines form
//! (`tail --json`, the journal). `tail`'s human lines are its own
//! (`src/cli/tail.rs`), measured in screen cells like the console's rows.

use super::inbound::{Classified, classify};
use super::json;
use super::topic::{InboundTopic, TopicScheme};
use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::Write as _;

/// A message a vehicle (or anything else on the "to" topics) sent.
#[derive(Debug, Clone)]
pub struct InboundMessage {
    pub received_at: DateTime<Utc>,
    /// The raw topic, as received.
    pub topic: String,
    pub source: InboundTopic,
    /// The exact bytes received.
    pub payload: bytes::Bytes,
    pub classified: Classified,
}

impl InboundMessage {
    pub fn new(
        scheme: &TopicScheme,
        topic: String,
        payload: bytes::Bytes,
        received_at: DateTime<Utc>,
    ) -> Self {
        Self {
            received_at,
            source: scheme.parse_inbound(&topic),
            classified: classify(&payload),
            topic,
            payload,
        }
    }

    /// The VIN, when the topic is a vehicle's.
    pub fn vin(&self) -> Option<&str> {
        match &self.source {
            InboundTopic::Vehicle { vin, .. } => Some(vin.as_str()),
            InboundTopic::Unrecognised(_) => None,
        }
    }

    /// One JSON object on one line, as `tail --json` prints it:
    /// `{"received_at","vin","topic","bytes","kind","payload"}`.
    pub fn json_line(&self) -> String {
        json_line(&self.record(None))
    }

    /// The journal's line: the `tail --json` line plus `"dir":"in"`.
    pub fn journal_line(&self) -> String {
        json_line(&self.record(Some("in")))
    }

    /// The message's record: its `tail --json` form, plus `dir` when given
    /// (the journal's `"in"`).
    pub fn record(&self, dir: Option<&'static str>) -> Record<'_> {
        Record {
            at: self.received_at,
            vin: self.vin(),
            topic: &self.topic,
            payload: &self.payload,
            kind: self.classified.kind.name(),
            is_json: self.classified.is_json,
            dir,
        }
    }
}

/// The fields of one JSON Lines record (a `tail --json` line, or a
/// journal line when `dir` is set).
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub at: DateTime<Utc>,
    pub vin: Option<&'a str>,
    pub topic: &'a str,
    pub payload: &'a [u8],
    pub kind: &'a str,
    /// Whether the payload is JSON (then it is embedded as a value).
    pub is_json: bool,
    /// `"in"` or `"out"` in the journal; absent in `tail --json`.
    pub dir: Option<&'static str>,
}

/// One JSON object on one line. The payload is the JSON value exactly as
/// sent, a string for text, or `{"base64": ...}` for binary. A JSON payload
/// that spans lines (or has blanks around it) is written without its whitespace and its exact bytes
/// follow in `"raw": {"base64": ...}`, so a line is always one record and
/// the exact bytes can always be recovered ([`payload_bytes`]).
pub fn json_line(record: &Record<'_>) -> String {
    let mut line = String::with_capacity(record.payload.len() + record.topic.len() + 128);
    line.push_str("{\"received_at\":\"");
    line.push_str(&record.at.to_rfc3339_opts(SecondsFormat::Millis, true));
    line.push_str("\",\"vin\":");
    match record.vin {
        Some(vin) => line.push_str(&json_string(vin)),
        None => line.push_str("null"),
    }
    line.push_str(",\"topic\":");
    line.push_str(&json_string(record.topic));
    let _ = write!(line, ",\"bytes\":{}", record.payload.len());
    line.push_str(",\"kind\":");
    line.push_str(&json_string(record.kind));
    if let Some(dir) = record.dir {
        let _ = write!(line, ",\"dir\":\"{dir}\"");
    }
    line.push_str(",\"payload\":");
    let base64 = |line: &mut String| {
        line.push_str("{\"base64\":\"");
        line.push_str(&base64::engine::general_purpose::STANDARD.encode(record.payload));
        line.push_str("\"}");
    };
    match std::str::from_utf8(record.payload) {
        // Verbatim only when the value's own bytes are the whole payload:
        // whitespace around it would not come back from the line.
        Ok(text)
            if record.is_json
                && !text.contains(['\n', '\r'])
                && text.trim_matches([' ', '\t']) == text =>
        {
            line.push_str(text);
        }
        Ok(text) if record.is_json => {
            line.push_str(&json::minify(text));
            line.push_str(",\"raw\":");
            base64(&mut line);
        }
        Ok(text) => line.push_str(&json_string(text)),
        Err(_) => base64(&mut line),
    }
    line.push('}');
    line
}

/// A refused record's line: [`json_line`] plus `"reason"`, why it was not
/// published (the `"dir"` is then `"refused"`).
pub fn refused_line(record: &Record<'_>, reason: &str) -> String {
    let mut line = json_line(record);
    // json_line ends with the object's closing brace.
    line.pop();
    line.push_str(",\"reason\":");
    line.push_str(&json_string(reason));
    line.push('}');
    line
}

/// Messages lost at one moment, as the journal keeps the fact: the line
/// `{"received_at": ..., "dir": "gap", "lost": N, "reason": "..."}` stands
/// where they would have been (the session dropped them, or the disk
/// could not write them), so a reader of the journal knows its history has
/// a hole there, and how big.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// When the loss was seen (the lost messages arrived shortly before).
    pub at: DateTime<Utc>,
    pub lost: u64,
    pub reason: String,
}

impl Gap {
    /// The gap's journal line.
    pub fn line(&self) -> String {
        format!(
            "{{\"received_at\":\"{}\",\"dir\":\"gap\",\"lost\":{},\"reason\":{}}}",
            self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            self.lost,
            json_string(&self.reason)
        )
    }

    /// The gap a journal line records, if it is a gap record.
    pub fn of_line(line: &str) -> Option<Self> {
        #[derive(serde::Deserialize)]
        struct Fields<'a> {
            received_at: &'a str,
            dir: &'a str,
            lost: u64,
            #[serde(default)]
            reason: String,
        }
        // Most lines are messages: passed over before any parsing.
        if !line.contains("\"gap\"") {
            return None;
        }
        let fields: Fields<'_> = serde_json::from_str(line).ok()?;
        (fields.dir == "gap").then_some(())?;
        Some(Self {
            at: DateTime::parse_from_rfc3339(fields.received_at)
                .ok()?
                .with_timezone(&Utc),
            lost: fields.lost,
            reason: fields.reason,
        })
    }
}

/// Why a record's payload cannot be recovered.
#[derive(Debug, thiserror::Error)]
#[error("not a wpconsole record: {0}")]
pub struct RecordError(String);

/// The exact payload bytes of a record line written by [`json_line`].
pub fn payload_bytes(line: &str) -> Result<Vec<u8>, RecordError> {
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        #[serde(borrow)]
        payload: &'a serde_json::value::RawValue,
        kind: String,
        #[serde(default)]
        raw: Option<Base64Field>,
    }
    #[derive(serde::Deserialize)]
    struct Base64Field {
        base64: String,
    }
    let decode = |text: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|err| RecordError(format!("bad base64: {err}")))
    };
    let fields: Fields<'_> =
        serde_json::from_str(line).map_err(|err| RecordError(err.to_string()))?;
    if let Some(raw) = fields.raw {
        return decode(&raw.base64);
    }
    match fields.kind.as_str() {
        "binary" => {
            let field: Base64Field = serde_json::from_str(fields.payload.get())
                .map_err(|err| RecordError(err.to_string()))?;
            decode(&field.base64)
        }
        "text" => serde_json::from_str::<String>(fields.payload.get())
            .map(String::into_bytes)
            .map_err(|err| RecordError(err.to_string())),
        _ => Ok(fields.payload.get().as_bytes().to_vec()),
    }
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message(topic: &str, payload: &[u8]) -> InboundMessage {
        let scheme = TopicScheme::new("psa/OVIPPartners-Dev", "U", true).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 14, 3, 5).unwrap()
            + chrono::Duration::milliseconds(42);
        InboundMessage::new(
            &scheme,
            topic.into(),
            bytes::Bytes::copy_from_slice(payload),
            at,
        )
    }

    const TOPIC: &str = "psa/OVIPPartners-Dev/to/uid/U/opa/0123456789ABCDEFG/";

    #[test]
    fn every_payload_comes_back_byte_for_byte() {
        for payload in [
            &b"{ \"content\": {\"action\": \"go\", \"n\": 1.50} }"[..],
            b"{\n  \"content\": \"two\nlines\"\r\n}",
            b"plain text \x1b[2J with \"quotes\"",
            b"",
            &[0xff, 0x00, 0x80, b'\n'],
            br#"{"base64":"not really"}"#,
            b"\"just a string\"",
            b" \"content\"",
            b"{\"a\":1}\t",
        ] {
            let line = message(TOPIC, payload).json_line();
            assert!(!line.contains('\n'), "one line: {line}");
            assert_eq!(payload_bytes(&line).unwrap(), payload, "{line}");
        }
    }

    #[test]
    fn json_line_keeps_the_payload_value() {
        let m = message(TOPIC, b"{\"content\":{\"action\":\"go\",\"n\":1.50}}");
        assert_eq!(
            m.json_line(),
            r#"{"received_at":"2026-11-24T14:03:05.042Z","vin":"0123456789ABCDEFG","topic":"psa/OVIPPartners-Dev/to/uid/U/opa/0123456789ABCDEFG/","bytes":36,"kind":"content","payload":{"content":{"action":"go","n":1.50}}}"#
        );
    }

    #[test]
    fn json_line_of_text_and_binary() {
        let text = message("odd/topic", b"hello \x1b[2J");
        let value: serde_json::Value = serde_json::from_str(&text.json_line()).unwrap();
        assert_eq!(value["payload"], "hello \u{1b}[2J");
        assert_eq!(value["vin"], serde_json::Value::Null);
        assert_eq!(value["kind"], "text");
        let binary = message(TOPIC, &[0xff, 0x00]);
        let value: serde_json::Value = serde_json::from_str(&binary.json_line()).unwrap();
        assert_eq!(value["payload"]["base64"], "/wA=");
        assert_eq!(value["kind"], "binary");
    }

    #[test]
    fn the_journal_line_is_the_tail_line_plus_direction() {
        let m = message(TOPIC, b"{\"content\":{}}");
        let tail: serde_json::Value = serde_json::from_str(&m.json_line()).unwrap();
        let mut journal: serde_json::Value = serde_json::from_str(&m.journal_line()).unwrap();
        assert_eq!(journal["dir"], "in");
        journal.as_object_mut().unwrap().remove("dir");
        assert_eq!(journal, tail);
    }

    #[test]
    fn a_gap_line_says_how_many_were_lost_and_why_and_reads_back() {
        let gap = Gap {
            at: Utc.with_ymd_and_hms(2026, 11, 24, 14, 3, 5).unwrap(),
            lost: 197_412,
            reason: "the console could not keep up (\"slow\")".into(),
        };
        let line = gap.line();
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["dir"], "gap");
        assert_eq!(value["lost"], 197_412);
        assert_eq!(value["received_at"], "2026-11-24T14:03:05.000Z");
        assert_eq!(Gap::of_line(&line), Some(gap));
        let message = message(TOPIC, br#"{"content":"gap"}"#).journal_line();
        assert_eq!(Gap::of_line(&message), None, "a message is no gap");
    }

    /// Found by fuzzing (`fuzz/` json_reader): the reader took JSON 128
    /// levels deep where `serde_json` reads 127, and a record puts the
    /// payload one level further down, so a published envelope that deep
    /// was journaled as a line `export --format csv` refused.
    #[test]
    fn json_as_deep_as_the_reader_accepts_exports_from_its_journal_record() {
        let depth = json::MAX_DEPTH;
        let deepest = "[".repeat(depth) + &"]".repeat(depth);
        assert!(json::parse(&deepest).is_ok());
        let deeper = "[".repeat(depth + 1) + &"]".repeat(depth + 1);
        assert!(json::parse(&deeper).is_err());
        let line = json_line(&Record {
            at: Utc::now(),
            vin: None,
            topic: "t",
            payload: deepest.as_bytes(),
            kind: "no-content",
            is_json: true,
            dir: Some("out"),
        });
        assert_eq!(payload_bytes(&line).unwrap(), deepest.as_bytes());
        let mut csv =
            crate::store::export::Exporter::new(Vec::new(), crate::store::export::Format::Csv)
                .unwrap();
        csv.write(&line)
            .expect("the record of the deepest JSON the reader accepts exports");
    }

    #[test]
    fn pretty_json_payload_stays_on_one_line() {
        let m = message(TOPIC, b"{\n  \"content\": \"a\\nb\"\n}");
        assert!(!m.json_line().contains('\n'));
        let value: serde_json::Value = serde_json::from_str(&m.json_line()).unwrap();
        assert_eq!(value["payload"]["content"], "a\nb");
        assert!(
            value["raw"]["base64"].is_string(),
            "the exact bytes travel beside it"
        );
    }
}
