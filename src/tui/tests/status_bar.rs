//! The status bar counts this session's traffic, and says what the
//! connection is while files are read.

use super::*;
use crate::tui::app::{Loaded, Progress};

/// The status bar's line of the screen.
fn status_line(app: &super::super::App) -> String {
    let status = app.areas().status;
    screen(app)
        .lines()
        .skip(usize::from(status.y))
        .take(usize::from(status.height))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `n` inbound records of vehicle B as if read from a journal, a second
/// apart, then one the console published.
fn history_from_a_file(app: &mut super::super::App, n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut text = String::new();
    let mut offsets = Vec::new();
    for i in 0..n {
        let message = crate::domain::InboundMessage::new(
            &app.rules().topics,
            to_topic(VIN_B),
            bytes::Bytes::from(action("old")),
            t0() - chrono::Duration::seconds(100 - i64::try_from(i).unwrap()),
        );
        offsets.push(text.len());
        text.push_str(&message.journal_line());
        text.push('\n');
    }
    offsets.push(text.len());
    text.push_str(r#"{"received_at":"2026-11-24T14:02:59.000Z","vin":"ZFA1234567890ABCD","topic":"psa/OVIPPartners-Dev/from/uid/PARTNER1/opa/ZFA1234567890ABCD/","bytes":42,"kind":"data","dir":"out","payload":{"idApp":"APP","popup":false,"content":{}}}"#);
    text.push('\n');
    std::fs::write(&path, &text).unwrap();
    let file = app.add_file(path);
    let records = offsets
        .iter()
        .map(|offset| {
            let line = text[*offset..].lines().next().unwrap();
            Loaded::Stored {
                record: super::super::intake::stored_record(line).unwrap(),
                file,
                offset: *offset as u64,
            }
        })
        .collect();
    update(app, Msg::Loaded(records));
}

#[test]
fn history_read_from_files_is_not_counted_as_live_traffic() {
    let mut app = app();
    update(&mut app, Msg::Tick(t0()));
    history_from_a_file(&mut app, 30);
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(1)));
    let status = status_line(&app);
    assert!(
        status.contains(" rx 0 ") && status.contains(" tx 0 ") && status.contains(" 0.0 msg/s"),
        "{status}"
    );
    assert!(
        screen(&app).contains("Log (31)"),
        "the history is in the log"
    );
    assert_eq!(
        app.history().vehicles[&vin(VIN_B)].rx,
        30,
        "and in the vehicle's row"
    );
    receive(&mut app, &to_topic(VIN_A), b"live", 1_500);
    receive(&mut app, &to_topic(VIN_A), b"live", 1_600);
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(2)));
    let status = status_line(&app);
    assert!(
        status.contains(" rx 2 ") && status.contains(" 2.0 msg/s"),
        "{status}"
    );
}

#[test]
fn open_says_it_reads_files_until_it_is_done() {
    let mut app = app();
    update(&mut app, Msg::Offline);
    update(
        &mut app,
        Msg::Progress(Some(Progress {
            done: 10,
            total: 100,
            what: "indexing… 4,096 messages".into(),
        })),
    );
    assert!(
        status_line(&app).contains("offline: reading files"),
        "{}",
        status_line(&app)
    );
    update(&mut app, Msg::Progress(None));
    let status = status_line(&app);
    assert!(
        !status.contains("reading") && status.contains("files, no broker"),
        "{status}"
    );
}

#[test]
fn a_notice_of_something_done_goes_away_but_an_error_stays() {
    let mut app = app();
    update(&mut app, Msg::Tick(t0()));
    update(
        &mut app,
        Msg::Notice(StatusLevel::Success, "published to 3 of 3 vehicles".into()),
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(2)));
    assert!(
        status_line(&app).contains("published to 3 of 3"),
        "shown at first"
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(30)));
    assert!(
        !status_line(&app).contains("published to 3 of 3"),
        "stale: {}",
        status_line(&app)
    );
    update(
        &mut app,
        Msg::Notice(StatusLevel::Error, "export failed: disk full".into()),
    );
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(300)));
    assert!(
        status_line(&app).contains("export failed: disk full"),
        "an error stays until something replaces it: {}",
        status_line(&app)
    );
}

#[test]
fn a_notice_is_not_cut_off_by_the_broker_and_a_reconnect_reason() {
    let mut app = app_where(|c| {
        c.header.broker = "mqtts://iot-partners-preprod.mpsa.example.com:8886".into();
    });
    update(
        &mut app,
        Msg::Session(crate::mqtt::SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Unreachable,
                text: "connection refused: nothing accepts connections at iot-partners-preprod.mpsa.example.com:8886".into(),
            },
            attempt: 3,
            retry_in: Some(std::time::Duration::from_secs(4)),
        }),
    );
    let notice =
        "exported 12,345 messages to /home/support/.local/share/wpconsole/exports/export.jsonl";
    update(&mut app, Msg::Notice(StatusLevel::Success, notice.into()));
    let status = status_line(&app);
    assert!(
        status.contains(notice),
        "the whole notice at 160 columns: {status}"
    );
    assert!(status.contains("reconnecting (attempt 3)"), "{status}");
}

