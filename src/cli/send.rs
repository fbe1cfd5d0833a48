//! `wpconsole send`: validate, size-check, respect the popup rule, then
//! publish one envelope to a vehicle's "from" topic.

use super::needed::Needed;
use super::settings::Settings;
use super::validate::{print_problems, read_input};
use super::{CliError, GlobalArgs, exit};
use crate::domain::envelope::{self, MessageKind, PopupRequest};
use crate::domain::outbound::{NotReady, Prepared};
use crate::domain::tracking::{Delivery, Tracking};
use crate::domain::{PopupAction, Vin};
use crate::mqtt::{Overflow, Session, SessionEvent, session::SessionOptions};
use crate::store::popups::{PopupLedgerFile, Reservation};
use clap::Args;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Publish one envelope to one vehicle.
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent command-line switches"
)]
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{\"type\":\"action\",\"action\":\"ping\",\"params\":{}}'\n  wpconsole send --vin VF3ABCDEFGH123456 --file envelope.json\n  cat envelope.json | wpconsole send --vin VF3ABCDEFGH123456 -\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{}' --popup-text 'Charge complete' --popup-btn\n\nNothing is published unless the envelope is valid, fits the size limit and, for a popup,\ncomes at least 20 s after the previous popup to that vehicle from this account (the\nconsole, send and replay share one ledger per account). On a production profile it asks\nfirst on a terminal; scripts pass --yes.\n\nWith --track, a correlation id is stamped into content.cid (--track-field) and the\nvehicle's \"to\" topic is watched for a reply whose content.ref (--reply-field) carries it;\nthe round-trip time is printed. The broker downgrades everything to QoS 0: the reply is\nthe only proof that the app got the action.\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{\"action\":\"unlock\"}' --track --wait 30s\nA tracked popup is answered instead: the vehicle's popupAction (OK, Cancel, or closed after\n15 s) carrying the id in content.cid (--track-field) is printed with the round trip, e.g.\n  answered: OK (WebPortal.okBtnPopupRequestClicked) in 812 ms\n  wpconsole send --vin VF3ABCDEFGH123456 --content '{}' --popup-text Hello --popup-btn --track\nExit codes: 0 published (with --track: acknowledged, or a popup answered OK), 1 refused\n(nothing published), 2 usage or config error, 3 broker unreachable or refused, 4 published\nbut no reply within --wait (with --track), 5 the popup was answered Cancel, 6 the popup\nclosed unanswered (timeout)."
)]
pub struct SendArgs {
    /// The vehicle (17-character VIN).
    #[arg(long, value_name = "VIN")]
    pub vin: String,
    /// A whole envelope {idApp, popup, content, ...} from a file (- for standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["content", "stdin"])]
    pub file: Option<String>,
    /// Read the whole envelope from standard input.
    #[arg(value_name = "-", value_parser = ["-"], conflicts_with = "content")]
    pub stdin: Option<String>,
    /// Only the content object; the envelope is built with the configured --app-id.
    #[arg(long, value_name = "JSON")]
    pub content: Option<String>,
    /// With --content: make it a popup (notification) with this text.
    #[arg(long, value_name = "TEXT")]
    pub popup_text: Option<String>,
    /// With --popup-text: show an OK button.
    #[arg(long, requires = "popup_text")]
    pub popup_btn: bool,
    /// Check everything and print what would be published, without connecting.
    #[arg(long)]
    pub dry_run: bool,
    /// Stamp a correlation id into content and wait for the vehicle's reply carrying it.
    #[arg(long)]
    pub track: bool,
    /// With --track: how long to wait for the reply (500ms, 30s, 2m) [default: 30s].
    #[arg(long, value_name = "DURATION", requires = "track", value_parser = parse_duration)]
    pub wait: Option<Duration>,
    /// With --track: the field inside content the id is stamped into [default: the
    /// profile's track-field, else cid].
    #[arg(long, value_name = "FIELD")]
    pub track_field: Option<String>,
    /// Publish on a production profile without asking (for scripts); on a terminal you are
    /// asked, and with neither nothing is published.
    #[arg(long)]
    pub yes: bool,
    /// With --track: the field inside a reply's content that carries the id back [default:
    /// the profile's reply-field, else ref].
    #[arg(long, value_name = "FIELD")]
    pub reply_field: Option<String>,
}

