//! The administrator's account, console sessions and API tokens.

use super::ServiceError;
use crate::model::admin::AdminInput;
use crate::model::FieldErrors;
use crate::ssr::auth::{self, LoginLimiter, SESSION_SECONDS};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store;
use crate::ssr::unix_now;
use std::net::IpAddr;
use std::time::Instant;

fn hash(password: &str) -> Result<String, ServiceError> {
    auth::hash_password(password).map_err(|e| ServiceError::Internal(format!("argon2: {e}")))
}

/// True once an administrator exists.
///
/// # Errors
/// When the database cannot be read.
pub async fn admin_exists(core: &Core) -> Result<bool, ServiceError> {
    Ok(store::admins::count(&core.pool).await? > 0)
}

/// "Create the administrator": works only while there is none, so a
/// stranger who finds the console later cannot use it.
///
/// # Errors
/// `Invalid` for a bad form, `Conflict` once an administrator exists.
pub async fn create_first_admin(core: &Core, input: &AdminInput) -> Result<String, ServiceError> {
    let username = input.validate().map_err(ServiceError::Invalid)?;
    let password_hash = hash(&input.password)?;
    let mut tx = db::write(&core.pool).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM admins")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 {
        return Err(ServiceError::Conflict(
            "An administrator already exists: log in, or reset the password with `trunkline admin set-password`.".into(),
        ));
    }
    store::admins::upsert(&mut tx, &username, &password_hash, unix_now()).await?;
    tx.commit().await?;
    tracing::info!(%username, "administrator created");
    Ok(username)
}

/// `trunkline admin set-password`: creates the administrator or replaces
/// its password, from the shell of the machine.
///
/// # Errors
/// `Invalid` for a bad username or password.
pub async fn set_password(core: &Core, input: &AdminInput) -> Result<String, ServiceError> {
    let username = input.validate().map_err(ServiceError::Invalid)?;
    let password_hash = hash(&input.password)?;
    let mut conn = core.pool.acquire().await?;
    store::admins::upsert(&mut conn, &username, &password_hash, unix_now()).await?;
    tracing::info!(%username, "administrator password set from the shell");
    Ok(username)
}

/// Checks a login and opens a session; returns the session token.
///
/// The attempt is counted (per address and per username) before the
/// password is checked; beyond the limiter's budget the password is not
/// checked at all. An unknown username is checked against a dummy hash,
/// so it takes as long to refuse as a wrong password.
///
/// # Errors
/// `Invalid` on the `password` field for a wrong password or while the
/// address or username must wait; the message does not say which of user
/// or password was wrong.
pub async fn login(
    core: &Core,
    limiter: &LoginLimiter,
    from: IpAddr,
    username: &str,
    password: &str,
) -> Result<String, ServiceError> {
    let username = username.trim();
    if let Err(wait) = limiter.attempt(from, username, Instant::now()) {
        let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
        tracing::warn!(%from, %username, seconds, "login refused unchecked: too many attempts");
        return Err(ServiceError::Invalid(FieldErrors::single(
            "password",
            format!("Too many login attempts for this account or from your address; try again in {seconds} s."),
        )));
    }
    let admin = store::admins::by_username(&core.pool, username).await?;
    let stored = admin.as_ref().map(|a| a.password_hash.clone());
    let password = password.to_owned();
    // argon2 takes tens of milliseconds of CPU: off the async workers, so
    // a burst of logins does not stall the console and the SIP side.
    let verified = tokio::task::spawn_blocking(move || {
        auth::verify_password_or_dummy(&password, stored.as_deref())
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("password check: {e}")))?;
    let Some(admin) = admin.filter(|_| verified) else {
        limiter.failed(from, username, Instant::now());
        tracing::warn!(%from, %username, "wrong console password");
        return Err(ServiceError::Invalid(FieldErrors::single(
            "password",
            "Wrong username or password.",
        )));
    };
    limiter.succeeded(from, username);
    let token = auth::new_token();
    let now = unix_now();
    store::admins::insert_session(
        &core.pool,
        &auth::token_digest(&token),
        admin.id,
        now,
        now + SESSION_SECONDS,
    )
    .await?;
    tracing::info!(%from, username = %admin.username, "administrator logged in");
    Ok(token)
}

/// The administrator behind a session cookie's token.
///
/// # Errors
/// When the database cannot be read.
pub async fn session_user(core: &Core, token: &str) -> Result<Option<String>, ServiceError> {
    Ok(store::admins::session_admin(&core.pool, &auth::token_digest(token), unix_now()).await?)
}

/// The label of a valid API bearer token.
///
/// # Errors
/// When the database cannot be read.
pub async fn token_user(core: &Core, token: &str) -> Result<Option<String>, ServiceError> {
    Ok(store::admins::token_label(&core.pool, &auth::token_digest(token)).await?)
}

