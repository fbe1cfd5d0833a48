//! Writing records out: JSON Lines (the journal's own format) or CSV for a
//! spreadsheet. Used by `wpconsole export` and the console's export key.

use crate::domain::display;
use crate::domain::record::payload_bytes;
use std::io::{self, Write};

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line, as the journal and `tail --json`.
    Jsonl,
    /// Comma-separated, one row per message, with a header row.
    Csv,
}

/// The CSV header: one column per record field.
pub const CSV_HEADER: &str = "received_at,dir,vin,topic,kind,action,bytes,payload";

/// Writes records (journal lines) in `format`.
pub struct Exporter<W: Write> {
    out: W,
    format: Format,
    /// Whether the output is a terminal: then text goes through the
    /// display sanitiser, so a payload cannot retitle or clear it; to a
    /// file or a pipe it stays exact.
    for_terminal: bool,
    pub written: u64,
}

impl<W: Write> Exporter<W> {
    pub fn new(mut out: W, format: Format) -> io::Result<Self> {
        if format == Format::Csv {
            writeln!(out, "{CSV_HEADER}")?;
        }
        Ok(Self {
            out,
            format,
            for_terminal: false,
            written: 0,
        })
    }

    /// Writes for a terminal's eyes: JSON Lines keep their meaning with
    /// unsafe characters escaped, CSV fields are shown on one line with
    /// them escaped.
    #[must_use]
    pub fn for_terminal(mut self, for_terminal: bool) -> Self {
        self.for_terminal = for_terminal;
        self
    }

    /// Writes one record given as its journal line.
    pub fn write(&mut self, line: &str) -> io::Result<()> {
        match self.format {
            Format::Jsonl if self.for_terminal => {
                writeln!(self.out, "{}", display::json_line(line))?;
            }
            Format::Jsonl => writeln!(self.out, "{line}")?,
            Format::Csv => {
                let value: serde_json::Value = serde_json::from_str(line)
                    .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))?;
                let text = |key: &str| {
                    value
                        .get(key)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or("")
                        .to_owned()
                };
                let payload = payload_bytes(line).map_or_else(
                    |_| {
                        value
                            .get("payload")
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    },
                    |bytes| match String::from_utf8(bytes) {
                        Ok(text) => text,
                        Err(err) => {
                            use base64::Engine as _;
                            format!(
                                "base64:{}",
                                base64::engine::general_purpose::STANDARD.encode(err.into_bytes())
                            )
                        }
                    },
                );
                let action = crate::domain::classify(payload.as_bytes())
                    .action
                    .unwrap_or_default();
                let fields = [
                    text("received_at"),
                    text("dir"),
                    text("vin"),
                    text("topic"),
                    text("kind"),
                    action,
                    value
                        .get("bytes")
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    payload,
                ];
                let row: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        if self.for_terminal {
                            csv_field(&display::one_line(f))
                        } else {
                            csv_field(f)
                        }
                    })
                    .collect();
                writeln!(self.out, "{}", row.join(","))?;
            }
        }
        self.written += 1;
        Ok(())
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Quotes a CSV field when it holds a comma, a quote or a line break.
pub fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"received_at":"2026-11-24T14:03:05.042Z","vin":"0123456789ABCDEFG","topic":"t/x","bytes":37,"kind":"content","dir":"in","payload":{"content":{"action":"go","s":"a,b"}}}"#;

    #[test]
    fn jsonl_is_the_line_itself() {
        let mut exporter = Exporter::new(Vec::new(), Format::Jsonl).unwrap();
        exporter.write(LINE).unwrap();
        assert_eq!(
            String::from_utf8(exporter.finish().unwrap()).unwrap(),
            format!("{LINE}\n")
        );
    }

    #[test]
    fn csv_has_a_header_and_quotes_what_needs_it() {
        let mut exporter = Exporter::new(Vec::new(), Format::Csv).unwrap();
        exporter.write(LINE).unwrap();
        let text = String::from_utf8(exporter.finish().unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some(CSV_HEADER));
        assert_eq!(
            lines.next(),
            Some(
                r#"2026-11-24T14:03:05.042Z,in,0123456789ABCDEFG,t/x,content,go,37,"{""content"":{""action"":""go"",""s"":""a,b""}}""#
            )
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a\"b"), "\"a\"\"b\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
