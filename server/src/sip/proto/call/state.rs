//! Calls layer: the state of one call and the indexes shared by all calls. Plain data with
//! small accessors; the behaviour lives in the files named for what they handle.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use super::leg::{BLeg, Dialog};
use super::TrunkTarget;
use super::{Attempt, CallEvent, CallId, CallLabels, CallState, MediaPorts, Side, Snapshot};
use crate::sip::proto::idmap::{IdMap, WireMap};
use crate::sip::proto::message::{Request, Response};
use crate::sip::proto::TxId;

/// What a transaction of ours is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TxRole {
    /// A's INVITE server transaction.
    AInvite,
    /// The INVITE of B leg number `n`.
    BInvite(usize),
    /// A re-INVITE, UPDATE or INFO relayed to the other leg.
    Relay,
    /// BYE and CANCEL we sent: their answers change nothing.
    Other,
    /// An INFO carrying one of the phone's digits to an `info` trunk.
    Dtmf,
}

/// The inbound leg.
#[derive(Debug)]
pub(super) struct ALeg {
    pub(super) tx: TxId,
    pub(super) invite: Request,
    /// Our To tag towards A.
    pub(super) tag: String,
    pub(super) dialog: Dialog,
}

/// A re-INVITE, UPDATE or INFO in flight from one leg to the other.
#[derive(Debug)]
pub(super) struct Relay {
    pub(super) from: Side,
    pub(super) server_tx: TxId,
    pub(super) request: Request,
}

/// A relayed re-INVITE was answered 2xx: the originator's ACK goes on to the other leg.
#[derive(Debug, Clone, Copy)]
pub(super) struct PendingAck {
    pub(super) from: Side,
    pub(super) seq: u32,
    pub(super) downstream_seq: u32,
}

/// Where the B legs come from.
#[derive(Debug)]
pub(super) enum Plan {
    Contacts,
    Trunks {
        trunks: Vec<TrunkTarget>,
        next: usize,
    },
}

#[derive(Debug)]
pub(super) struct Call {
    pub(super) id: CallId,
    pub(super) labels: CallLabels,
    pub(super) state: CallState,
    pub(super) started: Instant,
    pub(super) answered: Option<Instant>,
    pub(super) a: ALeg,
    pub(super) legs: Vec<BLeg>,
    pub(super) winner: Option<usize>,
    pub(super) plan: Plan,
    pub(super) ring_deadline: Option<Instant>,
    pub(super) attempts: Vec<Attempt>,
    pub(super) trunk: Option<String>,
    /// Boxed, as `ok_retx`: each holds a parsed message for a moment of the call, and
    /// inline they would make every call in progress about 1.3 KB larger.
    pub(super) relay: Option<Box<Relay>>,
    pub(super) pending_ack: Option<PendingAck>,
    /// Our 2xx to A, resent until A's ACK comes (§13.3.1.4).
    pub(super) ok_retx: Option<Box<Retransmit>>,
    /// The deadline this call has in `Calls::deadlines`, if any.
    pub(super) armed: Option<Instant>,
    /// The relay ports of an anchored call; `None`: direct media, SDP unchanged.
    pub(super) media: Option<MediaPorts>,
    /// Answer the caller's media where it comes from (NAT).
    pub(super) caller_symmetric_rtp: bool,
    /// The media timeouts of the trunk the call came in on.
    pub(super) caller_timeouts: crate::sip::proto::rtp::MediaTimeouts,
    /// Digits converted between the phone's RTP and an `info` trunk's INFOs, once answered.
    pub(super) dtmf: Option<super::dtmf::DtmfBridge>,
    /// The caller is a trunk with DTMF mode `info`.
    pub(super) caller_dtmf_info: bool,
    /// The side of an `rfc2833` trunk the other side's DTMF INFOs are played to as events.
    pub(super) play_to: Option<Side>,
}

/// The 2xx on A, retransmitted by us: the INVITE server transaction is gone once it is sent.
#[derive(Debug)]
pub(super) struct Retransmit {
    pub(super) response: Response,
    pub(super) next: Instant,
    pub(super) interval: Duration,
    /// 64*T1 after the first send: no ACK by then ends the call.
    pub(super) give_up: Instant,
}

/// State shared by all calls: indexes from transactions and dialogs to calls, trunk usage.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) txs: IdMap<TxId, (CallId, TxRole)>,
    /// (Call-ID, our tag) → the call and which leg that dialog is.
    pub(super) dialogs: WireMap<(String, String), (CallId, Side)>,
    /// How many of `dialogs` have each Call-ID: under load the runtime serves the datagrams of
    /// calls in progress first, knowing them by their Call-ID alone (`proto::priority`).
    pub(super) call_ids: WireMap<String, u32>,
    /// (Call-ID, top Via branch) of each call's INVITE from A → the call:
    /// CANCELs and INVITE retransmissions find their call without a scan.
    pub(super) invites: WireMap<(String, String), CallId>,
    /// Active calls per trunk id, against the trunk's call limit.
    pub(super) trunk_active: HashMap<i64, u32>,
    pub(super) events: VecDeque<CallEvent>,
    /// The `txs` and `dialogs` keys of each call: forgetting a call
    /// removes its own keys instead of sweeping both indexes.
    pub(super) owned: IdMap<CallId, Owned>,
}

#[derive(Debug, Default)]
pub(super) struct Owned {
    txs: Vec<TxId>,
    dialogs: Vec<(String, String)>,
}

impl Shared {
    /// Routes transaction `tx`'s events to `call`.
    pub(super) fn track_tx(&mut self, tx: TxId, call: CallId, role: TxRole) {
        self.txs.insert(tx, (call, role));
        self.owned.entry(call).or_default().txs.push(tx);
    }

    /// Routes the dialog's in-dialog requests to `call`.
    pub(super) fn track_dialog(&mut self, key: (String, String), call: CallId, side: Side) {
        if self.dialogs.insert(key.clone(), (call, side)).is_none() {
            *self.call_ids.entry(key.0.clone()).or_default() += 1;
        }
        // Two per call (A's and the answered B leg's): a first growth to four would stay.
        let owned = &mut self.owned.entry(call).or_default().dialogs;
        owned.reserve_exact(1);
        owned.push(key);
    }

    /// Removes every index entry of `call`.
    pub(super) fn forget(&mut self, call: CallId) {
        let Some(owned) = self.owned.remove(&call) else {
            return;
        };
        for tx in owned.txs {
            if self.txs.get(&tx).is_some_and(|(c, _)| *c == call) {
                self.txs.remove(&tx);
            }
        }
        for key in owned.dialogs {
            if self.dialogs.get(&key).is_some_and(|(c, _)| *c == call) {
                self.dialogs.remove(&key);
                if let Some(count) = self.call_ids.get_mut(&key.0) {
                    *count -= 1;
                    if *count == 0 {
                        self.call_ids.remove(&key.0);
                    }
                }
            }
        }
    }
}

impl Call {
    pub(super) fn snapshot(&self) -> Snapshot {
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
            quality: None,
        }
    }

    /// Whether `req` (a CANCEL, or the INVITE retransmitted) matches A's INVITE transaction
    /// (§9.2, §17.2.3: same top Via branch and sent-by, same Call-ID).
    pub(super) fn same_invite(&self, req: &Request) -> bool {
        let cancel = req;
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
