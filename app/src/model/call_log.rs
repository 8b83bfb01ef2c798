//! One page of the call log as Status → Calls and `GET /api/v1/calls` ask
//! for it: what to search, where the page starts, how many calls. Checked
//! here, searched in SQL by the store.

use super::calls::CallLogEntry;
use super::net::parse_in_range;
use super::FieldErrors;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Calls a page holds when the client does not say.
pub const PAGE_DEFAULT: u32 = 100;
/// Most calls one page holds: a page is read and sent whole.
pub const PAGE_MAX: u32 = 500;

/// A page of the log as asked for, every field as typed or sent in the
/// query string, so a bad value gets a sentence rather than a 400.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CallLogQuery {
    /// Part of the caller, callee, number, trunk or cause; blank for all.
    pub search: String,
    /// The `older` of the page before; blank for the newest calls.
    pub before: String,
    /// Calls per page, 1 to [`PAGE_MAX`]; blank for [`PAGE_DEFAULT`].
    pub limit: String,
}

/// Where a page ends: the start time and row id of its last call. The
/// next page holds only calls that sort after it (older start, or the
/// same start and a smaller id), so calls logged while the administrator
/// reads do not push rows from one page onto the next as an offset would.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LogCursor {
    pub started_at: i64,
    pub id: i64,
}

impl fmt::Display for LogCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.started_at, self.id)
    }
}

impl LogCursor {
    fn parse(raw: &str) -> Option<Self> {
        let (started_at, id) = raw.split_once('.')?;
        Some(Self {
            started_at: started_at.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

/// A checked [`CallLogQuery`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogFilter {
    /// Trimmed; empty matches every call.
    pub search: String,
    pub before: Option<LogCursor>,
    pub limit: u32,
}

impl CallLogQuery {
    /// The filter to run, or every problem by field.
    pub fn validate(&self) -> Result<LogFilter, FieldErrors> {
        let mut e = FieldErrors::new();
        let limit = e.take(
            "limit",
            parse_in_range(
                "Page size",
                &self.limit,
                1,
                PAGE_MAX,
                PAGE_DEFAULT,
                " calls",
            ),
        );
        let raw = self.before.trim();
        let before = if raw.is_empty() {
            None
        } else {
            let cursor = LogCursor::parse(raw).ok_or_else(|| {
                format!(
                    "Before must be the \u{201c}older\u{201d} value of a previous page, such as 1800000000.42; \u{201c}{raw}\u{201d} is not."
                )
            });
            e.take("before", cursor)
        };
        match limit {
            Some(limit) if e.is_empty() => Ok(LogFilter {
                search: self.search.trim().to_owned(),
                before,
                limit,
            }),
            _ => Err(e),
        }
    }

    /// The query string of this query (`?search=…&before=…`), for a
    /// link that works before the page is hydrated.
    pub fn href(&self) -> String {
        super::list::query_string(&[
            ("search", self.search.trim()),
            ("before", self.before.trim()),
            ("limit", self.limit.trim()),
        ])
    }
}

/// One page of the log, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLogPage {
    pub calls: Vec<CallLogEntry>,
    /// What to send as `before` for the next, older page; `None` on the
    /// last page.
    pub older: Option<String>,
    /// How many calls the search matches in the whole log, on every page.
    #[serde(default)]
    pub total: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(search: &str, before: &str, limit: &str) -> CallLogQuery {
        CallLogQuery {
            search: search.into(),
            before: before.into(),
            limit: limit.into(),
        }
    }

    #[test]
    fn queries_accepted() {
        let cases = [
            (query("", "", ""), "", None, PAGE_DEFAULT),
            (
                query(" Front Desk ", "1800000000.42", "500"),
                "Front Desk",
                Some(LogCursor {
                    started_at: 1_800_000_000,
                    id: 42,
                }),
                500,
            ),
            (
                query("1000", " 5.1 ", "1"),
                "1000",
                Some(LogCursor {
                    started_at: 5,
                    id: 1,
                }),
                1,
            ),
        ];
        for (q, search, before, limit) in cases {
            assert_eq!(
                q.validate(),
                Ok(LogFilter {
                    search: search.into(),
                    before,
                    limit
                }),
                "{q:?}"
            );
        }
    }

    #[test]
    fn bad_values_name_their_field() {
        for (q, field) in [
            (query("", "", "0"), "limit"),
            (query("", "", "501"), "limit"),
            (query("", "", "ten"), "limit"),
            (query("", "yesterday", ""), "before"),
            (query("", "18000", ""), "before"),
            (query("", "1.x", ""), "before"),
        ] {
            let e = q.validate().expect_err("refused");
            assert!(e.get(field).is_some(), "{q:?}: {e:?}");
        }
        let e = query("", "", "501").validate().expect_err("refused");
        assert_eq!(
            e.get("limit"),
            Some(
                "Page size must be a whole number from 1 to 500 calls; \u{201c}501\u{201d} is not."
            )
        );
    }

    #[test]
    fn cursor_round_trips_through_its_text() {
        let cursor = LogCursor {
            started_at: 1_800_000_000,
            id: 7,
        };
        assert_eq!(LogCursor::parse(&cursor.to_string()), Some(cursor));
    }

    #[test]
    fn href_keeps_what_is_set_and_escapes_the_search() {
        assert_eq!(query("", "", "").href(), "?");
        assert_eq!(
            query("Front Desk (1000)", "5.1", "").href(),
            "?search=Front%20Desk%20%281000%29&before=5.1"
        );
        assert_eq!(
            query("é&=", "", "50").href(),
            "?search=%C3%A9%26%3D&limit=50"
        );
    }
}