/// `500ms`, `30s`, `2m` or a number of seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |at| text.split_at(at));
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration: write 500ms, 30s or 2m"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        _ => return Err(format!("{text:?}: the unit must be ms, s or m")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|err| format!("{text:?}: {err}"))
}

impl SendArgs {
    /// What this send cannot go without, all named at once when missing:
    /// a dry run connects to nothing, a whole envelope carries its idApp.
    fn needed(&self) -> Vec<Needed> {
        [
            (!self.dry_run).then_some(Needed::Broker),
            Some(Needed::Uid),
            self.content.is_some().then_some(Needed::AppId),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// The field names: the flags, else the profile's, else `cid`/`ref`.
    fn tracking(&self, settings: &Settings) -> Tracking {
        Tracking {
            stamp_field: self
                .track_field
                .clone()
                .unwrap_or_else(|| settings.tracking.stamp_field.clone()),
            reply_field: self
                .reply_field
                .clone()
                .unwrap_or_else(|| settings.tracking.reply_field.clone()),
        }
    }

    /// `--popup-text` and `--popup-btn` compose an envelope around
    /// `--content`; a whole envelope says for itself whether it is a popup.
    fn refuse_composing_options_with_a_whole_envelope(&self) -> Result<(), CliError> {
        if self.content.is_none() && (self.popup_text.is_some() || self.popup_btn) {
            return Err(CliError::usage(
                "--popup-text and --popup-btn compose an envelope around --content; with a whole envelope (--file or -) write \"popup\": true, \"popupText\" and \"popupBtn\" in it instead; nothing was published",
            ));
        }
        Ok(())
    }

    fn envelope_text(&self, settings: &Settings) -> Result<String, CliError> {
        if let Some(content) = &self.content {
            let popup = self.popup_text.as_ref().map(|text| PopupRequest {
                text: text.clone(),
                button: self.popup_btn,
            });
            if let Err(err) = crate::domain::json::parse(content) {
                let at = crate::domain::json::Location::of(content, err.offset);
                return Err(CliError::refused(format!(
                    "--content is not JSON at {at}: {}; nothing was published",
                    err.message
                )));
            }
            return Ok(envelope::compose(
                settings.app_id()?,
                content,
                popup.as_ref(),
            ));
        }
        match (&self.file, &self.stdin) {
            (Some(file), _) => read_input(file),
            (None, Some(_)) => read_input("-"),
            (None, None) => Err(CliError::usage(
                "nothing to send: give --content JSON, --file FILE, or - to read the envelope from standard input",
            )),
        }
    }
}

/// Where `--content` sits in the envelope composed around it, so that a
/// problem found in the composed envelope (a catalog error in params, a
/// warning) is told in the lines and columns of what the user typed.
enum TypedContent<'a> {
    /// A whole envelope (`--file`, `-`): its own positions are the user's.
    Envelope,
    Content {
        typed: &'a str,
        /// The minified content's first byte in the composed envelope and
        /// the byte after its last; `None` if it cannot be found there.
        span: Option<(usize, usize)>,
    },
}

impl<'a> TypedContent<'a> {
    fn of(content: Option<&'a str>, composed: &str) -> Self {
        let Some(typed) = content else {
            return Self::Envelope;
        };
        // `envelope::compose` puts the minified content last, just before
        // the closing brace.
        let minified = crate::domain::json::minify(typed);
        let end = composed.len().saturating_sub(1);
        let start = end.saturating_sub(minified.len());
        // Composed otherwise, no position is given rather than a wrong one.
        let span = (composed.get(start..end) == Some(minified.as_str())).then_some((start, end));
        Self::Content { typed, span }
    }

