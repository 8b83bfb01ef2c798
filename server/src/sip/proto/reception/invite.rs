//! A new INVITE, before it becomes a call: who sent it (a trunk's
//! provider, or a phone that must prove its line with digest), where the
//! dial plan sends it, and the `NewCall` for the calls, or the refusal.
//! Must not do I/O or read the clock: `now` and `wall` are arguments.

use super::directory::{Directory, TrunkAddresses, TrunkDial};
use super::unmatched::{clip, MAX_DID, MAX_REASON};
use crate::sip::proto::auth::{DigestServer, Verdict};
use crate::sip::proto::call::{
    CallLabels, CallerId, ContactTarget, NewCall, Target, TrunkCredentials, TrunkTarget,
};
use crate::sip::proto::header::NameAddr;
use crate::sip::proto::registrar::{uri_user, Registrar};
use crate::sip::proto::rtp::MediaTimeouts;
use crate::sip::proto::{Request, Response};
use app::model::calls::UnmatchedCall;
use app::model::routing::{CallerIdChoice, IncomingRoute, OutgoingRoute, Presentation};
use app::model::user::User;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// The outcome for one INVITE.
pub(super) enum Decision {
    Call(Box<NewCall>),
    Refuse(Box<Response>),
    /// Wrong credentials: the challenge again, and a failure for the
    /// toll-fraud guard.
    BadCredentials(Box<Response>),
    /// A trunk's call to a DID nothing answers: refused, and recorded so
    /// the administrator sees what arrived.
    Unmatched(Box<Response>, UnmatchedCall),
}

/// The trunk whose provider sent this.
fn trunk_of<'a>(
    directory: &'a Directory,
    addresses: &TrunkAddresses,
    source: SocketAddr,
) -> Option<&'a TrunkDial> {
    directory.trunk(addresses.trunk_at(source)?)
}

fn refuse(request: &Request, status: u16, reason: &str) -> Decision {
    Decision::Refuse(Box::new(Response::for_request(request, status, reason)))
}

fn contacts(registrar: &Registrar, line: &str) -> Vec<ContactTarget> {
    registrar
        .contacts(line)
        .iter()
        .map(|b| ContactTarget {
            uri: b.contact.clone(),
            dest: b.source,
            transport: b.transport,
        })
        .collect()
}

fn seconds(ring: u16) -> Option<Duration> {
    (ring > 0).then(|| Duration::from_secs(u64::from(ring)))
}

/// What one new INVITE is about, and what it is checked against.
pub(super) struct Invite<'a> {
    pub directory: &'a Directory,
    pub addresses: &'a TrunkAddresses,
    pub registrar: &'a Registrar,
    pub request: &'a Request,
    pub source: SocketAddr,
    /// Unix seconds, for what is recorded.
    pub wall: u64,
}

/// Decides what to do with a new INVITE: a trunk's provider is known by
/// its address (or its trunk's credentials), anyone else must prove a
/// line with digest before the dial plan is asked.
pub(super) fn decide(invite: &Invite<'_>, auth: &mut DigestServer, now: Instant) -> Decision {
    let Invite {
        directory,
        addresses,
        registrar,
        request,
        source,
        wall,
    } = *invite;
    let dialed = uri_user(&request.uri.to_string())
        .or_else(|| uri_user(request.headers.to.uri()))
        .unwrap_or("")
        .to_owned();
    let us = request.uri.host_with_port.to_string();
    if let Some(trunk) = trunk_of(directory, addresses, source) {
        return incoming(directory, registrar, trunk, request, &dialed, &us, wall);
    }
    // Anyone else must be one of our phones, or a provider whose trunk
    // authenticates it (`user`, `friend`): no unauthenticated call goes
    // anywhere, least of all to a trunk. Lines come first when a name is both.
    let by_name = |u: &str| {
        directory
            .trunks
            .iter()
            .find(|t| t.authenticates() && t.username == u)
    };
    let password = |u: &str| {
        directory
            .lines
            .get(u)
            .cloned()
            .or_else(|| by_name(u).map(|t| t.password.clone()))
    };
    let username = match auth.verify_proxy(now, request, password) {
        Verdict::Accepted { username } => username,
        Verdict::Challenge(challenge) => {
            return Decision::Refuse(Box::new(DigestServer::proxy_required(request, challenge)))
        }
        Verdict::Refused(challenge) => {
            return Decision::BadCredentials(Box::new(DigestServer::proxy_required(
                request, challenge,
            )))
        }
    };
    let Some(&user_id) = directory.users.get(&username) else {
        if let Some(trunk) = by_name(&username).filter(|_| !directory.lines.contains_key(&username))
        {
            return incoming(directory, registrar, trunk, request, &dialed, &us, wall);
        }
        return refuse(request, 403, "Forbidden");
    };
    outgoing(
        directory, addresses, registrar, user_id, request, &dialed, &us,
    )
}

