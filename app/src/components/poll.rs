//! What the live status screens share: a counter that ticks while the
//! page is open (their resources refetch on it), and how times are shown.

use leptos::prelude::*;

/// A signal bumped every `every_ms` in the browser; only the browser
/// polls, the server renders the first list once.
pub fn ticker(every_ms: u64) -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_millis(every_ms),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    tick
}

/// `YYYY-MM-DD hh:mm:ss UTC` of a Unix time: the call log and the
/// unmatched calls span days, so the time of day alone would mislead.
pub fn clock(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`).
fn civil_date(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
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