    /// Prints every problem, one per line, to standard error.
    fn print(&self, problems: &[envelope::Problem]) {
        let Self::Content { typed, span } = self else {
            print_problems(problems);
            return;
        };
        for problem in problems {
            let label = match problem.severity {
                envelope::Severity::Error => "error",
                envelope::Severity::Warning => "warning",
            };
            let offset = problem.location.offset;
            if let Some((start, end)) = *span
                && (start..=end).contains(&offset)
            {
                let at =
                    crate::domain::json::Location::of(typed, typed_offset(typed, offset - start));
                eprintln!(
                    "  {label} in --content at {at} ({}): {}",
                    problem.path, problem.message
                );
            } else {
                eprintln!(
                    "  {label} in the envelope composed around --content ({}): {}",
                    problem.path, problem.message
                );
            }
        }
    }
}

/// The offset in `typed` of byte `at` of `json::minify(typed)`. Minifying
/// removes only the whitespace outside strings, so this walks `typed` the
/// same way and counts the bytes it keeps.
fn typed_offset(typed: &str, at: usize) -> usize {
    let mut kept = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, byte) in typed.bytes().enumerate() {
        let keep = if in_string {
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
            true
        } else {
            in_string = byte == b'"';
            !matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
        };
        if keep {
            if kept == at {
                return offset;
            }
            kept += 1;
        }
    }
    typed.len()
}

pub(super) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub async fn run(global: &GlobalArgs, args: &SendArgs) -> Result<u8, CliError> {
    let settings = Settings::resolve(global)?;
    let vin = Vin::parse(&args.vin).map_err(CliError::usage)?;
    args.refuse_composing_options_with_a_whole_envelope()?;
    settings.require(&args.needed(), "send")?;
    let text = args.envelope_text(&settings)?;
    let typed = TypedContent::of(args.content.as_deref(), &text);
    let mut rules = settings.outbound_rules(settings.catalog()?)?;
    rules.tracking = args.tracking(&settings);
    // `send` tracks only when asked to.
    rules.track = args.track;
    let popups = settings.popup_ledger();

    let now = now_ms();
    let ledger = popups
        .as_ref()
        .map(PopupLedgerFile::read)
        .unwrap_or_default();
    let prepared = match rules.prepare(&text, &vin, &ledger, now) {
        Ok(prepared) => prepared,
        Err(NotReady::Invalid(problems)) => {
            eprintln!("wpconsole: the envelope is invalid; nothing was published:");
            typed.print(&problems);
            return Ok(exit::REFUSED);
        }
        Err(other) => {
            return Err(CliError::refused(format!("{other}; nothing was published")));
        }
    };
    typed.print(&prepared.payload.warnings);
    let topic = &prepared.topic;

    if args.dry_run {
        say!("dry run: would publish to {topic}");
        say!("  {}", prepared.payload.size);
        say!("{}", prepared.payload.bytes);
        if let Some(id) = &prepared.cid {
            say!(
                "and wait for a reply on {} with content.{} = {id:?}",
                rules.topics.to_topic(&vin),
                rules.tracking.reply_field
            );
        }
        return Ok(exit::OK);
    }
    super::confirm::admit(&rules, args.yes, &|| {
        format!(
            "{} bytes to {vin} ({topic})",
            crate::domain::envelope::group(prepared.payload.size.payload)
        )
    })?;
    let reservation = reserve_popup(popups.as_ref(), &prepared)?;

    // Subscribed before publishing, so a quick reply is not missed.
    let (session, mut events) = start_session(
        &settings,
        prepared
            .cid
            .iter()
            .map(|_| rules.topics.to_topic(&vin))
            .collect(),
    )?;
    let outcome = publish_once(
        &session,
        &mut events,
        topic,
        &prepared.payload,
        prepared.cid.is_some(),
    )
    .await;
    if outcome.is_err()
        && let (Some(popups), Some(reservation)) = (&popups, &reservation)
    {
        popups.release(reservation);
    }
    let reply = match (&outcome, &prepared.cid) {
        (Ok(sent_at), Some(id)) => wait_for_reply(
            &mut events,
            &rules.tracking,
            id,
            *sent_at,
            args.wait.unwrap_or(Duration::from_secs(30)),
        )
        .await
        .map_or(Reply::Silent, |(delivery, answer)| {
            Reply::Came(delivery, answer)
        }),
        _ => Reply::Untracked,
    };
    session.shutdown().await;
    outcome?;

    say!(
        "published {} bytes to {topic}",
        prepared.payload.size.payload
    );
    say!("  {}", prepared.payload.size);
    Ok(report_reply(
        reply,
        prepared.cid.as_deref(),
        &rules.tracking,
        prepared.payload.kind == MessageKind::Popup,
        args.wait.unwrap_or(Duration::from_secs(30)),
    ))
}

