//! The history's index at length: 20,000,000 messages (20 vehicles, as read
//! from files) pushed into one `History`, then its peak memory (VmHWM), the
//! time to read a message back at random places, and the time a vehicle
//! filter takes to its first screen (the newest piece of the log's scan)
//! and to the end of its scan.
//!
//! `cargo bench --bench history` (HISTORY_BENCH_MESSAGES=N for another
//! length); see README "Performance". A plain binary, not criterion: the
//! peak memory of one process holding the whole history is the point.

use chrono::{DateTime, FixedOffset, Utc};
use std::hint::black_box;
use std::time::{Duration, Instant};
use wpconsole::domain::Vin;
use wpconsole::store::{
    DEFAULT_IN_MEMORY, Direction, History, LogFilter, StoredRecord, VehicleFilter,
};
use wpconsole::tui::panes::log::LogPane;

const VINS: usize = 20;
/// What the log's filter scan looks at before the first screen shows
/// (`tui/panes/log/window.rs`, SCAN_PIECE).
const FIRST_PIECE: u64 = 512 * 1024;

fn vin(n: usize) -> Vin {
    Vin::parse(&format!("VF3BENCH{:09}", n % VINS)).expect("valid VIN")
}

/// The peak resident memory of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    let messages: u64 = std::env::var("HISTORY_BENCH_MESSAGES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000_000);
    let vins: Vec<Vin> = (0..VINS).map(vin).collect();
    let topics: Vec<String> = vins
        .iter()
        .map(|v| format!("psa/OVIPPartners-Dev/to/uid/BENCH/opa/{v}/"))
        .collect();
    let mut history = History::new(DEFAULT_IN_MEMORY, []);
    let file = history.add_file("bench-capture.jsonl".into());
    let start = DateTime::<Utc>::from_timestamp(1_780_000_000, 0).unwrap_or_default();
    let began = Instant::now();
    let mut record = StoredRecord {
        at: start,
        direction: Direction::Inbound,
        vin: None,
        topic: String::new(),
        kind: "content".into(),
        action: Some("vehicleStatus".into()),
        size: 600,
        is_json: true,
        reason: None,
    };
    for seq in 0..messages {
        let n = usize::try_from(seq).unwrap_or(0) % VINS;
        record.at = start + chrono::Duration::microseconds(i64::try_from(seq).unwrap_or(0) * 700);
        record.vin = Some(vins[n].clone());
        record.topic.clone_from(&topics[n]);
        history.push_stored(&record, file, seq * 790);
    }
    let pushed = began.elapsed();
    println!(
        "pushed {messages} messages in {:.2} s ({:.1} M/s)",
        pushed.as_secs_f64(),
        f64::from(u32::try_from(messages).unwrap_or(u32::MAX)) / pushed.as_secs_f64() / 1e6
    );
    if let Some(why) = history.index_in_memory_because() {
        println!("NOTE: {why}");
    }

    // Jumping: a message at a random place, its slot read back from the
    // spill file (the payload is not: the capture does not exist).
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let jumps = 1000;
    for _ in 0..jumps {
        let seq = fastrand::u64(0..messages);
        let began = Instant::now();
        let entry = history.by_seq(seq).expect("every message is navigable");
        let took = began.elapsed();
        black_box(entry);
        worst = worst.max(took);
        total += took;
    }
    println!(
        "by_seq at a random place: {:.1} µs mean, {:.1} µs worst of {jumps}",
        total.as_secs_f64() * 1e6 / f64::from(jumps),
        worst.as_secs_f64() * 1e6
    );

    // `T`: the log jumps to a time, a binary search over the view reading
    // about 25 messages' times (tui/panes/log/jump.rs), as the console does.
    let mut pane = LogPane::default();
    let offset = FixedOffset::east_opt(0).expect("UTC is an offset");
    let span_us = i64::try_from(messages).unwrap_or(i64::MAX) * 700;
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let jumps = 100;
    for _ in 0..jumps {
        let at = start + chrono::Duration::microseconds(fastrand::i64(0..span_us));
        let began = Instant::now();
        let reaction = pane.jump_to(at, offset, &history, 40);
        black_box(&reaction);
        let took = began.elapsed();
        worst = worst.max(took);
        total += took;
    }
    println!(
        "T jump to a random time: {:.2} ms mean, {:.2} ms worst of {jumps}",
        total.as_secs_f64() * 1e3 / f64::from(jumps),
        worst.as_secs_f64() * 1e3
    );

    let filter = LogFilter {
        vehicle: VehicleFilter::Vehicle(vin(7)),
        ..LogFilter::default()
    };
    let end = history.end_seq();
    let began = Instant::now();
    let mut found = Vec::new();
    history.select_newest(&filter, 0..end, FIRST_PIECE, &mut found);
    let first = began.elapsed();
    println!(
        "vehicle filter, first screen (newest {FIRST_PIECE} looked at, {} found): {:.1} ms",
        found.len(),
        first.as_secs_f64() * 1e3
    );
    let began = Instant::now();
    let all = history.select(&filter);
    let whole = began.elapsed();
    println!(
        "vehicle filter, whole scan ({} found): {:.0} ms",
        all.len(),
        whole.as_secs_f64() * 1e3
    );
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
}
