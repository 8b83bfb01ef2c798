//! A new INVITE, before it becomes a call: who sent it (a trunk's provider,
//! or a phone that must prove its line with digest), where the dial plan
//! sends it, and the `NewCall` for the calls — or the refusal. The only
//! I/O is resolving trunk host names, done when the configuration changes
//! (`TrunkAddresses`), never per INVITE.

use crate::sip::proto::auth::{DigestServer, Verdict};
use crate::sip::proto::call::{
    CallLabels, CallerId, ContactTarget, NewCall, Target, TrunkCredentials, TrunkTarget,
};
use crate::sip::proto::guard::GuardConfig;
use crate::sip::proto::header::NameAddr;
use crate::sip::proto::registrar::{uri_user, Registrar};
use crate::sip::proto::{Request, Response, Transport};
use app::model::calls::UnmatchedCall;
use app::model::routing::{CallerIdChoice, IncomingRoute, OutgoingRoute, Presentation};
use app::model::trunk::ConnectionType;
use app::model::user::User;
use app::model::DialPlan;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// A trunk as calls need it: where it is and how to authenticate there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrunkDial {
    pub id: i64,
    pub name: String,
    /// Static host; `None` for a dynamic trunk (no address to call).
    pub host: Option<String>,
    pub port: u16,
    /// The registrar, when the trunk registers: providers send calls from it.
    pub registrar: Option<(String, u16)>,
    pub transport: Transport,
    pub username: String,
    pub password: String,
    pub from_domain: String,
    /// The user part of From on the trunk's calls (chan_sip `fromuser`); empty: the caller's.
    pub from_user: String,
    pub call_limit: u32,
    /// Monitoring found it UNREACHABLE or LAGGED: skipped at once.
    pub unavailable: Option<String>,
    /// chan_sip's `type`: a `peer`'s calls are known by their address, a `user`'s by its
    /// username and password (407), a `friend`'s by either.
    pub connection: ConnectionType,
    /// Where the trunk's INVITEs are sent instead of its host (chan_sip `outboundproxy`);
    /// the Request-URI still names the host.
    pub outbound_proxy: Option<(String, u16)>,
}

impl TrunkDial {
    fn matched_by_address(&self) -> bool {
        matches!(
            self.connection,
            ConnectionType::Peer | ConnectionType::Friend
        )
    }

    fn authenticates(&self) -> bool {
        matches!(
            self.connection,
            ConnectionType::User | ConnectionType::Friend
        ) && !self.username.is_empty()
    }
}

/// What the lines task knows of the configuration.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Directory {
    /// Each line's password by its username.
    pub lines: HashMap<String, String>,
    /// Each line's user id by its username.
    pub users: HashMap<String, i64>,
    pub plan: DialPlan,
    pub trunks: Vec<TrunkDial>,
    /// The toll-fraud guard's settings.
    pub guard: GuardConfig,
}

/// The outcome for one INVITE.
pub enum Decision {
    Call(Box<NewCall>),
    Refuse(Box<Response>),
    /// Wrong credentials: the challenge again, and a failure for the
    /// toll-fraud guard.
    BadCredentials(Box<Response>),
    /// A trunk's call to a DID nothing answers: refused, and recorded so
    /// the administrator sees what arrived.
    Unmatched(Box<Response>, UnmatchedCall),
}

async fn resolve(host: &str, port: u16) -> Vec<SocketAddr> {
    match tokio::net::lookup_host((host, port)).await {
        Ok(addrs) => addrs.collect(),
        Err(error) => {
            tracing::warn!(%host, %error, "trunk host does not resolve");
            Vec::new()
        }
    }
}

/// Where each trunk is, resolved once per configuration change rather than
/// on every INVITE: name lookups must not sit on the call path.
#[derive(Clone, Debug, Default)]
pub struct TrunkAddresses {
    /// Where calls to the trunk go (its static host).
    call: HashMap<i64, SocketAddr>,
    /// Addresses whose INVITEs come from the trunk's provider: its host
    /// and its registrar, matched with the port as chan_sip matches peers.
    sources: HashMap<SocketAddr, i64>,
}

impl TrunkAddresses {
    /// Whether `source` is a trunk's provider.
    pub fn is_trunk(&self, source: SocketAddr) -> bool {
        self.sources.contains_key(&source)
    }

