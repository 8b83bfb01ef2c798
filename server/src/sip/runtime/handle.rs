//! What the rest of the server holds of the SIP driver: the commands it
//! takes, a cloneable handle to send them, and where calls report. The
//! driver itself (`driver.rs`) owns the sockets and the state.

use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use super::addresses::NatSettings;
use super::counters::Counters;
use crate::sip::proto::call::{CallEvent, CallId, NewCall, Snapshot};
use crate::sip::proto::endpoint::addressing::SentBy;
use crate::sip::proto::{Request, Response, SendError, Transport, TxId};

/// What the rest of the server asks the SIP engine to do.
#[derive(Debug)]
pub enum Command {
    SendRequest {
        request: Request,
        dest: SocketAddr,
        transport: Transport,
        reply: oneshot::Sender<Result<TxId, SendError>>,
    },
    Respond {
        tx: TxId,
        response: Response,
    },
    /// Hands an authenticated, routed INVITE to the calls.
    StartCall {
        tx: TxId,
        request: Box<Request>,
        source: SocketAddr,
        transport: Transport,
        call: Box<NewCall>,
    },
    /// The administrator ends a call (Status → Calls).
    HangUp {
        call: CallId,
    },
    /// Addresses the toll-fraud guard blocks: everything they send is
    /// dropped before it is parsed, as a firewall would.
    Block(Arc<Shield>),
    /// A provider at this address reported what it sees of us (RFC 3581):
    /// our Via and Contact toward it say so from now on; `None` forgets it.
    Learned(IpAddr, Option<SentBy>),
    /// The administrator changed the External address or the Local networks.
    Nat(NatSettings),
    /// A phone registered over the TCP connection from this address: it
    /// may stay quiet as long as a registration lasts.
    Registered(SocketAddr),
    /// Where the registered phones send from (UDP): under load their
    /// datagrams are served before those of unknown sources.
    Phones(Arc<HashSet<SocketAddr>>),
    /// The calls in progress, copied when someone asks (Status → Calls, REST) rather than on
    /// every change: at 4,000 calls/s copies nobody read cost a tenth of this thread.
    LiveCalls(oneshot::Sender<Arc<Vec<Snapshot>>>),
}

/// What the driver drops: packets from blocked addresses, except from a
/// trunk's provider (its address and port), so that datagrams forged
/// with the provider's address cannot cut the office off its provider.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Shield {
    pub blocked: HashSet<IpAddr>,
    pub trunks: HashSet<SocketAddr>,
    /// The trunks' addresses with `nat=force_rport`: the endpoint answers them at their
    /// source port.
    pub force_rport: HashSet<SocketAddr>,
}

/// Where the calls report: each event, as it happens.
#[derive(Debug, Clone)]
pub struct CallFeeds {
    pub events: mpsc::UnboundedSender<CallEvent>,
}

/// Cloneable access to a running runtime.
#[derive(Debug, Clone)]
pub struct RuntimeHandle {
    pub commands: mpsc::UnboundedSender<Command>,
    pub counters: Arc<Counters>,
}

impl RuntimeHandle {
    /// The calls in progress, oldest first; empty once the runtime is gone.
    pub async fn live_calls(&self) -> Arc<Vec<Snapshot>> {
        let (reply, rx) = oneshot::channel();
        if self.commands.send(Command::LiveCalls(reply)).is_err() {
            return Arc::default();
        }
        rx.await.unwrap_or_default()
    }

    /// Starts a client transaction; `None` if the runtime is gone.
    pub async fn send_request(
        &self,
        request: Request,
        dest: SocketAddr,
        transport: Transport,
    ) -> Option<Result<TxId, SendError>> {
        let (reply, rx) = oneshot::channel();
        self.commands
            .send(Command::SendRequest {
                request,
                dest,
                transport,
                reply,
            })
            .ok()?;
        rx.await.ok()
    }

    pub fn respond(&self, tx: TxId, response: Response) {
        let _ = self.commands.send(Command::Respond { tx, response });
    }

    pub fn start_call(
        &self,
        tx: TxId,
        request: Request,
        source: SocketAddr,
        transport: Transport,
        call: NewCall,
    ) {
        let _ = self.commands.send(Command::StartCall {
            tx,
            request: Box::new(request),
            source,
            transport,
            call: Box::new(call),
        });
    }

    pub fn hang_up(&self, call: CallId) {
        let _ = self.commands.send(Command::HangUp { call });
    }

    pub fn block(&self, shield: Arc<Shield>) {
        let _ = self.commands.send(Command::Block(shield));
    }

    pub fn set_nat(&self, nat: NatSettings) {
        let _ = self.commands.send(Command::Nat(nat));
    }

    pub fn learned(&self, provider: IpAddr, us: Option<SentBy>) {
        let _ = self.commands.send(Command::Learned(provider, us));
    }

    pub fn registered(&self, peer: SocketAddr) {
        let _ = self.commands.send(Command::Registered(peer));
    }

    pub fn phones(&self, phones: Arc<HashSet<SocketAddr>>) {
        let _ = self.commands.send(Command::Phones(phones));
    }
}
