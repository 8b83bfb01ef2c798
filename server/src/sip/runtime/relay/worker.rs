//! Runtime: a relay thread. It holds its calls in a table, waits on all their sockets at
//! once (`poll`), reads what a socket has queued, a batch per turn, and relays it
//! (`session::Call`), and looks at each call's timer when it is due. The driver reaches it through a queue and
//! a bell: a new call's sockets, and a call to look at now (a control that cannot wait for
//! the call's next packet, or the end of the call).
//!
//! Why not a tokio task per call: each call then carried a task (its future, header and
//! scheduling) and one readiness record per socket in tokio's reactor, about 2 KB in all
//! (issue 20, item 4), and each packet woke a task that polled its five sources. Here a call
//! is its state in one table slot, and a packet is one entry of an `epoll_wait`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::poll::{Bell, Poller, EVENTS};
use super::session::Call;
use super::{lock, Pair, RelayEvent, Shared, BATCH, MAX_PACKET};
use crate::sip::proto::call::MediaPorts;
use crate::sip::proto::rtp::PortPool;
use crate::sip::runtime::batch::Batch;

/// The bell's key in the poll: no call's key (a call's generation stays below 2^29).
const BELL: u64 = u64::MAX;

/// What the driver asks of a relay thread.
pub(super) enum Job {
    /// Relay a new call's sockets.
    Open(Box<Opened>),
    /// Look at this call now: take what was posted to it (its end, say).
    Wake(Arc<Shared>),
    /// The relay is dropped: the thread ends, closing its calls' sockets.
    Stop,
}

/// A new call: its port pairs, bound by the driver.
pub(super) struct Opened {
    pub(super) caller: Pair,
    pub(super) callee: Pair,
    pub(super) ports: MediaPorts,
    pub(super) shared: Arc<Shared>,
}

/// The driver's side of a relay thread.
pub(super) struct Media {
    queue: Mutex<Vec<Job>>,
    bell: Bell,
}

impl std::fmt::Debug for Media {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Media")
    }
}

impl Media {
    /// Starts relay thread number `n`; calls it ends return their ports to `pool`.
    pub(super) fn start(
        n: usize,
        pool: Arc<Mutex<PortPool>>,
        events: mpsc::UnboundedSender<RelayEvent>,
    ) -> io::Result<Arc<Self>> {
        let media = Arc::new(Self {
            queue: Mutex::default(),
            bell: Bell::new()?,
        });
        let poller = Poller::new()?;
        poller.add(&media.bell, BELL)?;
        let mut worker = Worker {
            poller,
            media: media.clone(),
            spare: Vec::new(),
            calls: Vec::new(),
            free: Vec::new(),
            live: 0,
            more: Vec::new(),
            again: Vec::new(),
            timers: BinaryHeap::new(),
            batch: Batch::new(MAX_PACKET),
            pool,
            events,
        };
        std::thread::Builder::new()
            .name(format!("rtp-{n}"))
            .spawn(move || worker.run())?;
        Ok(media)
    }

    /// Hands `job` to the thread. The bell rings only when the queue was empty: a thread
    /// clears its bell before it takes the queue, so a job queued behind another is taken
    /// with it, and one queued after the take rings again.
    pub(super) fn send(&self, job: Job) {
        let ring = {
            let mut queue = lock(&self.queue);
            queue.push(job);
            queue.len() == 1
        };
        if ring {
            self.bell.ring();
        }
    }
}

/// A table slot: its generation tells a key of the call it holds from one of an earlier call.
struct Slot {
    generation: u32,
    call: Option<Box<Call>>,
}

/// A key names a call's socket in the poll and a call in the timer queue: generation, slot,
/// socket index (0-3).
fn key(slot: usize, generation: u32, socket: usize) -> u64 {
    (u64::from(generation) << 34) | ((slot as u64) << 2) | socket as u64
}

fn split(key: u64) -> (usize, u32, usize) {
    let slot = ((key >> 2) & u64::from(u32::MAX)) as usize;
    (slot, (key >> 34) as u32, (key & 3) as usize)
}

struct Worker {
    poller: Poller,
    media: Arc<Media>,
    /// The queue's room, swapped with it on each take so that neither allocates again.
    spare: Vec<Job>,
    calls: Vec<Slot>,
    free: Vec<usize>,
    live: usize,
    /// Sockets whose last read took a whole batch, so that more may wait there: the poll
    /// reports only new arrivals, so they are read again on the thread's next turn.
    more: Vec<u64>,
    /// The same, for the turn in progress.
    again: Vec<u64>,
    /// When each call's timer is due, by key; stale entries (a call ended, or its deadline
    /// moved sooner) are skipped when they come up and dropped in bulk when they outnumber
    /// the calls.
    timers: BinaryHeap<Reverse<(Instant, u64)>>,
    /// What one read takes off a socket: one buffer per thread, not one per call.
    batch: Batch<BATCH>,
    pool: Arc<Mutex<PortPool>>,
    events: mpsc::UnboundedSender<RelayEvent>,
}

impl Worker {
    fn run(&mut self) {
        let mut keys = [0u64; EVENTS];
        loop {
            let now = Instant::now();
            let timeout = if self.more.is_empty() {
                self.timers
                    .peek()
                    .map(|Reverse((due, _))| due.saturating_duration_since(now))
            } else {
                // Datagrams wait already: only look for others.
                Some(Duration::ZERO)
            };
            std::mem::swap(&mut self.more, &mut self.again);
            let n = match self.poller.wait(timeout, &mut keys) {
                Ok(n) => n,
                Err(error) => {
                    tracing::error!(%error, "RTP relay thread stopped");
                    return;
                }
            };
            for &k in &keys[..n] {
                if k == BELL {
                    if !self.jobs() {
                        return;
                    }
                } else {
                    self.readable(k);
                }
            }
            let mut again = std::mem::take(&mut self.again);
            for k in again.drain(..) {
                self.readable(k);
            }
            self.again = again;
            self.expire(Instant::now());
        }
    }

