//! Runtime: the RTP/RTCP relay of anchored calls. Each call gets an RTP/RTCP port pair per leg
//! from the pool, and is given to one of the relay's threads (`worker`), which owns those four
//! sockets and forwards each packet to the other leg, following the latching rules of
//! `proto::rtp`. The relay threads are not the SIP thread, so a flood of RTP does not hold up
//! SIP. A call's sockets close when the call ends (the driver drops its `Session`); the ports
//! then rest before reuse. Its thread also watches the call for dead audio
//! (`proto::rtp::MediaWatch`) and reports it on the relay's event stream, which the driver
//! reads. In a call with a DTMF mode `info` trunk it also takes the phone's RFC 4733 digits
//! out of the stream, reporting each on that stream, and plays the trunk's digits to the
//! phone (`proto::rtp::dtmf`); the SIP side of it is the call core's.

mod poll;
mod session;
#[cfg(test)]
mod tests;
mod worker;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, UdpSocket as StdSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::mpsc;

use crate::sip::proto::call::{CallId, MediaPorts, Side};
use crate::sip::proto::rtp::{CallMeter, Digit, MediaTimeouts, PayloadClocks, PortPool};
use app::model::quality::CallQuality;
use worker::{Job, Media, Opened};

/// Asterisk's `rtp.conf` defaults.
pub const DEFAULT_RTP_START: u16 = 10000;
pub const DEFAULT_RTP_END: u16 = 20000;

/// Largest datagram relayed: RTP over UDP stays under the path MTU.
const MAX_PACKET: usize = 2048;

/// Datagrams read at once; a socket with more queued is read again on its thread's next turn,
/// so a flooded port does not starve the other sockets.
const BATCH: usize = 8;

/// Ports tried for one pair before giving up (another program may hold some of the range).
const BIND_TRIES: usize = 16;

/// New SDP from one side of a call.
#[derive(Debug, Clone, Copy)]
pub struct Update {
    pub side: Side,
    pub rtp: Option<SocketAddr>,
    /// Where that side receives RTCP: one port above `rtp`, or what its `a=rtcp` names.
    pub rtcp: Option<SocketAddr>,
    pub signalling: SocketAddr,
    pub symmetric_rtp: bool,
    /// That side's SDP holds the stream: the hold timeout applies.
    pub hold: bool,
    /// The clocks of the payload types that side's SDP maps.
    pub clocks: PayloadClocks,
}

/// What the driver tells a call's thread.
#[derive(Debug, Clone, Copy)]
enum Control {
    /// The call's id, for what its thread reports.
    Attach(CallId),
    Sdp(Update),
    /// The call is answered: watch for dead audio.
    Watch(MediaTimeouts),
    /// Convert DTMF: read `phone`'s telephone events of payload type `pt` instead of relaying
    /// them, and write digits toward it with that type.
    Dtmf {
        phone: Side,
        pt: u8,
    },
    /// Play digits toward `toward` as telephone events of payload type `pt`, its stream
    /// renumbered to make room for them (a phone's INFOs toward an `rfc2833` trunk).
    Play {
        toward: Side,
        pt: u8,
    },
    /// Play `digit` toward `toward` as telephone events.
    Digit {
        toward: Side,
        digit: Digit,
    },
    /// Tests only: the call's handling panics, as a fault in the relay's code would.
    #[cfg(test)]
    Fault,
}

/// What the relay threads report to the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelayEvent {
    /// `silent` sent no RTP for the call's media timeout: the call is to be hung up.
    MediaTimeout { id: CallId, silent: Side },
    /// `from` pressed `digit` (one report per press) in a call that converts DTMF.
    Digit {
        id: CallId,
        from: Side,
        digit: Digit,
    },
}

/// What the driver and a call's thread share. Messages wait in `inbox` and the thread takes
/// them before it relays the call's next packet; it is woken for them only when they cannot
/// wait for one (a timer to set, a digit to play, the end of the call). Before the answer no
/// packet needs them sooner, so setting up a call wakes its thread once, not once a message:
/// each wake-up crosses threads, and it cost more than the rest of the relay's set-up.
#[derive(Debug)]
struct Shared {
    /// `None` once the call is over: its sockets close. (Not a flag beside the messages:
    /// the shared state would then outgrow the allocator's 512-byte class.)
    inbox: Mutex<Option<Vec<Control>>>,
    /// Set when `inbox` holds something new: read on each packet without a lock.
    posted: AtomicBool,
    /// The call's key in its thread, once the thread has it: what a wake-up names.
    key: AtomicU64,
    /// The call's media timeouts are being watched: SDP changes them, so it wakes the thread.
    watching: AtomicBool,
    /// The thread counts every packet in it: an uncontended lock costs far less than the
    /// packet's two system calls, and the driver reads exact figures at the call's end.
    meter: Mutex<CallMeter>,
}

