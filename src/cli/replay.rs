//! `wpconsole replay`: recorded messages (a journal or capture, filtered
//! like `export`) published again to one vehicle, with their recorded
//! spacing or one after another. Everything is checked before anything
//! is sent: one envelope that is invalid or too large refuses the whole
//! replay, so nothing is half-sent. Popups stay 20 s apart.

use super::export::RecordFilter;
use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::envelope::MessageKind;
use crate::domain::outbound::{NotReady, OutboundRules, Prepared};
use crate::domain::record::payload_bytes;
use crate::domain::{PopupLedger, Vin};
use crate::mqtt::SessionEvent;
use crate::store::popups::{PopupLedgerFile, Reservation, ReserveError};
use clap::{Args, ValueEnum};
use std::io::BufRead;
use std::time::Duration;

/// Re-publish recorded messages to a vehicle.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole replay --to VF3ABCDEFGH123456 --vin ZFA1234567890ABCD --dry-run\n  wpconsole replay journal/2026-11-24.jsonl --to VF3ABCDEFGH123456 --text unlock --pace fast\n\nBy default what the console published (--dir out) is replayed; filters combine as in\n`export`. Every envelope is checked first: one invalid or oversized envelope refuses the\nwhole replay and nothing is published. Popups are kept 20 s apart (and 20 s after the\nlast popup `send` sent to that vehicle).\nExit codes: 0 all published, 1 refused (nothing published), 2 usage, 3 broker."
)]
pub struct ReplayArgs {
    #[command(flatten)]
    pub filter: RecordFilter,
    /// The vehicle to publish to.
    #[arg(long, value_name = "VIN")]
    pub to: String,
    /// `original`: the recorded spacing; `fast`: one after another.
    #[arg(long, value_enum, default_value = "original")]
    pub pace: Pace,
    /// Publish on a production profile without asking (for scripts).
    #[arg(long)]
    pub yes: bool,
    /// Print what would be published and when, without connecting.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Pace {
    Original,
    Fast,
}

/// A recorded message: when it was recorded and its exact bytes.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub at: chrono::DateTime<chrono::Utc>,
    pub payload: Vec<u8>,
}

/// One message of the replay, made ready for the vehicle, and when it goes
/// after the start.
#[derive(Debug, Clone)]
pub struct Planned {
    pub after: Duration,
    pub prepared: Prepared,
}

/// A recorded message that cannot be published: its position (1-based),
/// why, and each problem of an invalid envelope (path, line:col, message).
#[derive(Debug, Clone)]
pub struct Unpublishable {
    pub position: usize,
    pub why: String,
    pub problems: Vec<String>,
}

impl Unpublishable {
    fn new(position: usize, refusal: NotReady) -> Self {
        match refusal {
            NotReady::Invalid(problems) if !problems.is_empty() => Self {
                position,
                why: format!("the envelope is invalid ({} error(s)):", problems.len()),
                problems: problems.iter().map(ToString::to_string).collect(),
            },
            other => Self {
                position,
                why: other.to_string(),
                problems: Vec::new(),
            },
        }
    }
}

/// Makes every recorded message ready for `vin` under `rules` (the ones
/// every publish obeys) and schedules it; every refusal, by position
/// (1-based), or the plan. Popups are spaced 20 s apart here; each is
/// also reserved in the account's ledger when it goes.
pub fn plan(
    recorded: &[Recorded],
    rules: &OutboundRules,
    vin: &Vin,
    pace: Pace,
    popups_from: Duration,
) -> Result<Vec<Planned>, Vec<Unpublishable>> {
    let mut refused = Vec::new();
    let mut planned = Vec::new();
    let first = recorded.first().map(|r| r.at);
    let mut previous = Duration::ZERO;
    let mut last_popup: Option<Duration> = None;
    for (index, record) in recorded.iter().enumerate() {
        let Ok(text) = std::str::from_utf8(&record.payload) else {
            refused.push(Unpublishable {
                position: index + 1,
                why: "not text, so not an envelope".into(),
                problems: Vec::new(),
            });
            continue;
        };
        // The spacing of popups is planned below, not refused here.
        let prepared = match rules.prepare(text, vin, &PopupLedger::default(), 0) {
            Ok(prepared) => prepared,
            Err(refusal) => {
                refused.push(Unpublishable::new(index + 1, refusal));
                continue;
            }
        };
        let recorded_after = match pace {
            Pace::Original => first
                .and_then(|first| (record.at - first).to_std().ok())
                .unwrap_or_default(),
            Pace::Fast => Duration::ZERO,
        };
        let mut after = recorded_after.max(previous);
        if prepared.payload.kind == MessageKind::Popup {
            let earliest = last_popup.map_or(popups_from, |p| p + Duration::from_secs(20));
            after = after.max(earliest);
            last_popup = Some(after);
        }
        previous = after;
        planned.push(Planned { after, prepared });
    }
    if refused.is_empty() {
        Ok(planned)
    } else {
        Err(refused)
    }
}

