//! SIP behind NAT: the External address and Local networks, a configuration change
//! published to the engine like any other (the engine rewrites its addresses from it).

use super::{config, stale, ServiceError};
use crate::model::nat::{SipNatInput, SipNatView};
use crate::ssr::db;
use crate::ssr::state::Core;
use crate::ssr::store;
use crate::ssr::unix_now;

/// The settings and their version.
///
/// # Errors
/// When the database cannot be read.
pub async fn get(core: &Core) -> Result<SipNatView, ServiceError> {
    Ok(store::nat::get(&core.pool).await?)
}

/// Saves the settings opened at `version` and publishes them: the next message the PBX
/// sends carries the new addresses. The SIP bind is read when SIP starts (sockets are not
/// moved under calls in progress, as PJSIP's transports are not).
///
/// # Errors
/// `Invalid` with every field error, `Conflict` when someone saved in between.
pub async fn update(
    core: &Core,
    version: i64,
    input: &SipNatInput,
) -> Result<SipNatView, ServiceError> {
    let settings = input.validate().map_err(ServiceError::Invalid)?;
    let mut tx = db::write(&core.pool).await?;
    if !store::nat::update(&mut tx, version, &settings, unix_now()).await? {
        return Err(stale(&mut tx, "sip_nat", "id", "1").await);
    }
    tx.commit().await?;
    tracing::info!(
        external_address = %settings.external_address,
        local_networks = settings.local_networks.len(),
        bind_address = %settings.bind_address,
        "SIP NAT settings updated"
    );
    config::publish(core, config::Change::Nat).await?;
    get(core).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::nat::SipNat;

    #[tokio::test]
    async fn saved_settings_reach_the_published_configuration() {
        let core = crate::ssr::service::testing::core().await;
        let before = get(&core).await.expect("get");
        assert_eq!(before.settings, SipNat::default());
        let input = SipNatInput {
            external_address: "198.51.100.1".into(),
            local_networks: "192.168.77.0/24".into(),
            bind_address: "192.168.77.2".into(),
            rtp_start: "30000".into(),
            rtp_end: "30999".into(),
        };
        let saved = update(&core, before.version, &input).await.expect("saved");
        assert_eq!(saved.settings.external_address, "198.51.100.1");
        assert_eq!(
            (saved.settings.rtp_start, saved.settings.rtp_end),
            (30000, 30999)
        );
        assert_eq!(get(&core).await.expect("get").settings, saved.settings);
        assert_eq!(saved.settings.bind_address, "192.168.77.2:5060");
        assert_eq!(core.config.borrow().nat, saved.settings);
        let stale = update(&core, before.version, &input).await;
        assert!(
            matches!(stale, Err(ServiceError::Stale { current: Some(v) }) if v == saved.version),
            "{stale:?}"
        );
        let bad = SipNatInput {
            external_address: String::new(),
            local_networks: "192.168.1/24".into(),
            ..SipNatInput::default()
        };
        let refused = update(&core, saved.version, &bad).await;
        assert!(
            matches!(refused, Err(ServiceError::Invalid(_))),
            "{refused:?}"
        );
        assert_eq!(
            get(&core).await.expect("get").settings,
            saved.settings,
            "nothing lost"
        );
    }
}
