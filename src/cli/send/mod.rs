//! `wpconsole send`: validate, size-check, respect the popup rule, then
//! publish one envelope to a vehicle's "from" topic.
//!
//! Here the command's arguments and its course; what was typed in
//! `--content` and where its problems are in `typed`, the exchange with
//! the broker (publish once, wait for the reply) in `exchange`.

mod exchange;
mod typed;

pub(super) use exchange::start_session;
use exchange::{Reply, publish_once, report_reply, wait_for_reply};
use typed::TypedContent;

use super::needed::Needed;
use super::settings::Settings;
use super::validate::read_input;
use super::{CliError, GlobalArgs, exit};
use crate::domain::Vin;
use crate::domain::envelope::{self, MessageKind, PopupRequest};
use crate::domain::outbound::{NotReady, Prepared};
use crate::domain::tracking::Tracking;
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
    /// With --track: how long to wait for the reply (500ms, 30s, 2m) [default: the
    /// profile's track-timeout, 30 s].
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

/// `500ms`, `30s`, `2m` or a number of seconds: the crate's one reader of
/// a duration.
fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::domain::duration::parse(text).map_err(|err| err.to_string())
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
            args.wait.unwrap_or(settings.track_timeout),
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
        args.wait.unwrap_or(settings.track_timeout),
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
