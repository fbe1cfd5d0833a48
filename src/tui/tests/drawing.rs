//! `view` draws what `update` resolved: the log's rows and the detail's
//! lines are read from the history (and its files) in `update`, never
//! while drawing.

use super::*;
use crate::store::History;

/// Two journal lines of vehicle B.
fn journal_lines(app: &super::super::App) -> [String; 2] {
    let topics = app.rules().topics.clone();
    let line = |name: &str, ms: i64| {
        crate::domain::InboundMessage::new(
            &topics,
            to_topic(VIN_B),
            bytes::Bytes::from(action(name)),
            t0() + chrono::Duration::milliseconds(ms),
        )
        .journal_line()
    };
    [line("first", 0), line("second", 1_000)]
}

/// The records of `lines` (written one a line at `path`) as the intake
/// files them: where each one is, not its payload.
fn stored(
    history: &mut History,
    path: &std::path::Path,
    lines: &[String],
) -> Vec<super::super::app::Loaded> {
    let file = history.add_file(path.to_owned());
    let mut offset = 0;
    lines
        .iter()
        .map(|line| {
            let at = offset;
            offset += line.len() as u64 + 1;
            super::super::app::Loaded::Stored {
                record: super::super::intake::stored_record(line).unwrap(),
                file,
                offset: at,
            }
        })
        .collect()
}

#[test]
fn the_screen_is_drawn_from_what_update_read_not_from_the_files() {
    let mut app = app();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let lines = journal_lines(&app);
    std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let records = stored(app.history_mut(), &path, &lines);
    update(&mut app, Msg::Loaded(records));
    focus_on(&mut app, Focus::Log);
    key(&mut app, KeyCode::Enter);
    let before = screen(&app);
    assert!(
        before.contains(r#""action": "second""#),
        "the detail: {before}"
    );
    assert!(
        before.contains(r#"{"content":{"type":"action""#),
        "a log row's preview: {before}"
    );

    std::fs::remove_file(&path).unwrap();
    // The same records in a history that has never read their file: were
    // anything drawn read from it now, it would say the payload is
    // unavailable.
    let mut unread = History::new(100_000, [(vin(VIN_A), Some("bench NAC".into()))]);
    for record in stored(&mut unread, &path, &lines) {
        if let super::super::app::Loaded::Stored {
            record,
            file,
            offset,
        } = record
        {
            unread.push_stored(&record, file, offset);
        }
    }
    assert!(unread.by_seq(0).unwrap().unavailable.is_some());
    app.swap_history(unread);
    assert_eq!(screen(&app), before);
}
