//! The engine's side of the users' lines: line passwords from the
//! configuration for the registrar, and the registrar's bindings turned
//! into the console's `LineBinding` (shown on the Users screen, in `sip
//! show peers`, and persisted by `serve`).

use crate::sip::proto::registrar::Binding;
use crate::sip::proto::Transport;
use crate::sip::runtime::{Directory, TrunkDial};
use app::model::lines::LineBinding;
use app::model::PbxConfig;
use std::sync::Arc;
use tokio::sync::watch;

/// What the lines task works from: line passwords and user ids by line
/// username, the dial plan, and the enabled trunks with their
/// credentials.
pub fn directory(config: &PbxConfig) -> Directory {
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
                TrunkDial {
                    id: t.id,
                    name: trunk.name.clone(),
                    host: trunk.host.clone(),
                    port: trunk.port,
                    registrar: trunk
                        .register
                        .then(|| (trunk.reg_server.clone(), trunk.reg_port)),
                    transport: Transport::Udp,
                    username: trunk.auth_username.clone(),
                    password: t.secret.expose().to_owned(),
                    from_domain: trunk.from_domain.clone(),
                    call_limit: u32::from(trunk.call_limit),
                }
            })
            .collect(),
    }
}

pub fn to_model(b: &Binding) -> LineBinding {
    LineBinding {
        line_username: b.aor.clone(),
        contact: b.contact.clone(),
        expires_at: i64::try_from(b.expires_at).unwrap_or(i64::MAX),
        call_id: b.call_id.clone(),
        cseq: b.cseq,
        user_agent: b.user_agent.clone(),
        source: b.source.to_string(),
        transport: b.transport.as_str().to_ascii_lowercase(),
    }
}

/// A stored binding back into the registrar's form; `None` for a row
/// whose address or transport no longer reads.
pub fn from_model(b: &LineBinding) -> Option<Binding> {
    Some(Binding {
        aor: b.line_username.clone(),
        contact: b.contact.clone(),
        expires_at: u64::try_from(b.expires_at).ok()?,
        call_id: b.call_id.clone(),
        cseq: b.cseq,
        user_agent: b.user_agent.clone(),
        source: b.source.parse().ok()?,
        transport: Transport::parse(&b.transport)?,
    })
}

/// Follows the registrar's bindings and republishes them for the console,
/// sorted by line and contact.
pub async fn follow_bindings(
    mut bindings: watch::Receiver<Arc<Vec<Binding>>>,
    out: watch::Sender<Arc<Vec<LineBinding>>>,
) {
    loop {
        let mut rows: Vec<LineBinding> =
            bindings.borrow_and_update().iter().map(to_model).collect();
        rows.sort_by(|a, b| (&a.line_username, &a.contact).cmp(&(&b.line_username, &b.contact)));
        out.send_replace(Arc::new(rows));
        if bindings.changed().await.is_err() {
            break;
        }
    }
}
