//! One row of the trunk list as the console shows it: the columns' text and
//! what registering and monitoring say now. A page of these is written into
//! the page for hydration, so it carries only what the row shows; the whole
//! trunk and its registry history stay on the server (the REST list sends
//! [`TrunkView`]s).

use serde::{Deserialize, Serialize};

use super::TrunkView;
use crate::model::registry::{PeerStatus, RegistrationState, RegistryEntry};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkListRow {
    pub id: i64,
    pub version: i64,
    pub name: String,
    /// The host, or "dynamic".
    pub host: String,
    pub connection: String,
    /// `user@server` when it registers, else "No".
    pub register: String,
    pub monitoring: String,
    pub context: String,
    pub disabled: bool,
    /// `None` for a trunk that neither registers nor is monitored.
    pub status: Option<TrunkStatus>,
}

/// What the registry says of a trunk now, as the list's Status cell needs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrunkStatus {
    pub registers: bool,
    pub state: RegistrationState,
    pub last_response: Option<String>,
    pub qualify: PeerStatus,
}

impl TrunkListRow {
    pub fn new(view: &TrunkView, entry: Option<&RegistryEntry>) -> Self {
        let t = &view.trunk;
        Self {
            id: view.id,
            version: view.version,
            name: t.name.clone(),
            host: t.host_label(),
            connection: t.connection_type.label().to_owned(),
            register: if t.register {
                format!("{}@{}", t.reg_username, t.reg_server)
            } else {
                "No".into()
            },
            monitoring: t.monitoring_label(),
            context: t.context.clone(),
            disabled: t.disabled,
            status: entry.map(|e| TrunkStatus {
                registers: e.registers,
                state: e.state,
                last_response: e.last_response.clone(),
                qualify: e.qualify,
            }),
        }
    }
}
