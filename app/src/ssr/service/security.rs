//! SIP security: the toll-fraud guard's settings (a configuration change,
//! published to the engine like any other) and lifting a block (a command
//! to the running engine, like hanging up a call).

use super::{config, stale, ServiceError};
use crate::model::security::{parse_address, SipSecurityInput, SipSecurityView, WatchedAddress};
use crate::model::FieldErrors;
use crate::ssr::db;
use crate::ssr::state::{Core, EngineCommand, EngineLink};
use crate::ssr::store;
use crate::ssr::unix_now;

/// The settings and their version.
///
/// # Errors
/// When the database cannot be read.
pub async fn get(core: &Core) -> Result<SipSecurityView, ServiceError> {
    Ok(store::security::get(&core.pool).await?)
}

/// Saves the settings opened at `version` and publishes them; they apply
/// to the next failure (running blocks keep their end).
///
/// # Errors
/// `Invalid` with every field error, `Conflict` when someone saved in
/// between.
pub async fn update(
    core: &Core,
    version: i64,
    input: &SipSecurityInput,
) -> Result<SipSecurityView, ServiceError> {
    let settings = input.validate().map_err(ServiceError::Invalid)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::security::update(&mut tx, version, &settings, unix_now()).await? {
        return Err(stale(&mut tx, "sip_security", "id", "1").await);
    }
    tx.commit().await?;
    tracing::info!(
        max_retry = settings.max_retry,
        find_time = settings.find_time,
        ban_time = settings.ban_time,
        "SIP security settings updated"
    );
    config::publish(core, config::Change::Security).await?;
    get(core).await
}

/// The addresses the guard watches: blocked first, then those slowed down.
pub fn watched(engine: &EngineLink) -> Vec<WatchedAddress> {
    engine.watched.borrow().as_ref().clone()
}

/// Lifts the block on `address` (or forgives its failures).
///
/// # Errors
/// `Invalid` when `address` is not an IP address, `NotFound` when the
/// guard is not watching it (its block may have just ended), `Internal`
/// when no engine runs.
pub fn lift_block(engine: &EngineLink, address: &str) -> Result<(), ServiceError> {
    let ip = parse_address(address)
        .map_err(|message| ServiceError::Invalid(FieldErrors::single("address", message)))?;
    let text = ip.to_string();
    let watched = engine.watched.borrow().iter().any(|w| w.address == text);
    if !watched {
        return Err(ServiceError::NotFound(format!(
            "Address {text} is not blocked (its block may have just ended)."
        )));
    }
    if !engine.command(EngineCommand::LiftBlock { address: ip }) {
        return Err(ServiceError::Internal(
            "the SIP engine is not running".into(),
        ));
    }
    tracing::info!(address = %text, "block lifted by the administrator");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::security::SipSecurity;
    use crate::ssr::service::testing::{core, engine_link};

    #[tokio::test]
    async fn settings_are_validated_saved_and_published() {
        let core = core().await;
        let mut engine = core.config.subscribe();
        let stored = get(&core).await.expect("settings");
        assert_eq!(stored.settings, SipSecurity::default());
        let bad = SipSecurityInput {
            ban_time: "10".into(),
            ..SipSecurityInput::default()
        };
        let Err(ServiceError::Invalid(errors)) = update(&core, stored.version, &bad).await else {
            panic!("a 10 s ban accepted");
        };
        assert!(errors.get("ban_time").is_some());
        let good = SipSecurityInput {
            max_retry: "5".into(),
            find_time: "300".into(),
            ban_time: "3600".into(),
        };
        let saved = update(&core, stored.version, &good).await.expect("saved");
        assert_eq!(saved.settings.ban_time, 3600);
        assert!(engine.has_changed().expect("engine channel"));
        assert_eq!(engine.borrow_and_update().security, saved.settings);
        // Saving over the old version is refused, the newer one kept.
        assert!(matches!(
            update(&core, stored.version, &SipSecurityInput::default()).await,
            Err(ServiceError::Stale { current: Some(_) })
        ));
        assert_eq!(get(&core).await.expect("settings").settings.max_retry, 5);
    }

    #[tokio::test]
    async fn lifting_a_block_reaches_the_engine() {
        let mut link = engine_link();
        link.watched
            .send_replace(std::sync::Arc::new(vec![WatchedAddress {
                address: "192.0.2.7".into(),
                failures: 10,
                last_failure: 1_800_000_000,
                blocked_until: Some(1_800_001_800),
            }]));
        assert!(matches!(
            lift_block(&link.link, "not an address"),
            Err(ServiceError::Invalid(e)) if e.get("address").is_some()
        ));
        assert!(matches!(
            lift_block(&link.link, "192.0.2.8"),
            Err(ServiceError::NotFound(_))
        ));
        lift_block(&link.link, " 192.0.2.7 ").expect("lifted");
        assert_eq!(
            link.commands.try_recv().ok(),
            Some(EngineCommand::LiftBlock {
                address: [192, 0, 2, 7].into()
            })
        );
    }
}