/// Writes a popup down in the account's ledger before it is published
/// (the 20 s rule across every process of the account); `None` for data.
pub(super) fn reserve_popup(
    popups: Option<&PopupLedgerFile>,
    prepared: &Prepared,
) -> Result<Option<Reservation>, CliError> {
    if prepared.payload.kind != MessageKind::Popup {
        return Ok(None);
    }
    let Some(popups) = popups else {
        return Ok(None);
    };
    popups
        .reserve(&prepared.vin, now_ms())
        .map(Some)
        .map_err(|err| CliError::refused(format!("{err}; nothing was published")))
}

/// What came back for the message.
enum Reply {
    Untracked,
    /// A reply or a popup answer carried the id: what it said (with the
    /// round trip), and for a popup which answer it was.
    Came(Delivery, Option<PopupAction>),
    Silent,
}

/// Says what came back for a tracked message; the exit code. A popup's
/// answer decides it: OK 0, Cancel 5, closed unanswered 6 (a script can
/// tell the driver's choice apart from a popup that was never answered, 4).
fn report_reply(
    reply: Reply,
    correlation: Option<&str>,
    tracking: &Tracking,
    popup: bool,
    wait: Duration,
) -> u8 {
    match (reply, correlation) {
        (Reply::Came(Delivery::Acknowledged(round_trip), _), Some(id)) => {
            say!("acknowledged: {id} in {} ms", round_trip.as_millis());
            exit::OK
        }
        (Reply::Came(delivery, answer), Some(_)) => {
            say!("{}", delivery.describe());
            match answer {
                Some(PopupAction::Cancel) => exit::POPUP_CANCELLED,
                Some(PopupAction::Timeout) => exit::POPUP_TIMED_OUT,
                _ => exit::OK,
            }
        }
        (Reply::Silent, Some(id)) => {
            if popup {
                eprintln!(
                    "wpconsole: no popup answer (popupAction) with content.{} = {id:?} within {} s: \
                     the vehicle may be asleep or offline, or its app may not forward popup answers",
                    tracking.stamp_field,
                    wait.as_secs_f64()
                );
            } else {
                eprintln!(
                    "wpconsole: no reply with content.{} = {id:?} within {} s: the vehicle may be asleep, \
                     offline, or its app may not echo the id (see --reply-field)",
                    tracking.reply_field,
                    wait.as_secs_f64()
                );
            }
            exit::NO_REPLY
        }
        _ => exit::OK,
    }
}

/// A session for a command that publishes: a small queue that waits.
pub(super) fn start_session(
    settings: &Settings,
    subscriptions: Vec<String>,
) -> Result<(Session, tokio::sync::mpsc::Receiver<SessionEvent>), CliError> {
    let connection = settings.connection()?;
    let options = connection.mqtt_options().map_err(CliError::usage)?;
    Ok(Session::start(
        options,
        SessionOptions {
            subscriptions,
            capacity: 64,
            overflow: Overflow::Wait,
            backoff: crate::mqtt::session::Backoff::default(),
            authority: connection.broker.authority(),
            uid: connection.uid.clone(),
            password_source: connection.password_source.clone(),
        },
    ))
}

