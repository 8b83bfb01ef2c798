//! Internal calls through the real binary, with SIPp phones: answer and
//! BYE from each side, every contact rung and the losers cancelled, the
//! caller giving up while it rings.

mod common;

use common::pbx::*;

#[tokio::test]
async fn internal_call_1000_to_1001_answered_and_hung_up() {
    let pbx = Pbx::start("internal").await;
    let mut bob = pbx
        .ringing_phone("phone-1001", "1001", PASSWORD_1001, "call_phone_answer.xml")
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial.xml", "1001");
    pbx.expect_all_ok(
        "the call between the two phones",
        &mut [&mut desk, &mut bob],
    )
    .await;
}

#[tokio::test]
async fn internal_call_callee_hangs_up() {
    let pbx = Pbx::start("internal-bye").await;
    let mut bob = pbx
        .ringing_phone(
            "phone-1001",
            "1001",
            PASSWORD_1001,
            "call_phone_answer_bye.xml",
        )
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial_hungup.xml", "1001");
    pbx.expect_all_ok(
        "the call between the two phones",
        &mut [&mut desk, &mut bob],
    )
    .await;
}

#[tokio::test]
async fn internal_call_rings_every_contact_and_cancels_the_others() {
    let pbx = Pbx::start("fork").await;
    let mut answers = pbx
        .ringing_phone(
            "phone-1001-desk",
            "1001",
            PASSWORD_1001,
            "call_phone_answer.xml",
        )
        .await;
    let mut rings = pbx
        .ringing_phone(
            "phone-1001-mobile",
            "1001",
            PASSWORD_1001,
            "call_phone_ring_cancel.xml",
        )
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial.xml", "1001");
    pbx.expect_all_ok(
        "the forked call",
        &mut [&mut desk, &mut answers, &mut rings],
    )
    .await;
}

#[tokio::test]
async fn caller_gives_up_while_it_rings() {
    let pbx = Pbx::start("cancel").await;
    let mut bob = pbx
        .ringing_phone(
            "phone-1001",
            "1001",
            PASSWORD_1001,
            "call_phone_ring_cancel.xml",
        )
        .await;
    let mut desk = pbx.desk_dials("call_phone_dial_cancel.xml", "1001");
    pbx.expect_all_ok(
        "the call between the two phones",
        &mut [&mut desk, &mut bob],
    )
    .await;
}
