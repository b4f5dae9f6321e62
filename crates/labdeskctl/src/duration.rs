//! Reading durations typed by people: `90s`, `45m`, `2h`, or a sum such as `1h30m`.

use std::time::Duration;

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    /// Nothing was given.
    #[error("the duration is empty; write it like 90s, 45m or 2h")]
    Empty,
    /// A minus sign.
    #[error("{0:?} is negative; durations are positive, like 90s, 45m or 2h")]
    Negative(String),
    /// A number without a unit, or text that is not a number.
    #[error(
        "{0:?} is not a duration; write a whole number and a unit (s, m or h), like 90s, 45m or 2h"
    )]
    Malformed(String),
    /// A unit other than s, m, h.
    #[error("{text:?} has the unknown unit {unit:?}; use s, m or h, like 90s, 45m or 2h")]
    UnknownUnit {
        /// The whole input.
        text: String,
        /// The unit found.
        unit: String,
    },
    /// The total is zero.
    #[error("{0:?} is zero; a duration must be longer than that, like 90s, 45m or 2h")]
    Zero(String),
    /// Longer than any booking could be.
    #[error("{0:?} is too long; keep durations under 1000 days")]
    TooLong(String),
}

/// The longest duration accepted (1000 days), far beyond any real booking.
const MAX_SECS: u64 = 1000 * 24 * 3600;

/// Reads a positive duration like `90s`, `45m`, `2h` or `1h30m`.
///
/// # Errors
///
/// [`DurationError`] for an empty, negative, zero, unit-less or unknown-unit duration.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(DurationError::Empty);
    }
    if trimmed.starts_with('-') {
        return Err(DurationError::Negative(trimmed.to_owned()));
    }

    let mut total: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(DurationError::Malformed(trimmed.to_owned()));
        }
        let number: u64 = rest[..digits]
            .parse()
            .map_err(|_| DurationError::TooLong(trimmed.to_owned()))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 3600,
            "" => return Err(DurationError::Malformed(trimmed.to_owned())),
            other => {
                return Err(DurationError::UnknownUnit {
                    text: trimmed.to_owned(),
                    unit: other.to_owned(),
                })
            }
        };
        total = number
            .checked_mul(scale)
            .and_then(|secs| total.checked_add(secs))
            .filter(|secs| *secs <= MAX_SECS)
            .ok_or_else(|| DurationError::TooLong(trimmed.to_owned()))?;
    }
    if total == 0 {
        return Err(DurationError::Zero(trimmed.to_owned()));
    }

    Ok(Duration::from_secs(total))
}

/// Reads a comma-separated list of warning leads like `5m,1m`, longest first, without
/// repeats.
///
/// # Errors
///
/// [`DurationError`] for the first lead that is not a valid duration.
pub fn parse_leads(text: &str) -> Result<Vec<Duration>, DurationError> {
    let mut leads = text
        .split(',')
        .map(parse_duration)
        .collect::<Result<Vec<_>, _>>()?;
    leads.sort_unstable_by(|a, b| b.cmp(a));
    leads.dedup();

    Ok(leads)
}

/// Formats seconds the way people type them: `45m`, `1h30m`, `90s`.
pub fn format_secs(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_minutes_hours_and_sums() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("45m"), Ok(Duration::from_secs(45 * 60)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration(" 1h30m "), Ok(Duration::from_secs(5400)));
    }

    #[test]
    fn refuses_zero_negative_and_unknown_units_clearly() {
        let zero = parse_duration("0m").unwrap_err();
        assert_eq!(zero, DurationError::Zero("0m".into()));
        assert!(zero.to_string().contains("zero"), "{zero}");

        let negative = parse_duration("-5m").unwrap_err();
        assert!(negative.to_string().contains("negative"), "{negative}");

        let unit = parse_duration("5x").unwrap_err();
        assert!(unit.to_string().contains("unknown unit \"x\""), "{unit}");

        for bad in ["45", "m", "", "5 m", "1.5h", "5mm"] {
            let err = parse_duration(bad).unwrap_err();
            assert!(
                err.to_string().contains("45m"),
                "{bad:?}: {err} shows an example"
            );
        }
        assert!(matches!(
            parse_duration("99999999999999999999h"),
            Err(DurationError::TooLong(_))
        ));
    }

    #[test]
    fn leads_are_sorted_longest_first_without_repeats() {
        let leads = parse_leads("1m,5m,1m").unwrap();
        assert_eq!(
            leads,
            vec![Duration::from_secs(300), Duration::from_secs(60)]
        );
        assert!(parse_leads("5m,,1m").is_err(), "an empty lead is refused");
        assert!(parse_leads("5m,0s").is_err(), "a zero lead is refused");
    }

    #[test]
    fn formats_like_people_type() {
        assert_eq!(format_secs(2700), "45m");
        assert_eq!(format_secs(5400), "1h30m");
        assert_eq!(format_secs(90), "1m30s");
        assert_eq!(format_secs(0), "0s");
    }
}
