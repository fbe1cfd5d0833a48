//! Days of history in the console: it starts with the journal's last days
//! merged in time order, so the log goes on across midnight without a seam;
//! `T` jumps back over midnight and the text filter searches every day.

use super::{VINS, available, console_with, quit};
use crate::util::{Mosquitto, Sandbox, UID, to_topic};
use chrono::{Days, NaiveDate, Utc};
use std::path::Path;
use std::time::Duration;

/// A journal line from `VINS[0]` at `day` `hour:minute:second` UTC whose
/// action is `action`.
fn line(day: NaiveDate, (hour, minute, second): (u32, u32, u32), action: &str) -> String {
    let payload = format!(r#"{{"content":{{"action":"{action}"}}}}"#);
    wpconsole::domain::record::json_line(&wpconsole::domain::record::Record {
        at: day.and_hms_opt(hour, minute, second).unwrap().and_utc(),
        vin: Some(VINS[0]),
        topic: &to_topic(VINS[0]),
        payload: payload.as_bytes(),
        kind: "content",
        is_json: true,
        dir: Some("in"),
    })
}

fn write_day(dir: &Path, day: NaiveDate, lines: &[String]) {
    std::fs::write(dir.join(format!("{day}.jsonl")), lines.join("\n") + "\n").unwrap();
}

/// Where `needle` is on `screen`, or a failure that shows the screen.
fn position(screen: &str, needle: &str) -> usize {
    screen
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} is not shown:\n{screen}"))
}

#[test]
fn the_console_starts_with_yesterday_and_today_in_one_log_across_midnight() {
    if !available("the_console_starts_with_yesterday_and_today_in_one_log_across_midnight") {
        return;
    }
    let sandbox = Sandbox::new();
    let broker = Mosquitto::start(sandbox.dir.path(), "allow_anonymous true");
    let dir = sandbox.account_journal(broker.port, UID);
    let today = Utc::now().date_naive();
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap();
    let before = today.checked_sub_days(Days::new(2)).unwrap();
    write_day(&dir, before, &[line(before, (12, 0, 0), "twoDaysAgo")]);
    write_day(
        &dir,
        yesterday,
        &[
            line(yesterday, (14, 3, 0), "yesterdayAt1403"),
            line(yesterday, (23, 59, 59), "lastOfYesterday"),
        ],
    );
    write_day(&dir, today, &[line(today, (0, 0, 0), "firstOfToday")]);

    // By default: today and yesterday, one log in time order.
    let terminal = console_with(&sandbox, &broker, &[]);
    let screen = terminal
        .wait_for(
            "loaded 3 message(s) from 2 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("yesterday and today were not loaded:\n{screen}"));
    let order = [
        position(&screen, "yesterdayAt1403"),
        position(&screen, "lastOfYesterday"),
        position(&screen, "firstOfToday"),
    ];
    assert!(
        order.is_sorted(),
        "not in time order across midnight:\n{screen}"
    );
    assert!(!screen.contains("twoDaysAgo"), "{screen}");

    // T jumps back over midnight: the detail shows (pretty-printed) the
    // first message at or after the time, yesterday's last one.
    terminal.send_keys(&["T"]);
    terminal
        .wait_for("Jump to a time", Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("T did not open the prompt:\n{screen}"));
    terminal.type_text("yesterday 23:59");
    terminal.send_keys(&["Enter"]);
    terminal
        .wait_for(r#""action": "lastOfYesterday""#, Duration::from_secs(5))
        .unwrap_or_else(|screen| panic!("the jump did not land on 23:59:59:\n{screen}"));

    // The text filter searches both days loaded.
    terminal.send_keys(&["/"]);
    terminal.type_text("of");
    terminal.send_keys(&["Enter"]);
    let screen = terminal
        .wait_for("2 found", Duration::from_secs(10))
        .unwrap_or_else(|screen| panic!("the search did not cover both days:\n{screen}"));
    assert!(
        screen.contains("firstOfToday") && !screen.contains("yesterdayAt1403"),
        "{screen}"
    );
    // Escape then q at once would read as Alt-q.
    terminal.send_keys(&["Escape"]);
    std::thread::sleep(Duration::from_millis(300));
    quit(&terminal);

    // --history-days 3 reaches the day before yesterday, first.
    let terminal = console_with(&sandbox, &broker, &["--history-days", "3"]);
    let screen = terminal
        .wait_for(
            "loaded 4 message(s) from 3 file(s)",
            Duration::from_secs(15),
        )
        .unwrap_or_else(|screen| panic!("three days were not loaded:\n{screen}"));
    assert!(
        position(&screen, "twoDaysAgo") < position(&screen, "yesterdayAt1403"),
        "{screen}"
    );
    quit(&terminal);
}
