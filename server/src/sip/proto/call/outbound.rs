//! Calls layer: sending the B legs' INVITEs. Parallel fork to contacts, trunks one at a time
//! (passed over when skipped or at their call limit), one digest answer to a provider's 401/407,
//! CANCEL (§9.1). Must not send a CANCEL before a provisional (§9.1).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use super::leg::{self, BLeg, LegState};
use super::media::Carry;
use super::state::{Call, Plan, Shared, TxRole};
use super::{Attempt, AttemptResult, ContactTarget, HangupCause, Side, TrunkTarget};
use crate::sip::proto::auth::DigestClient;
use crate::sip::proto::header::{name_addr::quoted_display, Contact, MaxForwards, NameAddr};
use crate::sip::proto::message::{parse_request_uri, ExtraHeader, Method, Request, Transport};
use crate::sip::proto::Endpoint;

/// One B leg to start.
struct LegSpec<'a> {
    uri: String,
    dest: SocketAddr,
    transport: Transport,
    from: NameAddr,
    to: NameAddr,
    extra: Vec<ExtraHeader>,
    /// The trunk and its index in the call's list, for trunk legs.
    trunk: Option<(usize, &'a TrunkTarget)>,
}

impl Call {
    pub(super) fn ring_contacts(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        contacts: &[ContactTarget],
        from: &NameAddr,
    ) {
        let to = NameAddr {
            params: Vec::new(),
            ..self.a.invite.headers.to.0.clone()
        };
        for c in contacts {
            let spec = LegSpec {
                uri: c.uri.clone(),
                dest: c.dest,
                transport: c.transport,
                from: from.clone(),
                to: to.clone(),
                extra: Vec::new(),
                trunk: None,
            };
            self.start_leg(now, ep, sh, spec);
        }
        if !self.legs.iter().any(BLeg::ringing) {
            self.fail(now, ep, sh, 480, HangupCause::NoAnswer, None);
        }
    }

    /// Starts the next trunk that is neither passed over nor full; 503 on A when none is left.
    pub(super) fn try_next_trunk(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared) {
        loop {
            let Plan::Trunks { trunks, next } = &mut self.plan else {
                return;
            };
            let Some(t) = trunks.get(*next).cloned() else {
                if self.refused_for_media() {
                    self.fail(now, ep, sh, 488, HangupCause::NotAcceptable, None);
                } else {
                    self.fail(now, ep, sh, 503, HangupCause::Congestion, None);
                }
                return;
            };
            let index = *next;
            *next += 1;
            let active = sh.trunk_active.get(&t.trunk_id).copied().unwrap_or(0);
            let skip = t.skipped.clone().or_else(|| {
                (t.call_limit > 0 && active >= t.call_limit)
                    .then(|| format!("call limit {} reached", t.call_limit))
            });
            if let Some(reason) = skip {
                self.record(
                    sh,
                    Attempt {
                        target: t.name.clone(),
                        trunk_id: Some(t.trunk_id),
                        result: AttemptResult::Skipped(reason),
                    },
                );
                continue;
            }
            let (from, extra) = trunk_from(&t.caller_id, t.from_user.as_deref(), &t.from_domain);
            let spec = LegSpec {
                uri: t.request_uri.clone(),
                dest: t.dest,
                transport: t.transport,
                from,
                to: NameAddr::new(t.request_uri.clone()),
                extra,
                trunk: Some((index, &t)),
            };
            self.start_leg(now, ep, sh, spec);
            if self.legs.last().is_some_and(BLeg::ringing) {
                return;
            }
        }
    }