#[test]
fn losses_and_rates_reach_the_status_bar() {
    let mut app = app();
    let reason = "the screen fell behind and there is no journal (--no-journal) to keep them";
    update(
        &mut app,
        Msg::Lost(crate::tui::app::Losses {
            total: 12_345,
            reason: reason.into(),
        }),
    );
    let status = status_line(&app);
    assert!(status.contains(" lost 12,345 "), "{status}");
    assert!(status.contains(reason), "why, whole: {status}");
    for n in 0..20 {
        receive(&mut app, &to_topic(VIN_A), b"{}", n * 100);
    }
    update(&mut app, Msg::Tick(t0() + chrono::Duration::seconds(2)));
    assert!((app.rate() - 10.0).abs() < 0.01, "{}", app.rate());
}

#[test]
fn the_status_bar_tells_an_outage_and_its_reason() {
    let mut app = app();
    update(
        &mut app,
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Unreachable,
                text: "connection refused: nothing accepts connections at broker.test:8886".into(),
            },
            attempt: 3,
            retry_in: Some(Duration::from_millis(800)),
        }),
    );
    let shown = screen(&app);
    let status = shown.lines().rev().nth(1).unwrap_or_default();
    assert!(
        status.contains("reconnecting (attempt 3)") && status.contains("rx 0"),
        "{status}"
    );
    assert!(status.contains("connection refused"), "{status}");
    update(&mut app, Msg::Session(SessionEvent::Connected));
    assert!(screen(&app).contains("● connected"));
}

#[test]
fn a_refused_login_waits_for_the_retry_key_and_says_where_the_password_came_from() {
    let mut app = app();
    let refused = || {
        Msg::Session(SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::BadCredentials,
                text: "login refused: bad user name or password (password from WPCONSOLE_PASSWORD); the broker refused login \"PARTNER1\": check --uid and the password".into(),
            },
            attempt: 1,
            retry_in: None,
        })
    };
    // Ctrl-R means nothing while the session retries on its own.
    assert_eq!(ctrl(&mut app, 'r'), None);
    update(&mut app, refused());
    assert!(matches!(
        app.connection(),
        ConnectionState::LoginRefused { .. }
    ));
    let status = status_line(&app);
    assert!(
        status.contains(" ✗ ")
            && status.contains(
                "login refused: bad user name or password (password from WPCONSOLE_PASSWORD)"
            ),
        "{status}"
    );
    assert!(!status.contains("reconnecting"), "{status}");
    let shown = screen(&app);
    let footer = shown.lines().last().unwrap_or_default();
    assert!(
        footer
            .trim_start_matches('"')
            .starts_with(" Ctrl-R retry login"),
        "{footer}"
    );
    key(&mut app, KeyCode::Char('?'));
    assert!(screen(&app).contains("try the refused login once more"));
    key(&mut app, KeyCode::Esc);
    // From any pane, the editor included: one attempt per press.
    focus_on(&mut app, Focus::Editor);
    assert_eq!(ctrl(&mut app, 'r'), Some(Command::RetryLogin));
    assert_eq!(*app.connection(), ConnectionState::Connecting);
    assert_eq!(ctrl(&mut app, 'r'), None, "one press, one attempt");
    update(&mut app, refused());
    assert_eq!(ctrl(&mut app, 'r'), Some(Command::RetryLogin));
    // The press is seen to do something, though the refusal comes back
    // at once and the status bar then reads as before.
    update(&mut app, refused());
    assert!(
        screen(&app).contains("login tried again at"),
        "{}",
        screen(&app)
    );
    update(&mut app, Msg::Session(SessionEvent::Connected));
    assert!(!screen(&app).contains("retry login"));
}

#[test]
fn insecure_tls_is_shown_in_the_status_bar() {
    assert!(!screen(&app()).contains("INSECURE"));
    let app = app_where(|c| c.header.insecure = true);
    assert!(screen(&app).contains("INSECURE: certificate not verified"));
}

#[test]
fn journal_trouble_is_shown_with_its_count_and_reason() {
    let mut app = app();
    update(
        &mut app,
        Msg::Journal(crate::tui::app::JournalState::Writing {
            dir: "/j".into(),
            unwritten: 12,
            error: Some("cannot write the journal: No space left on device".into()),
            writing_again: false,
        }),
    );
    let shown = screen(&app);
    assert!(
        shown.contains("journal: 12 unwritten (cannot write the journal: No space left"),
        "{shown}"
    );
    // The disk has room again: what was lost is said in the past.
    update(
        &mut app,
        Msg::Journal(crate::tui::app::JournalState::Writing {
            dir: "/j".into(),
            unwritten: 12,
            error: Some("cannot write the journal: No space left on device".into()),
            writing_again: true,
        }),
    );
    let shown = screen(&app);
    assert!(
        shown.contains("journal: 12 lost, writing again (it could not: cannot write"),
        "{shown}"
    );
}

