use super::*;
use crate::model::context::RangeInput;
use crate::model::incall::IncallDestination;
use crate::ssr::service::contexts;
use crate::ssr::service::testing::{core, seed};

fn to_desk(did: &str, user: i64) -> IncallInput {
    IncallInput {
        did: did.into(),
        user_id: Some(user),
        ..IncallInput::default()
    }
}

#[tokio::test]
async fn the_seed_incoming_call_reaches_the_front_desk() {
    let core = core().await;
    let (_, desk, _) = seed(&core).await;
    let view = create(&core, &to_desk("+14185550000", desk))
        .await
        .expect("created");
    assert_eq!(view.incall.did, "14185550000");
    assert_eq!(
        view.incall.destination,
        IncallDestination::User { user_id: desk }
    );
    let stored: (String, String, Option<i64>) =
        sqlx::query_as("SELECT context, did, user_id FROM incalls")
            .fetch_one(&core.pool)
            .await
            .expect("row");
    assert_eq!(
        stored,
        ("from-extern".into(), "14185550000".into(), Some(desk))
    );
    assert_eq!(core.config.borrow().incalls.len(), 1);
    match create(&core, &to_desk("14185550000", desk)).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e.get("did").is_some_and(|m| m.contains("already")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[tokio::test]
async fn did_outside_the_context_ranges_is_refused() {
    let core = core().await;
    let (_, desk, _) = seed(&core).await;
    let mut ctx = contexts::get(&core, "from-extern")
        .await
        .expect("ctx")
        .context
        .to_input();
    ctx.did_ranges = vec![RangeInput {
        first: "4185550100".into(),
        last: "4185550199".into(),
    }];
    contexts::update(&core, "from-extern", 1, &ctx)
        .await
        .expect("ranges set");
    match create(&core, &to_desk("4185550000", desk)).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e
                .get("did")
                .is_some_and(|m| m.contains("4185550100-4185550199")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let view = create(&core, &to_desk("4185550150", desk))
        .await
        .expect("in range");
    let mut edit = view.incall.to_input();
    edit.destination = "hangup".into();
    let updated = update(&core, view.id, view.version, &edit)
        .await
        .expect("updated");
    assert_eq!(updated.incall.destination, IncallDestination::Hangup);
    delete(&core, view.id).await.expect("deleted");
    assert!(core.config.borrow().incalls.is_empty());
}

#[tokio::test]
async fn a_user_created_just_before_is_a_destination_at_once_and_an_unknown_one_is_refused() {
    let core = core().await;
    seed(&core).await;
    let mut sales = crate::ssr::service::testing::user("Sales", "1001");
    sales.lastname = "Team".into();
    let user = crate::ssr::service::users::create(&core, &sales)
        .await
        .expect("user")
        .view
        .id;
    let view = create(&core, &to_desk("14185550001", user))
        .await
        .expect("created");
    assert_eq!(
        view.incall.destination,
        IncallDestination::User { user_id: user }
    );
    match create(&core, &to_desk("14185550002", user + 100)).await {
        Err(ServiceError::Invalid(e)) => assert!(!e.is_empty(), "{e:?}"),
        other => panic!("an unknown user was accepted: {other:?}"),
    }
}
