//! A moment in the history as a person names it: "14:03", "14:03:20",
//! "yesterday 14:03", "2026-11-28 14:03", a day alone ("2026-11-28",
//! "yesterday": its midnight), or an exact RFC 3339 time
//! ("2026-11-28T14:03:00Z"). One parser for the console's `T` and the
//! `--since` / `--until` of `export` and `replay`, so both read a time the
//! same way.
//!
//! Times without a zone are read in the zone the reader shows times in:
//! the console passes the offset its log column uses, the command line the
//! machine's local zone. "14:03" is today's, even when that is still to
//! come: a rule that guessed "yesterday" would surprise more than it helps.

use chrono::{DateTime, Days, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

/// What the forms accepted look like, for every error that refuses one.
pub const MOMENT_FORMS: &str =
    "14:03, 14:03:20, yesterday 14:03, 2026-11-28 14:03, 2026-11-28 or 2026-11-28T14:03:00Z";

/// A time that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MomentError {
    #[error("cannot read {0:?} as a time: write {MOMENT_FORMS}")]
    Unreadable(String),
    #[error(
        "{0:?} does not exist in this time zone (the clocks jumped past it): name a time outside the jump, or give the offset (2026-03-29T02:30:00+01:00)"
    )]
    Skipped(String),
}

/// Reads `text` as a moment; `now` says what "today" is and `zone` the
/// zone of a time written without one.
pub fn parse<Tz: TimeZone>(
    text: &str,
    now: DateTime<Utc>,
    zone: &Tz,
) -> Result<DateTime<Utc>, MomentError> {
    let trimmed = text.trim();
    if let Ok(exact) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(exact.with_timezone(&Utc));
    }
    let unreadable = || MomentError::Unreadable(trimmed.to_owned());
    let lower = trimmed.to_lowercase();
    let mut words: Vec<&str> = lower.split_whitespace().collect();
    // "2026-11-28T14:03" is "2026-11-28 14:03".
    if let [one] = words.as_slice()
        && let Some((day, time)) = one.split_at_checked(10).filter(|(_, t)| t.starts_with('t'))
    {
        words = vec![day, &time[1..]];
    }
    let today = now.with_timezone(zone).date_naive();
    let (day, time) = match words.as_slice() {
        [one] => match (day_of(one, today), time_of(one)) {
            (Some(day), _) => (day, NaiveTime::MIN),
            (None, Some(time)) => (today, time),
            (None, None) => return Err(unreadable()),
        },
        [day, time] => (
            day_of(day, today).ok_or_else(unreadable)?,
            time_of(time).ok_or_else(unreadable)?,
        ),
        _ => return Err(unreadable()),
    };
    match zone.from_local_datetime(&NaiveDateTime::new(day, time)) {
        LocalResult::Single(at) => Ok(at.with_timezone(&Utc)),
        // The hour a clock turned back passes twice: the first one.
        LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc)),
        LocalResult::None => Err(MomentError::Skipped(trimmed.to_owned())),
    }
}

fn day_of(word: &str, today: NaiveDate) -> Option<NaiveDate> {
    match word {
        "today" => Some(today),
        "yesterday" => today.checked_sub_days(Days::new(1)),
        _ => NaiveDate::parse_from_str(word, "%Y-%m-%d").ok(),
    }
}

fn time_of(word: &str) -> Option<NaiveTime> {
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|format| NaiveTime::parse_from_str(word, format).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::FixedOffset;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 10, 30, 0).unwrap()
    }

    fn utc(text: &str) -> Result<String, MomentError> {
        parse(text, now(), &Utc).map(|at| at.to_rfc3339())
    }

    #[test]
    fn a_time_alone_is_todays_and_a_day_alone_its_midnight() {
        assert_eq!(utc("14:03").unwrap(), "2026-11-29T14:03:00+00:00");
        assert_eq!(utc("14:03:20").unwrap(), "2026-11-29T14:03:20+00:00");
        assert_eq!(
            utc(" 14:03:20.250 ").unwrap(),
            "2026-11-29T14:03:20.250+00:00"
        );
        assert_eq!(utc("2026-11-28").unwrap(), "2026-11-28T00:00:00+00:00");
        assert_eq!(utc("yesterday").unwrap(), "2026-11-28T00:00:00+00:00");
        assert_eq!(utc("today").unwrap(), "2026-11-29T00:00:00+00:00");
    }

    #[test]
    fn a_day_and_a_time_name_that_moment() {
        assert_eq!(utc("yesterday 14:03").unwrap(), "2026-11-28T14:03:00+00:00");
        assert_eq!(
            utc("Yesterday  23:59:59").unwrap(),
            "2026-11-28T23:59:59+00:00"
        );
        assert_eq!(
            utc("2026-11-01 14:03").unwrap(),
            "2026-11-01T14:03:00+00:00"
        );
        assert_eq!(
            utc("2026-11-01T14:03").unwrap(),
            "2026-11-01T14:03:00+00:00"
        );
    }

    #[test]
    fn rfc_3339_is_exact_whatever_the_zone() {
        let paris = FixedOffset::east_opt(3600).unwrap();
        let at = parse("2026-11-28T14:03:00Z", now(), &paris).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-28T14:03:00+00:00");
        let at = parse("2026-11-28T14:03:00+05:00", now(), &paris).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-28T09:03:00+00:00");
    }

    #[test]
    fn a_time_without_a_zone_is_read_in_the_zone_shown() {
        let paris = FixedOffset::east_opt(3600).unwrap();
        let at = parse("14:03", now(), &paris).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-29T13:03:00+00:00");
        // Today is the zone's today: 23:30 UTC is already tomorrow in Tokyo.
        let tokyo = FixedOffset::east_opt(9 * 3600).unwrap();
        let late = Utc.with_ymd_and_hms(2026, 11, 29, 23, 30, 0).unwrap();
        let at = parse("yesterday 08:00", late, &tokyo).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-28T23:00:00+00:00");
    }

    #[test]
    fn what_is_no_time_is_refused_with_the_forms_accepted() {
        for bad in [
            "",
            "noon",
            "25:00",
            "14",
            "2026-13-01",
            "yesterday noon",
            "a b c",
        ] {
            let err = utc(bad).unwrap_err();
            assert!(matches!(err, MomentError::Unreadable(_)), "{bad}: {err}");
            assert!(err.to_string().contains("yesterday 14:03"), "{err}");
        }
    }
}
