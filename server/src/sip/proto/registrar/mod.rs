//! Registrar for the users' SIP lines (RFC 3261 §10.3): digest-checked
//! REGISTER, several contacts per line, expiry bounds with 423 for a too
//! brief one, `Contact: *` to un-register, and the list of current
//! bindings in every 200. Pure: time is an argument (an `Instant` for the
//! digest nonces, wall-clock seconds for expiry, because bindings outlive
//! the process and are persisted by the runtime).

#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::time::Instant;

use super::auth::{DigestServer, Verdict};
use super::header::{Contact, MinExpires, NameAddr, Param};
use super::idmap::WireMap;
use super::message::{ExtraHeader, Request, Response, Transport};

/// Expiry bounds in seconds; chan_sip's `minexpiry`, `maxexpiry` and
/// `defaultexpiry` defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrarConfig {
    pub min_expires: u32,
    pub max_expires: u32,
    pub default_expires: u32,
    /// Most contacts one line may have at once (desk phone, softphone,
    /// mobile app…); more is refused rather than silently dropping one.
    pub max_contacts: usize,
}

impl Default for RegistrarConfig {
    fn default() -> Self {
        Self {
            min_expires: 60,
            max_expires: 3600,
            default_expires: 120,
            max_contacts: 10,
        }
    }
}

/// One registered contact of one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The line's username (the address of record's user part).
    pub aor: String,
    /// The Contact URI as the phone sent it.
    pub contact: String,
    /// Wall-clock second at which it lapses.
    pub expires_at: u64,
    pub call_id: String,
    pub cseq: u32,
    pub user_agent: String,
    /// Where the REGISTER came from: requests go back there (phones are
    /// usually behind NAT, so the Contact's host may be unreachable).
    pub source: SocketAddr,
    pub transport: Transport,
}

/// What a REGISTER came to.
#[derive(Debug)]
pub struct Outcome {
    pub response: Response,
    /// The bindings changed (added, refreshed or removed): publish them.
    pub changed: bool,
    /// Wrong credentials were presented (the toll-fraud guard counts it).
    pub bad_credentials: bool,
    /// The line that authenticated, when one did.
    pub line: Option<String>,
}

/// Why a REGISTER is refused, before the response is built.
#[derive(Debug, Clone, Copy)]
enum Refusal {
    Status(u16, &'static str),
    /// 423 with our Min-Expires.
    TooBrief,
    TooManyContacts,
}

/// Every line's bindings.
#[derive(Debug, Default)]
pub struct Registrar {
    cfg: RegistrarConfig,
    bindings: WireMap<String, Vec<Binding>>,
}

/// The user part of a SIP URI (`sip:1000@pbx` → `1000`).
pub fn uri_user(uri: &str) -> Option<&str> {
    let rest = uri
        .strip_prefix("sip:")
        .or_else(|| uri.strip_prefix("sips:"))?;
    let (user, _) = rest.split_once('@')?;
    // user;param=… or user:password are not part of the name.
    let user = user.split([';', ':']).next().unwrap_or(user);
    (!user.is_empty()).then_some(user)
}

fn refuse(request: &Request, status: u16, reason: &str) -> Outcome {
    Outcome {
        response: Response::for_request(request, status, reason),
        changed: false,
        bad_credentials: false,
        line: None,
    }
}

impl Registrar {
    pub fn new(cfg: RegistrarConfig) -> Self {
        Self {
            cfg,
            bindings: WireMap::default(),
        }
    }

    pub fn config(&self) -> RegistrarConfig {
        self.cfg
    }

    /// Bindings read back from storage after a restart; lapsed ones are
    /// dropped.
    pub fn restore(&mut self, bindings: Vec<Binding>, wall: u64) {
        for b in bindings {
            if b.expires_at > wall {
                self.bindings.entry(b.aor.clone()).or_default().push(b);
            }
        }
    }

    /// The current bindings of `aor`.
    pub fn contacts(&self, aor: &str) -> &[Binding] {
        self.bindings.get(aor).map_or(&[], Vec::as_slice)
    }

    /// Every binding, for publishing and persisting.
    pub fn all(&self) -> impl Iterator<Item = &Binding> {
        self.bindings.values().flatten()
    }

