//! Qualify layer (sans-IO): OPTIONS monitoring of one peer as chan_sip's `qualify=` does
//! (REFERENCE.md §2; RFC 3261 §11 OPTIONS). Must not import tokio or read the clock: `now` and
//! the peer's resolved `SocketAddr` come from the caller; it only builds requests and reads
//! events for its own transaction.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use super::registration::{options, HostPort, Outgoing};
use super::rng::Rng;
use super::{Event, Transport, TxId};

/// chan_sip `DEFAULT_FREQ_NOTOK`: probe interval while a peer is unreachable or lagged.
pub const NOT_OK_INTERVAL: Duration = Duration::from_secs(10);
/// `qualify=yes` means a 2000 ms threshold.
pub const DEFAULT_MAX_RTT: Duration = Duration::from_millis(2000);
/// chan_sip `qualifyfreq` default.
pub const DEFAULT_FREQUENCY: Duration = Duration::from_secs(60);

/// The qualifier's result, one type from here to the screen.
pub use app::model::registry::PeerStatus;

/// The form's Monitoring (threshold) and Qualify frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QualifyConfig {
    /// Largest acceptable round trip (`qualify=` in ms).
    pub max_rtt: Duration,
    /// Time between probes while the peer is OK (`qualifyfreq`).
    pub frequency: Duration,
}

impl Default for QualifyConfig {
    fn default() -> Self {
        Self {
            max_rtt: DEFAULT_MAX_RTT,
            frequency: DEFAULT_FREQUENCY,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Probe {
    tx: Option<TxId>,
    sent_at: Instant,
}

/// One peer's OPTIONS monitor.
#[derive(Debug)]
pub struct Qualifier {
    cfg: QualifyConfig,
    target: HostPort,
    transport: Transport,
    /// Our address as the peer should see it (Via/From), so the probe also keeps NAT open.
    local: HostPort,
    user: String,
    dest: Option<SocketAddr>,
    rng: Rng,
    status: PeerStatus,
    last_probe: Option<Instant>,
    probe: Option<Probe>,
    next_probe: Option<Instant>,
    outbox: Option<Outgoing>,
}

impl Qualifier {
    pub fn new(
        cfg: QualifyConfig,
        target: HostPort,
        transport: Transport,
        local: HostPort,
        user: impl Into<String>,
        seed: u64,
    ) -> Self {
        Self {
            cfg,
            target,
            transport,
            local,
            user: user.into(),
            dest: None,
            rng: Rng::new(seed),
            status: PeerStatus::Unknown,
            last_probe: None,
            probe: None,
            next_probe: None,
            outbox: None,
        }
    }

    pub fn config(&self) -> QualifyConfig {
        self.cfg
    }

    pub fn status(&self) -> PeerStatus {
        self.status
    }

    /// When the next OPTIONS goes out.
    pub fn next_probe(&self) -> Option<Instant> {
        self.next_probe
    }

    /// The peer's address is known: the first probe goes out now.
    pub fn start(&mut self, now: Instant, dest: SocketAddr) {
        self.dest = Some(dest);
        self.probe_now(now);
    }

    /// "Send OPTIONS now": abandons an outstanding probe and sends a new one.
    pub fn probe_now(&mut self, now: Instant) {
        let Some(dest) = self.dest else {
            return;
        };
        let built = options(
            &self.target,
            self.transport,
            &self.user,
            &self.local,
            &mut self.rng,
        );
        let Ok(request) = built else {
            // A target that forms no URI can never be reached: say so rather than loop.
            self.unreachable(now);
            return;
        };
        self.outbox = Some(Outgoing {
            request: Box::new(request),
            dest,
            transport: self.transport,
        });
        self.probe = Some(Probe {
            tx: None,
            sent_at: now,
        });
        self.last_probe = Some(now);
        self.next_probe = None;
    }

    pub fn poll_transmit(&mut self) -> Option<Outgoing> {
        self.outbox.take()
    }

    pub fn sent(&mut self, tx: TxId) {
        if let Some(p) = self.probe.as_mut() {
            p.tx = Some(tx);
        }
    }

    pub fn send_failed(&mut self, now: Instant) {
        self.unreachable(now);
    }

    /// Takes an Endpoint event if it belongs to the outstanding probe.
    pub fn handle_event(&mut self, now: Instant, event: &Event) -> bool {
        let Some(probe) = self.probe else {
            return false;
        };
        let (Event::Response { tx, .. } | Event::Timeout { tx } | Event::TransportError { tx }) =
            event
        else {
            return false;
        };
        if probe.tx != Some(*tx) {
            return false;
        }
        match event {
            // Any final answer proves the peer alive, even 404 or 405 (chan_sip does the same).
            Event::Response { response, .. } if response.status >= 200 => {
                let ms = (now - probe.sent_at).as_millis().max(1);
                let ms = u64::try_from(ms).unwrap_or(u64::MAX);
                let lagged = now - probe.sent_at > self.cfg.max_rtt;
                self.status = if lagged {
                    PeerStatus::Lagged(ms)
                } else {
                    PeerStatus::Ok(ms)
                };
                self.probe = None;
                // chan_sip polls a peer that is not OK every 10 s until it recovers.
                let wait = if lagged {
                    NOT_OK_INTERVAL
                } else {
                    self.cfg.frequency
                };
                self.next_probe = Some(now + wait);
            }
            Event::Response { .. } => {}
            _ => self.unreachable(now),
        }
        true
    }

    pub fn poll_timeout(&self) -> Option<Instant> {
        let deadline = self.probe.map(|p| p.sent_at + self.cfg.max_rtt * 2);
        [deadline, self.next_probe].into_iter().flatten().min()
    }

    pub fn handle_timeout(&mut self, now: Instant) {
        if let Some(p) = self.probe {
            if now >= p.sent_at + self.cfg.max_rtt * 2 {
                self.unreachable(now);
            }
        }
        if self.next_probe.is_some_and(|at| at <= now) {
            self.probe_now(now);
        }
    }

    /// Twice the threshold passed without an answer (chan_sip `sip_poke_noanswer`).
    fn unreachable(&mut self, now: Instant) {
        self.status = PeerStatus::Unreachable;
        self.probe = None;
        self.next_probe = Some(now + NOT_OK_INTERVAL);
    }
}

#[cfg(test)]
mod tests;
