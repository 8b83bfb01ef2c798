//! Registration manager + runtime against real SIPp providers on 127.0.0.1 (REFERENCE.md §6):
//! 401 then 200 with refreshes, 403, a provider that goes away and comes back, and a registrar
//! whose name does not resolve.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use app::ssr::board::Board;
use common::net::free_port;
use common::sipp::Sipp;
use tokio::net::UdpSocket;
use tokio::sync::{oneshot, watch};
use trunkline::sip::proto::registration::{HostPort, RegistrationConfig, RegistrationState};
use trunkline::sip::proto::EndpointConfig;
use trunkline::sip::runtime::{Registrations, RegistrationsHandle, Runtime, TrunkStatus};

type Status = watch::Receiver<Board<TrunkStatus>>;

/// A provider SIPp playing `scenario` on 127.0.0.1:`port`; returns once it listens.
async fn provider(scenario: &str, port: u16) -> Sipp {
    Sipp::scenario(scenario)
        .local_port(port)
        .timeout(Duration::from_secs(30))
        .args(["-default_behaviors", "all,-bye"])
        .spawn_listening()
        .await
}

async fn engine() -> (RegistrationsHandle, oneshot::Sender<()>) {
    let udp = UdpSocket::bind("127.0.0.1:0").await.expect("udp");
    let addr: SocketAddr = udp.local_addr().expect("addr");
    let cfg = EndpointConfig {
        via_host: "127.0.0.1".into(),
        via_port: addr.port(),
        ..EndpointConfig::default()
    };
    let (rt, handle, events) = Runtime::new(cfg, 42, Some(udp), None);
    let local = HostPort::new("127.0.0.1", addr.port());
    let (regs, regs_handle) = Registrations::new(handle, events, local, 7);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let (stop2_tx, stop2_rx) = oneshot::channel::<()>();
    tokio::spawn(rt.run(async move {
        let _ = stop_rx.await;
    }));
    tokio::spawn(regs.run(async move {
        let _ = stop2_rx.await;
        let _ = stop_tx.send(());
    }));
    (regs_handle, stop2_tx)
}

fn trunk(port: u16) -> RegistrationConfig {
    let mut c = RegistrationConfig::new("127.0.0.1", "provider_user", "secret");
    c.server_port = Some(port);
    c.expiry = 60;
    c.register_timeout = Duration::from_secs(2);
    c
}

fn state(st: &Status) -> Option<RegistrationState> {
    st.borrow()
        .get(1)
        .and_then(|t| t.registration.as_ref())
        .map(|r| r.state)
}

/// Waits until trunk 1 is in `want`.
async fn wait_for(st: &mut Status, want: RegistrationState, limit: Duration) -> bool {
    wait_until(st, |s| s == Some(want), limit).await
}

async fn wait_until(
    st: &mut Status,
    ok: impl Fn(Option<RegistrationState>) -> bool,
    limit: Duration,
) -> bool {
    tokio::time::timeout(limit, async {
        loop {
            if ok(state(st)) {
                return;
            }
            if st.changed().await.is_err() {
                return;
            }
        }
    })
    .await
    .is_ok()
}

fn registered_count(st: &Status) -> usize {
    st.borrow()
        .get(1)
        .and_then(|t| t.registration.as_ref())
        .map_or(0, |r| {
            r.history
                .iter()
                .filter(|h| h.to == RegistrationState::Registered)
                .count()
        })
}

#[tokio::test]
async fn challenged_then_registered_and_refreshed_before_expiry() {
    let port = free_port();
    let mut sipp = provider("reg_challenge_uas.xml", port).await;
    let (h, stop) = engine().await;
    let mut st = h.status();
    h.apply(vec![(1, Some(trunk(port)), None)]);
    assert!(
        wait_for(
            &mut st,
            RegistrationState::Registered,
            Duration::from_secs(5)
        )
        .await
    );
    {
        let s = st.borrow();
        let r = s
            .get(1)
            .expect("trunk 1")
            .registration
            .as_ref()
            .expect("registration");
        assert_eq!(r.last_response.as_deref(), Some("200 OK"));
        // Granted 3 s via Contact expires=: refresh after 3 - 0.6 s.
        assert_eq!(r.refresh_secs, 2);
        assert_eq!(r.granted_secs, Some(3));
    }
    // Two refreshes (each 401 + digest + 200) before the provider's scenario ends.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while registered_count(&st) < 3 && tokio::time::Instant::now() < deadline {
        let _ = tokio::time::timeout(Duration::from_millis(500), st.changed()).await;
    }
    assert!(
        registered_count(&st) >= 3,
        "{:?}",
        st.borrow().get(1).expect("trunk 1")
    );
    assert!(sipp.finish().await, "{}", sipp.wire());
    let _ = stop.send(());
}

