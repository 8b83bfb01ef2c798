//! Two Trunklines on one machine, interconnected as XiVO documents for two
//! XiVO servers: each has a trunk to the other and an outgoing call for
//! the other's extensions; a user of one calls a user of the other.

mod common;

use common::net::free_port;
use common::pbx::*;
use common::sipp::wires;

const ALICE_PASSWORD: &str = "alice-line-secret";
const BOB_PASSWORD: &str = "bob-line-secret";

#[tokio::test]
async fn a_user_of_one_office_calls_a_user_of_the_other() {
    let (port_a, port_b) = (free_port(), free_port());
    let dir_a = Pbx::fresh_dir("office-a");
    let dir_b = Pbx::fresh_dir("office-b");
    // Office A: Alice on 1001, 15XX goes to office B.
    prepare_office(
        &dir_a.join("t.db"),
        "office-b",
        port_b,
        "15XX",
        ("Alice", "1001", ALICE_PASSWORD),
    )
    .await;
    // Office B: Bob on 1501, 10XX goes to office A.
    prepare_office(
        &dir_b.join("t.db"),
        "office-a",
        port_a,
        "10XX",
        ("Bob", "1501", BOB_PASSWORD),
    )
    .await;
    let office_a = Pbx::launch(dir_a, port_a).await;
    let office_b = Pbx::launch(dir_b, port_b).await;

    let mut bob = office_b
        .ringing_phone("phone-1501", "1501", BOB_PASSWORD, "call_phone_answer.xml")
        .await;
    let mut alice = office_a.dial(
        "dial-1001",
        "call_phone_dial.xml",
        "1001",
        ALICE_PASSWORD,
        "1501",
    );
    let alice_ok = alice.finish().await;
    let bob_ok = bob.finish().await;
    assert!(
        alice_ok && bob_ok,
        "the call between the offices failed (dirs {:?} {:?})\n{}",
        office_a.dir,
        office_b.dir,
        wires(&[&alice, &bob])
    );

    // Each office logged its half: A sent it through its trunk to B, B
    // received it on its trunk from A, from Alice, and rang Bob.
    let sent = office_a.call_log(1).await;
    let received = office_b.call_log(1).await;
    assert_eq!(sent.len(), 1, "office A's log: {sent:?}");
    assert_eq!(received.len(), 1, "office B's log: {received:?}");
    let (sent, received) = (&sent[0], &received[0]);
    assert_eq!(
        (
            sent.dialed.as_str(),
            sent.trunk.as_deref(),
            sent.cause.as_str()
        ),
        ("1501", Some("office-b"), "Normal"),
        "{sent:?}"
    );
    assert!(sent.answered_at.is_some(), "{sent:?}");
    assert_eq!(
        (
            received.caller.as_str(),
            received.dialed.as_str(),
            received.trunk.as_deref()
        ),
        ("1001", "1501", Some("office-a")),
        "{received:?}"
    );
    assert!(received.callee.contains("Bob"), "{received:?}");
    assert!(received.answered_at.is_some(), "{received:?}");

    office_a.end(&mut [&mut alice]).await;
    office_b.end(&mut [&mut bob]).await;
}
