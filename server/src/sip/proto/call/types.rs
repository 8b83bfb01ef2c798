//! Calls layer API types: where a call goes (`Target`), what the console shows (`Snapshot`),
//! what the call log keeps (`CallRecord`). Plain data: no behaviour, no I/O.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::sip::proto::header::NameAddr;
use crate::sip::proto::message::{Request, Transport};
use crate::sip::proto::rtp::{MediaTimeouts, PayloadClocks};
use crate::sip::proto::TxId;
use app::model::quality::CallQuality;

/// Handle of one call, unique for the life of a `Calls`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// One registered contact of the called user: rung in parallel with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactTarget {
    /// The contact URI as registered: the Request-URI of the INVITE.
    pub uri: String,
    /// Where the REGISTER came from (the phone may be behind NAT).
    pub dest: SocketAddr,
    pub transport: Transport,
}

/// The identity presented on a trunk (REFERENCE §4's caller ID, already chosen).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallerId {
    pub name: Option<String>,
    pub number: Option<String>,
    /// Presentation prohibited: From is anonymous, the number goes in P-Asserted-Identity.
    pub anonymous: bool,
}

/// Digest credentials a provider's 401/407 is answered with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkCredentials {
    pub username: String,
    pub password: String,
}

/// One trunk of the failover order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkTarget {
    pub trunk_id: i64,
    /// The trunk's name, for the console and the call log.
    pub name: String,
    /// The Request-URI, e.g. `sip:4185551234@voip.provider.example.com`.
    pub request_uri: String,
    /// Host of our From URI (the trunk's "from domain").
    pub from_domain: String,
    /// User of our From URI instead of the caller's number (chan_sip `fromuser`).
    pub from_user: Option<String>,
    pub caller_id: CallerId,
    pub dest: SocketAddr,
    pub transport: Transport,
    pub credentials: Option<TrunkCredentials>,
    /// What its offers may carry and how its media is reached.
    pub media: TrunkMedia,
    /// Most simultaneous calls on this trunk; 0 means no limit.
    pub call_limit: u32,
    /// Why the trunk is passed over without trying it (disabled, UNREACHABLE, LAGGED).
    pub skipped: Option<String>,
    /// `nat=force_rport`: the call's in-dialog requests go to `dest`, where the provider
    /// answered from, not to the Contact it wrote (a private address behind its NAT).
    pub force_rport: bool,
}

/// A trunk's media settings, as the calls layer applies them to an anchored call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TrunkMedia {
    /// RTP encoding names (`PCMU`, `PCMA`...) the offer toward the trunk keeps, in the
    /// trunk's order; empty: the offer is not filtered.
    pub codecs: Vec<String>,
    /// Keep `telephone-event` in the offer (DTMF mode `rfc2833`).
    pub telephone_event: bool,
    /// The provider is behind NAT (`nat=comedia`/`both`): answer its media where it comes
    /// from.
    pub symmetric_rtp: bool,
    /// Hang up its anchored calls when their audio dies (`rtptimeout`, `rtpholdtimeout`).
    pub timeouts: MediaTimeouts,
}

/// The relay ports of an anchored call, bound by the runtime before the call starts. Each
/// is an RTP port; RTCP is the next one up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MediaPorts {
    /// On the caller's leg (A).
    pub caller: u16,
    /// On the callee's leg (every B leg: only one of them is answered).
    pub callee: u16,
}

/// A's INVITE as the endpoint delivered it (the fields of `Event::Request`).
#[derive(Debug)]
pub struct Inbound {
    pub tx: TxId,
    /// Kept by the call (to answer, cancel and re-INVITE from it): moved in, not copied.
    pub request: Request,
    pub source: SocketAddr,
    pub transport: Transport,
}

/// Where the runtime decided the call goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A user: every contact rings at once, the first 2xx wins, the others are cancelled.
    Contacts(Vec<ContactTarget>),
    /// Outgoing trunks, tried one after another with failover (REFERENCE §4).
    Trunks(Vec<TrunkTarget>),
}

/// Labels for the console and the call log, chosen by the runtime from the resolution.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallLabels {
    /// "Front Desk (1000)" or the provider's caller number.
    pub caller: String,
    /// "Alice (1001)" or the outgoing call's name.
    pub callee: String,
    /// The number as dialed.
    pub dialed: String,
}

/// What the runtime hands over with an INVITE it authenticated and resolved.
#[derive(Debug, Clone)]
pub struct NewCall {
    pub target: Target,
    pub labels: CallLabels,
    /// From for the B legs of `Target::Contacts` (trunks build theirs from `CallerId`).
    pub from: NameAddr,
    /// Give up (CANCEL every B leg, 480 on A) after this long unanswered; `None`: no limit.
    pub ring_time: Option<Duration>,
    /// The caller is a phone: answered at the address its INVITE came from, whatever its
    /// Contact says (chan_sip `nat=force_rport`). A provider is answered by the route set and
    /// its Contact (RFC 3261 §12.2.1.1).
    pub caller_is_phone: bool,
    /// The caller is a trunk with `nat=force_rport`: its dialog is reached, as a phone's, at
    /// the address its INVITE came from.
    pub caller_force_rport: bool,
    /// The trunk an incoming call arrived on, for the call log and the live
    /// calls; `None` for a phone's call (whose trunk, if any, is the one
    /// that answers).
    pub from_trunk: Option<String>,
    /// Both ends allow direct media (Asterisk `directmedia=yes`): SDP passes unchanged and
    /// the runtime binds no relay.
    pub direct_media: bool,
    /// Answer the caller's media where it comes from (a phone; a trunk with `nat=comedia`).
    pub caller_symmetric_rtp: bool,
    /// The media timeouts of the trunk the call came in on (none for a phone's call).
    pub caller_timeouts: MediaTimeouts,
    /// The trunk the call came in on has DTMF mode `info`: its INFOs are played to the phone
    /// that answers, and that phone's RFC 4733 digits become INFOs to it.
    pub caller_dtmf_info: bool,
    /// The relay ports when the call is anchored (set by the runtime); `None`: SDP passes
    /// unchanged.
    pub media: Option<MediaPorts>,
}