#[tokio::test]
async fn forbidden_gives_no_authentication() {
    let port = free_port();
    let mut sipp = provider("reg_403_uas.xml", port).await;
    let (h, stop) = engine().await;
    let mut st = h.status();
    h.apply(vec![(1, Some(trunk(port)), None)]);
    assert!(
        wait_for(
            &mut st,
            RegistrationState::NoAuthentication,
            Duration::from_secs(5)
        )
        .await
    );
    let last = st
        .borrow()
        .get(1)
        .expect("trunk 1")
        .registration
        .as_ref()
        .and_then(|r| r.last_response.clone());
    assert_eq!(last.as_deref(), Some("403 Forbidden"));
    assert!(sipp.finish().await, "{}", sipp.wire());
    let _ = stop.send(());
}

#[tokio::test]
async fn recovers_after_the_provider_comes_back() {
    let port = free_port();
    let mut first = provider("reg_ok_uas.xml", port).await;
    let (h, stop) = engine().await;
    let mut st = h.status();
    h.apply(vec![(1, Some(trunk(port)), None)]);
    assert!(
        wait_for(
            &mut st,
            RegistrationState::Registered,
            Duration::from_secs(5)
        )
        .await
    );
    // The provider answers the refresh, then is gone: the next refresh goes unanswered, the
    // trunk leaves Registered (Unregistered, then at once Request Sent for the retry).
    assert!(first.finish().await, "{}", first.wire());
    let gone = |s: Option<RegistrationState>| s.is_some_and(|s| s != RegistrationState::Registered);
    assert!(wait_until(&mut st, gone, Duration::from_secs(8)).await);
    // That refresh goes unanswered for register_timeout (2 s): the column says so in words,
    // not as a 408 the provider never sent.
    let last_response = |st: &Status| {
        st.borrow()
            .get(1)
            .expect("trunk 1")
            .registration
            .as_ref()
            .and_then(|r| r.last_response.clone())
    };
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        for _ in 0..100 {
            if last_response(&st).is_some_and(|r| r.starts_with("no response"))
                || st.changed().await.is_err()
            {
                return;
            }
        }
    })
    .await;
    assert_eq!(
        last_response(&st).as_deref(),
        Some("no response within 2 s")
    );
    let mut second = provider("reg_once_uas.xml", port).await;
    let back = wait_for(
        &mut st,
        RegistrationState::Registered,
        Duration::from_secs(10),
    )
    .await;
    if !back {
        let status = format!("{:#?}", st.borrow().get(1).expect("trunk 1"));
        second.stop().await;
        panic!("{status}\nsipp: {}", second.wire());
    }
    let attempts_reset = st
        .borrow()
        .get(1)
        .expect("trunk 1")
        .registration
        .as_ref()
        .map(|r| r.attempts);
    assert_eq!(attempts_reset, Some(0));
    drop(second);
    h.apply(Vec::new());
    let _ = stop.send(());
}

#[tokio::test]
async fn a_registrar_that_does_not_resolve_says_so_and_refresh_shows_the_requested_expiry() {
    let (h, stop) = engine().await;
    let mut st = h.status();
    // RFC 6761: `.invalid` never resolves.
    let mut cfg = RegistrationConfig::new("voip.provider.invalid", "provider_user", "secret");
    cfg.expiry = 90;
    h.apply(vec![(1, Some(cfg), None)]);
    assert!(
        wait_for(&mut st, RegistrationState::Timeout, Duration::from_secs(8)).await,
        "{:#?}",
        st.borrow().get(1)
    );
    let board = st.borrow();
    let r = board
        .get(1)
        .and_then(|t| t.registration.as_ref())
        .expect("registration");
    // A resolver that answers says the name is unknown; one that does not answer (no
    // network) is given 5 s: either way the column names DNS and the host.
    let last = r.last_response.as_deref().unwrap_or_default();
    assert!(
        last == "DNS: voip.provider.invalid does not resolve"
            || last == "DNS: voip.provider.invalid: no answer within 5 s",
        "{last:?}"
    );
    // No registrar granted anything yet: chan_sip's Refresh is the requested expiry.
    assert_eq!(r.refresh_secs, 90);
    assert_eq!(r.granted_secs, None);
    drop(board);
    let _ = stop.send(());
}