/// Waits for the first reply or popup answer carrying `id`: what it says
/// (with the round trip), or `None` when `wait` passes. Replies for other
/// ids are ignored.
async fn wait_for_reply(
    events: &mut tokio::sync::mpsc::Receiver<SessionEvent>,
    tracking: &Tracking,
    id: &str,
    sent_at: std::time::Instant,
    wait: Duration,
) -> Option<(Delivery, Option<PopupAction>)> {
    let watch = async {
        while let Some(event) = events.recv().await {
            if let SessionEvent::Message(reply) = event
                && let Some(acknowledgement) = tracking.acknowledgement(&reply.payload)
                && acknowledgement.id == id
            {
                let round_trip = sent_at.elapsed();
                let answer = acknowledgement.answer;
                let delivery = answer
                    .clone()
                    .map_or(Delivery::Acknowledged(round_trip), |answer| {
                        Delivery::Answered(answer, round_trip)
                    });
                return Some((delivery, answer));
            }
        }
        None
    };
    tokio::time::timeout(wait, watch).await.ok().flatten()
}

async fn publish_once(
    session: &Session,
    events: &mut tokio::sync::mpsc::Receiver<SessionEvent>,
    topic: &str,
    checked: &envelope::CheckedPayload,
    after_subscribing: bool,
) -> Result<std::time::Instant, CliError> {
    let deadline = Duration::from_secs(20);
    let flow = async {
        let mut sent_at = std::time::Instant::now();
        loop {
            match events.recv().await {
                Some(SessionEvent::Connected) if !after_subscribing => {
                    sent_at = std::time::Instant::now();
                    session.publish(topic, checked).map_err(CliError::broker)?;
                }
                Some(SessionEvent::Subscribed) if after_subscribing => {
                    sent_at = std::time::Instant::now();
                    session.publish(topic, checked).map_err(CliError::broker)?;
                }
                Some(SessionEvent::Published) => return Ok(sent_at),
                Some(SessionEvent::Disconnected { reason, .. }) => {
                    return Err(CliError::broker(format!("{reason}; nothing was published")));
                }
                Some(_) => {}
                None => {
                    return Err(CliError::broker(
                        "the connection ended; nothing was published",
                    ));
                }
            }
        }
    };
    tokio::time::timeout(deadline, flow)
        .await
        .unwrap_or_else(|_| {
            Err(CliError::broker(
                "the broker did not accept the message within 20 s; it may not have been published",
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_kept_by_minifying_maps_back_to_the_same_byte_of_what_was_typed() {
        for typed in [
            "{ \"a\" : [1, 2 ,\n\t3] }",
            "{\"s\": \" spaces \\\" and \\\\\", \"t\":\r\n true}",
            "{\"unclosed\": \"a b",
            "  {}  ",
            "{\"é\": \"ü x\"}",
        ] {
            let minified = crate::domain::json::minify(typed);
            for (at, byte) in minified.bytes().enumerate() {
                assert_eq!(
                    typed.as_bytes()[typed_offset(typed, at)],
                    byte,
                    "{typed:?} at {at}"
                );
            }
            assert_eq!(typed_offset(typed, minified.len()), typed.len());
        }
    }

    #[test]
    fn a_problem_outside_the_content_has_no_position_in_it() {
        let content = "{ \"x\": 1 }";
        let composed = envelope::compose("APP", content, None);
        let TypedContent::Content {
            span: Some((start, end)),
            ..
        } = TypedContent::of(Some(content), &composed)
        else {
            panic!("the content is found in {composed}");
        };
        assert_eq!(&composed[start..end], "{\"x\":1}");
        let elsewhere = TypedContent::of(Some(content), "{\"other\":true}");
        assert!(matches!(
            elsewhere,
            TypedContent::Content { span: None, .. }
        ));
    }
}