    fn start_leg(&mut self, now: Instant, ep: &mut Endpoint, sh: &mut Shared, spec: LegSpec<'_>) {
        let LegSpec {
            uri,
            dest,
            transport,
            from,
            to,
            extra,
            trunk,
        } = spec;
        let label = trunk.map_or_else(|| uri.clone(), |(_, t)| t.name.clone());
        let trunk_id = trunk.map(|(_, t)| t.trunk_id);
        let Ok(ruri) = parse_request_uri(&uri) else {
            let result = AttemptResult::Rejected(416);
            return self.record(sh, Attempt::of(label, trunk_id, result));
        };
        let mut invite = ep.new_request(Method::Invite, ruri, from, to);
        let contact = ep.config().contact(dest);
        invite.headers.contact = vec![Contact::Addr(NameAddr::new(contact))];
        invite.headers.extra = extra;
        // Max-Forwards counts down across us too, so a routing loop through the PBX ends (§16.6).
        let hops = self.a.invite.headers.max_forwards.map_or(70, |m| m.0);
        invite.headers.max_forwards = Some(MaxForwards(hops.saturating_sub(1)));
        let a = &self.a.invite;
        let carry = Carry {
            from: Side::Caller,
            leg: None,
            headers: &a.headers,
            body: &a.body,
            to: dest,
            offer_to_trunk: trunk.map(|(_, t)| &t.media),
        };
        if let Err(e) = self.carry(ep, sh, &carry, &mut invite.headers, &mut invite.body) {
            let result = AttemptResult::NotAcceptable(e.to_string());
            return self.record(sh, Attempt::of(label, trunk_id, result));
        }
        // Our Via is added here, not by the endpoint: the CANCEL must copy it (§9.1).
        leg::push_via(ep, &mut invite, dest, transport);
        let n = self.legs.len();
        let seq = invite.headers.cseq.seq;
        let invite = Arc::new(invite);
        let Ok(tx) = ep.send_invite(now, invite.clone(), dest, transport) else {
            let result = AttemptResult::TransportError;
            return self.record(sh, Attempt::of(label, trunk_id, result));
        };
        sh.track_tx(tx, self.id, TxRole::BInvite(n));
        if let Some(id) = trunk_id {
            *sh.trunk_active.entry(id).or_default() += 1;
        }
        // One leg at a time (a trunk, or each of a user's contacts): a Vec's first growth
        // would make room for four, each about 400 bytes.
        self.legs.reserve_exact(1);
        self.legs.push(BLeg {
            label,
            trunk_id,
            trunk: trunk.map(|(i, _)| i),
            symmetric: trunk.is_none_or(|(_, t)| t.force_rport),
            invite: Some(invite),
            seq,
            tx,
            dest,
            transport,
            state: LegState::Calling,
            auth_tried: false,
            cancel_pending: false,
            cancelled: false,
            recorded: false,
            counted: trunk_id.is_some(),
            dialog: None,
            ack: None,
        });
    }

    /// Cancels a ringing leg now, or as soon as it has sent a provisional.
    pub(super) fn cancel_leg(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
    ) {
        let Some(l) = self.legs.get_mut(n).filter(|l| l.ringing() && !l.cancelled) else {
            return;
        };
        l.cancelled = true;
        if l.state == LegState::Early {
            let cancel = l.invite.as_deref().map(leg::cancel);
            if let Some(Ok(tx)) = cancel.map(|c| ep.send_request(now, c, l.dest, l.transport)) {
                sh.track_tx(tx, self.id, TxRole::Other);
            }
        } else {
            l.cancel_pending = true;
        }
    }

    /// Resends leg `n`'s INVITE with digest credentials, once (CSeq + 1, new branch).
    pub(super) fn auth_retry(
        &mut self,
        now: Instant,
        ep: &mut Endpoint,
        sh: &mut Shared,
        n: usize,
        challenge: &crate::sip::proto::Response,
    ) -> Option<()> {
        let Plan::Trunks { trunks, .. } = &self.plan else {
            return None;
        };
        let l = self.legs.get_mut(n)?;
        let creds = trunks.get(l.trunk?)?.credentials.clone()?;
        let mut retry: Request = l.invite.as_deref()?.clone();
        retry.headers.via.clear();
        retry.headers.cseq.seq += 1;
        let mut client = DigestClient::new(creds.username, creds.password, 1);
        client.answer(challenge, &mut retry, ep.rng()).ok()?;
        leg::push_via(ep, &mut retry, l.dest, l.transport);
        let retry = Arc::new(retry);
        let tx = ep
            .send_invite(now, retry.clone(), l.dest, l.transport)
            .ok()?;
        sh.track_tx(tx, self.id, TxRole::BInvite(n));
        l.seq = retry.headers.cseq.seq;
        l.invite = Some(retry);
        l.tx = tx;
        l.auth_tried = true;
        l.state = LegState::Calling;
        Some(())
    }
}

/// From for a trunk: the caller ID, or anonymous with the number in P-Asserted-Identity and
/// `Privacy: id` (RFC 3323, RFC 3325) when presentation is prohibited. The trunk's From user,
/// when set, replaces the number in From as chan_sip's `fromuser` does (providers that
/// identify the account by it); the caller's name stays.
fn trunk_from(
    cid: &super::CallerId,
    from_user: Option<&str>,
    domain: &str,
) -> (NameAddr, Vec<ExtraHeader>) {
    let number = cid.number.as_deref().unwrap_or("anonymous");
    let display = cid.name.as_deref().and_then(quoted_display);
    let real = NameAddr {
        display: display.clone(),
        ..NameAddr::new(format!("sip:{number}@{domain}"))
    };
    if let (Some(user), false) = (from_user, cid.anonymous) {
        let from = NameAddr {
            display,
            ..NameAddr::new(format!("sip:{user}@{domain}"))
        };
        return (from, Vec::new());
    }
    if !cid.anonymous {
        return (real, Vec::new());
    }
    let from = NameAddr {
        display: quoted_display("Anonymous"),
        ..NameAddr::new("sip:anonymous@anonymous.invalid")
    };
    let extra = vec![
        ExtraHeader {
            name: "P-Asserted-Identity".into(),
            value: real.to_string(),
        },
        ExtraHeader {
            name: "Privacy".into(),
            value: "id".into(),
        },
    ];
    (from, extra)
}