impl Shared {
    fn post(&self, control: Control) {
        if let Some(controls) = lock(&self.inbox).as_mut() {
            controls.push(control);
        }
        self.posted.store(true, Ordering::Release);
    }

    /// What was posted since the last call, and whether the call is over (`None`): nothing
    /// when nothing was posted, without taking the lock.
    fn take(&self) -> Option<Vec<Control>> {
        if !self.posted.swap(false, Ordering::Acquire) {
            return Some(Vec::new());
        }
        lock(&self.inbox).as_mut().map(std::mem::take)
    }
}

/// The relay of one call, as the driver holds it: dropping it ends the call's relaying.
#[derive(Debug)]
struct Session {
    shared: Arc<Shared>,
    /// The thread relaying the call.
    media: Arc<Media>,
}

impl Session {
    /// Posts `control`, and has the thread take it now when `wake` (else with the call's
    /// next packet).
    fn post(&self, control: Control, wake: bool) {
        self.shared.post(control);
        if wake {
            self.media.send(Job::Wake(self.shared.clone()));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        *lock(&self.shared.inbox) = None;
        self.shared.posted.store(true, Ordering::Release);
        self.media.send(Job::Wake(self.shared.clone()));
    }
}

/// Every anchored call's relay.
#[derive(Debug)]
pub struct Relay {
    ip: IpAddr,
    pool: Arc<Mutex<PortPool>>,
    /// The relay threads; calls are given to them in turn.
    media: Vec<Arc<Media>>,
    next_thread: usize,
    sessions: HashMap<CallId, Session>,
    /// Ports bound for a call that has not been given its id yet.
    pending: Option<Session>,
    /// The last call found no free pair: said once, not once a call.
    exhausted: bool,
    /// Until the driver takes it.
    events_rx: Option<mpsc::UnboundedReceiver<RelayEvent>>,
}

/// A port pair bound for one leg.
struct Pair {
    port: u16,
    rtp: StdSocket,
    rtcp: StdSocket,
}

impl Relay {
    /// A relay binding `ip` (the SIP bind address), with `threads` threads of its own (at
    /// least one), which end when it is dropped.
    pub fn new(ip: IpAddr, start: u16, end: u16, threads: usize) -> std::io::Result<Self> {
        let (events, events_rx) = mpsc::unbounded_channel();
        let pool = Arc::new(Mutex::new(PortPool::new(start, end)));
        let media = (0..threads.max(1))
            .map(|n| Media::start(n, pool.clone(), events.clone()))
            .collect::<std::io::Result<_>>()?;
        Ok(Self {
            events_rx: Some(events_rx),
            ip,
            pool,
            media,
            next_thread: 0,
            sessions: HashMap::new(),
            pending: None,
            exhausted: false,
        })
    }

    /// What the relay threads report; `None` once taken.
    pub fn take_events(&mut self) -> Option<mpsc::UnboundedReceiver<RelayEvent>> {
        self.events_rx.take()
    }

    /// A new RTP range for calls from now on.
    pub fn set_range(&mut self, start: u16, end: u16) {
        lock(&self.pool).set_range(start, end);
    }

    fn bind_pair(&self) -> Option<Pair> {
        for _ in 0..BIND_TRIES {
            let port = lock(&self.pool).take(Instant::now())?;
            let bound = StdSocket::bind((self.ip, port)).and_then(|rtp| {
                let rtcp = StdSocket::bind((self.ip, port + 1))?;
                rtp.set_nonblocking(true)?;
                rtcp.set_nonblocking(true)?;
                Ok(Pair { port, rtp, rtcp })
            });
            match bound {
                Ok(pair) => return Some(pair),
                Err(error) => {
                    tracing::debug!(port, %error, "RTP port in use elsewhere");
                    lock(&self.pool).release(Instant::now(), port);
                }
            }
        }
        None
    }