/// Ends a session (and sweeps expired ones).
///
/// # Errors
/// When the database cannot be written.
pub async fn logout(core: &Core, token: &str) -> Result<(), ServiceError> {
    Ok(store::admins::delete_session(&core.pool, &auth::token_digest(token)).await?)
}

/// `trunkline token create`: a new API token, shown once.
///
/// # Errors
/// `Invalid` for an empty label.
pub async fn create_token(core: &Core, label: &str) -> Result<String, ServiceError> {
    let label = label.trim();
    if label.is_empty() || label.len() > 64 {
        return Err(ServiceError::Invalid(FieldErrors::single(
            "label",
            "Label must be 1 to 64 characters, such as the name of the script that will use the token.",
        )));
    }
    let token = auth::new_token();
    store::admins::insert_token(&core.pool, &auth::token_digest(&token), label, unix_now()).await?;
    tracing::info!(%label, "API token created");
    Ok(token)
}

/// A new token that replaces every earlier one with the same label (the
/// server's own token for console commands, renewed at each start).
///
/// # Errors
/// `Invalid` for an empty label.
pub async fn replace_token(core: &Core, label: &str) -> Result<String, ServiceError> {
    store::admins::delete_tokens_labelled(&core.pool, label.trim()).await?;
    create_token(core, label).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::db;

    async fn core() -> Core {
        Core::new(db::open_in_memory().await.expect("db"))
            .await
            .expect("core")
    }

    fn admin(password: &str) -> AdminInput {
        AdminInput {
            username: "admin".into(),
            password: password.into(),
            confirm: password.into(),
        }
    }

    #[tokio::test]
    async fn first_admin_only_once_and_hashed() {
        let core = core().await;
        assert!(!admin_exists(&core).await.expect("read"));
        create_first_admin(&core, &admin("first-password"))
            .await
            .expect("created");
        assert!(admin_exists(&core).await.expect("read"));
        let stored: String = sqlx::query_scalar("SELECT password_hash FROM admins")
            .fetch_one(&core.pool)
            .await
            .expect("row");
        assert!(stored.starts_with("$argon2id$") && !stored.contains("first-password"));
        let again = create_first_admin(&core, &admin("second-password")).await;
        assert!(matches!(again, Err(ServiceError::Conflict(_))));
    }

    #[tokio::test]
    async fn login_session_logout() {
        let core = core().await;
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        create_first_admin(&core, &admin("first-password"))
            .await
            .expect("created");
        let wrong = login(&core, &limiter, ip, "admin", "nope").await;
        match wrong {
            Err(ServiceError::Invalid(e)) => {
                assert_eq!(e.get("password"), Some("Wrong username or password."))
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        let unknown = login(&core, &limiter, ip, "root", "first-password").await;
        assert!(matches!(unknown, Err(ServiceError::Invalid(_))));
        let token = login(&core, &limiter, ip, "admin", "first-password")
            .await
            .expect("login");
        assert_eq!(
            session_user(&core, &token).await.expect("read").as_deref(),
            Some("admin")
        );
        assert_eq!(session_user(&core, "forged").await.expect("read"), None);
        logout(&core, &token).await.expect("logout");
        assert_eq!(session_user(&core, &token).await.expect("read"), None);
    }

    #[tokio::test]
    async fn repeated_failures_make_the_address_wait() {
        let core = core().await;
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "192.0.2.1".parse().expect("ip");
        create_first_admin(&core, &admin("first-password"))
            .await
            .expect("created");
        for _ in 0..3 {
            let _ = login(&core, &limiter, ip, "admin", "guess").await;
        }
        // Even the right password waits now.
        match login(&core, &limiter, ip, "admin", "first-password").await {
            Err(ServiceError::Invalid(e)) => {
                assert!(e
                    .get("password")
                    .is_some_and(|m| m.starts_with("Too many login attempts")))
            }
            other => panic!("expected a wait, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn set_password_and_tokens() {
        let core = core().await;
        set_password(&core, &admin("shell-password"))
            .await
            .expect("set");
        set_password(&core, &admin("newer-password"))
            .await
            .expect("reset");
        let limiter = LoginLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        assert!(login(&core, &limiter, ip, "admin", "shell-password")
            .await
            .is_err());
        assert!(login(&core, &limiter, ip, "admin", "newer-password")
            .await
            .is_ok());
        let token = create_token(&core, "ci").await.expect("token");
        assert_eq!(
            token_user(&core, &token).await.expect("read").as_deref(),
            Some("ci")
        );
        assert_eq!(token_user(&core, "nope").await.expect("read"), None);
        assert!(create_token(&core, " ").await.is_err());
    }
}
