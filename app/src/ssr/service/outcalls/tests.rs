use super::*;
use crate::ssr::service::testing::{core, outcall, seed, seed_trunk};
use crate::ssr::service::trunks;

#[tokio::test]
async fn seed_outcall_is_stored_with_its_trunks_in_order_and_published() {
    let core = core().await;
    let (first, _, _) = seed(&core).await;
    let mut backup = seed_trunk();
    backup.name = "backup".into();
    let second = trunks::create(&core, &backup).await.expect("backup").id;
    let saved = create(&core, &outcall("intl", vec![second, first], &["00."]))
        .await
        .expect("created");
    assert_eq!(saved.view.outcall.trunks, vec![second, first]);
    let stored: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT trunk_id, position FROM outcall_trunks WHERE outcall_id = ? ORDER BY position",
    )
    .bind(saved.view.id)
    .fetch_all(&core.pool)
    .await
    .expect("rows");
    assert_eq!(stored, vec![(second, 0), (first, 1)]);
    let snapshot = core.config.borrow().clone();
    let published = snapshot
        .outcalls
        .iter()
        .find(|o| o.value.name == "intl")
        .expect("published");
    assert_eq!(published.value.trunks, vec![second, first]);
    assert_eq!(published.value.extens[0].pattern.as_asterisk(), "_00.");
}

#[tokio::test]
async fn warnings_come_back_and_do_not_block() {
    let core = core().await;
    let (trunk, _, _) = seed(&core).await;
    let saved = create(&core, &outcall("everything", vec![trunk], &["X."]))
        .await
        .expect("saved despite the warning");
    assert!(
        saved.warnings.iter().any(|w| w.contains("catch-all")),
        "{:?}",
        saved.warnings
    );
    assert_eq!(list(&core).await.expect("list").len(), 2);
}

#[tokio::test]
async fn malformed_pattern_and_duplicate_pattern_are_refused() {
    let core = core().await;
    let (trunk, _, _) = seed(&core).await;
    match create(&core, &outcall("broken", vec![trunk], &["[418"])).await {
        Err(ServiceError::Invalid(e)) => assert!(e.get("extens.0.pattern").is_some()),
        other => panic!("expected Invalid, got {other:?}"),
    }
    match create(&core, &outcall("again", vec![trunk], &["418."])).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e
                .get("extens.0.pattern")
                .is_some_and(|m| m.contains("provider")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn a_trunk_in_use_cannot_be_deleted() {
    let core = core().await;
    let (trunk, _, outcall_id) = seed(&core).await;
    match trunks::delete(&core, trunk).await {
        Err(ServiceError::Conflict(m)) => assert_eq!(
            m,
            "Trunk provider_username is used by outgoing call \u{201c}provider\u{201d}; change or delete them first."
        ),
        other => panic!("expected Conflict, got {other:?}"),
    }
    delete(&core, outcall_id).await.expect("outcall deleted");
    trunks::delete(&core, trunk).await.expect("trunk now free");
}

#[tokio::test]
async fn rules_from_the_published_configuration_are_the_stored_rows_in_list_order() {
    let core = core().await;
    let (first, _, provider) = seed(&core).await;
    // Sorts before the seed's trunk: the order is the list's, by name.
    let mut backup = seed_trunk();
    backup.name = "a_backup".into();
    let second = trunks::create(&core, &backup).await.expect("backup").id;
    // A trunk created just before is there for the next save at once.
    let intl = create(&core, &outcall("intl", vec![second, first], &["00."]))
        .await
        .expect("created")
        .view
        .id;
    let stored = store::trunks::list(&core.pool).await.expect("trunks");
    let trunks: Vec<(i64, String)> = readable(&stored, |row, t| (row.id, t.name));
    let rules = rules(&core, Some(intl)).await.expect("rules");
    assert_eq!(rules.trunks, trunks);
    assert_eq!(rules.trunks[0].0, second);
    let others: Vec<Outcall> = list(&core)
        .await
        .expect("list")
        .into_iter()
        .filter(|v| v.id != intl)
        .map(|v| v.outcall)
        .collect();
    assert_eq!(rules.others, others);
    assert_eq!(rules.others.len(), 1);
    // A trunk that does not exist is still refused.
    match create(
        &core,
        &outcall("ghost", vec![first + second + 100], &["01."]),
    )
    .await
    {
        Err(ServiceError::Invalid(e)) => assert!(e.get("trunks").is_some(), "{e:?}"),
        other => panic!("an unknown trunk was accepted: {other:?}"),
    }
    let _ = provider;
}
