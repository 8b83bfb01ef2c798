//! Calls layer: a sans-IO back-to-back user agent (RFC 3261 §12-§15, RFC 3311 for UPDATE). Each
//! call has an inbound leg A (the INVITE server transaction the runtime hands over after
//! authenticating and routing it) and outbound legs B (a parallel fork to a user's contacts, or
//! trunks tried in order with failover, REFERENCE §4). Must not do I/O or read the clock: the
//! Endpoint it is given sends, `now` is an argument, tags and branches come from its Rng.

mod dialog;
mod leg;
mod outbound;
mod types;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::Instant;

pub use types::{
    Attempt, AttemptResult, CallEvent, CallId, CallLabels, CallRecord, CallState, CallerId,
    CallsConfig, ContactTarget, HangupCause, NewCall, Side, Snapshot, Target, TrunkCredentials,
    TrunkTarget,
};

use super::header::NameAddr;
use super::message::{Method, Request, Transport};
use super::{Endpoint, Event, TxId};
use leg::{BLeg, Dialog};

/// What a transaction of ours is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TxRole {
    /// A's INVITE server transaction.
    AInvite,
    /// The INVITE of B leg number `n`.
    BInvite(usize),
    /// A re-INVITE, UPDATE or INFO relayed to the other leg.
    Relay,
    /// BYE and CANCEL we sent: their answers change nothing.
    Other,
}

/// The inbound leg.
#[derive(Debug)]
struct ALeg {
    tx: TxId,
    invite: Request,
    /// Our To tag towards A.
    tag: String,
    dialog: Dialog,
}

/// A re-INVITE, UPDATE or INFO in flight from one leg to the other.
#[derive(Debug)]
struct Relay {
    from: Side,
    server_tx: TxId,
    request: Request,
}

/// A relayed re-INVITE was answered 2xx: the originator's ACK goes on to the other leg.
#[derive(Debug, Clone, Copy)]
struct PendingAck {
    from: Side,
    seq: u32,
    downstream_seq: u32,
}

/// Where the B legs come from.
#[derive(Debug)]
enum Plan {
    Contacts,
    Trunks { trunks: Vec<TrunkTarget>, next: usize },
}

#[derive(Debug)]
struct Call {
    id: CallId,
    labels: CallLabels,
    state: CallState,
    started: Instant,
    answered: Option<Instant>,
    a: ALeg,
    legs: Vec<BLeg>,
    winner: Option<usize>,
    plan: Plan,
    from: NameAddr,
    ring_deadline: Option<Instant>,
    attempts: Vec<Attempt>,
    trunk: Option<String>,
    relay: Option<Relay>,
    pending_ack: Option<PendingAck>,
}

/// State shared by all calls: indexes from transactions and dialogs to calls, trunk usage.
#[derive(Debug)]
struct Shared {
    cfg: CallsConfig,
    txs: HashMap<TxId, (CallId, TxRole)>,
    /// (Call-ID, our tag) → the call and which leg that dialog is.
    dialogs: HashMap<(String, String), (CallId, Side)>,
    /// Active calls per trunk id, against the trunk's call limit.
    trunk_active: HashMap<i64, u32>,
    events: VecDeque<CallEvent>,
}

/// Every call of the PBX. Drive it with `start` / `handle_event` / `handle_timeout`, drain it
/// with `poll_event`, read it with `snapshots`.
#[derive(Debug)]
pub struct Calls {
    next_id: u64,
    calls: HashMap<CallId, Call>,
    sh: Shared,
}

impl Calls {
    pub fn new(cfg: CallsConfig) -> Self {
        Self {
            next_id: 0,
            calls: HashMap::new(),
            sh: Shared {
                cfg,
                txs: HashMap::new(),
                dialogs: HashMap::new(),
                trunk_active: HashMap::new(),
                events: VecDeque::new(),
            },
        }
    }

