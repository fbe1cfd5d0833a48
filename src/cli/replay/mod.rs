//! `wpconsole replay`: recorded messages (a journal or capture, filtered
//! like `export`) published again to one vehicle, with their recorded
//! spacing or one after another. Everything is checked before anything
//! is sent: one envelope that is invalid or too large refuses the whole
//! replay, so nothing is half-sent. Popups stay 20 s apart.
//!
//! Here the command's arguments and its course; the plan (every record
//! made ready and scheduled, or every refusal) in `plan`.

mod plan;

pub use plan::{Planned, Recorded, Unpublishable, plan};

use super::export::RecordFilter;
use super::settings::Settings;
use super::{CliError, GlobalArgs, exit};
use crate::domain::Vin;
use crate::domain::envelope::MessageKind;
use crate::domain::outbound::Prepared;
use crate::domain::record::payload_bytes;
use crate::mqtt::SessionEvent;
use crate::store::popups::{PopupLedgerFile, Reservation, ReserveError};
use clap::{Args, ValueEnum};
use std::io::BufRead;
use std::time::Duration;

/// Re-publish recorded messages to a vehicle.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  wpconsole replay --to VF3ABCDEFGH123456 --vin ZFA1234567890ABCD --dry-run\n  wpconsole replay journal/2026-11-24.jsonl --to VF3ABCDEFGH123456 --text unlock --pace fast\n  wpconsole replay --to VF3ABCDEFGH123456 --since \"yesterday 14:00\" --until \"yesterday 15:00\"\n  wpconsole replay --to VF3ABCDEFGH123456 --jq '.payload.popup' --dry-run\n\nBy default what the console published (--dir out) is replayed; filters combine as in\n`export`. Every envelope is checked first: one invalid or oversized envelope refuses the\nwhole replay and nothing is published. Popups are kept 20 s apart (and 20 s after the\nlast popup `send` sent to that vehicle).\nExit codes: 0 all published, 1 refused (nothing published), 2 usage, 3 broker."
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

/// A record's time.
#[derive(serde::Deserialize)]
struct At<'a> {
    received_at: &'a str,
}

fn read_records(
    args: &ReplayArgs,
    settings: &Settings,
    jq: Option<&super::jq::JqSelection>,
) -> Result<Vec<Recorded>, CliError> {
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
            // jq only on what the cheaper filters kept.
            if jq.is_some_and(|jq| !jq.keeps_line(line.as_bytes())) {
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
    if let Some(jq) = jq {
        jq.report();
    }
    Ok(recorded)
}

pub async fn run(global: &GlobalArgs, args: &ReplayArgs) -> Result<u8, CliError> {
    let jq = super::jq::JqSelection::compile(args.filter.jq.as_deref())?;
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
    let recorded = read_records(args, &settings, jq.as_ref())?;
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
