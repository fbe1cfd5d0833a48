//! Journals read back without a broker: `export` (JSON lines, CSV, text),
//! `replay`'s refusals, `open`, which account's journal is read, and the old
//! flat layout.

use super::text;
use crate::util::{Sandbox, VIN, tmux_available};
use std::time::Duration;

fn journal_line(vin: Option<&str>, kind: &str, dir: &'static str, payload: &[u8]) -> String {
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at: chrono::Utc::now(),
        vin,
        topic: "psa/OVIPPartners-Dev/to/uid/U/opa/x/",
        payload,
        kind,
        is_json: serde_json::from_slice::<serde_json::Value>(payload).is_ok(),
        dir: Some(dir),
    })
}

#[test]
fn export_filters_journals_into_jsonl_or_csv_and_skips_a_torn_line() {
    let sandbox = Sandbox::new();
    let lines = [
        journal_line(
            Some(VIN),
            "content",
            "in",
            br#"{"content":{"action":"unlock"}}"#,
        ),
        journal_line(
            Some("0123456789ABCDEFG"),
            "content",
            "in",
            br#"{"content":{"action":"unlock"}}"#,
        ),
        journal_line(Some(VIN), "text", "in", b"plain, \"quoted\" text"),
        journal_line(
            Some(VIN),
            "data",
            "out",
            br#"{"idApp":"A","popup":false,"content":{"action":"lock"}}"#,
        ),
    ];
    let mut journal = lines.join("\n");
    journal.push_str("\n{\"received_at\":\"2026-11-2");
    let file = sandbox.write("journal.jsonl", &journal);

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--vin", VIN])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stdout.lines().collect::<Vec<_>>(),
        [&lines[0], &lines[2], &lines[3]]
    );
    assert!(
        stderr.contains("exported 3 message(s)") && stderr.contains("1 torn last line"),
        "{stderr}"
    );

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--text", "UNLOCK", "--dir", "in", "--format", "csv", "-o"])
        .arg(sandbox.path("out.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = std::fs::read_to_string(sandbox.path("out.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(
        rows[0],
        "received_at,dir,vin,topic,kind,action,bytes,payload"
    );
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(
        rows[1].contains(",in,VF3ABCDEFGH123456,") && rows[1].contains(",unlock,"),
        "{csv}"
    );

    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--kind", "text", "--format", "csv"])
        .output()
        .unwrap();
    let (stdout, _) = text(&out);
    assert!(stdout.contains(r#""plain, ""quoted"" text""#), "{stdout}");
}

#[test]
fn export_dir_alert_lists_the_journals_alerts_and_only_them() {
    use wpconsole::domain::watch::{Alert, AlertKind};
    let sandbox = Sandbox::new();
    let message = journal_line(Some(VIN), "content", "in", br#"{"content":{}}"#);
    let alert = Alert {
        rule: "quiet".into(),
        vin: wpconsole::domain::Vin::parse(VIN).ok(),
        at: chrono::Utc::now(),
        seq: Some(0),
        what: AlertKind::Silent,
        message_at: None,
    }
    .line();
    let file = sandbox.write("journal.jsonl", format!("{message}\n{alert}\n{message}\n"));
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--dir", "alert"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>(), [alert.as_str()]);
    assert!(!stderr.contains("skipped"), "{stderr}");
}

#[test]
fn export_without_files_reads_todays_journal_or_says_where_it_looked() {
    let sandbox = Sandbox::new();
    let root = sandbox.path("journal");
    let account = ["--broker", "mqtt://127.0.0.1:1883", "--uid", "PARTNER1"];
    let out = sandbox
        .wpconsole()
        .args(account)
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out).1;
    assert!(
        stderr.contains("no journal for today of PARTNER1@127.0.0.1:1883")
            && stderr.contains("127.0.0.1_1883/PARTNER1"),
        "{stderr}"
    );
    let dir = sandbox.account_journal(1883, "PARTNER1");
    let today = chrono::Utc::now().date_naive();
    std::fs::write(
        dir.join(format!("{today}.jsonl")),
        journal_line(Some(VIN), "content", "in", b"{}")
            + "
",
    )
    .unwrap();
    let out = sandbox
        .wpconsole()
        .args(account)
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

/// Today's journal of `uid` on 127.0.0.1:1883 in the sandbox, holding one
/// message in and one out for `vin`.
fn account_with_traffic(sandbox: &Sandbox, uid: &str, vin: &str) {
    let dir = sandbox.account_journal(1883, uid);
    let record = |dir: &'static str, payload: &[u8]| {
        wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
            at: chrono::Utc::now(),
            vin: Some(vin),
            topic: &format!(
                "psa/OVIPPartners-Dev/{}/uid/{uid}/opa/{vin}/",
                if dir == "in" { "to" } else { "from" }
            ),
            payload,
            kind: if dir == "in" { "content" } else { "data" },
            is_json: true,
            dir: Some(dir),
        })
    };
    let out = format!(r#"{{"idApp":"APP","popup":false,"content":{{"from":"{uid}"}}}}"#);
    std::fs::write(
        dir.join(format!("{}.jsonl", chrono::Utc::now().date_naive())),
        format!(
            "{}\n{}\n",
            record("in", br#"{"content":{}}"#),
            record("out", out.as_bytes())
        ),
    )
    .unwrap();
}

#[test]
fn export_and_replay_without_files_read_the_connected_accounts_journal_only() {
    const OTHER_VIN: &str = "ZFA1234567890ABCD";
    let sandbox = Sandbox::new();
    account_with_traffic(&sandbox, "PARTNER1", VIN);
    account_with_traffic(&sandbox, "PARTNER2", OTHER_VIN);
    let root = sandbox.path("journal");
    let run = |uid: Option<&str>, command: &[&str]| {
        let mut cmd = sandbox.wpconsole();
        cmd.args(["--broker", "mqtt://127.0.0.1:1883"])
            .arg("--journal")
            .arg(&root);
        if let Some(uid) = uid {
            cmd.args(["--uid", uid]);
        }
        let out = cmd.args(command).output().unwrap();
        let (stdout, stderr) = text(&out);
        (out.status.code(), stdout, stderr)
    };
    for (uid, own, other) in [("PARTNER1", VIN, OTHER_VIN), ("PARTNER2", OTHER_VIN, VIN)] {
        let (code, stdout, stderr) = run(Some(uid), &["export"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert_eq!(stdout.lines().count(), 2, "{uid}: {stdout}");
        assert!(
            stdout.contains(own) && !stdout.contains(other),
            "{uid}: {stdout}"
        );
        let (code, stdout, stderr) = run(Some(uid), &["replay", "--to", VIN, "--dry-run"]);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(
            stdout.contains("would publish 1 message(s)"),
            "{uid}: {stdout}"
        );
        assert!(
            stdout.contains(&format!(r#""from":"{uid}""#)),
            "{uid}: {stdout}"
        );
    }
    // Without a UID there is no account: the error says what to pass
    // (replay needs the UID for the vehicle's topic before anything).
    let (code, stdout, stderr) = run(None, &["export"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("--uid") && stderr.contains("name the files"),
        "{stderr}"
    );
    let (code, _, stderr) = run(None, &["replay", "--to", VIN, "--dry-run"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("--uid"), "{stderr}");
}

#[test]
fn journals_of_the_old_flat_layout_are_pointed_to_and_still_read_when_named() {
    let sandbox = Sandbox::new();
    let root = sandbox.path("journal");
    std::fs::create_dir_all(&root).unwrap();
    let old = root.join(format!("{}.jsonl", chrono::Utc::now().date_naive()));
    std::fs::write(&old, journal_line(Some(VIN), "content", "in", b"{}") + "\n").unwrap();
    let out = sandbox
        .wpconsole()
        .args(["--broker", "mqtt://127.0.0.1:1883", "--uid", "PARTNER1"])
        .arg("--journal")
        .arg(&root)
        .arg("export")
        .output()
        .unwrap();
    let stderr = text(&out).1;
    assert_eq!(out.status.code(), Some(2), "not this account's history");
    assert!(
        stderr.contains(&format!(
            "1 journal file(s) from before one journal per account are in {}: `wpconsole open FILE` reads them",
            root.display()
        )),
        "{stderr}"
    );
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&old)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

#[test]
fn open_names_a_missing_file() {
    let sandbox = Sandbox::new();
    let out = sandbox
        .wpconsole()
        .args(["open", "no-such.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).1.contains("cannot open no-such.jsonl"),
        "{}",
        text(&out).1
    );
}

#[test]
fn export_of_an_unknown_kind_is_refused_with_the_kinds() {
    let sandbox = Sandbox::new();
    let capture = sandbox.write(
        "capture.jsonl",
        format!(
            "{{\"received_at\":\"2026-11-24T10:00:00.000Z\",\"vin\":\"{VIN}\",\"topic\":\"t\",\"bytes\":2,\"kind\":\"text\",\"payload\":\"hi\"}}\n"
        ),
    );
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&capture)
        .args(["--kind", "bogus"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    for kind in [
        "content",
        "popup-ok",
        "no-content",
        "text",
        "binary",
        "data",
    ] {
        assert!(stderr.contains(kind), "{kind} not listed: {stderr}");
    }
    // A known kind still filters.
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&capture)
        .args(["--kind", "text"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    assert_eq!(text(&out).0.lines().count(), 1);
}

#[test]
fn export_filters_the_refused_rows_of_a_console_export_and_help_says_what_each_dir_is() {
    let sandbox = Sandbox::new();
    let payload = br#"{"idApp":"A","popup":true,"content":{}}"#;
    let refused = wpconsole::domain::record::refused_line(
        &wpconsole::domain::record::Record {
            at: chrono::Utc::now(),
            vin: Some(VIN),
            topic: "psa/OVIPPartners-Dev/from/uid/U/opa/x/",
            payload,
            kind: "popup",
            is_json: true,
            dir: Some("refused"),
        },
        "popup too soon: wait 19 s",
    );
    let lines = [
        journal_line(Some(VIN), "text", "in", b"hi"),
        journal_line(Some(VIN), "popup", "out", payload),
        refused.clone(),
    ];
    // What the console's `x` writes: the log as filtered, refused rows too.
    let file = sandbox.write("wpconsole-export.jsonl", &(lines.join("\n") + "\n"));
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--dir", "refused"])
        .output()
        .unwrap();
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stdout.lines().collect::<Vec<_>>(), [refused.as_str()]);

    let out = sandbox
        .wpconsole()
        .args(["export", "--help"])
        .output()
        .unwrap();
    let (help, _) = text(&out);
    for says in ["in", "out", "refused", "never journaled"] {
        assert!(help.contains(says), "--dir help lacks {says:?}: {help}");
    }
}

/// A text message that would retitle and clear a terminal if obeyed.
const HOSTILE: &[u8] = b"hi \x1b]2;pwned\x07\x1b[2J there\xc2\x9b31m";

#[test]
fn export_to_a_pipe_keeps_the_exact_bytes_of_hostile_text() {
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "journal.jsonl",
        journal_line(Some(VIN), "text", "in", HOSTILE) + "\n",
    );
    let out = sandbox
        .wpconsole()
        .arg("export")
        .arg(&file)
        .args(["--kind", "text", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).1);
    let row = out.stdout.split(|&b| b == b'\n').nth(1).unwrap();
    assert!(
        row.windows(HOSTILE.len()).any(|w| w == HOSTILE),
        "a pipe gets the payload as it was: {}",
        String::from_utf8_lossy(row)
    );
}

#[test]
fn export_to_a_terminal_shows_escapes_instead_of_obeying_them() {
    if !tmux_available("export_to_a_terminal_shows_escapes_instead_of_obeying_them") {
        return;
    }
    let sandbox = Sandbox::new();
    let file = sandbox.write(
        "journal.jsonl",
        journal_line(Some(VIN), "text", "in", HOSTILE) + "\n",
    );
    let file = file.display().to_string();
    for format in ["csv", "jsonl"] {
        let terminal = sandbox.in_terminal(
            &["export", &file, "--kind", "text", "--format", format],
            160,
            20,
        );
        let screen = terminal
            .wait_for("EXITED", Duration::from_secs(10))
            .unwrap_or_else(|screen| panic!("{format}: {screen}"));
        assert!(screen.contains("EXITED 0"), "{format}: {screen}");
        assert_ne!(terminal.pane_title(), "pwned", "{format}: retitled");
        assert!(
            screen.contains("exported 1 message(s)"),
            "{format}: the screen was cleared: {screen}"
        );
        assert!(
            screen.contains("2;pwned") && screen.contains("there"),
            "{format}: the escapes are shown: {screen}"
        );
    }
}

#[test]
fn a_replay_refusal_lists_each_problem_of_the_record() {
    let sandbox = Sandbox::new();
    let line = |payload: &str| {
        format!(
            "{{\"received_at\":\"2026-11-24T10:00:00.000Z\",\"vin\":\"{VIN}\",\"topic\":\"t\",\"bytes\":1,\"kind\":\"data\",\"dir\":\"out\",\"payload\":{payload}}}\n"
        )
    };
    let recording = sandbox.write(
        "out.jsonl",
        line(r#"{"idApp":"APP","popup":false,"content":{}}"#)
            + &line(r#"{"idApp":"APP","popup":"no","content":5}"#),
    );
    let out = sandbox
        .wpconsole()
        .args(["--uid", "U", "replay"])
        .arg(&recording)
        .args(["--to", VIN, "--dry-run"])
        .output()
        .unwrap();
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let after = stderr.split("#2:").nth(1).expect("record #2 named");
    let problems: Vec<&str> = after
        .lines()
        .skip(1)
        .filter(|l| l.trim_start().starts_with("error at"))
        .collect();
    assert!(problems.len() >= 2, "each problem listed: {stderr}");
    assert!(
        problems.iter().any(|p| p.contains("$.popup")) && problems.iter().any(|p| p.contains("1:")),
        "path and line:col: {stderr}"
    );
}

#[test]
fn export_text_folds_case_for_all_of_unicode_like_the_console_search() {
    let sandbox = Sandbox::new();
    let lines = [
        journal_line(Some(VIN), "text", "in", "CAFÉ OUVERT".as_bytes()),
        journal_line(Some(VIN), "text", "in", b"cafe ferme"),
        journal_line(Some(VIN), "text", "in", "ΟΔΟΣ straße".as_bytes()),
    ];
    let file = sandbox.write("journal.jsonl", lines.join("\n") + "\n");
    let export = |needle: &str| {
        let out = sandbox
            .wpconsole()
            .arg("export")
            .arg(&file)
            .args(["--text", needle])
            .output()
            .unwrap();
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        stdout.lines().map(str::to_owned).collect::<Vec<_>>()
    };
    assert_eq!(export("café"), [lines[0].clone()]);
    assert_eq!(export("É"), [lines[0].clone()]);
    assert_eq!(export("οδος"), [lines[2].clone()]);
    assert_eq!(export("STRASSE"), Vec::<String>::new(), "no expansion of ß");
    assert_eq!(export("STRAßE"), [lines[2].clone()]);
    assert_eq!(export("CAFE"), [lines[1].clone()]);
}

#[test]
fn export_of_a_file_that_holds_no_record_says_so_instead_of_a_torn_line() {
    let sandbox = Sandbox::new();
    // A payload with a byte order mark and no newline: not a journal.
    let path = sandbox.write(
        "bom.json",
        "\u{feff}{\"idApp\":\"A\",\"popup\":false,\"content\":{}}",
    );
    let out = sandbox
        .wpconsole()
        .args(["export", path.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no wpconsole records in"), "{stderr}");
    assert!(!stderr.contains("torn"), "{stderr}");
}