    /// Takes over a new INVITE (server transaction `tx`, already authenticated and routed by the
    /// runtime) and starts the B legs of `call.target`.
    #[allow(clippy::too_many_arguments)]
    pub fn start(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        tx: TxId,
        invite: &Request,
        source: SocketAddr,
        transport: Transport,
        call: NewCall,
    ) -> CallId {
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
            transport,
        };
        self.sh.dialogs.insert(dialog.key(), (id, Side::Caller));
        self.sh.txs.insert(tx, (id, TxRole::AInvite));
        let plan = match &call.target {
            Target::Contacts(_) => Plan::Contacts,
            Target::Trunks(t) => Plan::Trunks {
                trunks: t.clone(),
                next: 0,
            },
        };
        let mut c = Call {
            id,
            labels: call.labels,
            state: CallState::Ringing,
            started: now,
            answered: None,
            a: ALeg {
                tx,
                invite: invite.clone(),
                tag,
                dialog,
            },
            legs: Vec::new(),
            winner: None,
            plan,
            from: call.from,
            ring_deadline: call.ring_time.map(|d| now + d),
            attempts: Vec::new(),
            trunk: None,
            relay: None,
            pending_ack: None,
        };
        match call.target {
            Target::Contacts(contacts) => c.ring_contacts(now, ep, &mut self.sh, &contacts),
            Target::Trunks(_) => c.try_next_trunk(now, ep, &mut self.sh),
        }
        self.calls.insert(id, c);
        self.reap(id);
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
                let Some(id) = self.calls.values().find(|c| c.cancels(req)).map(|c| c.id) else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_cancel(now, ep, sh, *tx, req);
                }
                id
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
                let Some(&(id, side)) = dialog_key(request).and_then(|k| sh.dialogs.get(&k))
                else {
                    return false;
                };
                if let Some(c) = self.calls.get_mut(&id) {
                    c.on_ack(ep, request, side);
                }
                id
            }
            Event::StrayInviteOk { response } => {
                let key = (
                    response.headers.call_id.as_str().to_string(),
                    response.headers.from.tag().unwrap_or_default().to_string(),
                );
                let Some(c) = self.calls.values().find(|c| c.owns_leg_dialog(&key)) else {
                    return false;
                };
                c.reack(ep, &key);
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
        self.reap(id);
        true
    }

    /// Fires ring-time deadlines due at or before `now`.
    pub fn handle_timeout(&mut self, now: Instant, ep: &mut Endpoint) {
        let due: Vec<CallId> = self
            .calls
            .values()
            .filter(|c| c.state == CallState::Ringing && c.ring_deadline.is_some_and(|d| d <= now))
            .map(|c| c.id)
            .collect();
        for id in due {
            if let Some(c) = self.calls.get_mut(&id) {
                c.fail(now, ep, &mut self.sh, 480, HangupCause::NoAnswer, None);
            }
            self.reap(id);
        }
    }

    /// When `handle_timeout` should next be called.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.calls
            .values()
            .filter(|c| c.state == CallState::Ringing)
            .filter_map(|c| c.ring_deadline)
            .min()
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
            .map(Call::snapshot)
            .collect();
        rows.sort_by_key(|s| (s.started, s.id));
        rows
    }

    /// Calls currently counted against a trunk's call limit.
    pub fn active_on_trunk(&self, trunk_id: i64) -> u32 {
        self.sh.trunk_active.get(&trunk_id).copied().unwrap_or(0)
    }

    /// Forgets an ended call once no B leg waits for a final answer any more.
    fn reap(&mut self, id: CallId) {
        let done = self
            .calls
            .get(&id)
            .is_some_and(|c| c.state == CallState::Ended && !c.legs.iter().any(BLeg::ringing));
        if done {
            self.calls.remove(&id);
            self.sh.txs.retain(|_, (c, _)| *c != id);
            self.sh.dialogs.retain(|_, (c, _)| *c != id);
        }
    }
}

/// The dialog index key of a request we received: Call-ID and the To tag (ours).
fn dialog_key(req: &Request) -> Option<(String, String)> {
    let tag = req.headers.to.tag()?;
    Some((req.headers.call_id.as_str().to_string(), tag.to_string()))
}

impl Call {
    fn snapshot(&self) -> Snapshot {
        Snapshot {
            id: self.id,
            caller: self.labels.caller.clone(),
            callee: self.labels.callee.clone(),
            dialed: self.labels.dialed.clone(),
            state: self.state,
            trunk: self.trunk.clone().or_else(|| {
                self.legs
                    .iter()
                    .rev()
                    .find(|l| l.trunk_id.is_some() && l.ringing())
                    .map(|l| l.label.clone())
            }),
            started: self.started,
            answered: self.answered,
        }
    }

    /// Whether `cancel` targets A's INVITE (§9.2: same top Via branch and sent-by, same Call-ID).
    fn cancels(&self, cancel: &Request) -> bool {
        let (Some(c), Some(i)) = (
            cancel.headers.via.first(),
            self.a.invite.headers.via.first(),
        ) else {
            return false;
        };
        c.branch().is_some()
            && c.branch() == i.branch()
            && c.sent_by() == i.sent_by()
            && cancel.headers.call_id == self.a.invite.headers.call_id
    }
}
