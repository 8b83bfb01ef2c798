use super::*;
use crate::ssr::db;
use crate::ssr::service::testing::{core, seed_trunk as seed};

#[tokio::test]
async fn create_stores_row_and_publishes() {
    let core = core().await;
    let mut watcher = core.config.subscribe();
    assert!(watcher.borrow_and_update().trunks.is_empty());
    let view = create(&core, &seed()).await.expect("created");
    assert_eq!(view.version, 1);
    assert!(view.has_secret);
    assert!(!view.has_reg_secret);

    let (name, secret): (String, String) = sqlx::query_as("SELECT name, secret FROM trunks")
        .fetch_one(&core.pool)
        .await
        .expect("row");
    assert_eq!(
        (name.as_str(), secret.as_str()),
        ("provider_username", "provider_password")
    );

    assert!(watcher.has_changed().expect("open"));
    let snapshot = watcher.borrow_and_update().clone();
    assert_eq!(snapshot.generation, 1);
    assert_eq!(snapshot.trunks.len(), 1);
    assert_eq!(
        snapshot.trunks[0].trunk.reg_server,
        "voip.provider.example.com"
    );
    assert_eq!(snapshot.trunks[0].secret.expose(), "provider_password");
    assert_eq!(
        snapshot.contexts.len(),
        3,
        "seeded contexts are in the snapshot"
    );
}

#[tokio::test]
async fn invalid_input_is_refused_and_nothing_stored() {
    let core = core().await;
    let mut input = seed();
    input.port = "99999".into();
    match create(&core, &input).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("port").is_some()),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(list(&core).await.expect("list").is_empty());
    assert_eq!(core.config.borrow().generation, 0, "nothing published");
}

#[tokio::test]
async fn duplicate_name_ignores_case() {
    let core = core().await;
    create(&core, &seed()).await.expect("first");
    let mut again = seed();
    again.name = "PROVIDER_USERNAME".into();
    match create(&core, &again).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e.get("name").is_some_and(|m| m.contains("already exists")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn update_keeps_blank_secret_and_bumps_version() {
    let core = core().await;
    let created = create(&core, &seed()).await.expect("created");
    let mut edit = created.trunk.to_input();
    assert!(edit.secret.is_empty(), "secrets are never sent back");
    edit.host = "sip2.provider.example.com".into();
    let updated = update(&core, created.id, created.version, &edit)
        .await
        .expect("updated");
    assert_eq!(updated.version, 2);
    assert_eq!(
        updated.trunk.host.as_deref(),
        Some("sip2.provider.example.com")
    );
    let secret: String = sqlx::query_scalar("SELECT secret FROM trunks")
        .fetch_one(&core.pool)
        .await
        .expect("row");
    assert_eq!(
        secret, "provider_password",
        "blank password keeps the stored one"
    );
    edit.secret = "rotated".into();
    update(&core, created.id, 2, &edit)
        .await
        .expect("new password");
    let secret: String = sqlx::query_scalar("SELECT secret FROM trunks")
        .fetch_one(&core.pool)
        .await
        .expect("row");
    assert_eq!(secret, "rotated");
    assert_eq!(core.config.borrow().generation, 3);
}

#[tokio::test]
async fn stale_version_is_a_conflict() {
    let core = core().await;
    let created = create(&core, &seed()).await.expect("created");
    let mut first = created.trunk.to_input();
    first.caller_id = "first".into();
    update(&core, created.id, created.version, &first)
        .await
        .expect("first save");
    let mut second = created.trunk.to_input();
    second.caller_id = "second".into();
    match update(&core, created.id, created.version, &second).await {
        Err(stale @ ServiceError::Stale { current: Some(_) }) => {
            assert!(stale
                .to_string()
                .contains("changed by someone else since you opened it"))
        }
        other => panic!("expected Stale, got {other:?}"),
    }
    assert_eq!(
        get(&core, created.id).await.expect("get").trunk.caller_id,
        "first"
    );
}

#[tokio::test]
async fn delete_publishes_and_missing_is_not_found() {
    let core = core().await;
    let created = create(&core, &seed()).await.expect("created");
    delete(&core, created.id).await.expect("deleted");
    assert!(core.config.borrow().trunks.is_empty());
    assert!(matches!(
        delete(&core, created.id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        get(&core, created.id).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(
        update(&core, created.id, 1, &seed()).await,
        Err(ServiceError::NotFound(_))
    ));
}

#[tokio::test]
async fn survives_reopening_the_file() {
    let dir = std::env::temp_dir().join(format!("trunkline-test-{}", std::process::id()));
    let path = dir.join("reopen.db");
    let _ = std::fs::remove_file(&path);
    {
        let core = Core::new(db::open(&path).await.expect("open"))
            .await
            .expect("core");
        create(&core, &seed()).await.expect("created");
        core.pool.close().await;
    }
    let core = Core::new(db::open(&path).await.expect("reopen"))
        .await
        .expect("core");
    assert_eq!(
        core.config.borrow().trunks.len(),
        1,
        "the engine starts from what is stored"
    );
    assert_eq!(
        list(&core).await.expect("list")[0].trunk.name,
        "provider_username"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
