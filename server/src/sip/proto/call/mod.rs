//! Calls layer: a sans-IO back-to-back user agent (RFC 3261 §12-§15, RFC 3311 for UPDATE). Each
//! call has an inbound leg A (the INVITE server transaction the runtime hands over after
//! authenticating and routing it) and outbound legs B (a parallel fork to a user's contacts, or
//! trunks tried in order with failover, REFERENCE §4). Must not do I/O or read the clock: the
//! Endpoint it is given sends, `now` is an argument, tags and branches come from its Rng.
//!
//! How the runtime drives it, next to the Endpoint:
//! 1. Every `Endpoint::poll_event` result goes to `Calls::handle_event` first; `true` means
//!    the calls took it (CANCEL, in-dialog requests, ACK, responses to our requests).
//! 2. A new INVITE (no To tag) that the calls did not take is the runtime's: it authenticates
//!    it (407), resolves the dial plan and the contacts, then calls `Calls::start` with a
//!    `Target`, or answers it itself (404, 403...).
//! 3. `Calls::poll_timeout` joins the Endpoint's in the runtime's timer; `handle_timeout`
//!    fires it. `poll_event` gives `CallEvent`s (attempts, answers, the `CallRecord` at the
//!    end); `snapshots` gives the live calls screen.

mod answers;
mod dialog;
pub mod dtmf;
mod end;
mod leg;
mod media;
mod outbound;
mod state;
mod timers;
mod types;

#[cfg(test)]
mod tests;

use std::collections::BTreeSet;
use std::time::Instant;

pub use types::{
    Attempt, AttemptResult, CallEvent, CallId, CallLabels, CallRecord, CallState, CallerId,
    ContactTarget, HangupCause, Inbound, MediaPorts, NewCall, Side, Snapshot, Target,
    TrunkCredentials, TrunkMedia, TrunkTarget,
};

use super::idmap::{IdMap, WireMap};
use super::message::{Method, Request};
use super::{Endpoint, Event};
use leg::{BLeg, Dialog};
use state::{ALeg, Call, Plan, Shared, TxRole};

/// Every call of the PBX. Drive it with `start` / `handle_event` / `handle_timeout`, drain it
/// with `poll_event`, read it with `snapshots`.
#[derive(Debug, Default)]
pub struct Calls {
    next_id: u64,
    /// Boxed: a call is about 1.4 KB, and a table of them inline would keep that much again
    /// for each free slot (up to half of them after it grows).
    calls: IdMap<CallId, Box<Call>>,
    /// Each call's next deadline: the runtime asks for the earliest after
    /// every message, which must not cost a look at every call.
    deadlines: BTreeSet<(Instant, CallId)>,
    sh: Shared,
}

impl Calls {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes over a new INVITE (already authenticated and routed by the runtime) and starts the
    /// B legs of `call.target`. A's responses go out on `inbound.tx` through `ep`.
    pub fn start(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        inbound: Inbound,
        call: NewCall,
    ) -> CallId {
        let Inbound {
            tx,
            request: mut invite,
            source,
            transport,
        } = inbound;
        // The runtime checked them; the call, which keeps its INVITE as long as it lasts,
        // never reads them (nor passes them on).
        invite.headers.authorization = Vec::new();
        invite.headers.proxy_authorization = Vec::new();
        self.next_id += 1;
        let id = CallId(self.next_id);
        let tag = ep.rng().token(10);
        let h = &invite.headers;
        let dialog = Dialog {
            call_id: h.call_id.clone(),
            local: h.to.clone().with_tag(&tag).0,
            remote: h.from.0.clone(),
            remote_target: leg::contact_uri(&h.contact).unwrap_or_else(|| h.from.uri().into()),
            route: h.record_route.clone(),
            local_cseq: 0,
            dest: source,
            symmetric: call.caller_is_phone || call.caller_force_rport,
            transport,
        };
        self.sh.track_dialog(dialog.key(), id, Side::Caller);
        if let Some(key) = invite_key(&invite) {
            self.sh.invites.insert(key, id);
        }
        self.sh.track_tx(tx, id, TxRole::AInvite);
        // The trunks move into the plan: the call tries them from there.
        let (plan, contacts) = match call.target {
            Target::Contacts(contacts) => (Plan::Contacts, Some(contacts)),
            Target::Trunks(trunks) => (Plan::Trunks { trunks, next: 0 }, None),
        };
        let mut c = Call {
            id,
            labels: call.labels,
            state: CallState::Ringing,
            started: now,
            answered: None,
            a: ALeg {
                tx,
                invite,
                tag,
                dialog,
            },
            legs: Vec::new(),
            winner: None,
            plan,
            ring_deadline: call.ring_time.map(|d| now + d),
            attempts: Vec::new(),
            trunk: call.from_trunk,
            relay: None,
            pending_ack: None,
            ok_retx: None,
            armed: None,
            media: call.media,
            caller_symmetric_rtp: call.caller_symmetric_rtp,
            caller_timeouts: call.caller_timeouts,
            dtmf: None,
            caller_dtmf_info: call.caller_dtmf_info,
            play_to: None,
        };
        if c.a.invite.headers.max_forwards.is_some_and(|m| m.0 == 0) {
            // A routing loop came back through us (§16.3 check 3).
            c.fail(now, ep, &mut self.sh, 483, HangupCause::Congestion, None);
        } else if let Err(e) = c.check_offer() {
            c.refuse_media(now, ep, &mut self.sh, &e);
        }
        match contacts {
            _ if c.state != CallState::Ringing => {}
            Some(contacts) => c.ring_contacts(now, ep, &mut self.sh, &contacts, &call.from),
            None => c.try_next_trunk(now, ep, &mut self.sh),
        }
        self.calls.insert(id, Box::new(c));
        self.settle(id);
        id
    }

