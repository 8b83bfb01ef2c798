//! Test rig: what the phone and the peers do, and what the tests read off the wire.

use std::net::SocketAddr;

use super::net::{Net, SDP_A, SDP_B};
use crate::sip::proto::call::leg::{self, Dialog};
use crate::sip::proto::call::{CallEvent, CallRecord, NewCall};
use crate::sip::proto::header::{Contact, NameAddr};
use crate::sip::proto::message::{self, ExtraHeader, Message, Method, Request, Response};
use crate::sip::proto::{Event, Transport, TxId};

impl Net {
    /// The phone dials `uri` with an SDP offer; returns its INVITE (with its Via).
    pub fn dial(&mut self, uri: &str, call: NewCall) -> Request {
        self.dial_with(uri, call, |_| {})
    }

    /// `dial`, with the INVITE edited by `edit` before it is sent.
    pub fn dial_with(
        &mut self,
        uri: &str,
        call: NewCall,
        edit: impl FnOnce(&mut Request),
    ) -> Request {
        self.next_call = Some(call);
        let phone = &mut self.peers[0];
        let ruri = message::parse_request_uri(uri).expect("uri");
        let mut invite = phone.ep.new_request(
            Method::Invite,
            ruri,
            NameAddr::new("sip:1000@10.0.0.2"),
            NameAddr::new(uri),
        );
        invite.headers.contact = vec![Contact::Addr(NameAddr::new("sip:1000@10.0.0.1:5060"))];
        with_sdp(&mut invite.headers.extra, &mut invite.body, SDP_A);
        leg::push_via(&mut phone.ep, &mut invite, self.pbx_addr, Transport::Udp);
        edit(&mut invite);
        let sent = invite.clone();
        phone
            .ep
            .send_request(self.now, invite, self.pbx_addr, Transport::Udp)
            .expect("sent");
        sent
    }

    /// The phone cancels its INVITE.
    pub fn cancel(&mut self, invite: &Request) {
        let cancel = leg::cancel(invite);
        let (now, pbx) = (self.now, self.pbx_addr);
        let _ = self.peers[0]
            .ep
            .send_request(now, cancel, pbx, Transport::Udp);
    }

    /// The first request of `method` peer `p` received that the test has not taken yet.
    pub fn take_request(&mut self, p: usize, method: Method) -> (TxId, Request) {
        let what = method.to_string();
        self.try_take_request(p, method)
            .unwrap_or_else(|| panic!("peer {p} got no {what}"))
    }

    /// The same, `None` when there is none.
    pub fn try_take_request(&mut self, p: usize, method: Method) -> Option<(TxId, Request)> {
        let peer = &mut self.peers[p];
        let i = peer.events.iter().position(
            |e| matches!(e, Event::Request { request, .. } if request.method == method),
        )?;
        match peer.events.remove(i) {
            Event::Request { tx, request, .. } => Some((tx, request)),
            _ => None,
        }
    }

    /// Peer `p` answers `req` (2xx and 18x carry its SDP and Contact).
    pub fn reply(&mut self, p: usize, tx: TxId, req: &Request, status: u16) -> Response {
        self.reply_with(p, tx, req, status, SDP_B)
    }

    /// [`Net::reply`] whose 183 or 2xx carries `sdp`.
    pub fn reply_with(
        &mut self,
        p: usize,
        tx: TxId,
        req: &Request,
        status: u16,
        sdp: &[u8],
    ) -> Response {
        let now = self.now;
        let peer = &mut self.peers[p];
        let mut resp = Response::for_request(req, status, message::default_reason(status));
        if status > 100 && resp.headers.to.tag().is_none() {
            resp.headers.to = resp.headers.to.with_tag(&format!("peer{p}"));
        }
        if (180..300).contains(&status) && req.method != Method::Bye {
            let me = format!("sip:peer@{}", peer.addr);
            resp.headers.contact = vec![Contact::Addr(NameAddr::new(me))];
            if status != 180 {
                with_sdp(&mut resp.headers.extra, &mut resp.body, sdp);
            }
        }
        if status >= 200 {
            peer.pending.retain(|(t, _)| *t != tx);
        }
        peer.ep.respond(now, tx, resp.clone()).expect("responded");
        resp
    }

