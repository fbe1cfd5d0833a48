//! Hostile and broken inbound input, a corpus of it: each message is shown
//! escaped and safe, nothing crashes, and the journal keeps the exact
//! bytes. Through mosquitto (which has no size limit) with `tail`, the
//! console in tmux, and the console's drawing on a test backend.

use crate::util::{
    self, Observer, Sandbox, UID, VIN, mosquitto_available, tmux_available, to_topic,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Duration;
use wpconsole::domain::record::payload_bytes;
use wpconsole::domain::{TopicScheme, display};

/// (name, topic, payload)
fn corpus() -> Vec<(&'static str, String, Vec<u8>)> {
    let vehicle = to_topic(VIN);
    let mut deep = "[".repeat(10_000);
    deep.push_str(&"]".repeat(10_000));
    let big_json = format!(
        r#"{{"content":{{"type":"dump","blob":"{}"}}}}"#,
        "z".repeat(1 << 20)
    );
    vec![
        ("invalid UTF-8", vehicle.clone(), vec![0xc3, 0x28, 0xa0, 0xa1, 0xff, b'o', b'k']),
        ("NUL bytes", vehicle.clone(), b"before\0after\0".to_vec()),
        ("1 MiB JSON, over the limit", vehicle.clone(), big_json.into_bytes()),
        ("1 MiB text", vehicle.clone(), "t".repeat(1 << 20).into_bytes()),
        ("nested 10,000 deep", vehicle.clone(), deep.into_bytes()),
        ("huge numbers", vehicle.clone(), br#"{"content":{"n":1e400,"m":123456789012345678901234567890,"k":-0.0000000000000000000001}}"#.to_vec()),
        ("content null", vehicle.clone(), br#"{"content":null}"#.to_vec()),
        ("content number", vehicle.clone(), br#"{"content":42}"#.to_vec()),
        ("content array", vehicle.clone(), br#"{"content":[1,"two",{"three":3}]}"#.to_vec()),
        ("content bool", vehicle.clone(), br#"{"content":false}"#.to_vec()),
        ("content string with escapes", vehicle.clone(), br#"{"content":"\u001b]0;title\u0007 and \u202e"}"#.to_vec()),
        ("CSI clear screen", vehicle.clone(), b"\x1b[2J\x1b[H\x1b[31mred".to_vec()),
        ("OSC title", vehicle.clone(), b"\x1b]0;pwned title\x07\x1b]2;again\x1b\\".to_vec()),
        ("OSC 52 clipboard write", vehicle.clone(), b"\x1b]52;c;cm0gLXJmIH4K\x07".to_vec()),
        ("DCS", vehicle.clone(), b"\x1bP1$qm\x1b\\tmux;\x1b\x1b]0;x\x07".to_vec()),
        ("bidi overrides", vehicle.clone(), "admin\u{202e}gnp.exe\u{2066}x\u{2069}".as_bytes().to_vec()),
        ("zero-width joiners", vehicle.clone(), "a\u{200d}b\u{200b}c\u{feff}d".as_bytes().to_vec()),
        ("C1 controls", vehicle.clone(), "x\u{9b}2Jy\u{9d}0;t\u{9c}".as_bytes().to_vec()),
        ("very long single line", vehicle.clone(), format!(r#"{{"content":{{"line":"{}"}}}}"#, "w".repeat(200_000)).into_bytes()),
        ("pretty JSON over lines", vehicle.clone(), b"{\n  \"content\": {\n    \"a\": 1\n  }\n}\n".to_vec()),
        ("empty payload", vehicle, Vec::new()),
        ("double slash topic", format!("{}/to/uid/{UID}/opa/{VIN}//", util::PREFIX), b"{}".to_vec()),
        ("leading slash topic", "/leading/slash".to_owned(), b"{}".to_vec()),
        ("unicode topic", format!("{}/to/uid/{UID}/opa/ünïcödé", util::PREFIX), b"{}".to_vec()),
    ]
}

/// Topics a broker refuses to carry (mosquitto disconnects a client that
/// publishes control characters in a topic): only drawn, not sent.
fn undeliverable() -> Vec<(&'static str, String, Vec<u8>)> {
    vec![(
        "control characters in topic",
        format!("{}/to/uid/{UID}/opa/\u{1b}]0;topic\u{7}", util::PREFIX),
        b"{}".to_vec(),
    )]
}

#[test]
fn tail_prints_every_hostile_message_and_keeps_its_exact_bytes() {
    if !mosquitto_available("tail_prints_every_hostile_message_and_keeps_its_exact_bytes") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = util::Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let corpus = corpus();
    // tail subscribes to the account's filter; odd topics outside it are
    // covered by the console test below.
    let count = corpus.len().to_string();
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let tail = sandbox.tail(&url, &["--json", "--count", &count]);
    let inside: Vec<_> = corpus
        .iter()
        .filter(|(_, topic, _)| topic.starts_with(&format!("{}/to/uid/{UID}/opa/", util::PREFIX)))
        .collect();
    for (_, topic, payload) in &inside {
        Observer::publish(broker.port, topic, payload.clone());
    }
    for (name, topic, payload) in &inside {
        let line = tail
            .next_line(Duration::from_secs(20))
            .unwrap_or_else(|| panic!("{name}: not printed"));
        let record: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(record["topic"], topic.as_str(), "{name}");
        assert_eq!(
            &payload_bytes(&line).unwrap(),
            payload,
            "{name}: the exact bytes"
        );
        assert!(
            !line.chars().any(|c| c == '\u{1b}' || c == '\u{7}'),
            "{name}: raw escapes in the JSON line"
        );
    }
}

#[test]
fn the_console_shows_every_hostile_message_safely_and_journals_it_exactly() {
    if !mosquitto_available(
        "the_console_shows_every_hostile_message_safely_and_journals_it_exactly",
    ) || !tmux_available(
        "the_console_shows_every_hostile_message_safely_and_journals_it_exactly",
    ) {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = util::Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let url = format!("mqtt://127.0.0.1:{}", broker.port);
    let journal = sandbox.path("journal").display().to_string();
    // Subscribe to everything so odd topics reach the console too.
    let terminal = sandbox.in_terminal(
        &[
            "--broker",
            &url,
            "--uid",
            UID,
            "--prefix",
            util::PREFIX,
            "--journal",
            &journal,
        ],
        160,
        45,
    );
    terminal
        .wait_for("● connected", Duration::from_secs(15))
        .unwrap_or_else(|s| panic!("{s}"));
    let title = terminal.pane_title();
    let corpus = corpus();
    let inside: Vec<_> = corpus
        .iter()
        .filter(|(_, topic, _)| topic.starts_with(&format!("{}/to/uid/{UID}/opa/", util::PREFIX)))
        .collect();
    for (_, topic, payload) in &inside {
        Observer::publish(broker.port, topic, payload.clone());
    }
    let screen = terminal
        .wait_for(&format!("rx {} ", inside.len()), Duration::from_secs(30))
        .unwrap_or_else(|s| panic!("not every message arrived:\n{s}"));
    // Walk the whole log through the detail pane.
    terminal.send_keys(&["g", "Enter"]);
    for _ in 0..inside.len() {
        terminal.send_keys(&["BTab", "j", "Tab"]);
    }
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(terminal.pane_title(), title, "the title never changes");
    assert!(screen.contains("Log ("), "the screen is intact:\n{screen}");
    terminal.send_keys(&["q"]);
    terminal
        .wait_for("EXITED 0", Duration::from_secs(10))
        .unwrap_or_else(|s| panic!("no crash, a clean exit:\n{s}"));

    let files = sandbox.journal_files();
    let lines: Vec<String> = files
        .iter()
        .flat_map(|f| {
            std::fs::read_to_string(f)
                .unwrap()
                .lines()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(lines.len(), inside.len());
    for ((name, _, payload), line) in inside.iter().zip(&lines) {
        assert_eq!(
            &payload_bytes(line).unwrap(),
            payload,
            "{name}: the journal keeps the exact bytes"
        );
    }
}

#[test]
fn drawing_any_hostile_message_puts_nothing_unsafe_on_screen() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use wpconsole::tui::app::{App, AppConfig, Focus, Header, Msg, update};
    let topics = TopicScheme::new(util::PREFIX, UID, true).unwrap();
    let mut app = App::new(AppConfig {
        header: Header {
            profile: None,
            broker: "mqtt://x".into(),
            demo: false,
            uid: UID.into(),
            insecure: false,
            history_of: wpconsole::tui::app::HistoryOf::Unnamed,
        },
        rules: wpconsole::domain::outbound::OutboundRules {
            app_id: Some("APP".into()),
            ..wpconsole::domain::outbound::OutboundRules::new(topics.clone())
        },
        fleet: Vec::new(),
        slots_in_memory: 1_000,
        templates: wpconsole::tui::editor::builtin_templates(),
        offset: chrono::FixedOffset::east_opt(0).unwrap(),
        now: chrono::Utc::now(),
        size: (160, 45),
        no_color: true,
    });
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
    for (name, topic, payload) in corpus().into_iter().chain(undeliverable()) {
        let message = wpconsole::domain::InboundMessage::new(
            &topics,
            topic,
            payload.into(),
            chrono::Utc::now(),
        );
        update(&mut app, Msg::Received(vec![message]));
        for focus in [Focus::Log, Focus::Detail] {
            // Tab steps through the panes, as a user moves the focus.
            while app.focus() != focus {
                update(
                    &mut app,
                    Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
                );
            }
            terminal
                .draw(|frame| wpconsole::tui::view(frame, &app))
                .unwrap();
            let unsafe_cells: Vec<&str> = terminal
                .backend()
                .buffer()
                .content()
                .iter()
                .map(ratatui::buffer::Cell::symbol)
                .filter(|symbol| symbol.chars().any(display::is_unsafe))
                .collect();
            assert!(
                unsafe_cells.is_empty(),
                "{name}: unsafe characters reached the screen: {unsafe_cells:?}"
            );
        }
    }
    assert_eq!(
        app.history().rx,
        (corpus().len() + undeliverable().len()) as u64
    );
}
