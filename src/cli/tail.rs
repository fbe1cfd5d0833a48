//! `wpconsole tail`: print what vehicles send, for people or for scripts.

use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::{InboundMessage, TopicScheme, Vin};
use crate::mqtt::session::{Backoff, SessionOptions};
use crate::mqtt::{Overflow, Session, SessionEvent};
use clap::Args;
use std::io::{self, Write as _};
use tokio::sync::mpsc;

/// Print inbound messages from the vehicles' "to" topics.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole --profile preprod tail\n  wpconsole tail --vin VF3ABCDEFGH123456 --vin 0123456789ABCDEFG\n  wpconsole tail --json --count 100 > capture.jsonl\n  wpconsole tail --jq '.payload.content.params.speed > 120'\n\nHuman lines: local time, VIN (? for an unrecognised topic), kind, action, bytes, payload\n(control characters escaped). Kinds: content, content-string, popup-ok, popup-cancel,\npopup-timeout, popup-other, no-content, text, binary.\n--json prints one object per line: {\"received_at\", \"vin\", \"topic\", \"bytes\", \"kind\", \"payload\"};\npayload is the JSON value, the text as a string, or {\"base64\": ...} for binary.\nA lost connection is retried with backoff; notices go to standard error."
)]
pub struct TailArgs {
    /// Only these vehicles (repeat for several).
    #[arg(long, value_name = "VIN")]
    pub vin: Vec<String>,
    /// Stop after N messages (1 or more; 0 is refused, exit 2).
    #[arg(long, value_name = "N")]
    pub count: Option<u64>,
    /// One JSON object per line instead of human lines.
    #[arg(long)]
    pub json: bool,
    /// Only messages for which this jq expression is truthy (not false,
    /// not null, not an error), asked of the `--json` record plus
    /// "dir":"in": --jq '.payload.content.params.speed > 120'.
    #[arg(long, value_name = "EXPR")]
    pub jq: Option<String>,
}

/// What `tail` (and `watch`) subscribe to: every vehicle's "to" topics,
/// or those of `vins`.
pub(super) fn subscriptions(topics: &TopicScheme, vins: &[Vin]) -> Vec<String> {
    if vins.is_empty() {
        return vec![topics.to_filter()];
    }
    // `x/#` also matches `x` itself, so both topic forms arrive.
    vins.iter()
        .map(|vin| format!("{}#", topics.to_topic(vin)))
        .collect()
}

pub async fn run(global: &GlobalArgs, args: &TailArgs) -> Result<u8, CliError> {
    // `--count 0` would wait for nothing forever: refuse it before connecting.
    if args.count == Some(0) {
        return Err(CliError::usage(
            "--count 0 would print nothing and never end: give 1 or more, or leave --count out to print until Ctrl-C",
        ));
    }
    let jq = super::jq::JqSelection::compile(args.jq.as_deref())?;
    let settings = Settings::resolve(global)?;
    settings.require(
        &[super::needed::Needed::Broker, super::needed::Needed::Uid],
        "tail",
    )?;
    let topics = settings.topics()?;
    let vins = args
        .vin
        .iter()
        .map(|v| Vin::parse(v).map_err(CliError::usage))
        .collect::<Result<Vec<_>, _>>()?;
    let connection = settings.connection()?;
    let options = connection.mqtt_options().map_err(CliError::usage)?;
    let (session, events) = Session::start(
        options,
        SessionOptions {
            subscriptions: subscriptions(&topics, &vins),
            capacity: 8192,
            overflow: Overflow::Wait,
            backoff: Backoff::default(),
            authority: connection.broker.authority(),
            uid: connection.uid.clone(),
            password_source: connection.password_source.clone(),
        },
    );
    let watching = Watching {
        broker: connection.broker.to_string(),
        filters: subscriptions(&topics, &vins),
    };
    let printed = tokio::select! {
        printed = print_events(events, &topics, args, jq.as_ref(), &watching) => printed,
        _ = tokio::signal::ctrl_c() => Ok(exit::OK),
    };
    session.shutdown().await;
    if let Some(jq) = &jq {
        jq.report();
    }
    printed
}

/// What `tail` tells on standard error once messages flow.
struct Watching {
    broker: String,
    filters: Vec<String>,
}

async fn print_events(
    mut events: mpsc::Receiver<SessionEvent>,
    topics: &TopicScheme,
    args: &TailArgs,
    jq: Option<&super::jq::JqSelection>,
    watching: &Watching,
) -> Result<u8, CliError> {
    let mut acknowledged_filters = 0;
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout());
    let mut batch = Vec::with_capacity(256);
    let mut printed: u64 = 0;
    let mut ever_connected = false;
    loop {
        if events.recv_many(&mut batch, 256).await == 0 {
            return Ok(exit::OK);
        }
        for event in batch.drain(..) {
            match event {
                SessionEvent::Message(publish) => {
                    let message = InboundMessage::new(
                        topics,
                        publish.topic,
                        publish.payload,
                        publish.received_at,
                    );
                    if jq.is_some_and(|jq| !jq.keeps_message(&message)) {
                        continue;
                    }
                    let line = if args.json {
                        message.json_line()
                    } else {
                        human_line(&message)
                    };
                    if write_line(&mut out, &line).is_err() {
                        return Ok(exit::OK);
                    }
                    printed += 1;
                    if args.count.is_some_and(|count| printed >= count) {
                        let _ = out.flush();
                        return Ok(exit::OK);
                    }
                }
                SessionEvent::Connected => {
                    acknowledged_filters = 0;
                    if ever_connected {
                        eprintln!("wpconsole: reconnected to {}", watching.broker);
                    }
                    ever_connected = true;
                }
                SessionEvent::Subscribed => {
                    acknowledged_filters += 1;
                    if acknowledged_filters == watching.filters.len() {
                        eprintln!(
                            "wpconsole: watching {} on {}",
                            watching.filters.join(" "),
                            watching.broker
                        );
                    }
                }
                SessionEvent::Disconnected {
                    reason,
                    attempt,
                    retry_in,
                } => {
                    // A refused login is not retried by the session: nobody
                    // is there to fix it, so tail ends (exit 3).
                    let Some(retry_in) = retry_in.filter(|_| ever_connected) else {
                        let _ = out.flush();
                        return Err(CliError::broker(reason));
                    };
                    eprintln!(
                        "wpconsole: disconnected: {reason}; reconnecting in {:.1} s (attempt {attempt})",
                        retry_in.as_secs_f64()
                    );
                }
                SessionEvent::Published => {}
            }
        }
        // Flush when the burst is over, so a person sees lines at once and a
        // pipe still gets large writes.
        if events.is_empty() && out.flush().is_err() {
            return Ok(exit::OK);
        }
    }
}