    /// The dialog a peer has from its INVITE `invite` and the 2xx `ok` it got or sent.
    pub fn dialog(&self, invite: &Request, ok: &Response, uac: bool) -> Dialog {
        let h = &invite.headers;
        let (local, remote, target) = if uac {
            let target = leg::contact_uri(&ok.headers.contact).expect("contact");
            (h.from.0.clone(), ok.headers.to.0.clone(), target)
        } else {
            let target = leg::contact_uri(&h.contact).expect("contact");
            (ok.headers.to.0.clone(), h.from.0.clone(), target)
        };
        Dialog {
            call_id: h.call_id.clone(),
            local,
            remote,
            remote_target: target,
            route: Default::default(),
            local_cseq: if uac { h.cseq.seq } else { 100 },
            dest: self.pbx_addr,
            symmetric: true,
            transport: Transport::Udp,
        }
    }

    /// Peer `p` sends `method` in `dialog` (an ACK goes outside any transaction).
    pub fn send_in_dialog(&mut self, p: usize, dialog: &mut Dialog, method: Method, sdp: bool) {
        let now = self.now;
        let peer = &mut self.peers[p];
        if method == Method::Ack {
            let ack = dialog.ack(&mut peer.ep, dialog.local_cseq).expect("ack");
            peer.ep.send_ack(&ack, dialog.dest, dialog.transport);
            return;
        }
        let mut req = dialog
            .request(method, &format!("sip:peer@{}", peer.addr))
            .expect("req");
        if sdp {
            with_sdp(&mut req.headers.extra, &mut req.body, SDP_A);
        }
        peer.ep
            .send_request(now, req, dialog.dest, dialog.transport)
            .expect("sent");
    }

    /// Peer `p` sends `method` in `dialog` with the SDP `sdp`.
    pub fn send_in_dialog_with(
        &mut self,
        p: usize,
        dialog: &mut Dialog,
        method: Method,
        sdp: &str,
    ) {
        let now = self.now;
        let peer = &mut self.peers[p];
        let mut req = dialog
            .request(method, &format!("sip:peer@{}", peer.addr))
            .expect("req");
        with_sdp(&mut req.headers.extra, &mut req.body, sdp.as_bytes());
        peer.ep
            .send_request(now, req, dialog.dest, dialog.transport)
            .expect("sent");
    }

    /// Final (or provisional) responses peer `p` received, statuses in order.
    pub fn statuses(&self, p: usize) -> Vec<u16> {
        self.peers[p]
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Response { response, .. } => Some(response.status),
                _ => None,
            })
            .collect()
    }

    /// Statuses sent on the wire from `from` to the PBX, retransmissions included.
    pub fn answers_from(&self, from: SocketAddr) -> Vec<u16> {
        self.wire
            .iter()
            .filter(|p| p.from == from && p.to == self.pbx_addr)
            .filter_map(|p| match &p.msg {
                Message::Response(r) => Some(r.status),
                Message::Request(_) => None,
            })
            .collect()
    }

    /// Statuses the PBX sent on the wire to `to`, retransmissions included.
    pub fn answers_from_pbx(&self, to: SocketAddr) -> Vec<u16> {
        self.wire
            .iter()
            .filter(|p| p.from == self.pbx_addr && p.to == to)
            .filter_map(|p| match &p.msg {
                Message::Response(r) => Some(r.status),
                Message::Request(_) => None,
            })
            .collect()
    }

    /// The last response peer `p` received with this status.
    pub fn response(&self, p: usize, status: u16) -> Response {
        self.peers[p]
            .events
            .iter()
            .rev()
            .find_map(|e| match e {
                Event::Response { response, .. } if response.status == status => {
                    Some(response.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("peer {p} got no {status}"))
    }

    /// Distinct requests of `method` on the wire from the PBX to `to` (retransmissions folded).
    pub fn sent_to(&self, to: SocketAddr, method: Method) -> Vec<Request> {
        let mut out: Vec<Request> = Vec::new();
        for p in &self.wire {
            if let (true, Message::Request(r)) = (p.from == self.pbx_addr && p.to == to, &p.msg) {
                if r.method == method && !out.contains(r) {
                    out.push(r.clone());
                }
            }
        }
        out
    }

    /// The record of the call that ended.
    pub fn record(&self) -> CallRecord {
        self.call_events
            .iter()
            .find_map(|e| match e {
                CallEvent::Ended(r) => Some(r.clone()),
                _ => None,
            })
            .expect("the call ended")
    }
}

pub(super) fn with_sdp(extra: &mut Vec<ExtraHeader>, body: &mut Vec<u8>, sdp: &[u8]) {
    extra.push(ExtraHeader {
        name: "Content-Type".into(),
        value: "application/sdp".into(),
    });
    body.extend_from_slice(sdp);
}
