use super::*;
use crate::ssr::service::testing::{core, user};

#[tokio::test]
async fn blank_password_is_generated_shown_once_and_stored() {
    let core = core().await;
    let saved = create(&core, &user("Front", "1000"))
        .await
        .expect("created");
    let generated = saved.generated_password.clone().expect("generated");
    assert_eq!(generated.len(), 16);
    let (username, secret): (String, String) =
        sqlx::query_as("SELECT line_username, line_secret FROM users")
            .fetch_one(&core.pool)
            .await
            .expect("row");
    assert_eq!(
        (username.as_str(), secret.as_str()),
        ("1000", generated.as_str())
    );
    let snapshot = core.config.borrow().clone();
    assert_eq!(snapshot.users[0].secret.expose(), generated);
    // Reading the user back never gives the password again.
    let json = serde_json::to_string(&get(&core, saved.view.id).await.expect("get")).expect("json");
    assert!(!json.contains(&generated));
    // Editing with a blank password keeps it.
    let updated = update(&core, saved.view.id, 1, &user("Front", "1001"))
        .await
        .expect("updated");
    assert_eq!(updated.generated_password, None);
    let secret: String = sqlx::query_scalar("SELECT line_secret FROM users")
        .fetch_one(&core.pool)
        .await
        .expect("row");
    assert_eq!(secret, generated);
}

#[tokio::test]
async fn extension_outside_range_and_duplicates_are_refused_by_name() {
    let core = core().await;
    match create(&core, &user("Bob", "2000")).await {
        Err(ServiceError::Invalid(e)) => {
            assert!(e.get("exten").is_some_and(|m| m.contains("1000-1999")))
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let mut alice = user("Alice", "1001");
    alice.line_username = "alice".into();
    create(&core, &alice).await.expect("alice");
    let mut bob = user("Bob", "1001");
    bob.line_username = "ALICE".into();
    match create(&core, &bob).await {
        Err(ServiceError::Invalid(e)) => {
            assert_eq!(
                e.get("exten"),
                Some("Extension 1001 is already assigned to Alice in context \u{201c}default\u{201d}; choose another number.")
            );
            assert!(e
                .get("line_username")
                .is_some_and(|m| m.contains("Alice (1001)")));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(list(&core).await.expect("list").len(), 1, "nothing stored");
}

#[tokio::test]
async fn a_user_an_incoming_call_rings_cannot_be_deleted() {
    use crate::model::incall::IncallInput;
    let core = core().await;
    let desk = create(&core, &user("Front", "1000"))
        .await
        .expect("user")
        .view
        .id;
    crate::ssr::service::incalls::create(
        &core,
        &IncallInput {
            did: "4185550000".into(),
            user_id: Some(desk),
            ..IncallInput::default()
        },
    )
    .await
    .expect("incall");
    match delete(&core, desk).await {
        Err(ServiceError::Conflict(m)) => assert!(m.contains("incoming call 4185550000"), "{m}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    let other = create(&core, &user("Temp", "1999"))
        .await
        .expect("user")
        .view
        .id;
    delete(&core, other).await.expect("deleted");
    assert_eq!(core.config.borrow().users.len(), 1);
}

/// Direct media is kept in the user's `settings` JSON: no column, no
/// migration. Saved, it is read back and published to the engine; a row
/// written before the setting existed reads it off (anchored).
#[tokio::test]
async fn direct_media_is_stored_published_and_off_in_older_rows() {
    let core = core().await;
    let mut desk = user("Front", "1000");
    desk.direct_media = true;
    let saved = create(&core, &desk).await.expect("created");
    let read = get(&core, saved.view.id).await.expect("get");
    assert!(read.user.direct_media);
    assert!(core.config.borrow().users[0].user.direct_media);

    sqlx::query("UPDATE users SET settings = json_remove(settings, '$.direct_media')")
        .execute(&core.pool)
        .await
        .expect("an older row");
    let read = get(&core, saved.view.id).await.expect("get");
    assert!(!read.user.direct_media);
}
