//! The log's search and pages on a migrated SQLite database, with more
//! calls than the old in-memory search ever looked at.

use super::{
    count, insert, insert_unmatched_keeping, latest_unmatched, page, unmatched_forgotten, LogCounts,
};
use crate::model::call_log::{LogCursor, LogFilter};
use crate::model::calls::CallLogEntry;
use crate::model::calls::UnmatchedCall;
use crate::ssr::db;
use sqlx::SqlitePool;

fn call(n: i64, caller: &str, dialed: &str, trunk: Option<&str>) -> CallLogEntry {
    CallLogEntry {
        // Two calls a second: ties on the start time cross page ends.
        started_at: 1_800_000_000 + n / 2,
        answered_at: None,
        ended_at: 1_800_000_000 + n / 2 + 5,
        caller: caller.into(),
        // Unique, so a call seen on two pages shows.
        callee: format!("c{n}"),
        dialed: dialed.into(),
        trunk: trunk.map(Into::into),
        cause: "NoAnswer".into(),
        side: None,
        status: Some(480),
        attempts: Vec::new(),
        quality: None,
    }
}

/// 1,200 calls from Front Desk, of which the oldest one went through
/// trunk "backup_provider" to 4185550123 and one from "50%_off" in the
/// middle: 1,200 rows so a search has to look past the newest 500.
async fn log() -> SqlitePool {
    let pool = db::open_in_memory().await.expect("database");
    let calls: Vec<CallLogEntry> = (0..1200)
        .map(|n| match n {
            0 => call(
                n,
                "Front Desk (1000)",
                "4185550123",
                Some("backup_provider"),
            ),
            600 => call(n, "50%_off (1002)", "4185559999", None),
            _ => call(
                n,
                "Front Desk (1000)",
                "4185551234",
                Some("provider_username"),
            ),
        })
        .collect();
    let mut conn = pool.acquire().await.expect("connection");
    insert(&mut conn, &calls).await.expect("insert");
    drop(conn);
    pool
}

fn filter(search: &str, before: Option<LogCursor>, limit: u32) -> LogFilter {
    LogFilter {
        search: search.into(),
        before,
        limit,
    }
}

#[tokio::test]
async fn a_calls_audio_figures_are_kept_and_read_back() {
    use crate::model::quality::{CallQuality, LegQuality};
    let pool = db::open_in_memory().await.expect("database");
    let quality = CallQuality {
        caller: LegQuality {
            rx_packets: 500,
            rx_bytes: 86_000,
            tx_packets: 498,
            tx_bytes: 85_656,
            expected: 500,
            lost: 0,
            jitter_us: 420,
            mos_centi: 440,
            reported_lost: Some(3),
            reported_jitter_us: Some(2500),
            dropped: 7,
        },
        callee: LegQuality::default(),
        one_way: Some("caller".into()),
    };
    let measured = CallLogEntry {
        quality: Some(quality),
        ..call(1, "Front Desk (1000)", "4185551234", None)
    };
    let calls = [
        call(0, "Front Desk (1000)", "4185551234", None),
        measured.clone(),
    ];
    let mut conn = pool.acquire().await.expect("connection");
    insert(&mut conn, &calls).await.expect("insert");
    drop(conn);
    let (read, _) = page(&pool, &filter("", None, 10)).await.expect("page");
    assert_eq!(read, vec![measured, calls[0].clone()]);
}

#[tokio::test]
async fn a_match_older_than_the_newest_500_is_found() {
    let pool = log().await;
    for search in ["BACKUP", "0123", "kup_pro"] {
        let (calls, older) = page(&pool, &filter(search, None, 100)).await.expect("page");
        assert_eq!(calls.len(), 1, "{search}");
        assert_eq!(calls[0].dialed, "4185550123");
        assert_eq!(older, None, "one match, one page");
    }
    // Under three characters the index is not used; the answer is the same.
    let (calls, _) = page(&pool, &filter("%_", None, 100)).await.expect("page");
    assert_eq!(calls.len(), 1, "% and _ are matched as typed");
    assert_eq!(calls[0].caller, "50%_off (1002)");
    let (calls, _) = page(&pool, &filter("\"quoted\"", None, 100))
        .await
        .expect("quotes are text, not FTS syntax");
    assert!(calls.is_empty());
}

