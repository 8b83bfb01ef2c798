//! The call log: written as calls end, read by Status → Calls and REST.

use super::ServiceError;
use crate::model::call_log::{CallLogPage, CallLogQuery};
use crate::model::calls::{CallLogEntry, UnmatchedCall, UnmatchedCalls};
use crate::ssr::db;
use crate::ssr::state::{Core, EngineCommand, EngineLink};
use crate::ssr::store;
use sqlx::SqlitePool;
use tokio::sync::mpsc;

/// Most unmatched calls the incoming-calls screen and REST return.
pub const SHOWN: i64 = 500;

/// One page of the calls `query` searches for (part of the caller,
/// callee, number, trunk or cause), newest first, searched in SQL over
/// the whole log, with how many calls match in all. Shared by Status →
/// Calls and `GET /api/v1/calls`.
///
/// # Errors
/// `Invalid` naming `limit` or `before` when they cannot be read; when the
/// database cannot be read.
pub async fn log(core: &Core, query: &CallLogQuery) -> Result<CallLogPage, ServiceError> {
    let filter = query.validate().map_err(ServiceError::Invalid)?;
    let (calls, older) = store::call_log::page(&core.pool, &filter).await?;
    let total = core.log_counts.count(&core.pool, &filter.search).await?;
    Ok(CallLogPage {
        calls,
        older: older.map(|c| c.to_string()),
        total: u64::try_from(total).unwrap_or(0),
    })
}

/// Ends call `id` at the administrator's request (Status → Calls, "Hang
/// up"): both sides get BYE, or the caller an error while it still rings.
///
/// # Errors
/// `NotFound` when the call is no longer in progress, `Internal` when no
/// engine runs.
pub async fn hang_up(engine: &EngineLink, id: u64) -> Result<(), ServiceError> {
    let live = engine.live_calls().await.iter().any(|c| c.id == id);
    if !live {
        return Err(ServiceError::NotFound(
            "This call is no longer in progress.".into(),
        ));
    }
    if !engine.command(EngineCommand::HangUp { call: id }) {
        return Err(ServiceError::Internal(
            "the SIP engine is not running".into(),
        ));
    }
    tracing::info!(call = id, "call hung up by the administrator");
    Ok(())
}

/// Pause between two writes of the call log. With the engine's own
/// 100 ms pause before it hands ended calls over, a call shows in the log
/// within about 300 ms of its end (README says half a second).
const GATHER: std::time::Duration = std::time::Duration::from_millis(200);

/// Writes every ended call the engine reports, until it stops. Calls
/// that ended together are written in one transaction: one disk sync for
/// a burst, not one per call.
pub async fn persist(pool: SqlitePool, mut ended: mpsc::UnboundedReceiver<CallLogEntry>) {
    let mut batch = Vec::new();
    while ended.recv_many(&mut batch, 256).await > 0 {
        if let Err(error) = write_batch(&pool, &batch).await {
            tracing::error!(%error, calls = batch.len(), "calls not written to the log");
        }
        batch.clear();
        // Calls end by the thousand under load: while this task sleeps
        // they queue up without waking it, and go out in one transaction.
        tokio::time::sleep(GATHER).await;
    }
}

async fn write_batch(pool: &SqlitePool, batch: &[CallLogEntry]) -> Result<(), sqlx::Error> {
    let mut tx = db::write(pool).await?;
    store::call_log::insert(&mut tx, batch).await?;
    tx.commit().await
}

/// The latest calls to DIDs nothing answers, newest first, with the count of older ones no
/// longer kept. Shared by the Incoming calls screen and `GET /api/v1/calls/unmatched`.
///
/// # Errors
/// When the database cannot be read.
pub async fn unmatched(core: &Core) -> Result<UnmatchedCalls, ServiceError> {
    let calls = store::call_log::latest_unmatched(&core.pool, SHOWN).await?;
    let forgotten = store::call_log::unmatched_forgotten(&core.pool).await?;
    Ok(UnmatchedCalls {
        calls,
        not_kept: u64::try_from(forgotten).unwrap_or(0),
    })
}