    /// Offers an endpoint event to the calls. Returns false when it is none of theirs (a new
    /// INVITE, a REGISTER, a CANCEL or in-dialog request of no call: the runtime answers it).
    pub fn handle_event(&mut self, now: Instant, ep: &mut Endpoint, ev: &Event) -> bool {
        let sh = &mut self.sh;
        let id = match ev {
            Event::Request {
                tx, request: req, ..
            } if req.method == Method::Cancel => {
                let Some(id) = by_invite(&self.calls, &sh.invites, req) else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_cancel(now, ep, sh, *tx, req);
                }
                id
            }
            Event::Request {
                tx, request: req, ..
            } if req.method == Method::Invite && req.headers.to.tag().is_none() => {
                // A's INVITE again after our 2xx ended its transaction: answer it the same way.
                let Some(c) =
                    by_invite(&self.calls, &sh.invites, req).and_then(|id| self.calls.get(&id))
                else {
                    return false;
                };
                if let Some(r) = &c.ok_retx {
                    let _ = ep.respond(now, *tx, r.response.clone());
                }
                return true;
            }
            Event::Request {
                tx, request: req, ..
            } => {
                let Some(&(id, side)) = dialog_key(req).and_then(|k| sh.dialogs.get(&k)) else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_request(now, ep, sh, *tx, req, side);
                }
                id
            }
            Event::Ack { request, .. } => {
                let Some(&(id, side)) = dialog_key(request).and_then(|k| sh.dialogs.get(&k)) else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_ack(ep, sh, request, side);
                }
                id
            }
            Event::StrayInviteOk { response } => {
                let key = (
                    response.headers.call_id.as_str().to_string(),
                    response.headers.from.tag().unwrap_or_default().to_string(),
                );
                let Some(&(id, Side::Callee)) = sh.dialogs.get(&key) else {
                    return false;
                };
                if let Some(c) = self.calls.get(&id) {
                    c.reack(ep, &key, response.headers.cseq.seq);
                }
                return true;
            }
            Event::Response { tx, .. } | Event::Timeout { tx } | Event::TransportError { tx } => {
                let Some(&(id, role)) = sh.txs.get(tx) else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_tx_event(now, ep, sh, role, ev);
                }
                id
            }
        };
        self.settle(id);
        true
    }

    /// Whether `call_id` is that of a dialog of a call in progress (either leg).
    pub fn has_call_id(&self, call_id: &str) -> bool {
        self.sh.call_ids.contains_key(call_id)
    }

    /// Fires the calls' timers due at or before `now` (ring time, 2xx retransmission on A).
    pub fn handle_timeout(&mut self, now: Instant, ep: &mut Endpoint) {
        let mut due = Vec::new();
        while let Some(&(at, id)) = self.deadlines.first() {
            if at > now {
                break;
            }
            self.deadlines.pop_first();
            due.push(id);
        }
        for id in due {
            if let Some(c) = self.calls.get_mut(&id) {
                c.armed = None;
                c.on_timeout(now, ep, &mut self.sh);
            }
            self.settle(id);
        }
    }

    /// Ends call `id` at the administrator's request: while it rings, 480
    /// to the caller and CANCEL to every leg; once answered, BYE to both
    /// sides. False when there is no such call in progress.
    pub fn hang_up(&mut self, now: Instant, ep: &mut Endpoint, id: CallId) -> bool {
        let Some(c) = self.calls.get_mut(&id) else {
            return false;
        };
        match c.state {
            CallState::Ringing => {
                c.fail(now, ep, &mut self.sh, 480, HangupCause::Administrator, None);
            }
            CallState::Answered => {
                c.end_answered(now, ep, &mut self.sh, HangupCause::Administrator)
            }
            CallState::Ended => return false,
        }
        self.settle(id);
        true
    }

    /// The relay found a side of answered call `id` silent for its trunk's RTP timeout: BYE
    /// to both sides, "media timeout" in the call log. False when the call is not answered
    /// (any more): a late report changes nothing.
    pub fn media_timeout(&mut self, now: Instant, ep: &mut Endpoint, id: CallId) -> bool {
        let Some(c) = self.calls.get_mut(&id) else {
            return false;
        };
        if c.state != CallState::Answered {
            return false;
        }
        c.end_answered(now, ep, &mut self.sh, HangupCause::MediaTimeout);
        self.settle(id);
        true
    }

    /// The relay read `digit` from `from`'s RTP in call `id`: it goes to an `info` trunk as
    /// an INFO (queued behind any not yet answered). False when the call converts no digits.
    pub fn dtmf_digit(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        id: CallId,
        from: Side,
        digit: crate::sip::proto::rtp::Digit,
    ) -> bool {
        let Some(c) = self.calls.get_mut(&id).filter(|c| c.dtmf.is_some()) else {
            return false;
        };
        c.on_digit(now, ep, &mut self.sh, from, digit);
        self.settle(id);
        true
    }

    /// When `handle_timeout` should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.first().map(|(at, _)| *at)
    }

    pub fn poll_event(&mut self) -> Option<CallEvent> {
        self.sh.events.pop_front()
    }

    /// The live calls, oldest first, for the console.
    pub fn snapshots(&self) -> Vec<Snapshot> {
        let mut rows: Vec<Snapshot> = self
            .calls
            .values()
            .filter(|c| c.state != CallState::Ended)
            .map(|c| c.snapshot())
            .collect();
        rows.sort_by_key(|s| (s.started, s.id));
        rows
    }

    /// Entries held in every index: none once all calls have ended.
    #[cfg(test)]
    pub(crate) fn index_entries(&self) -> usize {
        self.calls.len()
            + self.deadlines.len()
            + self.sh.txs.len()
            + self.sh.dialogs.len()
            + self.sh.call_ids.len()
            + self.sh.invites.len()
            + self.sh.owned.len()
    }

    /// Calls currently counted against a trunk's call limit.
    pub fn active_on_trunk(&self, trunk_id: i64) -> u32 {
        self.sh.trunk_active.get(&trunk_id).copied().unwrap_or(0)
    }

    /// After anything happened to call `id`: forgets it once it has
    /// ended and no B leg waits for a final answer any more, else files
    /// its next deadline.
    fn settle(&mut self, id: CallId) {
        let Some(c) = self.calls.get_mut(&id) else {
            return;
        };
        if c.state == CallState::Ended && !c.legs.iter().any(BLeg::ringing) {
            if let Some(at) = c.armed {
                self.deadlines.remove(&(at, id));
            }
            if let Some(key) = invite_key(&c.a.invite) {
                self.sh.invites.remove(&key);
            }
            self.calls.remove(&id);
            self.sh.forget(id);
            return;
        }
        let next = c.next_deadline();
        if next != c.armed {
            if let Some(at) = c.armed {
                self.deadlines.remove(&(at, id));
            }
            if let Some(at) = next {
                self.deadlines.insert((at, id));
            }
            c.armed = next;
        }
    }
}

/// The call whose INVITE `req` (a CANCEL, or that INVITE again) belongs
/// to: looked up by Call-ID and top branch, then checked in full.
fn by_invite(
    calls: &IdMap<CallId, Box<Call>>,
    invites: &WireMap<(String, String), CallId>,
    req: &Request,
) -> Option<CallId> {
    let id = invites.get(&invite_key(req)?)?;
    calls.get(id).filter(|c| c.same_invite(req)).map(|c| c.id)
}

/// The index key of A's INVITE transaction: Call-ID and top Via branch
/// (a CANCEL carries both unchanged, §9.1).
fn invite_key(req: &Request) -> Option<(String, String)> {
    let branch = req.headers.via.first()?.branch()?;
    Some((req.headers.call_id.as_str().to_string(), branch.to_string()))
}

/// The dialog index key of a request we received: Call-ID and the To tag (ours).
fn dialog_key(req: &Request) -> Option<(String, String)> {
    let tag = req.headers.to.tag()?;
    Some((req.headers.call_id.as_str().to_string(), tag.to_string()))
}
