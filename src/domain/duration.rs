//! A length of time as a person writes it on a command line or in a
//! profile: `500ms`, `30s`, `5m`, `1h`, or a number of seconds. One reader
//! for `send --wait` and the watch rules' `silent` and `cooldown`.

use std::time::Duration;

/// The forms accepted, for every error that refuses one.
pub const DURATION_FORMS: &str = "500ms, 30s, 5m or 1h";

/// A duration that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("{0:?} is not a duration: write {DURATION_FORMS}")]
    NotANumber(String),
    #[error("{0:?}: the unit must be ms, s, m or h")]
    Unit(String),
    #[error("{0:?}: {1}")]
    OutOfRange(String, String),
}

/// Reads `text` as a duration; a bare number is seconds.
pub fn parse(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or((text, "s"), |at| text.split_at(at));
    let value: f64 = number
        .parse()
        .map_err(|_| DurationError::NotANumber(text.to_owned()))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return Err(DurationError::Unit(text.to_owned())),
    };
    Duration::try_from_secs_f64(seconds)
        .map_err(|err| DurationError::OutOfRange(text.to_owned(), err.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unit_and_a_bare_number_of_seconds() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse("1.5"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse(" 2m "), Ok(Duration::from_secs(120)));
    }

    #[test]
    fn what_is_not_a_duration_is_refused_with_the_forms() {
        assert!(parse("soon").unwrap_err().to_string().contains("5m"));
        assert!(
            parse("5d")
                .unwrap_err()
                .to_string()
                .contains("ms, s, m or h")
        );
        assert!(matches!(parse("-1s"), Err(DurationError::NotANumber(_))));
        assert!(parse("").is_err());
    }
}
