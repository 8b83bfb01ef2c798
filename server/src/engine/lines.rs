//! The engine's side of the users' lines: line passwords from the
//! configuration for the registrar, and the registrar's bindings turned
//! into the console's `LineBinding` (shown on the Users screen, in `sip
//! show peers`, and persisted by `serve`).

use crate::sip::proto::call::TrunkMedia;
use crate::sip::proto::guard::GuardConfig;
use crate::sip::proto::reception::Revision;
use crate::sip::proto::registrar::Binding;
use crate::sip::proto::rtp::MediaTimeouts;
use crate::sip::proto::Transport;
use crate::sip::runtime::{Directory, TrunkDial};
use app::model::config::delta::{pick, put};
use app::model::config::Delta;
use app::model::config::TrunkConfig;
use app::model::lines::LineBinding;
use app::model::registry::RegistryEntry;
use app::model::security::{SipSecurity, FREE_TRIES};
use app::model::trunk::Transport as ModelTransport;
use app::model::trunk::{DtmfMode, Nat};
use app::model::PbxConfig;
use std::collections::{BTreeMap, BTreeSet};
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
        // Indexed: this copy routes every call, and only `update_directory` changes it.
        plan: config.dial_plan().indexed(),
        trunks: config
            .trunks
            .iter()
            .filter(|t| !t.trunk.disabled)
            .map(|t| dial(t, unavailable))
            .collect(),
        guard: guard_config(&config.security),
        revision: Revision::default(),
    }
}

/// Brings `dir`, built from `old`, up to `new` in O(changed) (issue 20:
/// rebuilding it copied every user and trunk per change): the users and
/// trunks `delta` names, the trunks in `availability` (monitoring changed
/// their state), and the dial plan's small tables or the guard when they
/// changed. Equal afterwards to [`directory`] of `new`, but for `revision`.
pub fn update_directory(
    dir: &mut Directory,
    (old, new): (&PbxConfig, &PbxConfig),
    delta: &Delta,
    unavailable: &BTreeMap<i64, String>,
    availability: &BTreeSet<i64>,
) {
    if !delta.users.is_empty() {
        // Every old name out before any new one in: two lines may swap names.
        for u in pick(&old.users, &delta.users).values() {
            dir.lines.remove(&u.user.line_username);
            dir.users.remove(&u.user.line_username);
        }
        let after = pick(&new.users, &delta.users);
        for id in &delta.users {
            let user = after.get(id);
            if let Some(u) = user {
                let name = u.user.line_username.clone();
                dir.lines.insert(name.clone(), u.secret.expose().to_owned());
                dir.users.insert(name, u.id);
            }
            dir.plan.put_user(*id, user.map(|u| u.entry()));
        }
        dir.revision.lines += 1;
    }
    let mut trunks = delta.trunks.clone();
    trunks.extend(availability);
    if !trunks.is_empty() {
        let after = pick(&new.trunks, &trunks);
        for id in &trunks {
            let trunk = after.get(id);
            if delta.trunks.contains(id) {
                put(&mut dir.plan.trunks, *id, trunk.map(|t| t.route()));
            }
            let enabled = trunk.filter(|t| !t.trunk.disabled);
            put(&mut dir.trunks, *id, enabled.map(|t| dial(t, unavailable)));
        }
        dir.revision.trunks += 1;
    }
    if delta.plan {
        dir.plan.contexts.clone_from(&new.contexts);
        dir.plan.outcalls.clone_from(&new.outcalls);
        dir.plan.incalls.clone_from(&new.incalls);
    }
    if delta.security {
        dir.guard = guard_config(&new.security);
    }
}

/// One enabled trunk as calls need it.
fn dial(t: &TrunkConfig, unavailable: &BTreeMap<i64, String>) -> TrunkDial {
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
        media: TrunkMedia {
            codecs: trunk.codecs.iter().map(|c| c.as_str().to_owned()).collect(),
            telephone_event: trunk.dtmf_mode == DtmfMode::Rfc2833,
            symmetric_rtp: matches!(trunk.nat, Nat::Comedia | Nat::Both),
            timeouts: MediaTimeouts {
                rtp: seconds_or_never(trunk.rtp_timeout),
                hold: seconds_or_never(trunk.rtp_hold_timeout),
            },
        },
        direct_media: trunk.direct_media,
        force_rport: matches!(trunk.nat, Nat::ForceRport | Nat::Both),
    }
}