/// A record's time.
#[derive(serde::Deserialize)]
struct At<'a> {
    received_at: &'a str,
}

fn read_records(args: &ReplayArgs, settings: &Settings) -> Result<Vec<Recorded>, CliError> {
    let mut filter = args.filter.clone();
    if filter.dir.is_none() {
        filter.dir = Some("out".into());
    }
    let vins = filter.vins()?;
    let needle = filter.text.as_ref().map(|t| t.to_lowercase());
    let mut recorded = Vec::new();
    for path in filter.files(settings)? {
        let file = std::fs::File::open(&path)
            .map_err(|err| CliError::usage(format!("cannot read {}: {err}", path.display())))?;
        for line in std::io::BufReader::new(file).lines() {
            let line = line
                .map_err(|err| CliError::usage(format!("cannot read {}: {err}", path.display())))?;
            if filter.matches(&line, &vins, needle.as_deref()) != Some(true) {
                continue;
            }
            let at = serde_json::from_str::<At<'_>>(&line)
                .ok()
                .and_then(|a| chrono::DateTime::parse_from_rfc3339(a.received_at).ok());
            if let (Some(at), Ok(payload)) = (at, payload_bytes(&line)) {
                recorded.push(Recorded {
                    at: at.with_timezone(&chrono::Utc),
                    payload,
                });
            }
        }
    }
    Ok(recorded)
}

pub async fn run(global: &GlobalArgs, args: &ReplayArgs) -> Result<u8, CliError> {
    let settings = Settings::resolve(global)?;
    let vin = Vin::parse(&args.to).map_err(CliError::usage)?;
    // Everything missing is named at once; a dry run connects to nothing.
    let needed = [
        (!args.dry_run).then_some(super::needed::Needed::Broker),
        Some(super::needed::Needed::Uid),
    ];
    settings.require(&needed.into_iter().flatten().collect::<Vec<_>>(), "replay")?;
    let mut rules = settings.outbound_rules(settings.catalog()?)?;
    // Recorded bytes go out as recorded: an id they carry stays, none is added.
    rules.track = false;
    let topic = rules.topics.from_topic(&vin);
    let recorded = read_records(args, &settings)?;
    if recorded.is_empty() {
        return Err(CliError::usage(
            "no recorded message matches: check the files and the filters (--dir out is the default)",
        ));
    }
    let popups = settings.popup_ledger();
    let ledger = popups
        .as_ref()
        .map(PopupLedgerFile::read)
        .unwrap_or_default();
    let popups_from = ledger
        .check(&vin, super::send::now_ms())
        .err()
        .map_or(Duration::ZERO, |too_soon| {
            Duration::from_secs(too_soon.seconds_left)
        });
    let planned = match plan(&recorded, &rules, &vin, args.pace, popups_from) {
        Ok(planned) => planned,
        Err(refused) => {
            eprintln!(
                "wpconsole: {} of {} recorded message(s) cannot be published to {vin}; nothing was published:",
                refused.len(),
                recorded.len()
            );
            for record in refused {
                eprintln!("  #{}: {}", record.position, record.why);
                for problem in record.problems {
                    eprintln!("      {problem}");
                }
            }
            return Ok(exit::REFUSED);
        }
    };
    if args.dry_run {
        say!(
            "dry run: would publish {} message(s) to {topic}",
            planned.len()
        );
        for (index, item) in planned.iter().enumerate() {
            say!(
                "  #{} at +{:.3}s {} {} B: {}",
                index + 1,
                item.after.as_secs_f64(),
                item.prepared.payload.kind.name(),
                item.prepared.payload.size.payload,
                item.prepared.payload.bytes
            );
        }
        return Ok(exit::OK);
    }
    super::confirm::admit(&rules, args.yes, &|| {
        format!("{} recorded message(s) to {vin} ({topic})", planned.len())
    })?;
    publish_all(&settings, popups.as_ref(), &vin, &planned).await
}

