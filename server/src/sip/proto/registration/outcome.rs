//! Registration layer: how the client reacts to a final answer or its absence (chan_sip
//! `handle_response_register`, REFERENCE.md §6; RFC 3261 §10.2.8 423, §21.4.4 403, §8.1.3.1
//! timeouts as 408). Must not send or read the clock itself: it queues through `client.rs`.

use std::time::{Duration, Instant};

use super::client::{RegistrationClient, Wake};
use super::config::{HostPort, MAX_EXPIRY};
use super::request;
use super::status::{LastResponse, RegistrationState};
use super::timing;
use crate::sip::proto::auth::AuthError;
use crate::sip::proto::header::Rport;
use crate::sip::proto::message::Response;

impl RegistrationClient {
    pub(super) fn handle_response(&mut self, now: Instant, resp: &Response) {
        if resp.status < 200 {
            return;
        }
        self.last_response = Some(LastResponse::new(resp.status, &*resp.reason));
        let why = format!("{} {}", resp.status, resp.reason);
        match resp.status {
            200..=299 if self.removing => self.finish(now, "un-registered"),
            200..=299 => self.registered(now, resp, &why),
            401 | 407 => {
                let next = if self.removing {
                    self.state
                } else {
                    RegistrationState::AuthSent
                };
                let why = format!("{why}: credentials sent");
                // The answer to a challenge re-sends the same binding (an old one being removed
                // stays the one removed).
                let (binding, unbinding) = self.inflight.as_ref().map_or_else(
                    || (self.binding(), false),
                    |f| (f.binding.clone(), f.unbinding),
                );
                let expires = self.current_expires();
                self.send_register_for(now, expires, Some(resp), next, &why, binding, unbinding);
            }
            _ if self.removing => self.finish(now, &why),
            403 => self.auth_failure(now, resp, &why),
            423 => match resp.headers.min_expires {
                Some(m) if m.0 <= MAX_EXPIRY => {
                    self.expiry = m.0.max(self.expiry);
                    let why = format!("{why}: retrying with Expires {}", self.expiry);
                    self.send_register(
                        now,
                        self.expiry,
                        None,
                        RegistrationState::RequestSent,
                        &why,
                    );
                }
                _ => self.fatal(now, RegistrationState::Rejected, &why),
            },
            400 | 404 | 414 | 479 | 493 => self.fatal(now, RegistrationState::Rejected, &why),
            _ => self.no_answer(now, &why, timing::retry_after(resp)),
        }
    }

    pub(super) fn current_expires(&self) -> u32 {
        self.inflight
            .as_ref()
            .and_then(|f| f.request.headers.expires)
            .map_or(self.expiry, |e| e.0)
    }

    pub(super) fn registered(&mut self, now: Instant, resp: &Response, why: &str) {
        let Some(flight) = self.inflight.take() else {
            return;
        };
        if flight.unbinding {
            let why = format!("NAT: binding at {} removed", flight.binding);
            self.begin_attempt(now, &why);
            return;
        }
        let contact = request::contact_uri(&self.cfg, &flight.binding);
        let granted = timing::granted_expiry(resp, &contact, self.expiry);
        self.granted = Some(granted);
        self.registered_at = Some(now);
        self.attempts = 0;
        self.auth_failures = 0;
        self.digest.reset();
        self.set_state(now, RegistrationState::Registered, why);
        self.wake = Some((now + timing::refresh_interval(granted), Wake::Refresh));
        // RFC 3581 §4: the registrar tells us where our packets came from; a Contact elsewhere
        // is unreachable behind NAT, so register the learned address instead. The binding just
        // made goes first (`Expires: 0`): left registered, the provider would keep sending
        // calls to an address that cannot be reached.
        if self.cfg.external_address.is_none() && !self.on_lan {
            if let Some(seen) = seen_at(resp, &flight.binding) {
                if seen != flight.binding {
                    self.learned = Some(seen.clone());
                    let why = format!(
                        "NAT: registrar sees us at {seen}: removing the binding at {}",
                        flight.binding
                    );
                    self.send_register_for(
                        now,
                        0,
                        None,
                        RegistrationState::RequestSent,
                        &why,
                        flight.binding,
                        true,
                    );
                }
            }
        }
    }

    /// A credential refusal (403, or 401 after three tries). Fatal unless configured to retry,
    /// and then only after a back-off doubling with each consecutive refusal.
    pub(super) fn auth_failure(&mut self, now: Instant, resp: &Response, why: &str) {
        self.auth_failures += 1;
        self.fatal(now, RegistrationState::NoAuthentication, why);
        if self.cfg.retry_auth_failures {
            let backoff = timing::auth_backoff(self.cfg.register_timeout, self.auth_failures);
            let wait = backoff.max(timing::retry_after(resp).unwrap_or_default());
            self.wake = Some((now + wait, Wake::Retry));
        }
    }

    pub(super) fn auth_refused(&mut self, now: Instant, resp: &Response, error: &AuthError) {
        let why = format!("{} {}: {error}", resp.status, resp.reason);
        if self.removing {
            return self.finish(now, &why);
        }
        self.auth_failure(now, resp, &why);
    }

    pub(super) fn fatal(&mut self, now: Instant, state: RegistrationState, why: &str) {
        self.inflight = None;
        self.wake = None;
        if self.removing {
            return self.finish(now, why);
        }
        self.set_state(now, state, why);
    }

    /// No final answer, or one that says "try later": `Unregistered`, retry one register
    /// timeout after the failed send (or after Retry-After, if later), attempt counter up;
    /// `Failed` when the attempts run out.
    pub(super) fn no_answer(&mut self, now: Instant, why: &str, retry_after: Option<Duration>) {
        let sent_at = self.inflight.take().map_or(now, |f| f.sent_at);
        self.wake = None;
        if self.removing {
            return self.finish(now, why);
        }
        if self.out_of_attempts() {
            return self.set_state(now, RegistrationState::Failed, why);
        }
        self.set_state(now, RegistrationState::Unregistered, why);
        let at = (sent_at + self.cfg.register_timeout).max(now + retry_after.unwrap_or_default());
        self.wake = Some((at, Wake::Retry));
        if at <= now {
            self.handle_timeout(now);
        }
    }

    pub(super) fn finish(&mut self, now: Instant, why: &str) {
        self.inflight = None;
        self.wake = None;
        self.finished = true;
        self.registered_at = None;
        self.granted = None;
        self.set_state(now, RegistrationState::Unregistered, why);
    }
}

/// The address the registrar saw our request come from (RFC 3581 §4, §18.2.1 `received`).
fn seen_at(resp: &Response, sent_from: &HostPort) -> Option<HostPort> {
    let via = resp.headers.via.first()?;
    let host = via
        .received()
        .map_or_else(|| sent_from.host.clone(), |ip| ip.to_string());
    let port = match via.rport() {
        Rport::Value(p) => p,
        _ => sent_from.port,
    };
    Some(HostPort::new(host, port))
}
