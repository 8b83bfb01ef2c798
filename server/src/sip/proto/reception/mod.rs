//! Reception: who may use the PBX and what each new request becomes.
//! Every request no transaction or call claims comes here: REGISTER goes
//! to the registrar, a new INVITE is admitted (a trunk's provider, or a
//! phone that proves its line) and routed by the dial plan, a request in
//! a dialog nobody knows gets 481, and the rest the stateless answers.
//! Failed authentications are counted by the toll-fraud guard, which
//! slows down and then bars an address before its credentials are read.
//!
//! Must not do I/O or read the clock: `now` (monotonic) and `wall` (Unix
//! seconds) are arguments, and the runtime carries out the `Outcome`.

mod directory;
mod invite;
#[cfg(test)]
mod tests;
pub mod unmatched;

pub use directory::{Directory, Revision, TrunkAddresses, TrunkDial};

use crate::sip::proto::answer::{answer, unavailable};
use crate::sip::proto::auth::DigestServer;
use crate::sip::proto::call::NewCall;
use crate::sip::proto::guard::{Admission, Guard};
use crate::sip::proto::message::Method;
use crate::sip::proto::registrar::Registrar;
use crate::sip::proto::{Request, Response, Rng, Transport};
use app::model::calls::UnmatchedCall;
use invite::{decide, Decision, Invite};
use std::net::SocketAddr;
use std::time::Instant;

/// What the runtime sends back for one request.
#[derive(Debug)]
pub enum Reply {
    Respond(Box<Response>),
    /// Hand the INVITE to the calls with this plan.
    Call(Box<NewCall>),
    /// Nothing to answer (an ACK for no one).
    Nothing,
}

/// What the toll-fraud guard made of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardNews {
    Unchanged,
    /// A failure was counted: the list shown to the administrator changed.
    Counted,
    /// The address is now blocked: the driver must drop its packets.
    Blocked,
}

/// Everything one request leads to.
#[derive(Debug)]
pub struct Outcome {
    pub reply: Reply,
    /// The registrar's bindings changed and should be published.
    pub bindings_changed: bool,
    /// A trunk's call to a DID nothing answers, to record.
    pub unmatched: Option<UnmatchedCall>,
    pub guard: GuardNews,
    /// A line registered (or refreshed) with this request.
    pub registered: bool,
}

impl Outcome {
    fn reply(reply: Reply) -> Self {
        Self {
            reply,
            bindings_changed: false,
            unmatched: None,
            guard: GuardNews::Unchanged,
            registered: false,
        }
    }

    fn respond(response: Response) -> Self {
        Self::reply(Reply::Respond(Box::new(response)))
    }
}

/// The request and where it came from.
#[derive(Clone, Copy)]
pub struct Arrival<'a> {
    pub request: &'a Request,
    pub source: SocketAddr,
    pub transport: Transport,
}

/// The state reception keeps between requests: the lines' bindings, the
/// digest nonces, the guard's counts and the tags of stateless answers.
pub struct Reception {
    pub registrar: Registrar,
    pub auth: DigestServer,
    pub guard: Guard,
    /// Which unmatched calls are recorded, per source.
    pub record_limit: unmatched::RecordLimit,
    rng: Rng,
}

impl Reception {
    pub fn new(registrar: Registrar, auth: DigestServer, guard: Guard, rng: Rng) -> Self {
        Self {
            registrar,
            auth,
            guard,
            record_limit: unmatched::RecordLimit::default(),
            rng,
        }
    }

    /// Decides what `arrival` becomes under `directory`.
    pub fn handle(
        &mut self,
        now: Instant,
        wall: u64,
        directory: &Directory,
        addresses: &TrunkAddresses,
        arrival: Arrival<'_>,
    ) -> Outcome {
        let Arrival {
            request,
            source,
            transport,
        } = arrival;
        let new_invite = request.method == Method::Invite && request.headers.to.tag().is_none();
        let authenticates = request.method == Method::Register || new_invite;
        if authenticates && !addresses.is_trunk(source) {
            if let Some(response) = self.barred(now, request, source) {
                return Outcome::respond(response);
            }
        }
        if request.method == Method::Register {
            let outcome = self.registrar.handle(
                &mut self.auth,
                now,
                wall,
                request,
                source,
                transport,
                |user| directory.lines.get(user).cloned(),
            );
            tracing::debug!(%source, status = outcome.response.status, line = ?outcome.line, "REGISTER");
            let guard = if outcome.bad_credentials {
                self.failed(now, wall, addresses, source, &request.method)
            } else {
                if outcome.line.is_some() {
                    self.guard.succeeded(now, source.ip());
                }
                GuardNews::Unchanged
            };
            return Outcome {
                registered: outcome.line.is_some(),
                reply: Reply::Respond(Box::new(outcome.response)),
                bindings_changed: outcome.changed,
                unmatched: None,
                guard,
            };
        }
        if new_invite {
            let invite = Invite {
                directory,
                addresses,
                registrar: &self.registrar,
                request,
                source,
                wall,
            };
            return match decide(&invite, &mut self.auth, now) {
                Decision::Call(call) => {
                    tracing::debug!(%source, callee = %call.labels.callee, "call starts");
                    Outcome::reply(Reply::Call(call))
                }
                Decision::Refuse(response) => {
                    tracing::debug!(%source, status = response.status, "INVITE refused");
                    Outcome::respond(*response)
                }
                Decision::BadCredentials(response) => Outcome {
                    guard: self.failed(now, wall, addresses, source, &request.method),
                    ..Outcome::respond(*response)
                },
                Decision::Unmatched(response, call) => Outcome {
                    // Answered 404 all the same; only the record is limited.
                    unmatched: self.record_limit.admit(now, source.ip()).then_some(call),
                    ..Outcome::respond(*response)
                },
            };
        }
        if request.headers.to.tag().is_some() && request.method != Method::Ack {
            // Inside a dialog the calls do not know (ended, or never ours).
            let response = Response::for_request(request, 481, "Call/Transaction Does Not Exist");
            return Outcome::respond(response);
        }
        match answer(request, &self.rng.token(10)) {
            Some(response) => {
                tracing::debug!(%source, method = %request.method, status = response.status, "answered");
                Outcome::respond(response)
            }
            None => Outcome::reply(Reply::Nothing),
        }
    }

    /// Counts a failed authentication from `source`; never one from a
    /// trunk's provider, which a forged datagram could otherwise get
    /// blocked.
    fn failed(
        &mut self,
        now: Instant,
        wall: u64,
        addresses: &TrunkAddresses,
        source: SocketAddr,
        method: &Method,
    ) -> GuardNews {
        if addresses.is_trunk(source) {
            tracing::info!(%source, %method, "failed authentication from a trunk's address: not counted");
            return GuardNews::Unchanged;
        }
        if self.guard.failed(now, wall, source.ip()) {
            tracing::warn!(address = %source.ip(), %method, "address blocked after repeated failed authentications");
            GuardNews::Blocked
        } else {
            tracing::info!(%source, %method, "failed authentication");
            GuardNews::Counted
        }
    }

    /// The guard's answer for a request that would be authenticated, when
    /// it is not to be served.
    fn barred(&self, now: Instant, request: &Request, source: SocketAddr) -> Option<Response> {
        match self.guard.admit(now, source.ip()) {
            Admission::Allow => None,
            // The driver drops a blocked address's packets; these were
            // already on their way when the block began.
            Admission::Block => Some(Response::for_request(request, 403, "Forbidden")),
            Admission::Throttle { retry_after } => Some(unavailable(request, retry_after)),
        }
    }
}