fn incoming(
    directory: &Directory,
    registrar: &Registrar,
    trunk: &TrunkDial,
    request: &Request,
    dialed: &str,
    us: &str,
    wall: u64,
) -> Decision {
    let unmatched = |reason: String| {
        // Whatever the provider's address sends (or a forger using it) is cut to a readable
        // length before it is logged or stored.
        let did = clip(dialed, MAX_DID);
        let reason = clip(&reason, MAX_REASON);
        tracing::info!(trunk = %trunk.name, %did, %reason, "unmatched incoming call: 404");
        Decision::Unmatched(
            Box::new(Response::for_request(request, 404, "Not Found")),
            UnmatchedCall {
                at: i64::try_from(wall).unwrap_or(i64::MAX),
                trunk: clip(&trunk.name, MAX_DID),
                did,
                reason,
            },
        )
    };
    let resolution = match directory
        .plan
        .route_incoming_from_trunk(&trunk.name, dialed)
    {
        Ok(r) => r,
        Err(error) => return unmatched(error.to_string()),
    };
    match resolution.route {
        IncomingRoute::User {
            incall_id,
            user_id,
            user,
            ..
        } => {
            let Some(line) = directory.plan.user_by_id(user_id) else {
                return refuse(request, 404, "Not Found");
            };
            let targets = contacts(registrar, &line.value.line_username);
            if targets.is_empty() {
                return refuse(request, 480, "Temporarily Unavailable");
            }
            let received = request
                .headers
                .from
                .0
                .display_name()
                .unwrap_or_default()
                .into_owned();
            let shown = directory
                .plan
                .incalls
                .iter()
                .find(|i| i.id == incall_id)
                .map_or(received.clone(), |i| {
                    i.value
                        .caller_id_mode
                        .apply(&i.value.caller_id_text, &received)
                });
            let caller = uri_user(request.headers.from.uri())
                .unwrap_or("")
                .to_owned();
            let mut from = NameAddr::new(format!("sip:{caller}@{us}"));
            from.set_display_name(&shown);
            Decision::Call(Box::new(NewCall {
                target: Target::Contacts(targets),
                labels: CallLabels {
                    caller: caller.clone(),
                    callee: user,
                    dialed: resolution.did,
                },
                from,
                ring_time: seconds(line.value.ringtime),
                caller_is_phone: false,
                caller_force_rport: trunk.force_rport,
                from_trunk: Some(trunk.name.clone()),
                // Both ends must allow it, as Asterisk's directmedia: the trunk and the line.
                direct_media: trunk.direct_media && line.value.direct_media,
                caller_symmetric_rtp: trunk.media.symmetric_rtp,
                caller_timeouts: trunk.media.timeouts,
                caller_dtmf_info: !trunk.media.telephone_event,
                media: None,
            }))
        }
        IncomingRoute::Hangup { .. } => refuse(request, 603, "Decline"),
        IncomingRoute::NoMatch { reason } => unmatched(reason),
    }
}

/// The identity sent on a trunk. When nothing in the configuration sets
/// one, the caller's own name and extension go out, as Asterisk keeps the
/// channel's caller ID; anonymous only when asked for.
fn caller_id(choice: &CallerIdChoice, own: Option<&User>) -> CallerId {
    let anonymous = choice.presentation == Presentation::Prohibited;
    if choice.number.is_none() && !anonymous {
        return CallerId {
            name: choice.name.clone().or_else(|| own.map(User::full_name)),
            number: own.map(|u| u.exten.clone()),
            anonymous,
        };
    }
    CallerId {
        name: choice.name.clone(),
        number: choice.number.clone(),
        anonymous,
    }
}