    /// Removes lapsed bindings; true when any was.
    pub fn expire(&mut self, wall: u64) -> bool {
        let before: usize = self.bindings.values().map(Vec::len).sum();
        for list in self.bindings.values_mut() {
            list.retain(|b| b.expires_at > wall);
        }
        self.bindings.retain(|_, list| !list.is_empty());
        before != self.bindings.values().map(Vec::len).sum::<usize>()
    }

    /// Forgets every binding of lines that no longer exist.
    pub fn retain_lines(&mut self, exists: impl Fn(&str) -> bool) -> bool {
        let before = self.bindings.len();
        self.bindings.retain(|aor, _| exists(aor));
        before != self.bindings.len()
    }

    /// Handles one REGISTER. `password` gives a line's password by its
    /// username; an unknown line is challenged exactly like a known one.
    #[allow(clippy::too_many_arguments)]
    pub fn handle(
        &mut self,
        auth: &mut DigestServer,
        now: Instant,
        wall: u64,
        request: &Request,
        source: SocketAddr,
        transport: Transport,
        password: impl Fn(&str) -> Option<String>,
    ) -> Outcome {
        let (challenge, bad_credentials) = match auth.verify(now, request, password) {
            Verdict::Accepted { username } => {
                return self.registered(request, username, wall, source, transport)
            }
            Verdict::Challenge(challenge) => (challenge, false),
            Verdict::Refused(challenge) => (challenge, true),
        };
        Outcome {
            response: DigestServer::unauthorized(request, challenge),
            changed: false,
            bad_credentials,
            line: None,
        }
    }

    /// A REGISTER whose credentials are right: its bindings change.
    fn registered(
        &mut self,
        request: &Request,
        username: String,
        wall: u64,
        source: SocketAddr,
        transport: Transport,
    ) -> Outcome {
        // A line registers itself only: its credentials do not let it
        // take calls for another line.
        let aor = match uri_user(request.headers.to.uri()) {
            Some(user) if user.eq_ignore_ascii_case(&username) => username,
            _ => return refuse(request, 403, "Forbidden"),
        };
        if self.refresh(request, &aor, wall, source, transport) {
            return self.accepted(request, aor, wall, true);
        }
        let planned = match self.plan(request, &aor, wall, source, transport) {
            Ok(planned) => planned,
            Err(refusal) => return self.refusal(request, refusal),
        };
        let changed = planned.is_some();
        if let Some(list) = planned {
            if list.is_empty() {
                self.bindings.remove(&aor);
            } else if let Some(slot) = self.bindings.get_mut(&aor) {
                // The line had bindings: its key stays.
                *slot = list;
            } else {
                self.bindings.insert(aor.clone(), list);
            }
        }
        self.accepted(request, aor, wall, changed)
    }

    /// The 200 of an accepted REGISTER: every current binding of `aor` with the seconds it
    /// has left.
    fn accepted(&self, request: &Request, aor: String, wall: u64, changed: bool) -> Outcome {
        let mut response = Response::for_request(request, 200, "OK");
        for b in self.contacts(&aor) {
            let mut addr = NameAddr::new(b.contact.clone());
            addr.params.push(Param {
                name: "expires".into(),
                value: Some(b.expires_at.saturating_sub(wall).to_string()),
            });
            response.headers.contact.push(Contact::Addr(addr));
        }
        Outcome {
            response,
            changed,
            bad_credentials: false,
            line: Some(aor),
        }
    }

    fn refusal(&self, request: &Request, refusal: Refusal) -> Outcome {
        match refusal {
            Refusal::Status(status, reason) => refuse(request, status, reason),
            Refusal::TooBrief => {
                let mut outcome = refuse(request, 423, "Interval Too Brief");
                outcome.response.headers.min_expires = Some(MinExpires(self.cfg.min_expires));
                outcome
            }
            Refusal::TooManyContacts => {
                let mut outcome = refuse(request, 403, "Too many contacts");
                outcome.response.headers.extra.push(ExtraHeader {
                    name: "Warning".into(),
                    value: format!(
                        "399 trunkline \"at most {} contacts per line\"",
                        self.cfg.max_contacts
                    ),
                });
                outcome
            }
        }
    }