    /// Takes the driver's jobs; `false` when the relay is gone.
    fn jobs(&mut self) -> bool {
        self.media.bell.clear();
        std::mem::swap(&mut *lock(&self.media.queue), &mut self.spare);
        let mut jobs = std::mem::take(&mut self.spare);
        let mut go_on = true;
        for job in jobs.drain(..) {
            match job {
                Job::Open(opened) => self.open(*opened),
                Job::Wake(shared) => self.look(shared.key.load(Ordering::Acquire), None),
                Job::Stop => go_on = false,
            }
        }
        self.spare = jobs;
        go_on
    }

    fn open(&mut self, o: Opened) {
        let slot = self.free.pop().unwrap_or_else(|| {
            self.calls.push(Slot {
                generation: 0,
                call: None,
            });
            self.calls.len() - 1
        });
        let generation = self.calls[slot].generation;
        let call = Call::new(o.caller, o.callee, o.shared, o.ports);
        for (i, socket) in call.socks.iter().enumerate() {
            if let Err(error) = self.poller.add(socket, key(slot, generation, i)) {
                tracing::warn!(%error, "RTP relay cannot watch a call's sockets");
                self.release(slot, call.ports);
                return;
            }
        }
        let k = key(slot, generation, 0);
        call.shared.key.store(k, Ordering::Release);
        self.calls[slot].call = Some(Box::new(call));
        self.live += 1;
        // What the driver posted before the thread had the call (its id, its SDP).
        self.look(k, None);
    }

    fn readable(&mut self, k: u64) {
        let (_, _, socket) = split(k);
        self.look(k, Some(socket));
    }

    /// Takes what the driver posted to the call `k` names, then relays what `socket` has
    /// queued, and sets the call's timer again if it must fire sooner.
    fn look(&mut self, k: u64, socket: Option<usize>) {
        let Some((slot, call)) = named(&mut self.calls, k) else {
            return;
        };
        let (batch, events, more, timers) = (
            &mut self.batch,
            &self.events,
            &mut self.more,
            &mut self.timers,
        );
        let going = contained(|| {
            // What the driver posted applies to this packet already (a new latch, say).
            if !call.take_posted() {
                return false;
            }
            if let Some(i) = socket {
                call.drain(i, batch, events);
                if batch.len() == BATCH {
                    more.push(k);
                }
            }
            arm(call, timers, k);
            true
        });
        if !going {
            self.close(slot);
        }
    }

    /// Looks at each call whose timer is due.
    fn expire(&mut self, now: Instant) {
        while let Some(&Reverse((due, k))) = self.timers.peek() {
            if due > now {
                break;
            }
            self.timers.pop();
            let Some((slot, call)) =
                named(&mut self.calls, k).filter(|(_, c)| c.armed == Some(due))
            else {
                continue;
            };
            call.armed = None;
            let (events, timers) = (&self.events, &mut self.timers);
            let going = contained(|| {
                call.handle_timeout(now, events);
                arm(call, timers, k);
                true
            });
            if !going {
                self.close(slot);
            }
        }
    }

    /// The call in `slot` is over: its sockets close (leaving the poll), its ports rest.
    fn close(&mut self, slot: usize) {
        let Some(call) = self.calls.get_mut(slot).and_then(|s| s.call.take()) else {
            return;
        };
        self.live -= 1;
        let ports = call.ports;
        drop(call);
        self.release(slot, ports);
        if self.timers.len() > 2 * self.live + 64 {
            let calls = &mut self.calls;
            self.timers.retain(|Reverse((due, k))| {
                named(calls, *k).is_some_and(|(_, c)| c.armed == Some(*due))
            });
        }
    }

    /// Frees `slot` for another call, its keys no longer naming it, and gives the pool its
    /// ports back.
    fn release(&mut self, slot: usize, ports: MediaPorts) {
        if let Some(s) = self.calls.get_mut(slot) {
            s.generation = (s.generation + 1) & ((1 << 29) - 1);
        }
        self.free.push(slot);
        let now = Instant::now();
        let mut pool = lock(&self.pool);
        pool.release(now, ports.caller);
        pool.release(now, ports.callee);
    }
}

/// Runs one call's part of a turn; `false` when it panicked, and the call is then to be
/// closed. The thread carries every call it was given: one call's fault must end that call's
/// audio only, as a task of its own did before the thread ran them.
fn contained(step: impl FnOnce() -> bool) -> bool {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).unwrap_or_else(|_| {
        tracing::error!("RTP relay: relaying a call failed; that call's audio stops");
        false
    })
}

/// The call key `k` names, with its slot, if it is still that call's.
fn named(calls: &mut [Slot], k: u64) -> Option<(usize, &mut Call)> {
    let (slot, generation, _) = split(k);
    let s = calls.get_mut(slot).filter(|s| s.generation == generation)?;
    Some((slot, s.call.as_deref_mut()?))
}

fn arm(call: &mut Call, timers: &mut BinaryHeap<Reverse<(Instant, u64)>>, k: u64) {
    if let Some(due) = call.poll_timeout() {
        if call.armed.is_none_or(|a| due < a) {
            call.armed = Some(due);
            timers.push(Reverse((due, k)));
        }
    }
}
