//! The route tester's questions, answered from the configuration the
//! engine runs on (the last published snapshot), not from the database,
//! so the answer is what a call placed now would do.

use super::ServiceError;
use crate::model::routing::{IncomingResolution, OutgoingResolution, RouteError};
use crate::model::{DialPlan, FieldErrors};
use crate::ssr::state::Core;

/// The routing half of the running configuration, for the browser's
/// live route tester. No secrets are in it.
pub fn dial_plan(core: &Core) -> DialPlan {
    let snapshot = core.config.borrow().clone();
    snapshot.dial_plan()
}

fn refused(field: &str, error: &RouteError) -> ServiceError {
    ServiceError::Invalid(FieldErrors::single(field, error.to_string()))
}

/// Where `number` dialed by `caller` (extension or line username) goes.
///
/// # Errors
/// `Invalid` naming `caller` or `number` when the question is malformed.
pub fn outgoing(
    core: &Core,
    caller: &str,
    number: &str,
) -> Result<OutgoingResolution, ServiceError> {
    let plan = dial_plan(core);
    let user = plan
        .find_caller(caller.trim())
        .map_err(|e| refused("caller", &e))?
        .id;
    plan.route_outgoing(user, number).map_err(|e| match e {
        RouteError::UnknownCaller(_) | RouteError::AmbiguousCaller(..) => refused("caller", &e),
        other => refused("number", &other),
    })
}

/// Where a call to `did` arriving on trunk `trunk` (its name) goes.
///
/// # Errors
/// `Invalid` naming `trunk` or `did` when the question is malformed.
pub fn incoming(core: &Core, trunk: &str, did: &str) -> Result<IncomingResolution, ServiceError> {
    dial_plan(core)
        .route_incoming_from_trunk(trunk.trim(), did)
        .map_err(|e| match e {
            RouteError::UnknownTrunk(_) => refused("trunk", &e),
            other => refused("did", &other),
        })
}