    /// A refresh of one contact the line already has, by far the most common REGISTER (every
    /// phone sends one each expiry period), done in place: neither the line's bindings nor
    /// their strings are copied, unless one of them changed. False, with nothing touched, for
    /// any other request, an out-of-order one or a too brief one included: `plan` judges
    /// those, with the same result a refresh here gives.
    fn refresh(
        &mut self,
        request: &Request,
        aor: &str,
        wall: u64,
        source: SocketAddr,
        transport: Transport,
    ) -> bool {
        let h = &request.headers;
        let [contact @ Contact::Addr(addr)] = h.contact.as_slice() else {
            return false;
        };
        let asked = self.asked(contact, h.expires.map(|e| e.0));
        if asked == 0 || asked < self.cfg.min_expires {
            return false;
        }
        let Some(b) = self
            .bindings
            .get_mut(aor)
            .and_then(|list| list.iter_mut().find(|b| b.contact == addr.uri))
        else {
            return false;
        };
        let call_id = h.call_id.as_str();
        if b.call_id == call_id && h.cseq.seq <= b.cseq {
            return false;
        }
        b.expires_at = wall + u64::from(asked.min(self.cfg.max_expires));
        b.cseq = h.cseq.seq;
        if b.call_id != call_id {
            call_id.clone_into(&mut b.call_id);
        }
        let user_agent = h.extra("User-Agent").unwrap_or("");
        if b.user_agent != user_agent {
            user_agent.clone_into(&mut b.user_agent);
        }
        b.source = source;
        b.transport = transport;
        true
    }

    /// The seconds `contact` asks to be bound for: its own `expires`, else the request's
    /// Expires, else our default; 0 asks for its removal.
    fn asked(&self, contact: &Contact, request_expires: Option<u32>) -> u32 {
        contact
            .expires()
            .or(request_expires)
            .unwrap_or(self.cfg.default_expires)
    }

    /// The line's bindings after this REGISTER (`None`: a query, nothing
    /// changes), or the refusal. Nothing is touched until the whole
    /// request is found acceptable.
    fn plan(
        &self,
        request: &Request,
        aor: &str,
        wall: u64,
        source: SocketAddr,
        transport: Transport,
    ) -> Result<Option<Vec<Binding>>, Refusal> {
        let h = &request.headers;
        if h.contact.is_empty() {
            return Ok(None);
        }
        let header_expires = h.expires.map(|e| e.0);
        if h.contact.contains(&Contact::Wildcard) {
            // §10.3 step 6: `*` only alone and with Expires: 0.
            if h.contact.len() != 1 || header_expires != Some(0) {
                return Err(Refusal::Status(400, "Invalid wildcard Contact"));
            }
            return Ok(Some(Vec::new()));
        }
        let mut list = self.contacts(aor).to_vec();
        let call_id = h.call_id.to_string();
        let user_agent = h.extra("User-Agent").unwrap_or("").to_owned();
        for contact in &h.contact {
            let Contact::Addr(addr) = contact else {
                continue;
            };
            let asked = self.asked(contact, header_expires);
            if asked != 0 && asked < self.cfg.min_expires {
                return Err(Refusal::TooBrief);
            }
            let expires = asked.min(self.cfg.max_expires);
            let existing = list.iter().position(|b| b.contact == addr.uri);
            if let Some(i) = existing {
                // §10.3 step 7: an older request of the same registration
                // must not undo a newer one.
                if list[i].call_id == call_id && h.cseq.seq <= list[i].cseq {
                    return Err(Refusal::Status(500, "Out of order REGISTER"));
                }
                if expires == 0 {
                    list.remove(i);
                    continue;
                }
            } else if expires == 0 {
                continue;
            }
            let binding = Binding {
                aor: aor.to_owned(),
                contact: addr.uri.clone(),
                expires_at: wall + u64::from(expires),
                call_id: call_id.clone(),
                cseq: h.cseq.seq,
                user_agent: user_agent.clone(),
                source,
                transport,
            };
            match existing {
                Some(i) => list[i] = binding,
                None => list.push(binding),
            }
        }
        if list.len() > self.cfg.max_contacts {
            return Err(Refusal::TooManyContacts);
        }
        Ok(Some(list))
    }
}
