//! The users' lines at run time: answers REGISTER with the sans-IO
//! registrar, lets bindings lapse on time, and publishes the bindings so
//! the engine can show and persist them; decides what a new INVITE
//! becomes (see `invite`) and hands calls to the runtime. Requests no
//! feature claims are answered here too (`proto::answer`, 481 inside an
//! unknown dialog).

use super::invite::{decide, Decision, Directory, TrunkAddresses};
use super::RuntimeHandle;
use crate::sip::proto::answer::answer;
use crate::sip::proto::auth::DigestServer;
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::message::Method;
use crate::sip::proto::registrar::{Binding, Registrar, RegistrarConfig};
use crate::sip::proto::{Event, Response, Rng};
use app::model::calls::UnmatchedCall;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, watch};

/// Realm of our digest challenges, as phones show it.
pub const REALM: &str = "trunkline";
/// How long a nonce we issue stays good before phones are asked again
/// (with stale=true, so they do not prompt anyone).
const NONCE_LIFETIME: Duration = Duration::from_secs(300);

fn wall_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What the lines task publishes.
#[derive(Clone)]
pub struct LinesHandle {
    pub bindings: watch::Receiver<Arc<Vec<Binding>>>,
}

pub struct Lines {
    registrar: Registrar,
    auth: DigestServer,
    directory: watch::Receiver<Arc<Directory>>,
    published: watch::Sender<Arc<Vec<Binding>>>,
    runtime: RuntimeHandle,
    rng: Rng,
    unmatched: mpsc::UnboundedSender<UnmatchedCall>,
    /// The trunks' addresses for the current directory.
    addresses: TrunkAddresses,
}

impl Lines {
    /// `restored`: bindings read back from storage after a restart.
    pub fn new(
        runtime: RuntimeHandle,
        directory: watch::Receiver<Arc<Directory>>,
        restored: Vec<Binding>,
        unmatched: mpsc::UnboundedSender<UnmatchedCall>,
        seed: u64,
    ) -> (Self, LinesHandle) {
        let mut registrar = Registrar::new(RegistrarConfig::default());
        registrar.restore(restored, wall_now());
        let mut rng = Rng::new(seed);
        let secret = rng.token(32).into_bytes();
        let (published, bindings) = watch::channel(Arc::new(registrar.all().cloned().collect()));
        let auth = DigestServer::new(
            REALM,
            secret,
            Instant::now(),
            NONCE_LIFETIME,
            Algorithm::Md5,
        );
        (
            Self {
                registrar,
                auth,
                directory,
                published,
                runtime,
                rng,
                unmatched,
                addresses: TrunkAddresses::default(),
            },
            LinesHandle { bindings },
        )
    }

    fn publish(&self) {
        self.published
            .send_replace(Arc::new(self.registrar.all().cloned().collect()));
    }

    fn handle(&mut self, event: Event) {
        let Event::Request {
            tx,
            request,
            source,
            transport,
        } = event
        else {
            return;
        };
        if request.method == Method::Register {
            let directory = self.directory.borrow().clone();
            let outcome = self.registrar.handle(
                &mut self.auth,
                Instant::now(),
                wall_now(),
                &request,
                source,
                transport,
                |user| directory.lines.get(user).cloned(),
            );
            tracing::debug!(%source, status = outcome.response.status, line = ?outcome.line, "REGISTER");
            self.runtime.respond(tx, outcome.response);
            if outcome.changed {
                self.publish();
            }
            return;
        }
        if request.method == Method::Invite && request.headers.to.tag().is_none() {
            let directory = self.directory.borrow().clone();
            let decision = decide(
                &directory,
                &self.addresses,
                &self.registrar,
                &mut self.auth,
                Instant::now(),
                &request,
                source,
            );
            match decision {
                Decision::Call(call) => {
                    tracing::debug!(%source, callee = %call.labels.callee, "call starts");
                    self.runtime
                        .start_call(tx, request, source, transport, *call);
                }
                Decision::Refuse(response) => {
                    tracing::debug!(%source, status = response.status, "INVITE refused");
                    self.runtime.respond(tx, *response);
                }
                Decision::Unmatched(response, call) => {
                    self.runtime.respond(tx, *response);
                    let _ = self.unmatched.send(call);
                }
            }
            return;
        }
        if request.headers.to.tag().is_some() && request.method != Method::Ack {
            // Inside a dialog the calls do not know (ended, or never ours).
            let response = Response::for_request(&request, 481, "Call/Transaction Does Not Exist");
            self.runtime.respond(tx, response);
            return;
        }
        if let Some(response) = answer(&request, &self.rng.token(10)) {
            tracing::debug!(%source, method = %request.method, status = response.status, "answered");
            self.runtime.respond(tx, response);
        }
    }

    pub async fn run(
        mut self,
        mut events: mpsc::UnboundedReceiver<Event>,
        stop: impl Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        let first = self.directory.borrow().clone();
        self.addresses = TrunkAddresses::resolve(&first).await;
        loop {
            // Wake at the next lapse; at most a minute apart, so a clock
            // change is noticed.
            let wait = self
                .registrar
                .next_expiry()
                .map_or(60, |at| at.saturating_sub(wall_now()).clamp(1, 60));
            tokio::select! {
                () = &mut stop => break,
                event = events.recv() => match event {
                    Some(event) => self.handle(event),
                    None => break,
                },
                changed = self.directory.changed() => {
                    if changed.is_err() { break; }
                    let directory = self.directory.borrow_and_update().clone();
                    if self.registrar.retain_lines(|line| directory.lines.contains_key(line)) {
                        self.publish();
                    }
                    // Trunks may have moved: look their hosts up again now,
                    // once, rather than on each call.
                    self.addresses = TrunkAddresses::resolve(&directory).await;
                }
                () = tokio::time::sleep(Duration::from_secs(wait)) => {
                    if self.registrar.expire(wall_now()) {
                        self.publish();
                    }
                }
            }
        }
    }
}
