//! Reception on a fake clock: requests written as phones and providers
//! send them, digest answered by our real client, and the office of
//! REFERENCE §4 as the configuration (Front Desk 1000 registered, Bob 1001
//! not; the provider, a backup found UNREACHABLE, a trunk whose host does
//! not resolve, a carrier that authenticates by username, a trunk without
//! credentials and a disabled one). Fixture helpers panic on bad input.

mod admission;
mod direct_media;
mod guard;
mod routing;

use super::*;
use crate::sip::proto::auth::DigestClient;
use crate::sip::proto::call::Target;
use crate::sip::proto::guard::GuardConfig;
use crate::sip::proto::header::Algorithm;
use crate::sip::proto::message::{parse, Message};
use crate::sip::proto::registrar::{Binding, RegistrarConfig};
use app::model::config::{DialPlan, Entry, TrunkRoute};
use app::model::context::{Context, ContextKind, NumberRange};
use app::model::dialplan::DialPattern;
use app::model::incall::{CallerIdNameMode, Incall, IncallDestination};
use app::model::outcall::{Outcall, OutcallExten};
use app::model::trunk::ConnectionType;
use app::model::user::{OutgoingCallerId, User};
use std::time::Duration;

pub const PHONE: &str = "192.0.2.10:5062";
pub const PROVIDER: &str = "203.0.113.5:5060";
pub const STRANGER: &str = "198.18.0.66:5060";
pub const FRONT_DESK_CONTACT: &str = "sip:1000@192.0.2.10:5062";
const WALL: u64 = 1_700_000_000;

fn addr(text: &str) -> SocketAddr {
    text.parse()
        .unwrap_or_else(|e| panic!("fixture {text:?}: {e}"))
}

