//! Where an admitted call goes: the trunks in the outgoing call's order
//! with each one's address, Request-URI and credentials, and why any is
//! passed over; the contacts of the user a DID or extension names.

use super::*;
use crate::sip::proto::call::{NewCall, TrunkTarget};

fn call(outcome: Outcome) -> NewCall {
    match outcome.reply {
        Reply::Call(call) => *call,
        other => panic!("expected a call, got {other:?}"),
    }
}

fn dial_out(desk: &mut Desk, number: &str) -> Vec<TrunkTarget> {
    let request = desk.request("INVITE", number, PHONE, false);
    let plan = call(desk.send_as("1000", "secret-1000", request, PHONE));
    assert!(plan.caller_is_phone);
    match plan.target {
        Target::Trunks(trunks) => trunks,
        Target::Contacts(c) => panic!("expected trunks, got contacts {c:?}"),
    }
}

/// One row per trunk the route names: (trunk, destination, Request-URI,
/// credentials' username, why skipped).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
);

/// A `Row` as the call plan has it.
type Owned = (String, String, String, Option<String>, Option<String>);

fn rows(trunks: &[TrunkTarget]) -> Vec<Owned> {
    trunks
        .iter()
        .map(|t| {
            (
                t.name.clone(),
                t.dest.to_string(),
                t.request_uri.clone(),
                t.credentials.as_ref().map(|c| c.username.clone()),
                t.skipped.clone(),
            )
        })
        .collect()
}

fn owned(table: &[Row]) -> Vec<Owned> {
    table
        .iter()
        .map(|(n, d, u, c, s)| {
            (
                (*n).into(),
                (*d).into(),
                (*u).into(),
                c.map(Into::into),
                s.map(Into::into),
            )
        })
        .collect()
}

#[test]
fn outgoing_failover_order_and_reasons() {
    let table: [(&str, &[Row]); 2] = [
        (
            "4185551234",
            &[
                (
                    "provider",
                    PROVIDER,
                    "sip:4185551234@203.0.113.5:5060",
                    Some("provider_username"),
                    None,
                ),
                (
                    "backup",
                    "198.51.100.7:5060",
                    "sip:4185551234@198.51.100.7:5060",
                    Some("backup"),
                    Some("Trunk backup is UNREACHABLE, so calls skip it."),
                ),
                // The host did not resolve: nothing to send to, so passed over at once.
                (
                    "spare",
                    "0.0.0.0:0",
                    "sip:4185551234@spare.invalid:5060",
                    Some("spare"),
                    Some("Trunk spare has no address to call."),
                ),
                // Trunk "old" is disabled: it is not tried at all.
            ],
        ),
        (
            "5145551234",
            &[
                // The outgoing call's order, not the trunks' ids; no credentials to answer a 401 with.
                (
                    "open",
                    "192.0.2.50:5060",
                    "sip:5145551234@192.0.2.50:5060",
                    None,
                    None,
                ),
                (
                    "provider",
                    PROVIDER,
                    "sip:5145551234@203.0.113.5:5060",
                    Some("provider_username"),
                    None,
                ),
            ],
        ),
    ];
    for (number, expected) in table {
        let mut desk = Desk::new();
        assert_eq!(
            rows(&dial_out(&mut desk, number)),
            owned(expected),
            "{number}"
        );
    }
}

#[test]
fn outgoing_call_carries_the_callers_identity_and_the_trunks_domain() {
    let mut desk = Desk::new();
    desk.directory.trunks[0].from_domain = "voip.example.net".into();
    desk.directory.trunks[0].from_user = "office".into();
    let trunks = dial_out(&mut desk, "4185551234");
    let provider = &trunks[0];
    assert_eq!(provider.from_domain, "voip.example.net");
    assert_eq!(provider.from_user.as_deref(), Some("office"));
    assert_eq!(provider.caller_id.name.as_deref(), Some("Front Desk"));
    assert_eq!(provider.caller_id.number.as_deref(), Some("1000"));
    assert!(!provider.caller_id.anonymous);
    // Without a from domain, the trunk's host.
    assert_eq!(trunks[1].from_domain, "198.51.100.7");
}

#[test]
fn a_trunk_monitoring_finds_lagged_is_passed_over_with_its_reason() {
    let mut desk = Desk::new();
    desk.directory.trunks[0].unavailable =
        Some("Trunk provider is LAGGED (2500 ms), so calls skip it.".into());
    let trunks = dial_out(&mut desk, "4185551234");
    let skipped: Vec<Option<&str>> = trunks.iter().map(|t| t.skipped.as_deref()).collect();
    assert_eq!(
        skipped,
        [
            Some("Trunk provider is LAGGED (2500 ms), so calls skip it."),
            Some("Trunk backup is UNREACHABLE, so calls skip it."),
            Some("Trunk spare has no address to call."),
        ]
    );
}

#[test]
fn an_outbound_proxy_is_where_the_invite_goes_the_uri_still_names_the_host() {
    let mut desk = Desk::new();
    // What the runtime resolves for a trunk with an outbound proxy: the proxy comes first.
    let mut addresses = TrunkAddresses::default();
    addresses.call_at(1, addr("192.0.2.99:5070"));
    addresses.call_at(1, addr(PROVIDER));
    desk.addresses = addresses;
    let trunks = dial_out(&mut desk, "4185551234");
    assert_eq!(trunks[0].dest, addr("192.0.2.99:5070"));
    assert_eq!(trunks[0].request_uri, "sip:4185551234@203.0.113.5:5060");
}

#[test]
fn a_did_rings_every_contact_of_its_user_with_the_callers_number() {
    let mut desk = Desk::new();
    let request = desk.request("INVITE", "14185550000", PROVIDER, false);
    let received = request
        .headers
        .from
        .0
        .display_name()
        .map(|d| d.into_owned());
    let plan = call(desk.send(&request, PROVIDER));
    assert!(
        !plan.caller_is_phone,
        "a provider is answered by its route set"
    );
    assert_eq!(plan.labels.callee, "Front Desk (1000)");
    assert_eq!(plan.labels.dialed, "14185550000");
    assert_eq!(plan.labels.caller, "4185551111");
    assert_eq!(plan.from.uri, "sip:4185551111@pbx.example.com");
    assert!(received.is_some());
    assert_eq!(
        plan.from.display_name().map(|d| d.into_owned()),
        received,
        "the provider's caller name is kept"
    );
    assert_eq!(plan.ring_time, Some(Duration::from_secs(30)));
    match plan.target {
        Target::Contacts(contacts) => {
            assert_eq!(contacts.len(), 1);
            assert_eq!(contacts[0].uri, FRONT_DESK_CONTACT);
            assert_eq!(
                contacts[0].dest,
                addr(PHONE),
                "sent where the REGISTER came from"
            );
        }
        Target::Trunks(t) => panic!("a DID rang trunks: {t:?}"),
    }
}

#[test]
fn an_internal_call_shows_the_callers_name_and_extension() {
    let mut desk = Desk::new();
    let request = desk.request("INVITE", "1000", PHONE, false);
    let plan = call(desk.send_as("1001", "secret-1001", request, PHONE));
    assert_eq!(plan.from.uri, "sip:1001@pbx.example.com");
    assert_eq!(plan.from.display.as_deref(), Some("\"Bob\""));
    assert!(plan.caller_is_phone);
}