/// One safe line for people: local time, VIN, kind, action, size and the
/// payload, every control character escaped. The columns are measured in
/// screen cells, as the console measures its rows (a CJK action takes two
/// cells a character), and an action past its column is cut with `…`.
fn human_line(message: &InboundMessage) -> String {
    use crate::domain::{display, json};
    use crate::tui::width;
    use std::fmt::Write as _;
    /// The action column's width, in cells.
    const ACTION: usize = 24;
    let time = message
        .received_at
        .with_timezone(&chrono::Local)
        .format("%H:%M:%S%.3f");
    let who = message.vin().unwrap_or("?");
    let action = message
        .classified
        .action
        .as_deref()
        .map_or_else(|| "-".into(), display::one_line);
    let mut line = format!(
        "{time}  {who:<17}  {:<14} {} {:>6}B  ",
        message.classified.kind.name(),
        width::pad(&action, ACTION),
        message.payload.len()
    );
    if message.vin().is_none() {
        let _ = write!(line, "[{}] ", display::one_line(&message.topic));
    }
    let preview = match std::str::from_utf8(&message.payload) {
        Ok(text) if message.classified.is_json => {
            display::one_line(&json::minify(text)).into_owned()
        }
        Ok(_) | Err(_) => display::bytes_one_line(&message.payload),
    };
    line.push_str(&preview);
    line
}

/// Writes one line; an error means the reader has gone (a closed pipe).
fn write_line(out: &mut impl io::Write, line: &str) -> io::Result<()> {
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &[u8]) -> InboundMessage {
        use chrono::TimeZone as _;
        let scheme = TopicScheme::new("psa/OVIPPartners-Dev", "U", true).unwrap();
        let at = chrono::Utc
            .with_ymd_and_hms(2026, 11, 24, 14, 3, 5)
            .unwrap();
        InboundMessage::new(
            &scheme,
            topic.into(),
            bytes::Bytes::copy_from_slice(payload),
            at,
        )
    }

    const TOPIC: &str = "psa/OVIPPartners-Dev/to/uid/U/opa/0123456789ABCDEFG/";

    fn action_line(action: &str) -> String {
        human_line(&message(
            TOPIC,
            format!(r#"{{"content":{{"action":"{action}"}}}}"#).as_bytes(),
        ))
    }

    #[test]
    fn the_action_column_lines_up_by_screen_cells_and_cuts_what_is_too_long() {
        use crate::tui::width;
        let cells_to_size = |line: &str| width::of(&line[..line.find("B  ").unwrap()]);
        let plain = action_line("abc");
        let wide = action_line("日本語");
        assert_eq!(
            cells_to_size(&wide),
            cells_to_size(&plain),
            "{plain}\n{wide}"
        );
        let long = action_line(&"x".repeat(40));
        assert_eq!(
            cells_to_size(&long),
            cells_to_size(&plain),
            "{plain}\n{long}"
        );
        assert!(long.contains(&format!("{}…", "x".repeat(23))), "{long}");
    }

    #[test]
    fn human_line_escapes_terminal_sequences() {
        let line = human_line(&message(TOPIC, b"\x1b]0;owned\x07 \x1b[2J"));
        assert!(
            !line.contains('\u{1b}') && !line.contains('\u{7}'),
            "{line}"
        );
        assert!(line.contains("0123456789ABCDEFG"));
        assert!(line.contains("\\u{1b}]0;owned"));
    }

    #[test]
    fn unrecognised_topics_are_shown_with_their_text() {
        let line = human_line(&message("somewhere/else", b"{}"));
        assert!(line.contains("[somewhere/else]"), "{line}");
    }

    #[test]
    fn a_pretty_json_payload_stays_on_one_line() {
        let line = human_line(&message(TOPIC, b"{\n  \"content\": \"a\\nb\"\n}"));
        assert!(!line.contains('\n'), "{line}");
    }

    #[test]
    fn one_subscription_per_named_vehicle_covers_both_topic_forms() {
        let topics = TopicScheme::new("p", "U", true).unwrap();
        assert_eq!(subscriptions(&topics, &[]), ["p/to/uid/U/opa/#"]);
        let vin = Vin::parse("0123456789ABCDEFG").unwrap();
        assert_eq!(
            subscriptions(&topics, &[vin]),
            ["p/to/uid/U/opa/0123456789ABCDEFG/#"]
        );
    }
}
