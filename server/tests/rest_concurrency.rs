//! Parallel writes through REST (creates, and updates as JSON Merge Patches), as a client that runs its requests in
//! parallel makes them: the real router on 127.0.0.1 over a SQLite file.
//! Every write takes the write lock up front (`BEGIN IMMEDIATE`), so none
//! is refused for "database is locked"; optimistic versions decide
//! between writers of the same row.

mod common;

use common::rest::Server;
use serde_json::{json, Value};
use std::sync::Arc;

fn trunk(n: usize) -> Value {
    json!({
        "name": format!("provider{n}"),
        "host_type": "static",
        "host": format!("sip{n}.provider.example.com"),
        "context": "from-extern",
    })
}

/// Runs `requests` at once; returns each one's status and body, in order.
async fn all_at_once(
    server: &Arc<Server>,
    requests: Vec<(&'static str, String, Value)>,
) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(method, path, body)| {
            let server = Arc::clone(server);
            tokio::spawn(async move {
                let (status, answer, _) = if method == "PATCH" {
                    server.patch(&path, body).await
                } else {
                    server.call(method, &path, Some(body), true).await
                };
                (status, answer)
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.expect("request task"));
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_creates_and_updates_of_different_rows_all_land() {
    let server = Arc::new(Server::start("rest-concurrency-rows").await);

    let creates = (0..50)
        .map(|n| ("POST", "/api/v1/trunks".to_owned(), trunk(n)))
        .collect();
    let created = all_at_once(&server, creates).await;
    let refused: Vec<_> = created.iter().filter(|(s, _)| *s != 201).collect();
    assert!(
        refused.is_empty(),
        "{} of 50 creates refused: {refused:?}",
        refused.len()
    );

    let updates = created
        .iter()
        .enumerate()
        .map(|(n, (_, body))| {
            let change = json!({ "version": body["version"],
                                 "caller_id": format!("\"Site {n}\" <4185550{n:03}>") });
            ("PATCH", format!("/api/v1/trunks/{}", body["id"]), change)
        })
        .collect();
    let updated = all_at_once(&server, updates).await;
    let refused: Vec<_> = updated.iter().filter(|(s, _)| *s != 200).collect();
    assert!(
        refused.is_empty(),
        "{} of 50 updates refused: {refused:?}",
        refused.len()
    );

    // What was acknowledged is what is stored, and what the engine runs on.
    let (_, list, _) = server.call("GET", "/api/v1/trunks", None, true).await;
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 50);
    assert!(list.iter().all(|t| t["version"] == 2), "{list:?}");
    let config = server.core.config.borrow().clone();
    assert_eq!(config.trunks.len(), 50);
    assert!(config
        .trunks
        .iter()
        .all(|t| t.version == 2 && t.trunk.caller_id.starts_with("\"Site ")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_updates_of_one_version_let_exactly_one_through() {
    let server = Arc::new(Server::start("rest-concurrency-one").await);
    let (status, created, text) = server
        .call("POST", "/api/v1/trunks", Some(trunk(0)), true)
        .await;
    assert_eq!(status, 201, "{text}");
    let path = format!("/api/v1/trunks/{}", created["id"]);

    let updates = (0..20)
        .map(|n| {
            let change =
                json!({ "version": created["version"], "caller_id": format!("writer {n}") });
            ("PATCH", path.clone(), change)
        })
        .collect();
    let answers = all_at_once(&server, updates).await;

    let won: Vec<_> = answers.iter().filter(|(s, _)| *s == 200).collect();
    assert_eq!(won.len(), 1, "{answers:?}");
    let winner = &won[0].1;
    let lost: Vec<_> = answers.iter().filter(|(s, _)| *s == 409).collect();
    assert_eq!(lost.len(), 19, "{answers:?}");
    // Each refusal names the version that won, so the client can re-read.
    for (_, body) in &lost {
        assert_eq!(body["error"]["field"], "version", "{body}");
        assert_eq!(
            body["error"]["current_version"], winner["version"],
            "{body}"
        );
    }
    let (_, stored, _) = server.call("GET", &path, None, true).await;
    assert_eq!(stored["caller_id"], winner["caller_id"]);
    assert_eq!(stored["version"], 2);
}
