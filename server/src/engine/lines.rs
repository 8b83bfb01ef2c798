//! The engine's side of the users' lines: line passwords from the
//! configuration for the registrar, and the registrar's bindings turned
//! into the console's `LineBinding` (shown on the Users screen, in `sip
//! show peers`, and persisted by `serve`).

use crate::sip::proto::guard::GuardConfig;
use crate::sip::proto::registrar::Binding;
use crate::sip::proto::Transport;
use crate::sip::runtime::{Directory, TrunkDial};
use app::model::config::TrunkConfig;
use app::model::lines::LineBinding;
use app::model::registry::RegistryEntry;
use app::model::security::{SipSecurity, FREE_TRIES};
use app::model::trunk::Transport as ModelTransport;
use app::model::PbxConfig;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Why calls pass a trunk over at once, from its monitoring (REFERENCE
/// §2): UNREACHABLE or LAGGED.
pub fn unavailable(entry: &RegistryEntry) -> Option<String> {
    (!entry.qualify.usable()).then(|| {
        format!(
            "Trunk {} is {}, so calls skip it.",
            entry.trunk, entry.qualify
        )
    })
}

/// What the lines task works from: line passwords and user ids by line
/// username, the dial plan, and the enabled trunks with their
/// credentials and, by trunk id, why monitoring makes calls skip them.
pub fn directory(config: &PbxConfig, unavailable: &BTreeMap<i64, String>) -> Directory {
    Directory {
        lines: config
            .users
            .iter()
            .map(|u| (u.user.line_username.clone(), u.secret.expose().to_owned()))
            .collect(),
        users: config
            .users
            .iter()
            .map(|u| (u.user.line_username.clone(), u.id))
            .collect(),
        plan: config.dial_plan(),
        trunks: config
            .trunks
            .iter()
            .filter(|t| !t.trunk.disabled)
            .map(|t| {
                let trunk = &t.trunk;
                let (username, password) = call_credentials(t);
                TrunkDial {
                    id: t.id,
                    name: trunk.name.clone(),
                    host: trunk.host.clone(),
                    port: trunk.port,
                    registrar: trunk
                        .register
                        .then(|| (trunk.reg_server.clone(), trunk.reg_port)),
                    transport: Transport::Udp,
                    username,
                    password,
                    from_domain: trunk.from_domain.clone(),
                    from_user: trunk.from_user.clone(),
                    call_limit: u32::from(trunk.call_limit),
                    unavailable: unavailable.get(&t.id).cloned(),
                    connection: trunk.connection_type,
                    outbound_proxy: super::host_port(&trunk.outbound_proxy)
                        .map(|proxy| (proxy.host, proxy.port)),
                }
            })
            .collect(),
        guard: guard_config(&config.security),
    }
}

/// What the trunk's calls answer a provider's 401/407 with: the General tab's username and
/// password, each replaced by the Register tab's when empty, so a trunk set up with only a
/// registration (as XiVO's guide does) can also call out.
fn call_credentials(t: &TrunkConfig) -> (String, String) {
    let trunk = &t.trunk;
    let username = if trunk.auth_username.is_empty() && trunk.register {
        &trunk.reg_username
    } else {
        &trunk.auth_username
    };
    let password = if t.secret.is_empty() && trunk.register {
        &t.reg_secret
    } else {
        &t.secret
    };
    (username.clone(), password.expose().to_owned())
}

/// The administrator's SIP security settings as the guard runs them.
pub fn guard_config(security: &SipSecurity) -> GuardConfig {
    GuardConfig {
        free_tries: FREE_TRIES as usize,
        max_retry: usize::try_from(security.max_retry).unwrap_or(usize::MAX),
        find_time: Duration::from_secs(u64::from(security.find_time)),
        ban_time: Duration::from_secs(u64::from(security.ban_time)),
    }
}

/// A registrar binding as the console and the store keep it; `None` for a
/// transport the console has no word for (the runtime takes UDP and TCP only).
pub fn to_model(b: &Binding) -> Option<LineBinding> {
    let transport = match b.transport {
        Transport::Udp => ModelTransport::Udp,
        Transport::Tcp => ModelTransport::Tcp,
        _ => return None,
    };
    Some(LineBinding {
        line_username: b.aor.clone(),
        contact: b.contact.clone(),
        expires_at: i64::try_from(b.expires_at).unwrap_or(i64::MAX),
        call_id: b.call_id.clone(),
        cseq: b.cseq,
        user_agent: b.user_agent.clone(),
        source: b.source,
        transport,
    })
}

/// A stored binding back into the registrar's form; `None` for a row
/// whose expiry is before the epoch.
pub fn from_model(b: &LineBinding) -> Option<Binding> {
    Some(Binding {
        aor: b.line_username.clone(),
        contact: b.contact.clone(),
        expires_at: u64::try_from(b.expires_at).ok()?,
        call_id: b.call_id.clone(),
        cseq: b.cseq,
        user_agent: b.user_agent.clone(),
        source: b.source,
        transport: match b.transport {
            ModelTransport::Udp => Transport::Udp,
            ModelTransport::Tcp => Transport::Tcp,
        },
    })
}

/// Follows the registrar's bindings and republishes them for the console,
/// sorted by line and contact.
pub async fn follow_bindings(
    mut bindings: watch::Receiver<Arc<Vec<Binding>>>,
    out: watch::Sender<Arc<Vec<LineBinding>>>,
) {
    loop {
        let mut rows: Vec<LineBinding> = bindings
            .borrow_and_update()
            .iter()
            .filter_map(to_model)
            .collect();
        rows.sort_by(|a, b| (&a.line_username, &a.contact).cmp(&(&b.line_username, &b.contact)));
        out.send_replace(Arc::new(rows));
        if bindings.changed().await.is_err() {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::model::config::{Secret, TrunkConfig};
    use app::model::registry::PeerStatus;
    use app::model::trunk::TrunkInput;

    fn trunk(id: i64, name: &str) -> TrunkConfig {
        let input = TrunkInput {
            name: name.into(),
            auth_username: name.into(),
            host_type: "static".into(),
            host: "127.0.0.1".into(),
            ..TrunkInput::default()
        };
        let rules = app::model::trunk::ValidationContext {
            incall_contexts: vec!["from-extern".into()],
            ..Default::default()
        };
        let (trunk, _) = input.validate(&rules).expect("valid trunk");
        TrunkConfig {
            id,
            version: 1,
            trunk,
            secret: Secret::new("provider_password"),
            reg_secret: Secret::default(),
        }
    }

    fn monitored(id: i64, name: &str, qualify: PeerStatus) -> RegistryEntry {
        RegistryEntry {
            trunk_id: id,
            trunk: name.into(),
            registers: false,
            host: String::new(),
            username: String::new(),
            refresh: 0,
            granted_expiry: None,
            state: app::model::registry::RegistrationState::Unregistered,
            reg_time: None,
            reg_time_text: String::new(),
            last_response: None,
            attempts: 0,
            next_register_at: None,
            qualify,
            next_qualify_at: None,
            history: Vec::new(),
            nat_warning: None,
        }
    }

    #[test]
    fn unreachable_and_lagged_trunks_are_marked_for_calls_to_skip() {
        let config = PbxConfig {
            trunks: vec![trunk(1, "first"), trunk(2, "second"), trunk(3, "third")],
            ..PbxConfig::default()
        };
        let registry = [
            monitored(1, "first", PeerStatus::Unreachable),
            monitored(2, "second", PeerStatus::Lagged(2500)),
            monitored(3, "third", PeerStatus::Ok(12)),
        ];
        let skipped: BTreeMap<i64, String> = registry
            .iter()
            .filter_map(|row| Some((row.trunk_id, unavailable(row)?)))
            .collect();
        let dir = directory(&config, &skipped);
        let reasons: Vec<Option<String>> =
            dir.trunks.iter().map(|t| t.unavailable.clone()).collect();
        assert_eq!(
            reasons,
            vec![
                Some("Trunk first is UNREACHABLE, so calls skip it.".into()),
                Some("Trunk second is LAGGED (2500 ms), so calls skip it.".into()),
                None,
            ]
        );
        assert_eq!(dir.trunks[0].password, "provider_password");
    }
}
