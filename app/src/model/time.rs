//! Calendar dates of Unix times, in UTC, for every place that shows one:
//! the console's status lists and the command line's Asterisk-style
//! tables. No time zone database: an office PBX's logs read in UTC.

/// `YYYY-MM-DD hh:mm:ss UTC` of a Unix time: the call log and the
/// unmatched calls span days, so the time of day alone would mislead.
pub fn clock(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31) in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`, on 400-year
/// eras so it holds for any day count).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    // Both stay within 1..=31 and 1..=12 by construction.
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn dates_and_times() {
        assert_eq!(clock(0), "1970-01-01 00:00:00 UTC");
        // 2026-11-26 14:03:05 UTC, and a leap day.
        assert_eq!(clock(1_795_701_785), "2026-11-26 14:03:05 UTC");
        assert_eq!(clock(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(clock(-1), "1969-12-31 23:59:59 UTC");
    }
}
