//! The console's hot paths, measured with criterion:
//! - the inbound pipeline per message (classify, keep in the history,
//!   journal line and append) for 600 B and 128 KiB payloads;
//! - a full-screen render with 1,000,000 messages in the history;
//! - validation plus size check of a 128 KiB envelope (on every keystroke).
//!
//! `cargo bench --bench pipeline`; see README "Performance".

use bytes::Bytes;
use chrono::{FixedOffset, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use wpconsole::domain::{InboundMessage, TopicScheme, Vin, envelope};
use wpconsole::store::journal::{Journal, JournalConfig};
use wpconsole::tui::app::{App, AppConfig, Header, Msg, update};

const VINS: usize = 20;

fn topics() -> TopicScheme {
    TopicScheme::new("psa/OVIPPartners-Dev", "BENCH", true).expect("valid scheme")
}

fn vin(n: usize) -> Vin {
    Vin::parse(&format!("VF3BENCH{:09}", n % VINS)).expect("valid VIN")
}

/// A vehicle message of about `size` bytes.
fn payload(size: usize) -> Bytes {
    let head =
        r#"{"content":{"type":"telemetry","action":"vehicleStatus","params":{"soc":81.5,"pad":""#;
    let tail = r#""}}}"#;
    Bytes::from(format!(
        "{head}{}{tail}",
        "x".repeat(size.saturating_sub(head.len() + tail.len()))
    ))
}

fn app(history_cap: usize) -> App {
    let topics = topics();
    App::new(AppConfig {
        header: Header {
            profile: None,
            broker: "mqtt://127.0.0.1:1883".into(),
            demo: false,
            insecure: false,
            uid: topics.uid.clone(),
        },
        topics,
        app_id: Some("APP".into()),
        size_limit: 131_072,
        fleet: Vec::new(),
        history_cap,
        templates: wpconsole::tui::editor::builtin_templates(),
        offset: FixedOffset::east_opt(0).expect("UTC"),
        now: Utc::now(),
        size: (160, 45),
        no_color: false,
    })
}

fn inbound_pipeline(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let journal = Journal::start(JournalConfig::new(dir.path().to_owned()));
    let scheme = topics();
    let mut group = c.benchmark_group("inbound message");
    for (name, size) in [("600 B", 600), ("128 KiB", 131_072)] {
        let body = payload(size);
        let topic = scheme.to_topic(&vin(1));
        let mut app = app(100_000);
        // As the run loop does: a burst decoded and journaled, then one update.
        let burst = if size > 10_000 { 8 } else { 256 };
        group.throughput(Throughput::Elements(burst));
        group.bench_function(name, |b| {
            b.iter(|| {
                let messages: Vec<InboundMessage> = (0..burst)
                    .map(|_| {
                        let message =
                            InboundMessage::new(&scheme, topic.clone(), body.clone(), Utc::now());
                        journal.append(message.received_at, message.journal_line());
                        message
                    })
                    .collect();
                update(&mut app, Msg::Received(messages));
            });
        });
    }
    group.finish();
    journal.close();
}

fn render_with_a_million_messages(c: &mut Criterion) {
    const MESSAGES: usize = 1_000_000;
    let scheme = topics();
    let mut app = app(MESSAGES);
    let body = payload(120);
    let now = Utc::now();
    for chunk in 0..MESSAGES / 10_000 {
        let batch = (0..10_000)
            .map(|i| {
                let n = chunk * 10_000 + i;
                InboundMessage::new(&scheme, scheme.to_topic(&vin(n)), body.clone(), now)
            })
            .collect();
        update(&mut app, Msg::Received(batch));
    }
    assert_eq!(app.history.len(), MESSAGES);
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).expect("test terminal");
    c.bench_function("full-screen render, 1,000,000 messages", |b| {
        b.iter(|| {
            terminal
                .draw(|frame| wpconsole::tui::view(frame, black_box(&app)))
                .expect("draw");
        });
    });
}

fn validate_128_kib(c: &mut Criterion) {
    let items: Vec<String> = (0..3_200)
        .map(|n| format!("      {{\"id\": {n}, \"name\": \"item-{n}\", \"on\": true}}"))
        .collect();
    let text = format!(
        "{{\n  \"idApp\": \"APP\",\n  \"popup\": false,\n  \"content\": {{\n    \"type\": \"action\",\n    \"action\": \"sync\",\n    \"items\": [\n{}\n    ]\n  }}\n}}",
        items.join(",\n")
    );
    let topic = topics().from_topic(&vin(0));
    let checked = envelope::check(&text, &topic, 131_072).expect("fits");
    assert!(checked.size.payload > 125_000, "{}", checked.size.payload);
    c.bench_function("validate + size check, 128 KiB envelope", |b| {
        b.iter_batched(
            || text.clone(),
            |text| envelope::check(black_box(&text), &topic, 131_072),
            BatchSize::SmallInput,
        );
    });
}

fn text_filter_over_100k(c: &mut Criterion) {
    let scheme = topics();
    let mut app = app(100_000);
    let now = Utc::now();
    let body = payload(600);
    for chunk in 0..10 {
        let batch = (0..10_000)
            .map(|i| {
                InboundMessage::new(
                    &scheme,
                    scheme.to_topic(&vin(chunk * 10_000 + i)),
                    body.clone(),
                    now,
                )
            })
            .collect();
        update(&mut app, Msg::Received(batch));
    }
    let filter = wpconsole::store::LogFilter {
        vehicle: wpconsole::store::VehicleFilter::All,
        text: "\"soc\":81.5,\"pad\":\"xxy".into(),
    };
    c.bench_function("text filter over 100,000 messages of 600 B", |b| {
        b.iter(|| {
            app.history
                .iter()
                .filter(|e| filter.matches(e, None))
                .count()
        });
    });
}

criterion_group!(
    benches,
    inbound_pipeline,
    render_with_a_million_messages,
    validate_128_kib,
    text_filter_over_100k
);
criterion_main!(benches);
