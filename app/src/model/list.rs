//! One page of a configuration list (trunks, users, outgoing and incoming
//! calls) as the console's address asks for it (`?q=…&page=N`) and as
//! `GET /api/v1/<list>` does (`?q=…&limit=…&offset=…`). Checked here, with
//! errors naming the field; filtered and paged in SQL by the store.
//!
//! A page number past the last page is not an error: the console shows
//! the last page (a bookmark, or the last row of the last page deleted,
//! still lands on rows). REST answers an `offset` past the end with no
//! rows and the total, as a client paging by offset expects.

use super::net::parse_in_range;
use super::FieldErrors;
use serde::{Deserialize, Serialize};

/// Rows a console list shows at a time.
pub const PAGE_SIZE: u32 = 50;
/// Most rows one REST page holds when `limit` is given.
pub const LIMIT_MAX: u32 = 1000;
/// Longest filter: longer text matches nothing a list holds anyway.
pub const SEARCH_MAX: usize = 100;

/// A console list's address: every field as typed, so a bad value gets a
/// sentence rather than a 400.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    /// Part of what the list's rows show; blank for every row.
    pub q: String,
    /// From 1; blank for the first page.
    pub page: String,
}

/// The query string of `GET /api/v1/<list>`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ApiListQuery {
    pub q: String,
    /// Rows to return, 1 to [`LIMIT_MAX`]; blank for every row (as the
    /// API answered before it paged, so existing scripts keep working).
    pub limit: String,
    /// Rows to skip; blank for 0.
    pub offset: String,
}

/// What to do with an offset past the last row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PastEnd {
    /// Show the last page instead (the console).
    LastPage,
    /// Return no row (REST).
    Nothing,
}

/// A checked page request, for the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListWindow {
    /// Trimmed; empty matches every row.
    pub search: String,
    pub offset: u64,
    /// `None`: every row from `offset`.
    pub limit: Option<u32>,
    pub past_end: PastEnd,
}

/// One page of a list: its rows, and how many rows the filter matches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListPage<T> {
    pub rows: Vec<T>,
    /// Rows matching the filter, on every page.
    pub total: u64,
    /// Rows before this page's first.
    pub offset: u64,
    /// The page size; `None` when every row was asked for.
    pub limit: Option<u32>,
}

fn search(raw: &str, e: &mut FieldErrors) -> String {
    let search = raw.trim();
    if search.chars().count() > SEARCH_MAX {
        e.push(
            "q",
            format!("The filter is at most {SEARCH_MAX} characters long."),
        );
    }
    search.to_owned()
}

/// A page request of either kind, as the list services take it.
pub trait Paging {
    /// The page to read, or every problem by field.
    fn window(&self) -> Result<ListWindow, FieldErrors>;
}

impl Paging for ListQuery {
    fn window(&self) -> Result<ListWindow, FieldErrors> {
        self.validate()
    }
}

impl Paging for ApiListQuery {
    fn window(&self) -> Result<ListWindow, FieldErrors> {
        self.validate()
    }
}

impl ListQuery {
    /// The page to read, or every problem by field.
    pub fn validate(&self) -> Result<ListWindow, FieldErrors> {
        let mut e = FieldErrors::new();
        let search = search(&self.q, &mut e);
        let raw = self.page.trim();
        let page = if raw.is_empty() {
            Some(1)
        } else {
            e.take(
                "page",
                raw.parse::<u32>().ok().filter(|p| *p >= 1).ok_or_else(|| {
                    format!("Page must be a whole number from 1; \u{201c}{raw}\u{201d} is not.")
                }),
            )
        };
        match page {
            Some(page) if e.is_empty() => Ok(ListWindow {
                search,
                offset: u64::from(page - 1) * u64::from(PAGE_SIZE),
                limit: Some(PAGE_SIZE),
                past_end: PastEnd::LastPage,
            }),
            _ => Err(e),
        }
    }

    /// The address of `page` of this filter (`?q=…&page=…`), for a link
    /// that works before the page is hydrated; page 1 and an empty
    /// filter are left out, so the plain list keeps its plain address.
    pub fn href(&self, page: u32) -> String {
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        query_string(&[("q", self.q.trim()), ("page", &page)])
    }
}

impl ApiListQuery {
    /// The rows to read, or every problem by field.
    pub fn validate(&self) -> Result<ListWindow, FieldErrors> {
        let mut e = FieldErrors::new();
        let search = search(&self.q, &mut e);
        let limit = if self.limit.trim().is_empty() {
            None
        } else {
            e.take(
                "limit",
                parse_in_range("Limit", &self.limit, 1, LIMIT_MAX, LIMIT_MAX, " rows"),
            )
        };
        let offset = self.offset.trim();
        let offset = if offset.is_empty() {
            Some(0)
        } else {
            e.take(
                "offset",
                offset.parse::<u64>().map_err(|_| {
                    format!(
                        "Offset must be a whole number from 0; \u{201c}{offset}\u{201d} is not."
                    )
                }),
            )
        };
        match offset {
            Some(offset) if e.is_empty() => Ok(ListWindow {
                search,
                offset,
                limit,
                past_end: PastEnd::Nothing,
            }),
            _ => Err(e),
        }
    }
}