fn outgoing(
    directory: &Directory,
    addresses: &TrunkAddresses,
    registrar: &Registrar,
    user_id: i64,
    request: &Request,
    dialed: &str,
    us: &str,
) -> Decision {
    let resolution = match directory.plan.route_outgoing(user_id, dialed) {
        Ok(r) => r,
        Err(error) => {
            tracing::info!(user_id, number = %dialed, %error, "call refused");
            return refuse(request, 404, "Not Found");
        }
    };
    let caller = directory.plan.user_by_id(user_id);
    let mut from = NameAddr::new(format!(
        "sip:{}@{us}",
        caller.map_or("", |u| u.value.exten.as_str())
    ));
    if let Some(u) = caller {
        from.set_display_name(&u.value.full_name());
    }
    // Direct media needs the caller's line to allow it, whatever the other end says.
    let caller_direct = caller.is_some_and(|u| u.value.direct_media);
    match resolution.route {
        OutgoingRoute::Internal {
            user_id: callee,
            user,
            ..
        } => {
            let Some(line) = directory.plan.user_by_id(callee) else {
                return refuse(request, 404, "Not Found");
            };
            let targets = contacts(registrar, &line.value.line_username);
            if targets.is_empty() {
                return refuse(request, 480, "Temporarily Unavailable");
            }
            Decision::Call(Box::new(NewCall {
                target: Target::Contacts(targets),
                labels: CallLabels {
                    caller: resolution.caller,
                    callee: user,
                    dialed: resolution.dialed,
                },
                from,
                ring_time: seconds(line.value.ringtime),
                caller_is_phone: true,
                caller_force_rport: false,
                from_trunk: None,
                direct_media: caller_direct && line.value.direct_media,
                caller_symmetric_rtp: true,
                caller_timeouts: MediaTimeouts::default(),
                caller_dtmf_info: false,
                media: None,
            }))
        }
        OutgoingRoute::External {
            outcall,
            trunks,
            ringtime,
            ..
        } => {
            let mut targets = Vec::with_capacity(trunks.len());
            // Direct media only when the caller's line and every trunk that may answer allow it.
            let mut direct = caller_direct && !trunks.is_empty();
            for attempt in &trunks {
                let Some(trunk) = directory.trunk(attempt.trunk_id) else {
                    continue;
                };
                let host = trunk.host.clone().unwrap_or_default();
                let dest = addresses.call_address(trunk.id);
                let skipped = attempt
                    .skipped
                    .clone()
                    .or_else(|| trunk.unavailable.clone())
                    .or_else(|| {
                        dest.is_none()
                            .then(|| format!("Trunk {} has no address to call.", trunk.name))
                    });
                targets.push(TrunkTarget {
                    trunk_id: trunk.id,
                    name: trunk.name.clone(),
                    request_uri: format!("sip:{}@{host}:{}", attempt.number, trunk.port),
                    from_domain: if trunk.from_domain.is_empty() {
                        host.clone()
                    } else {
                        trunk.from_domain.clone()
                    },
                    from_user: Some(trunk.from_user.clone()).filter(|u| !u.is_empty()),
                    caller_id: caller_id(&attempt.caller_id, caller.map(|u| &u.value)),
                    dest: dest.unwrap_or_else(|| SocketAddr::from(([0, 0, 0, 0], 0))),
                    transport: trunk.transport,
                    credentials: (!trunk.username.is_empty()).then(|| TrunkCredentials {
                        username: trunk.username.clone(),
                        password: trunk.password.clone(),
                    }),
                    media: trunk.media.clone(),
                    call_limit: trunk.call_limit,
                    skipped,
                    force_rport: trunk.force_rport,
                });
                direct &= trunk.direct_media;
            }
            Decision::Call(Box::new(NewCall {
                target: Target::Trunks(targets),
                labels: CallLabels {
                    caller: resolution.caller,
                    callee: outcall,
                    dialed: resolution.dialed,
                },
                from,
                ring_time: seconds(ringtime),
                caller_is_phone: true,
                caller_force_rport: false,
                from_trunk: None,
                direct_media: direct,
                caller_symmetric_rtp: true,
                caller_timeouts: MediaTimeouts::default(),
                caller_dtmf_info: false,
                media: None,
            }))
        }
        OutgoingRoute::NoMatch(no) => {
            tracing::info!(user_id, number = %dialed, reasons = ?no.reasons, "no route: 404");
            refuse(request, 404, "Not Found")
        }
    }
}
