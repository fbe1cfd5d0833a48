//! Beyond one machine: the journal is plain JSON Lines, a file per day, so
//! a data team reads a month of it with DuckDB. The README's query, as
//! written there, over a generated month of one account's journal counts
//! each vehicle's messages of each kind right.

use crate::util::{Sandbox, duckdb_available, duckdb_rows};
use chrono::{NaiveDate, TimeZone, Utc};
use std::collections::BTreeMap;

const README: &str = include_str!("../../README.md");

/// The SQL block of the README's "Querying a month of journals".
fn readme_query() -> &'static str {
    README
        .split("### Querying a month of journals")
        .nth(1)
        .and_then(|section| section.split("```sql\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("the README's section with its SQL block")
}

const VINS: [&str; 3] = [
    "VF3ABCDEFGH123456",
    "ZFA1234567890ABCD",
    "W0L0000000000A1B2",
];

/// A kind, the direction its journal line says and a payload of it.
const KINDS: [(&str, &str, &[u8]); 5] = [
    (
        "content",
        "in",
        br#"{"content":{"type":"action","action":"status","params":{"fuel":42}}}"#,
    ),
    ("text", "in", b"debug: webview \"reloaded\""),
    (
        "popup-ok",
        "in",
        br#"{"popupAction":"WebPortal.okBtnPopupRequestClicked","content":{}}"#,
    ),
    (
        "data",
        "out",
        br#"{"idApp":"APP","popup":false,"content":{"action":"lock"}}"#,
    ),
    (
        "popup",
        "out",
        br#"{"idApp":"APP","popup":true,"popupBtn":true,"popupText":"Hi","content":{}}"#,
    ),
];

fn line(
    day: NaiveDate,
    second: u32,
    vin: &str,
    (kind, dir, payload): (&str, &'static str, &[u8]),
) -> String {
    let at = Utc.from_utc_datetime(&day.and_hms_opt(8, 0, 0).unwrap())
        + chrono::Duration::seconds(i64::from(second));
    let way = if dir == "in" { "to" } else { "from" };
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at,
        vin: Some(vin),
        topic: &format!("psa/OVIPPartners-Dev/{way}/uid/PARTNER1/opa/{vin}/"),
        payload,
        kind,
        is_json: kind != "text",
        dir: Some(dir),
    })
}

#[test]
fn the_readmes_duckdb_query_counts_a_month_of_journal_per_vehicle_and_kind() {
    if !duckdb_available("the_readmes_duckdb_query_counts_a_month_of_journal_per_vehicle_and_kind")
    {
        return;
    }
    let sandbox = Sandbox::new();
    let dir = sandbox.account_journal(8886, "PARTNER1");
    let mut expected: BTreeMap<(String, String), u64> = BTreeMap::new();
    for day in 1..=30 {
        let date = NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        // Each day its own mix; a busy day continues in a second part.
        let count = (day * 7) % 23 + 5;
        let lines: Vec<String> = (0..count)
            .map(|i| {
                let vin = VINS[((day + i) % 3) as usize];
                let kind = KINDS[((i * day + i / 3) % 5) as usize];
                *expected
                    .entry((vin.to_owned(), kind.0.to_owned()))
                    .or_default() += 1;
                line(date, i, vin, kind)
            })
            .collect();
        let (first, second) = lines.split_at(lines.len() / 2);
        let mut written = first.join("\n") + "\n";
        if day % 10 == 0 {
            std::fs::write(
                dir.join(format!("{date}.1.jsonl")),
                second.join("\n") + "\n",
            )
            .unwrap();
        } else {
            written += &(second.join("\n") + "\n");
        }
        // A gap record where the session lost messages, on one day.
        if day == 9 {
            let gap = wpconsole::domain::record::Gap {
                at: Utc.from_utc_datetime(&date.and_hms_opt(12, 0, 0).unwrap()),
                lost: 250,
                reason: "the broker sent faster than the session could take".into(),
            };
            written += &(gap.line() + "\n");
        }
        // The torn last line a crash leaves behind, on one day.
        if day == 17 {
            written += r#"{"received_at":"2026-11-17T23:59:59.999Z","vin":"VF3ABC"#;
        }
        std::fs::write(dir.join(format!("{date}.jsonl")), written).unwrap();
    }
    // The days either side of the month are not counted.
    for date in [
        NaiveDate::from_ymd_opt(2026, 10, 31).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    ] {
        std::fs::write(
            dir.join(format!("{date}.jsonl")),
            line(date, 0, VINS[0], KINDS[0]) + "\n",
        )
        .unwrap();
    }

    let rows = duckdb_rows(&dir, readme_query());
    let counted: BTreeMap<(String, String), u64> = rows
        .iter()
        .map(|row| {
            (
                (
                    row[0].as_str().expect("a VIN").to_owned(),
                    row[1].as_str().expect("a kind").to_owned(),
                ),
                row[2].as_u64().expect("a count"),
            )
        })
        .collect();
    assert_eq!(counted, expected);
    assert_eq!(rows.len(), 15, "3 vehicles, 5 kinds: {rows:?}");
    let total: u64 = expected.values().sum();
    assert_eq!(counted.values().sum::<u64>(), total);
}
