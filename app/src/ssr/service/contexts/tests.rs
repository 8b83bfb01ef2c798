use super::*;
use crate::model::context::{Context, RangeInput};
use crate::ssr::service::testing::{core, seed};

fn sales() -> ContextInput {
    ContextInput {
        name: "sales".into(),
        label: "Sales".into(),
        kind: "internal".into(),
        user_ranges: vec![RangeInput {
            first: "2000".into(),
            last: "2099".into(),
        }],
        includes: vec!["to-extern".into()],
        ..ContextInput::default()
    }
}

#[tokio::test]
async fn seeded_contexts_match_the_defaults() {
    let core = core().await;
    let all = list(&core).await.expect("list");
    let names: Vec<&str> = all.iter().map(|v| v.context.name.as_str()).collect();
    assert_eq!(names, ["default", "from-extern", "to-extern"]);
    let default = &all[0].context;
    assert_eq!(Context::ranges_label(&default.user_ranges), "1000-1999");
    assert_eq!(default.includes, ["to-extern"]);
    assert_eq!(all[1].context.label, "Incalls");
    assert_eq!(all[2].context.label, "Outcalls");
}

#[tokio::test]
async fn create_update_publish_and_conflict() {
    let core = core().await;
    let created = create(&core, &sales()).await.expect("created");
    assert_eq!(created.version, 1);
    assert!(core
        .config
        .borrow()
        .contexts
        .iter()
        .any(|c| c.name == "sales" && c.includes == ["to-extern"]));
    let mut edit = sales();
    edit.label = "Sales team".into();
    let updated = update(&core, "sales", 1, &edit).await.expect("updated");
    assert_eq!(
        (updated.version, updated.context.label.as_str()),
        (2, "Sales team")
    );
    match update(&core, "sales", 1, &edit).await {
        Err(stale @ ServiceError::Stale { current: Some(2) }) => {
            assert!(stale.to_string().contains("changed by someone else"))
        }
        other => panic!("expected Stale at version 2, got {other:?}"),
    }
    match create(&core, &sales()).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e.get("name").is_some_and(|m| m.contains("already exists")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn a_context_in_use_cannot_be_deleted_and_says_by_whom() {
    let core = core().await;
    seed(&core).await;
    match delete(&core, "to-extern").await {
        Err(ServiceError::Conflict(m)) => {
            assert!(m.contains("outgoing call provider"), "{m}");
            assert!(m.contains("context default (includes it)"), "{m}");
        }
        other => panic!("expected Conflict, got {other:?}"),
    }
    match delete(&core, "default").await {
        Err(ServiceError::Conflict(m)) => assert!(m.contains("user 1000"), "{m}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    match delete(&core, "from-extern").await {
        Err(ServiceError::Conflict(m)) => assert!(m.contains("trunk provider_username"), "{m}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    create(&core, &sales()).await.expect("created");
    delete(&core, "sales")
        .await
        .expect("unused context deleted");
    assert!(!core
        .config
        .borrow()
        .contexts
        .iter()
        .any(|c| c.name == "sales"));
}
