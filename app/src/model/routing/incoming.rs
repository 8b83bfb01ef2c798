//! Incoming calls: the DID a trunk delivers, looked up among the incoming
//! calls of the trunk's context (REFERENCE §5).

use super::{IncomingResolution, IncomingRoute, RouteError};
use crate::model::config::DialPlan;
use crate::model::incall::{normalize_did, CallerIdNameMode, Incall, IncallDestination};

impl DialPlan {
    /// Where a call to `did` arriving in `context` goes.
    ///
    /// # Errors
    /// [`RouteError::BadDid`] when `did` is not a phone number.
    pub fn route_incoming(
        &self,
        context: &str,
        did: &str,
    ) -> Result<IncomingResolution, RouteError> {
        let did = normalize_did(did).ok_or_else(|| RouteError::BadDid(did.trim().to_owned()))?;
        let found = self
            .incalls
            .iter()
            .find(|i| i.value.context == context && i.value.did == did);
        let route = match found {
            None => IncomingRoute::NoMatch {
                reason: format!(
                    "No incoming call for DID {did} in context \u{201c}{context}\u{201d}."
                ),
            },
            Some(incall) => match incall.value.destination {
                IncallDestination::Hangup => IncomingRoute::Hangup {
                    incall_id: incall.id,
                },
                IncallDestination::User { user_id } => {
                    match self.user_by_id(user_id) {
                        Some(user) => IncomingRoute::User {
                            incall_id: incall.id,
                            user_id,
                            user: user.value.display(),
                            context: user.value.context.clone(),
                            exten: user.value.exten.clone(),
                            caller_id_name: caller_id_name_rule(&incall.value),
                        },
                        // Deleting a user does not delete the incoming calls
                        // pointing at it; the engine must still answer 404
                        // with a reason the administrator can act on.
                        None => IncomingRoute::NoMatch {
                            reason: format!(
                                "The incoming call for DID {did} in context \u{201c}{context}\u{201d} rings user #{user_id}, who no longer exists; choose another destination."
                            ),
                        },
                    }
                }
            },
        };
        Ok(IncomingResolution {
            did,
            context: context.to_owned(),
            route,
        })
    }

    /// Where a call to `did` arriving on the trunk named `trunk_name` goes:
    /// the trunk's context decides.
    ///
    /// # Errors
    /// [`RouteError::UnknownTrunk`] when no trunk has that name (compared
    /// without regard to case), [`RouteError::BadDid`] as
    /// [`DialPlan::route_incoming`].
    pub fn route_incoming_from_trunk(
        &self,
        trunk_name: &str,
        did: &str,
    ) -> Result<IncomingResolution, RouteError> {
        let wanted = trunk_name.trim();
        let trunk = self
            .trunks
            .iter()
            .find(|t| same_name(&t.name, wanted))
            .ok_or_else(|| RouteError::UnknownTrunk(wanted.to_owned()))?;
        self.route_incoming(&trunk.context, did)
    }
}

/// Case-insensitive without allocating: the engine asks on every INVITE.
fn same_name(a: &str, b: &str) -> bool {
    a.chars()
        .flat_map(char::to_lowercase)
        .eq(b.chars().flat_map(char::to_lowercase))
}

/// The caller ID name rule in words, as the route tester shows it.
fn caller_id_name_rule(incall: &Incall) -> String {
    let text = &incall.caller_id_text;
    match incall.caller_id_mode {
        CallerIdNameMode::None => CallerIdNameMode::None.label().to_owned(),
        CallerIdNameMode::Overwrite => format!("Overwrite with \u{201c}{text}\u{201d}"),
        mode => format!("{} \u{201c}{text}\u{201d}", mode.label()),
    }
}