/// Which leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A: the inbound leg, whoever placed the call.
    Caller,
    /// B: the outbound leg that answered (or was being tried).
    Callee,
}

/// Live state of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// B legs are being tried or ringing.
    Ringing,
    Answered,
    /// Over; kept only until every B leg's INVITE has a final answer.
    Ended,
}

/// One row of the live calls screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub id: CallId,
    pub caller: String,
    pub callee: String,
    pub dialed: String,
    pub state: CallState,
    /// The trunk being tried or in use, for outgoing calls.
    pub trunk: Option<String>,
    pub started: Instant,
    pub answered: Option<Instant>,
    /// An anchored call's audio figures, filled in by the runtime from its relay.
    pub quality: Option<CallQuality>,
}

/// How one attempt (trunk or contact) ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    Answered,
    /// A final non-2xx status (after the one digest retry, for 401/407).
    Rejected(u16),
    /// Timer B: no final answer.
    Timeout,
    TransportError,
    /// We cancelled it (caller hung up, ring time, another contact answered).
    Cancelled,
    /// Not tried: call limit reached, or passed over by the runtime.
    Skipped(String),
    /// Its SDP could not be carried (malformed, unsupported, no common codec): 488.
    NotAcceptable(String),
}

/// One attempt in the call record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The trunk's name or the contact URI.
    pub target: String,
    pub trunk_id: Option<i64>,
    pub result: AttemptResult,
}

impl Attempt {
    pub fn of(target: String, trunk_id: Option<i64>, result: AttemptResult) -> Self {
        Self {
            target,
            trunk_id,
            result,
        }
    }
}

/// Why the call ended, in Asterisk's DIALSTATUS / hang-up cause terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HangupCause {
    /// An answered call ended with BYE.
    Normal,
    /// 486/600/603 from the callee.
    Busy,
    /// Ring time ran out or every contact failed without answering.
    NoAnswer,
    /// The caller cancelled before the answer.
    Cancelled,
    /// No trunk could take the call (503 to the caller).
    Congestion,
    /// The caller never acknowledged the answer (§13.3.1.4): both legs got BYE.
    NoAck,
    /// The administrator hung it up (Status → Calls).
    Administrator,
    /// The SDP could not be carried (488 Not Acceptable Here); the attempt says why.
    NotAcceptable,
    /// An anchored call's side sent no RTP for the trunk's RTP timeout: both legs got BYE.
    MediaTimeout,
}

/// The call log entry, emitted once when a call ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    pub id: CallId,
    pub labels: CallLabels,
    pub started: Instant,
    pub answered: Option<Instant>,
    pub ended: Instant,
    pub trunk: Option<String>,
    pub attempts: Vec<Attempt>,
    pub cause: HangupCause,
    /// Who hung up (the side that sent BYE or CANCEL); `None` when the PBX ended it.
    pub side: Option<Side>,
    /// Status sent to the caller when the call was not answered.
    pub status: Option<u16>,
    /// An anchored call's audio figures at its end, filled in by the runtime from its relay
    /// (boxed: every call event would otherwise be as large).
    pub quality: Option<Box<CallQuality>>,
}

/// What the runtime logs or publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallEvent {
    /// An attempt ended (failover, fork loser, answer).
    Attempt {
        id: CallId,
        attempt: Attempt,
    },
    Answered {
        id: CallId,
    },
    /// An anchored call's side sent SDP: the relay sends that side's media to `rtp` and its
    /// RTCP to `rtcp` (one port up, or what `a=rtcp` names), or to where its packets come
    /// from when `symmetric_rtp`.
    Media {
        id: CallId,
        side: Side,
        rtp: Option<SocketAddr>,
        rtcp: Option<SocketAddr>,
        /// Where that side's SIP comes from: its media may come from there too (NAT).
        signalling: SocketAddr,
        symmetric_rtp: bool,
        /// That side's SDP holds the stream (`sendonly`, `recvonly`, `inactive`, no address).
        hold: bool,
        /// The clocks of the payload types that side's SDP maps.
        clocks: PayloadClocks,
    },
    /// An anchored call was answered: the relay counts one-way audio from now, and hangs it
    /// up (`Calls::media_timeout`) when a side falls silent for these timeouts (if any).
    Watch {
        id: CallId,
        timeouts: MediaTimeouts,
    },
    /// An anchored call converts DTMF for an `info` trunk: the relay reads the `phone` side's
    /// telephone events of payload type `pt` (not relaying them, reporting each digit), and
    /// writes digits toward that side with the same type.
    Dtmf {
        id: CallId,
        phone: Side,
        pt: u8,
    },
    /// An anchored call whose phone may send DTMF in INFOs and whose trunk takes RFC 4733
    /// events of payload type `pt` (DTMF mode `rfc2833`): the relay plays digits toward the
    /// trunk's side, `toward`, as Asterisk turns a phone's INFO into the trunk's mode.
    Play {
        id: CallId,
        toward: Side,
        pt: u8,
    },
    /// A digit from an INFO: the relay plays it toward `toward` as telephone events.
    Digit {
        id: CallId,
        toward: Side,
        digit: crate::sip::proto::rtp::Digit,
    },
    Ended(CallRecord),
}