    /// Binds the ports of a new call and gives them to a thread; `attach` then files it
    /// under the call's id. `None` when the range is exhausted: the call then goes
    /// unanchored.
    pub fn open(&mut self) -> Option<MediaPorts> {
        let media = self
            .media
            .get(self.next_thread % self.media.len().max(1))?
            .clone();
        self.next_thread = self.next_thread.wrapping_add(1);
        let pairs = self.bind_pair().and_then(|caller| match self.bind_pair() {
            Some(callee) => Some((caller, callee)),
            None => {
                lock(&self.pool).release(Instant::now(), caller.port);
                None
            }
        });
        let Some((caller, callee)) = pairs else {
            if !self.exhausted {
                tracing::warn!("no free port pair in the RTP range: calls go unanchored");
            }
            self.exhausted = true;
            return None;
        };
        if self.exhausted {
            tracing::info!("RTP ports free again: calls are anchored");
        }
        self.exhausted = false;
        let ports = MediaPorts {
            caller: caller.port,
            callee: callee.port,
        };
        let shared = Arc::new(Shared {
            inbox: Mutex::new(Some(Vec::new())),
            posted: AtomicBool::new(false),
            key: AtomicU64::new(u64::MAX),
            watching: AtomicBool::new(false),
            meter: Mutex::new(CallMeter::new(Instant::now())),
        });
        media.send(Job::Open(Box::new(Opened {
            caller,
            callee,
            ports,
            shared: shared.clone(),
        })));
        self.pending = Some(Session { shared, media });
        Some(ports)
    }

    /// Files the session `open` just started under `id`.
    pub fn attach(&mut self, id: CallId) {
        if let Some(s) = self.pending.take() {
            s.post(Control::Attach(id), false);
            self.sessions.insert(id, s);
        }
    }

    fn send(&self, id: CallId, control: Control, wake: bool) {
        if let Some(s) = self.sessions.get(&id) {
            s.post(control, wake);
        }
    }

    pub fn update(&self, id: CallId, update: Update) {
        // Before the answer the new latches wait for the next packet; after it the media
        // timeouts may change (hold), and the call's timer with them.
        let watching = self
            .sessions
            .get(&id)
            .is_some_and(|s| s.shared.watching.load(Ordering::Relaxed));
        self.send(id, Control::Sdp(update), watching);
    }

    /// Call `id` is answered: it is hung up if a side falls silent for `timeouts`.
    pub fn watch(&self, id: CallId, timeouts: MediaTimeouts) {
        if let Some(s) = self.sessions.get(&id) {
            s.shared.watching.store(true, Ordering::Relaxed);
        }
        self.send(id, Control::Watch(timeouts), true);
    }

    /// Call `id` converts DTMF for an `info` trunk: `phone`'s events of payload type `pt`
    /// become digit reports, and digits are played to it.
    pub fn dtmf(&self, id: CallId, phone: Side, pt: u8) {
        self.send(id, Control::Dtmf { phone, pt }, false);
    }

    /// Call `id` plays digits toward `toward` as telephone events of payload type `pt`.
    pub fn play(&self, id: CallId, toward: Side, pt: u8) {
        self.send(id, Control::Play { toward, pt }, false);
    }

    /// Plays `digit` toward `toward` in call `id`.
    pub fn digit(&self, id: CallId, toward: Side, digit: Digit) {
        self.send(id, Control::Digit { toward, digit }, true);
    }

    /// Tests only: makes the handling of call `id` panic.
    #[cfg(test)]
    fn fault(&self, id: CallId) {
        self.send(id, Control::Fault, true);
    }

    /// The audio figures of call `id` now, as the live calls show them.
    pub fn quality(&self, id: CallId, now: Instant) -> Option<CallQuality> {
        let s = self.sessions.get(&id)?;
        Some(lock(&s.shared.meter).quality(now, true))
    }

    /// Whether any call is anchored: their figures change without any SIP.
    pub fn has_calls(&self) -> bool {
        !self.sessions.is_empty()
    }

    /// The call is over: its sockets close. Returns its audio figures for
    /// the call log.
    pub fn close(&mut self, id: CallId) -> Option<CallQuality> {
        let s = self.sessions.remove(&id)?;
        let quality = lock(&s.shared.meter).quality(Instant::now(), false);
        Some(quality)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        for media in &self.media {
            media.send(Job::Stop);
        }
    }
}

/// A poisoned lock (a thread panicked while holding it) still holds usable counts.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