impl ListWindow {
    /// Where the page starts once the total is known.
    pub fn start(&self, total: u64) -> u64 {
        match (self.past_end, self.limit) {
            (PastEnd::LastPage, Some(limit)) if self.offset >= total && total > 0 => {
                (total - 1) / u64::from(limit) * u64::from(limit)
            }
            _ => self.offset,
        }
    }
}

impl<T> ListPage<T> {
    /// This page's number, from 1.
    pub fn page(&self) -> u32 {
        match self.limit {
            Some(limit) => u32::try_from(self.offset / u64::from(limit) + 1).unwrap_or(u32::MAX),
            None => 1,
        }
    }

    /// How many pages the filter's rows fill (at least 1).
    pub fn pages(&self) -> u32 {
        match self.limit {
            Some(limit) => {
                u32::try_from(self.total.div_ceil(u64::from(limit)).max(1)).unwrap_or(u32::MAX)
            }
            None => 1,
        }
    }

    /// The page's rows as the same page of something else.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> ListPage<U> {
        ListPage {
            rows: self.rows.into_iter().map(f).collect(),
            total: self.total,
            offset: self.offset,
            limit: self.limit,
        }
    }
}

/// `?key=value&…` of the pairs whose value is not blank, percent-encoded
/// here rather than by the router so the server and the browser write
/// the same link.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let mut out = String::from("?");
    for (key, value) in pairs {
        if value.is_empty() {
            continue;
        }
        if out.len() > 1 {
            out.push('&');
        }
        out.push_str(key);
        out.push('=');
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(q: &str, page: &str) -> ListQuery {
        ListQuery {
            q: q.into(),
            page: page.into(),
        }
    }

    fn api(q: &str, limit: &str, offset: &str) -> ApiListQuery {
        ApiListQuery {
            q: q.into(),
            limit: limit.into(),
            offset: offset.into(),
        }
    }

    #[test]
    fn console_pages_start_where_their_number_says() {
        for (query, search, offset) in [
            (page("", ""), "", 0),
            (page(" voip ", "1"), "voip", 0),
            (page("", "3"), "", 2 * u64::from(PAGE_SIZE)),
        ] {
            let window = query.validate().expect("accepted");
            assert_eq!(window.search, search);
            assert_eq!(window.offset, offset);
            assert_eq!(window.limit, Some(PAGE_SIZE));
        }
    }

    #[test]
    fn bad_values_name_their_field() {
        for (query, field) in [
            (page("", "0"), "page"),
            (page("", "two"), "page"),
            (page("", "-1"), "page"),
            (page(&"x".repeat(SEARCH_MAX + 1), ""), "q"),
        ] {
            let e = query.validate().expect_err("refused");
            assert!(e.get(field).is_some(), "{query:?}: {e:?}");
        }
        assert_eq!(
            page("", "two").validate().expect_err("refused").get("page"),
            Some("Page must be a whole number from 1; \u{201c}two\u{201d} is not.")
        );
        for (query, field) in [
            (api("", "0", ""), "limit"),
            (api("", "1001", ""), "limit"),
            (api("", "", "-5"), "offset"),
            (api("", "", "x"), "offset"),
        ] {
            let e = query.validate().expect_err("refused");
            assert!(e.get(field).is_some(), "{query:?}: {e:?}");
        }
    }

    #[test]
    fn rest_without_limit_reads_every_row() {
        let window = api("", "", "").validate().expect("accepted");
        assert_eq!(window.limit, None);
        assert_eq!(window.offset, 0);
        let window = api("x", "10", "20").validate().expect("accepted");
        assert_eq!((window.limit, window.offset), (Some(10), 20));
    }

    #[test]
    fn a_console_page_past_the_end_is_the_last_page_rest_is_empty() {
        let console = page("", "9").validate().expect("accepted");
        assert_eq!(console.start(120), 100);
        assert_eq!(console.start(100), 50);
        assert_eq!(console.start(0), 8 * u64::from(PAGE_SIZE));
        let rest = api("", "50", "400").validate().expect("accepted");
        assert_eq!(rest.start(120), 400);
    }

    #[test]
    fn pages_count_from_one() {
        let shown = ListPage::<()> {
            rows: Vec::new(),
            total: 101,
            offset: 100,
            limit: Some(50),
        };
        assert_eq!((shown.page(), shown.pages()), (3, 3));
        let empty = ListPage::<()> {
            limit: Some(50),
            ..ListPage::default()
        };
        assert_eq!((empty.page(), empty.pages()), (1, 1));
    }

    #[test]
    fn href_leaves_out_the_first_page_and_escapes_the_filter() {
        assert_eq!(page("", "").href(1), "?");
        assert_eq!(page(" a b ", "").href(2), "?q=a%20b&page=2");
        assert_eq!(page("é&=", "4").href(1), "?q=%C3%A9%26%3D");
    }
}