#[tokio::test]
async fn pages_cover_the_log_once_newest_first() {
    let pool = log().await;
    let mut seen: Vec<(i64, String)> = Vec::new();
    let mut callees = std::collections::BTreeSet::new();
    let mut before = None;
    let mut pages = 0;
    loop {
        // 7 does not divide 1,199: the last page is short.
        let (calls, older) = page(&pool, &filter("front desk", before, 7))
            .await
            .expect("page");
        pages += 1;
        assert!(calls.len() == 7 || older.is_none());
        seen.extend(calls.iter().map(|c| (c.started_at, c.dialed.clone())));
        callees.extend(calls.into_iter().map(|c| c.callee));
        match older {
            Some(cursor) => before = Some(cursor),
            None => break,
        }
    }
    assert_eq!(pages, 1199usize.div_ceil(7));
    assert_eq!(seen.len(), 1199, "every Front Desk call: no gap");
    assert_eq!(callees.len(), 1199, "no call on two pages");
    assert!(
        seen.windows(2).all(|w| w[0].0 >= w[1].0),
        "newest first across pages"
    );
    assert_eq!(seen.last().map(|s| s.1.as_str()), Some("4185550123"));
}

#[tokio::test]
async fn only_the_newest_unmatched_calls_are_kept_and_the_rest_counted() {
    let pool = db::open_in_memory().await.expect("database");
    for n in 0..130 {
        let call = UnmatchedCall {
            at: 1_700_000_000 + n,
            trunk: "provider".into(),
            did: format!("41855{n:05}"),
            reason: "no incoming call".into(),
        };
        insert_unmatched_keeping(&pool, &call, 100)
            .await
            .expect("insert");
    }
    let kept = latest_unmatched(&pool, 1000).await.expect("list");
    assert_eq!(kept.len(), 100);
    assert_eq!(kept[0].did, "4185500129", "newest first");
    assert_eq!(kept[99].did, "4185500030", "the oldest kept");
    assert_eq!(unmatched_forgotten(&pool).await.expect("count"), 30);
}

#[tokio::test]
async fn remembered_counts_follow_the_calls_logged_since() {
    let pool = log().await;
    let counts = LogCounts::default();
    assert_eq!(counts.count(&pool, "").await.expect("count"), 1200);
    assert_eq!(counts.count(&pool, "backup").await.expect("count"), 1);
    // Short searches (LIKE) and long ones (the trigram index) alike.
    assert_eq!(counts.count(&pool, "%_").await.expect("count"), 1);
    // Asked again with nothing new: the same totals.
    assert_eq!(counts.count(&pool, "backup").await.expect("count"), 1);

    let mut conn = pool.acquire().await.expect("connection");
    let newer: Vec<CallLogEntry> = (1200..1210)
        .map(|n| {
            call(
                n,
                "Front Desk (1000)",
                "4185550000",
                Some("backup_provider"),
            )
        })
        .collect();
    insert(&mut conn, &newer).await.expect("insert");
    drop(conn);
    for search in ["", "backup", "%_", "Desk", "no such call"] {
        let fresh = count(&pool, search).await.expect("count");
        assert_eq!(
            counts.count(&pool, search).await.expect("count"),
            fresh,
            "{search:?}"
        );
    }
    assert_eq!(counts.count(&pool, "").await.expect("count"), 1210);
    assert_eq!(counts.count(&pool, "backup").await.expect("count"), 11);

    // Rows deleted by hand: counted afresh rather than from a stale total.
    sqlx::query("DELETE FROM call_log WHERE id > 1100")
        .execute(&pool)
        .await
        .expect("delete");
    assert_eq!(counts.count(&pool, "").await.expect("count"), 1100);
}