    /// Every address a trunk's provider sends from.
    pub fn sources(&self) -> impl Iterator<Item = SocketAddr> + '_ {
        self.sources.keys().copied()
    }

    pub async fn resolve(directory: &Directory) -> Self {
        let mut out = Self::default();
        for trunk in &directory.trunks {
            // A dynamic trunk has no host to call, through a proxy or not.
            if let (Some(_), Some((proxy, port))) = (&trunk.host, &trunk.outbound_proxy) {
                if let Some(first) = resolve(proxy, *port).await.first() {
                    out.call.insert(trunk.id, *first);
                }
            }
            if let Some(host) = &trunk.host {
                let addrs = resolve(host, trunk.port).await;
                if let Some(first) = addrs.first() {
                    out.call.entry(trunk.id).or_insert(*first);
                }
                for a in addrs.into_iter().filter(|_| trunk.matched_by_address()) {
                    out.sources.entry(a).or_insert(trunk.id);
                }
            }
            if !trunk.matched_by_address() {
                continue;
            }
            if let Some((host, port)) = &trunk.registrar {
                for a in resolve(host, *port).await {
                    out.sources.entry(a).or_insert(trunk.id);
                }
            }
        }
        out
    }
}

/// The trunk whose provider sent this.
fn trunk_of<'a>(
    directory: &'a Directory,
    addresses: &TrunkAddresses,
    source: SocketAddr,
) -> Option<&'a TrunkDial> {
    let id = addresses.sources.get(&source)?;
    directory.trunks.iter().find(|t| t.id == *id)
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

/// Decides what to do with a new INVITE.
pub fn decide(
    directory: &Directory,
    addresses: &TrunkAddresses,
    registrar: &Registrar,
    auth: &mut DigestServer,
    now: Instant,
    request: &Request,
    source: SocketAddr,
) -> Decision {
    let dialed = uri_user(&request.uri.to_string())
        .or_else(|| uri_user(request.headers.to.uri()))
        .unwrap_or("")
        .to_owned();
    let us = request.uri.host_with_port.to_string();
    if let Some(trunk) = trunk_of(directory, addresses, source) {
        return incoming(directory, registrar, trunk, request, &dialed, &us);
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
            return incoming(directory, registrar, trunk, request, &dialed, &us);
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
) -> Decision {
    let unmatched = |reason: String| {
        tracing::info!(trunk = %trunk.name, did = %dialed, %reason, "unmatched incoming call: 404");
        Decision::Unmatched(
            Box::new(Response::for_request(request, 404, "Not Found")),
            UnmatchedCall {
                at: app::ssr::unix_now(),
                trunk: trunk.name.clone(),
                did: dialed.to_owned(),
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
            let Some(line) = directory.plan.users.iter().find(|u| u.id == user_id) else {
                return refuse(request, 404, "Not Found");
            };
            let targets = contacts(registrar, &line.value.line_username);
            if targets.is_empty() {
                return refuse(request, 480, "Temporarily Unavailable");
            }
            let received = request.headers.from.0.display.clone().unwrap_or_default();
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
            from.display = (!shown.is_empty()).then_some(shown);
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
    let caller = directory.plan.users.iter().find(|u| u.id == user_id);
    let mut from = NameAddr::new(format!(
        "sip:{}@{us}",
        caller.map_or("", |u| u.value.exten.as_str())
    ));
    from.display = caller.map(|u| u.value.full_name());
    match resolution.route {
        OutgoingRoute::Internal {
            user_id: callee,
            user,
            ..
        } => {
            let Some(line) = directory.plan.users.iter().find(|u| u.id == callee) else {
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
            }))
        }
        OutgoingRoute::External {
            outcall,
            trunks,
            ringtime,
            ..
        } => {
            let mut targets = Vec::with_capacity(trunks.len());
            for attempt in &trunks {
                let Some(trunk) = directory.trunks.iter().find(|t| t.id == attempt.trunk_id) else {
                    continue;
                };
                let host = trunk.host.clone().unwrap_or_default();
                let dest = addresses.call.get(&trunk.id).copied();
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
                    call_limit: trunk.call_limit,
                    skipped,
                });
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
            }))
        }
        OutgoingRoute::NoMatch(no) => {
            tracing::info!(user_id, number = %dialed, reasons = ?no.reasons, "no route: 404");
            refuse(request, 404, "Not Found")
        }
    }
}
