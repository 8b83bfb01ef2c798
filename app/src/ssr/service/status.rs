//! What the console and REST read of the engine's status, and the actions
//! they ask of it: one function each, so the Status screens, the Users
//! screen and `/api/v1` cannot drift apart. Reads only: nothing here
//! writes the database or the configuration.

use super::ServiceError;
use crate::model::lines::{line_statuses, LineStatus};
use crate::model::list::{ListPage, Paging};
use crate::model::registry::{page_of, PageFollow, RegistryAction, RegistryEntry};
use crate::ssr::state::AppState;
use std::collections::HashSet;
use std::sync::Arc;

/// Every trunk's registry row, by trunk name.
pub fn registry(state: &AppState) -> Vec<RegistryEntry> {
    state.engine.registry_rows()
}

/// One page of the registry as the console's address (`?q=&page=`) or REST
/// (`?q=&limit=&offset=`) asks for it; `Invalid` naming the query field at fault.
pub fn registry_page(
    state: &AppState,
    query: &impl Paging,
) -> Result<ListPage<RegistryEntry>, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let shared: Vec<Arc<RegistryEntry>> = state.engine.registry.borrow().rows().cloned().collect();
    Ok(page_of(&shared, &window))
}

/// What the stream of the registry page `query` asks for follows (`PageFollow`).
pub fn registry_follow(state: &AppState, query: &impl Paging) -> Result<PageFollow, ServiceError> {
    let window = query.window().map_err(ServiceError::Invalid)?;
    let shared: Vec<Arc<RegistryEntry>> = state.engine.registry.borrow().rows().cloned().collect();
    Ok(PageFollow::of(&page_of(&shared, &window), &window))
}

/// The registry rows of the trunks `ids` (one page of the trunk list).
pub fn registry_of(state: &AppState, ids: impl IntoIterator<Item = i64>) -> Vec<RegistryEntry> {
    let wanted: HashSet<i64> = ids.into_iter().collect();
    state
        .engine
        .registry
        .borrow()
        .rows()
        .filter(|r| wanted.contains(&r.trunk_id))
        .map(|r| r.as_ref().clone())
        .collect()
}

/// "Re-register now" or "Send OPTIONS now" for trunk `trunk_id`; refused
/// for a trunk that is not (or no longer) configured, so a stale screen
/// gets a sentence rather than a silent no-op.
pub fn registry_act(
    state: &AppState,
    trunk_id: i64,
    action: RegistryAction,
) -> Result<(), ServiceError> {
    let exists = state
        .core
        .config
        .borrow()
        .trunks
        .iter()
        .any(|t| t.id == trunk_id);
    if !exists {
        return Err(ServiceError::NotFound(format!(
            "Trunk {trunk_id} does not exist any more."
        )));
    }
    state.engine.act(trunk_id, action);
    Ok(())
}

/// Where every user's line is registered, in the users' order, with the
/// time each contact has left now.
pub fn lines(state: &AppState) -> Vec<LineStatus> {
    let users = state.core.config.borrow().users.clone();
    let bindings = state.engine.lines.borrow().clone();
    line_statuses(&users, &bindings, crate::ssr::unix_now())
}

/// The lines of the users `ids` (one page of the user list), as [`lines`]
/// shows them; only their bindings are looked at.
pub fn lines_of(state: &AppState, ids: impl IntoIterator<Item = i64>) -> Vec<LineStatus> {
    let wanted: HashSet<i64> = ids.into_iter().collect();
    let users: Vec<_> = state
        .core
        .config
        .borrow()
        .users
        .iter()
        .filter(|u| wanted.contains(&u.id))
        .cloned()
        .collect();
    let bindings = state.engine.lines.borrow().clone();
    line_statuses(&users, &bindings, crate::ssr::unix_now())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::lines::LineBinding;
    use crate::model::trunk::Transport;
    use crate::ssr::service::testing::{core, engine_link, seed};
    use leptos::prelude::LeptosOptions;
    use std::sync::Arc;
    use tokio::sync::{mpsc, watch};

    #[tokio::test]
    async fn an_action_reaches_the_engine_only_for_a_configured_trunk() {
        let core = core().await;
        let (trunk, _, _) = seed(&core).await;
        let mut link = engine_link().link;
        let (actions, mut asked) = mpsc::unbounded_channel();
        link.actions = actions;
        let state = AppState::new(
            LeptosOptions::builder().output_name("t").build(),
            core,
            link,
        );

        let missing = registry_act(&state, trunk + 100, RegistryAction::Reregister);
        assert!(
            matches!(&missing, Err(ServiceError::NotFound(m)) if m == &format!("Trunk {} does not exist any more.", trunk + 100)),
            "{missing:?}"
        );
        assert!(asked.try_recv().is_err(), "nothing was asked of the engine");

        registry_act(&state, trunk, RegistryAction::Qualify).expect("configured trunk");
        assert_eq!(
            asked.try_recv().ok(),
            Some((trunk, RegistryAction::Qualify))
        );
    }

    #[tokio::test]
    async fn lines_show_each_users_registered_contacts() {
        let core = core().await;
        seed(&core).await;
        let mut link = engine_link().link;
        let expires_at = crate::ssr::unix_now() + 120;
        let (_bindings, lines_rx) = watch::channel(Arc::new(vec![LineBinding {
            line_username: core.config.borrow().users[0].user.line_username.clone(),
            contact: "sip:1000@192.0.2.10:5062".into(),
            expires_at,
            call_id: "c".into(),
            cseq: 1,
            user_agent: "Desk phone".into(),
            source: "192.0.2.10:5062".parse().expect("address"),
            transport: Transport::Udp,
        }]));
        link.lines = lines_rx;
        let state = AppState::new(
            LeptosOptions::builder().output_name("t").build(),
            core,
            link,
        );

        let shown = lines(&state);
        assert_eq!(shown.len(), 1);
        let contacts = &shown[0].contacts;
        assert_eq!(contacts.len(), 1);
        assert_eq!(contacts[0].source.to_string(), "192.0.2.10:5062");
        assert!(
            (118..=120).contains(&contacts[0].expires_in),
            "{}",
            contacts[0].expires_in
        );
    }
}
