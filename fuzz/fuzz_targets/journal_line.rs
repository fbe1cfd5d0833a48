//! Journal and capture lines as the console and the commands read them
//! back (the loader's record, `payload_bytes`, `export` in both formats):
//! a corrupted, foreign or hand-edited line is skipped or refused, never
//! a panic; what export writes for a terminal carries nothing unsafe.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wpconsole::domain::display::is_unsafe;
use wpconsole::domain::record::payload_bytes;
use wpconsole::store::export::{Exporter, Format};
use wpconsole::store::journal::sidecar::parse_line;

fuzz_target!(|data: &[u8]| {
    // The loader reads lines as the file holds them: not UTF-8 is not a
    // record (it turns such a line into "").
    let line = std::str::from_utf8(data).unwrap_or_default();
    let line = line.trim_end_matches(['\n', '\r']);
    let record = parse_line(line);
    let payload = payload_bytes(line);
    if let Some(record) = &record {
        let _ = (record.size, &record.kind, &record.topic, &record.reason);
    }
    let _ = payload;
    for format in [Format::Jsonl, Format::Csv] {
        for for_terminal in [false, true] {
            let Ok(exporter) = Exporter::new(Vec::new(), format) else {
                continue;
            };
            let mut exporter = exporter.for_terminal(for_terminal);
            let written = exporter.write(line);
            let out = exporter.finish().expect("writing to memory");
            if for_terminal && written.is_ok() {
                let out = String::from_utf8(out).expect("export writes UTF-8");
                assert!(
                    !out.chars()
                        .any(|c| !matches!(c, '\n' | '\t') && is_unsafe(c)),
                    "unsafe character exported to a terminal: {out:?}"
                );
            }
        }
    }
});