/// Writes every unmatched incoming call the engine reports.
pub async fn persist_unmatched(
    pool: SqlitePool,
    mut calls: mpsc::UnboundedReceiver<UnmatchedCall>,
) {
    while let Some(call) = calls.recv().await {
        if let Err(error) = store::call_log::insert_unmatched(&pool, &call).await {
            tracing::error!(%error, did = %call.did, "unmatched call not recorded");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::calls::AttemptLog;
    use crate::ssr::service::testing::core;

    fn entry(caller: &str, trunk: Option<&str>, started_at: i64) -> CallLogEntry {
        CallLogEntry {
            started_at,
            answered_at: Some(started_at + 3),
            ended_at: started_at + 63,
            caller: caller.into(),
            callee: "provider".into(),
            dialed: "4185551234".into(),
            trunk: trunk.map(Into::into),
            cause: "Normal".into(),
            side: Some("caller".into()),
            status: None,
            attempts: vec![
                AttemptLog {
                    target: "backup".into(),
                    result: "503".into(),
                },
                AttemptLog {
                    target: "provider_username".into(),
                    result: "answered".into(),
                },
            ],
            quality: None,
        }
    }

    #[tokio::test]
    async fn ended_calls_are_written_and_found_by_search() {
        let core = core().await;
        let (tx, rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(persist(core.pool.clone(), rx));
        tx.send(entry(
            "Front Desk (1000)",
            Some("provider_username"),
            1_800_000_000,
        ))
        .expect("send");
        tx.send(entry("Bob (1001)", None, 1_800_000_100))
            .expect("send");
        drop(tx);
        writer.await.expect("writer ends with the engine");
        let all = log(&core, &CallLogQuery::default())
            .await
            .expect("log")
            .calls;
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].caller, "Bob (1001)", "newest first");
        assert_eq!(all[1].attempts[0].result, "503");
        assert_eq!(all[1].talk_seconds(), 60);
        let search = CallLogQuery {
            search: "PROVIDER_user".into(),
            ..CallLogQuery::default()
        };
        let found = log(&core, &search).await.expect("log").calls;
        assert_eq!(found.len(), 1);
        let (tx, rx) = mpsc::unbounded_channel();
        let writer = tokio::spawn(persist_unmatched(core.pool.clone(), rx));
        tx.send(UnmatchedCall {
            at: 1_800_000_200,
            trunk: "provider_username".into(),
            did: "4185559999".into(),
            reason: "No incoming call for DID 4185559999.".into(),
        })
        .expect("send");
        drop(tx);
        writer.await.expect("writer ends");
        let unmatched = unmatched(&core).await.expect("unmatched");
        assert_eq!(unmatched.calls.len(), 1);
        assert_eq!(unmatched.calls[0].did, "4185559999");
        assert_eq!(unmatched.not_kept, 0);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].trunk.as_deref(), Some("provider_username"));
    }

    #[tokio::test]
    async fn a_burst_of_ended_calls_is_written_whole_and_in_order() {
        let core = core().await;
        let (tx, rx) = mpsc::unbounded_channel();
        // More than one statement's worth, sent before the writer runs:
        // they arrive as one batch.
        for n in 0..150 {
            tx.send(entry(&format!("Caller {n}"), None, 1_800_000_000 + n))
                .expect("send");
        }
        drop(tx);
        persist(core.pool.clone(), rx).await;
        let all = store::call_log::latest(&core.pool, 1000)
            .await
            .expect("log");
        assert_eq!(all.len(), 150);
        assert_eq!(all[0].caller, "Caller 149");
        assert_eq!(all[149].caller, "Caller 0");
        assert_eq!(all[149].attempts.len(), 2);
    }

    #[tokio::test]
    async fn hanging_up_a_live_call_reaches_the_engine() {
        use crate::model::calls::LiveCall;
        use crate::ssr::service::testing::engine_link;
        let mut engine = engine_link();
        engine
            .live_calls
            .send_replace(std::sync::Arc::new(vec![LiveCall {
                id: 7,
                caller: "Front Desk (1000)".into(),
                callee: "provider".into(),
                dialed: "4185551234".into(),
                state: "answered".into(),
                trunk: Some("provider_username".into()),
                started_at: 1_800_000_000,
                answered_at: Some(1_800_000_002),
                quality: None,
            }]));
        assert!(matches!(
            hang_up(&engine.link, 8).await,
            Err(ServiceError::NotFound(_))
        ));
        hang_up(&engine.link, 7).await.expect("hung up");
        assert_eq!(
            engine.commands.try_recv().ok(),
            Some(EngineCommand::HangUp { call: 7 })
        );
    }
}