#[test]
fn indexing_files_shows_a_progress_bar_until_done() {
    let mut app = app();
    update(
        &mut app,
        Msg::Progress(Some(crate::tui::app::Progress {
            done: 50,
            total: 100,
            what: "indexing… 1,000 messages".into(),
        })),
    );
    let shown = screen(&app);
    assert!(
        shown.contains("indexing… 1,000 messages [██████████░░░░░░░░░░] 50%"),
        "{shown}"
    );
    update(&mut app, Msg::Progress(None));
    assert!(!screen(&app).contains("indexing…"));
}

#[test]
fn a_failure_and_its_fix_are_read_whole_on_a_second_row_rather_than_cut() {
    let mut app = app_with(80, 24, 1_000);
    let fix = "closed by the broker before answering the login; likely cause: 127.0.0.1:18933 is a TLS port: use mqtts://127.0.0.1:18933";
    update(
        &mut app,
        Msg::Session(crate::mqtt::SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Closed,
                text: fix.into(),
            },
            attempt: 6,
            retry_in: Some(std::time::Duration::from_secs(4)),
        }),
    );
    assert!(
        app.areas().status.height > 1,
        "more rows for what does not fit on one"
    );
    let rows = status_line(&app);
    assert!(
        rows.contains("use mqtts://127.0.0.1:18933"),
        "the fix is on the screen: {rows}"
    );
    // Connected again: one row, the panes get theirs back.
    update(&mut app, Msg::Session(crate::mqtt::SessionEvent::Connected));
    assert_eq!(app.areas().status.height, 1);
}

#[test]
fn a_journal_kept_by_another_console_is_read_whole_at_80_columns() {
    let mut app = app_with(80, 24, 1_000);
    update(
        &mut app,
        Msg::Journal(crate::tui::app::JournalState::KeptElsewhere(
            crate::store::journal::KeptElsewhere { pid: Some(12345) },
        )),
    );
    let status = status_line(&app);
    assert!(
        status.contains("pid 12345: this one writes none"),
        "{status}"
    );
}

/// The colour of the first cell of `text` on the status bar's rows.
fn colour_of(app: &super::super::App, text: &str) -> ratatui::style::Color {
    let buffer = buffer(app);
    let status = app.areas().status;
    for y in status.y..status.y + status.height {
        let row: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol().to_owned())
            .collect();
        if let Some(at) = row.find(text) {
            let x = u16::try_from(row[..at].chars().count()).unwrap();
            return buffer[(x, y)].fg;
        }
    }
    panic!("{text:?} is not on the status bar: {}", status_line(app));
}

fn watched(days_left: i64) -> crate::mqtt::certificate::ExpiryWatch {
    crate::mqtt::certificate::ExpiryWatch {
        name: "CN=u123456".into(),
        not_after: t0() + chrono::Duration::days(days_left),
        warn_days: 30,
    }
}

#[test]
fn a_certificate_near_its_end_is_said_amber_then_red_under_seven_days_with_the_date() {
    use ratatui::style::Color;
    let coloured = |days_left| {
        app_configured(160, 45, 1_000, |config| config.no_color = false)
            .with_certificate(Some(watched(days_left)))
    };
    let fine = coloured(31);
    assert!(
        !status_line(&fine).contains("certificate"),
        "{}",
        status_line(&fine)
    );

    let mut app = coloured(11);
    update(&mut app, Msg::Tick(t0()));
    let status = status_line(&app);
    assert!(
        status.contains("certificate expires 2026-12-05 (11 days)"),
        "{status}"
    );
    assert_eq!(colour_of(&app, "certificate expires"), Color::Yellow);

    // The console runs on: the same watch turns red under 7 days...
    update(&mut app, Msg::Tick(t0() + chrono::Duration::days(5)));
    assert!(
        status_line(&app).contains("certificate expires 2026-12-05 (6 days)"),
        "{}",
        status_line(&app)
    );
    assert_eq!(colour_of(&app, "certificate expires"), Color::Red);

    // ... and says what to do once it has ended.
    update(&mut app, Msg::Tick(t0() + chrono::Duration::days(12)));
    let status = status_line(&app);
    assert!(
        status.contains("certificate expired 2026-12-05: ask Stellantis for a renewed one"),
        "{status}"
    );
    assert_eq!(colour_of(&app, "certificate expired"), Color::Red);
}

#[test]
fn the_certificates_end_stays_whole_at_80_columns_where_the_broker_gives_way() {
    let mut app = app_with(80, 24, 1_000).with_certificate(Some(watched(3)));
    update(&mut app, Msg::Tick(t0()));
    let status = status_line(&app);
    assert!(
        status.contains("certificate expires 2026-11-27 (3 days)"),
        "{status}"
    );
    assert!(!status.contains("broker.test"), "{status}");

    // A failure's reason on top: both read whole, over more rows.
    update(
        &mut app,
        Msg::Session(crate::mqtt::SessionEvent::Disconnected {
            reason: DisconnectReason {
                kind: FailureKind::Closed,
                text: "the broker says our client certificate has expired".into(),
            },
            attempt: 2,
            retry_in: Some(std::time::Duration::from_secs(4)),
        }),
    );
    let status = status_line(&app);
    assert!(
        status.contains("certificate expires 2026-11-27 (3 days)")
            && status.contains("the broker says our client certificate has expired"),
        "{status}"
    );
}