fn context(name: &str, kind: ContextKind, includes: &[&str]) -> Context {
    Context {
        name: name.into(),
        label: name.into(),
        kind,
        user_ranges: Vec::new(),
        did_ranges: Vec::new(),
        did_length: None,
        number_lengths: Vec::new(),
        includes: includes.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn user(id: i64, first: &str, last: &str, exten: &str) -> Entry<User> {
    Entry {
        id,
        value: User {
            firstname: first.into(),
            lastname: last.into(),
            exten: exten.into(),
            context: "default".into(),
            line_username: exten.into(),
            outgoing_caller_id: OutgoingCallerId::Default,
            ringtime: 30,
            direct_media: false,
        },
    }
}

fn outcall(id: i64, name: &str, trunks: &[i64], pattern: &str) -> Entry<Outcall> {
    Entry {
        id,
        value: Outcall {
            name: name.into(),
            context: "to-extern".into(),
            trunks: trunks.to_vec(),
            ringtime: 0,
            internal: false,
            extens: vec![OutcallExten {
                pattern: DialPattern::parse(pattern)
                    .unwrap_or_else(|e| panic!("fixture {pattern:?}: {e}")),
                strip: 0,
                prefix: String::new(),
                caller_id: String::new(),
            }],
        },
    }
}

fn incall(id: i64, did: &str, user_id: i64) -> Entry<Incall> {
    Entry {
        id,
        value: Incall {
            did: did.into(),
            context: "from-extern".into(),
            destination: IncallDestination::User { user_id },
            caller_id_mode: CallerIdNameMode::None,
            caller_id_text: String::new(),
        },
    }
}

fn route(id: i64, name: &str, disabled: bool) -> TrunkRoute {
    TrunkRoute {
        id,
        name: name.into(),
        caller_id: String::new(),
        context: "from-extern".into(),
        disabled,
    }
}

fn trunk(id: i64, name: &str, host: Option<&str>, username: &str) -> TrunkDial {
    TrunkDial {
        id,
        name: name.into(),
        host: host.map(str::to_owned),
        port: 5060,
        registrar: None,
        transport: Transport::Udp,
        username: username.into(),
        password: format!("{name}-secret"),
        from_domain: String::new(),
        from_user: String::new(),
        call_limit: 0,
        unavailable: None,
        connection: ConnectionType::Peer,
        outbound_proxy: None,
        media: crate::sip::proto::call::TrunkMedia::default(),
        direct_media: false,
        force_rport: false,
    }
}

/// The office: see the module's comment.
fn office() -> (Directory, TrunkAddresses) {
    let mut default = context("default", ContextKind::Internal, &["to-extern"]);
    default.user_ranges = vec![NumberRange {
        first: "1000".into(),
        last: "1999".into(),
    }];
    let plan = DialPlan {
        contexts: vec![
            default,
            context("from-extern", ContextKind::Incall, &[]),
            context("to-extern", ContextKind::Outcall, &[]),
        ],
        users: vec![user(7, "Front", "Desk", "1000"), user(8, "Bob", "", "1001")],
        outcalls: vec![
            outcall(1, "national", &[1, 2, 3, 5], "_418."),
            outcall(2, "open first", &[6, 1], "_514."),
        ],
        incalls: vec![incall(1, "14185550000", 7), incall(2, "14185550001", 8)],
        trunks: vec![
            route(1, "provider", false),
            route(2, "backup", false),
            route(3, "spare", false),
            route(4, "carrier", false),
            route(5, "old", true),
            route(6, "open", false),
        ],
        index: Default::default(),
    };
    let mut backup = trunk(2, "backup", Some("198.51.100.7"), "backup");
    backup.unavailable = Some("Trunk backup is UNREACHABLE, so calls skip it.".into());
    let mut carrier = trunk(4, "carrier", None, "carrier");
    carrier.connection = ConnectionType::User;
    let directory = Directory {
        lines: [("1000", "secret-1000"), ("1001", "secret-1001")]
            .into_iter()
            .map(|(u, p)| (u.to_owned(), p.to_owned()))
            .collect(),
        users: [("1000".to_owned(), 7), ("1001".to_owned(), 8)].into(),
        plan,
        trunks: vec![
            trunk(1, "provider", Some("203.0.113.5"), "provider_username"),
            backup,
            trunk(3, "spare", Some("spare.invalid"), "spare"),
            carrier,
            trunk(6, "open", Some("192.0.2.50"), ""),
        ],
        guard: GuardConfig::default(),
        revision: Default::default(),
    };
    // What the runtime resolved: the spare's host did not.
    let mut addresses = TrunkAddresses::default();
    addresses.call_at(1, addr(PROVIDER));
    addresses.provider_at(addr(PROVIDER), 1);
    addresses.call_at(2, addr("198.51.100.7:5060"));
    addresses.provider_at(addr("198.51.100.7:5060"), 2);
    addresses.call_at(6, addr("192.0.2.50:5060"));
    addresses.provider_at(addr("192.0.2.50:5060"), 6);
    (directory, addresses)
}

/// Reception for the office, with Front Desk's phone registered.
pub struct Desk {
    pub reception: Reception,
    pub directory: Directory,
    pub addresses: TrunkAddresses,
    /// The fake clock, moved by hand; `start` is Unix second `WALL`.
    pub now: Instant,
    start: Instant,
    cseq: u32,
}

impl Desk {
    pub fn new() -> Self {
        let now = Instant::now();
        let (directory, addresses) = office();
        let mut registrar = Registrar::new(RegistrarConfig::default());
        registrar.restore(
            vec![Binding {
                aor: "1000".into(),
                contact: FRONT_DESK_CONTACT.into(),
                expires_at: WALL + 3600,
                call_id: "reg-1".into(),
                cseq: 1,
                user_agent: "TestPhone".into(),
                source: addr(PHONE),
                transport: Transport::Udp,
            }],
            WALL,
        );
        let auth = DigestServer::new(
            "trunkline",
            b"test-secret".to_vec(),
            now,
            Duration::from_secs(300),
            Algorithm::Md5,
        );
        let guard = Guard::new(directory.guard);
        Self {
            reception: Reception::new(registrar, auth, guard, Rng::new(5)),
            directory,
            addresses,
            now,
            start: now,
            cseq: 0,
        }
    }

    /// A request as a phone or provider at `source` writes it; `to_tag`
    /// puts it inside a dialog.
    pub fn request(&mut self, method: &str, to: &str, source: &str, to_tag: bool) -> Request {
        self.cseq += 1;
        let tag = if to_tag { ";tag=pbx1" } else { "" };
        let text = format!(
            "{method} sip:{to}@pbx.example.com SIP/2.0\r\n\
             Via: SIP/2.0/UDP {source};branch=z9hG4bK-{}\r\n\
             From: \"Caller\" <sip:4185551111@{source}>;tag=c1\r\n\
             To: <sip:{to}@pbx.example.com>{tag}\r\n\
             Call-ID: call-{}\r\n\
             CSeq: {} {method}\r\n\
             Contact: <sip:caller@{source}>\r\n\
             Max-Forwards: 70\r\n\
             Content-Length: 0\r\n\r\n",
            self.cseq, self.cseq, self.cseq
        );
        match parse(text.as_bytes(), &Default::default()) {
            Ok(Message::Request(r)) => r,
            other => panic!("not a request: {other:?}"),
        }
    }

    pub fn send(&mut self, request: &Request, source: &str) -> Outcome {
        let arrival = Arrival {
            request,
            source: addr(source),
            transport: Transport::Udp,
        };
        let wall = WALL + self.now.duration_since(self.start).as_secs();
        self.reception
            .handle(self.now, wall, &self.directory, &self.addresses, arrival)
    }

    /// Sends `request`, answers its 407 as `user` with `password` and
    /// returns what the authenticated retry led to.
    pub fn send_as(
        &mut self,
        user: &str,
        password: &str,
        mut request: Request,
        source: &str,
    ) -> Outcome {
        let challenge = self.send(&request, source);
        let response = status_response(&challenge);
        assert_eq!(response.status, 407, "a new INVITE is challenged first");
        let mut client = DigestClient::new(user, password, 3);
        self.cseq += 1;
        request.headers.cseq.seq = self.cseq;
        client
            .answer(response, &mut request, &mut Rng::new(9))
            .expect("challenge answered");
        self.send(&request, source)
    }
}

pub fn status_response(outcome: &Outcome) -> &Response {
    match &outcome.reply {
        Reply::Respond(r) => r,
        other => panic!("expected a response, got {other:?}"),
    }
}

/// What an outcome amounts to, as a table cell.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    Status(u16),
    /// The contacts a call rings.
    Rings(Vec<String>),
    /// The trunks a call tries, in order, with why each is skipped.
    Tries(Vec<(String, Option<String>)>),
    Nothing,
}

pub fn seen(outcome: &Outcome) -> Seen {
    match &outcome.reply {
        Reply::Respond(r) => Seen::Status(r.status),
        Reply::Call(call) => match &call.target {
            Target::Contacts(c) => Seen::Rings(c.iter().map(|c| c.uri.clone()).collect()),
            Target::Trunks(t) => Seen::Tries(
                t.iter()
                    .map(|t| (t.name.clone(), t.skipped.clone()))
                    .collect(),
            ),
        },
        Reply::Nothing => Seen::Nothing,
    }
}