async fn publish_all(
    settings: &Settings,
    popups: Option<&PopupLedgerFile>,
    vin: &Vin,
    planned: &[Planned],
) -> Result<u8, CliError> {
    let (session, mut events) = super::send::start_session(settings, Vec::new())?;
    let connected = tokio::time::timeout(Duration::from_secs(20), async {
        loop {
            match events.recv().await {
                Some(SessionEvent::Connected) => return Ok(()),
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
    })
    .await
    .unwrap_or_else(|_| Err(CliError::broker("the broker did not answer within 20 s")));
    if let Err(err) = connected {
        session.shutdown().await;
        return Err(err);
    }
    let start = tokio::time::Instant::now();
    for (index, item) in planned.iter().enumerate() {
        tokio::time::sleep_until(start + item.after).await;
        let reservation = match reserve_in_turn(popups, &item.prepared).await {
            Ok(reservation) => reservation,
            Err(err) => {
                session.shutdown().await;
                return Err(CliError::refused(format!(
                    "stopped after {index} of {}: {err}",
                    planned.len()
                )));
            }
        };
        let payload = &item.prepared.payload;
        if let Err(err) = session.publish(&item.prepared.topic, payload) {
            if let (Some(popups), Some(reservation)) = (popups, &reservation) {
                popups.release(reservation);
            }
            session.shutdown().await;
            return Err(CliError::broker(format!(
                "stopped after {index} of {}: {err}",
                planned.len()
            )));
        }
        say!(
            "published #{} at +{:.3}s: {} {} B",
            index + 1,
            start.elapsed().as_secs_f64(),
            payload.kind.name(),
            payload.size.payload
        );
    }
    // Let the last publishes leave before closing.
    let mut sent = 0;
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        while sent < planned.len() {
            match events.recv().await {
                Some(SessionEvent::Published) => sent += 1,
                None => break,
                Some(_) => {}
            }
        }
    })
    .await;
    session.shutdown().await;
    say!("replayed {} message(s) to {vin}", planned.len());
    Ok(exit::OK)
}

/// A popup's place in the account's ledger: when another process (a
/// `send`, a console) sent one meanwhile, the replay waits its 20 s.
async fn reserve_in_turn(
    popups: Option<&PopupLedgerFile>,
    prepared: &Prepared,
) -> Result<Option<Reservation>, ReserveError> {
    let (Some(popups), MessageKind::Popup) = (popups, prepared.payload.kind) else {
        return Ok(None);
    };
    loop {
        match popups.reserve(&prepared.vin, super::send::now_ms()) {
            Ok(reservation) => return Ok(Some(reservation)),
            Err(ReserveError::TooSoon(too_soon)) => {
                say!(
                    "waiting {} s: a popup went to {} meanwhile",
                    too_soon.seconds_left,
                    prepared.vin
                );
                tokio::time::sleep(Duration::from_secs(too_soon.seconds_left)).await;
            }
            Err(other) => return Err(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rules() -> OutboundRules {
        OutboundRules {
            track: false,
            ..OutboundRules::new(crate::domain::TopicScheme::new("p", "U", true).unwrap())
        }
    }

    fn vin() -> Vin {
        Vin::parse("VF3ABCDEFGH123456").unwrap()
    }

    fn at(ms: i64, payload: &str) -> Recorded {
        Recorded {
            at: chrono::Utc
                .with_ymd_and_hms(2026, 11, 25, 10, 0, 0)
                .unwrap()
                + chrono::Duration::milliseconds(ms),
            payload: payload.as_bytes().to_vec(),
        }
    }

    const DATA: &str = r#"{"idApp":"A","popup":false,"content":{"action":"x"}}"#;
    const POPUP: &str =
        r#"{"idApp":"A","popup":true,"popupBtn":false,"popupText":"hi","content":{}}"#;

    #[test]
    fn the_recorded_spacing_is_kept_and_popups_stay_20_s_apart() {
        let recorded = [
            at(0, DATA),
            at(300, POPUP),
            at(1_000, POPUP),
            at(1_500, DATA),
        ];
        let planned = plan(&recorded, &rules(), &vin(), Pace::Original, Duration::ZERO).unwrap();
        let after: Vec<u128> = planned.iter().map(|p| p.after.as_millis()).collect();
        assert_eq!(
            after,
            [0, 300, 20_300, 20_300],
            "order is kept, popups wait"
        );
        let fast = plan(
            &recorded,
            &rules(),
            &vin(),
            Pace::Fast,
            Duration::from_secs(5),
        )
        .unwrap();
        let after: Vec<u128> = fast.iter().map(|p| p.after.as_millis()).collect();
        assert_eq!(after, [0, 5_000, 25_000, 25_000]);
    }

    #[test]
    fn one_bad_record_refuses_the_whole_replay() {
        let recorded = [at(0, DATA), at(10, "not an envelope"), at(20, DATA)];
        let refused = plan(&recorded, &rules(), &vin(), Pace::Fast, Duration::ZERO).unwrap_err();
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].position, 2);
    }
}