/// A media timeout setting: 0 is never, as Asterisk's `rtptimeout=0`.
fn seconds_or_never(secs: u16) -> Option<std::time::Duration> {
    (secs > 0).then(|| std::time::Duration::from_secs(u64::from(secs)))
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
    use app::model::config::{Secret, TrunkConfig, UserConfig};
    use app::model::registry::PeerStatus;
    use app::model::routing::OutgoingRoute;
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
        let config = PbxConfig::of_trunks(
            0,
            vec![trunk(1, "first"), trunk(2, "second"), trunk(3, "third")],
        );
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

    fn user(id: i64, exten: &str, line: &str) -> UserConfig {
        UserConfig {
            id,
            version: 1,
            user: app::model::user::User {
                firstname: format!("User {id}"),
                lastname: String::new(),
                exten: exten.into(),
                context: "default".into(),
                line_username: line.into(),
                outgoing_caller_id: app::model::user::OutgoingCallerId::Default,
                ringtime: 30,
                direct_media: false,
            },
            secret: Secret::new(format!("secret-{id}")),
        }
    }

    /// The directory changed in place by a delta equals the one built
    /// whole from the new snapshot: users renamed (two swapping line
    /// names), added and removed, trunks renamed (so moved in the order),
    /// disabled and added, one trunk turning unreachable, the guard, a
    /// line turning Direct media on.
    #[test]
    fn a_directory_changed_in_place_equals_one_built_whole() {
        let mut old = PbxConfig::of_trunks(
            1,
            vec![trunk(1, "alpha"), trunk(2, "bravo"), trunk(3, "charlie")],
        );
        for (id, exten, line) in [(1, "1000", "a"), (2, "1001", "b"), (3, "1002", "c")] {
            old.put_user(id, Some(user(id, exten, line)));
        }
        let mut new = old.next();
        new.put_user(1, Some(user(1, "1000", "b")));
        let mut direct = user(2, "1001", "a");
        direct.user.direct_media = true;
        new.put_user(2, Some(direct));
        new.put_user(3, None);
        new.put_user(4, Some(user(4, "999", "d")));
        let mut renamed = trunk(1, "zulu");
        renamed.version = 2;
        new.put_trunk(1, Some(renamed));
        let mut disabled = trunk(2, "bravo");
        disabled.trunk.disabled = true;
        new.put_trunk(2, Some(disabled));
        new.put_trunk(4, Some(trunk(4, "delta")));
        new.security.max_retry = 3;
        new.delta.security = true;

        let mut dir = directory(&old, &BTreeMap::new());
        let unreachable = BTreeMap::from([(3, "Trunk charlie is UNREACHABLE.".to_owned())]);
        let delta = new.changes_since(&old);
        update_directory(
            &mut dir,
            (&old, &new),
            &delta,
            &unreachable,
            &BTreeSet::from([3]),
        );
        assert_eq!(
            dir.revision,
            Revision {
                lines: 1,
                trunks: 1
            }
        );
        dir.revision = Revision::default();
        assert_eq!(dir, directory(&new, &unreachable));
        let names: Vec<&str> = dir.trunks.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["charlie", "delta", "zulu"]);
        // Reception reads each line's Direct media from the published plan.
        let direct: Vec<i64> = dir
            .plan
            .users
            .iter()
            .filter(|u| u.value.direct_media)
            .map(|u| u.id)
            .collect();
        assert_eq!(direct, [2]);
        // Calls route through the index kept current: a user the delta added calls and is
        // called, one it removed is no longer found.
        let internal = |caller: i64, dialed: &str| match dir.plan.route_outgoing(caller, dialed) {
            Ok(r) => match r.route {
                OutgoingRoute::Internal { user_id, .. } => Some(user_id),
                _ => None,
            },
            Err(_) => None,
        };
        assert_eq!(internal(4, "1000"), Some(1), "the added user calls 1000");
        assert_eq!(internal(1, "999"), Some(4), "1000 calls the added user");
        assert_eq!(internal(1, "1002"), None, "the removed user's number");
        assert!(
            dir.plan.route_outgoing(3, "1000").is_err(),
            "the removed user calls"
        );
    }
}
