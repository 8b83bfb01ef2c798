//! Which calls leave their audio unanchored: as Asterisk's `directmedia`,
//! only when both ends of the bridge allow it, the caller's line and the
//! called line, or a line and every trunk the call may take.

use super::*;

/// (one end allows it, the other does, the call is direct): the rule of a
/// call between two ends.
const BOTH_ENDS: [(bool, bool, bool); 4] = [
    (false, false, false),
    (true, false, false),
    (false, true, false),
    (true, true, true),
];

/// The office with line `id`'s Direct media set.
fn line(desk: &mut Desk, id: i64, on: bool) {
    let user = desk.directory.plan.users.iter_mut().find(|u| u.id == id);
    user.unwrap_or_else(|| panic!("fixture: no user {id}"))
        .value
        .direct_media = on;
}

/// The office with trunk `id`'s Direct media set.
fn trunk_direct(desk: &mut Desk, id: i64, on: bool) {
    let trunk = desk.directory.trunks.iter_mut().find(|t| t.id == id);
    trunk
        .unwrap_or_else(|| panic!("fixture: no trunk {id}"))
        .direct_media = on;
}

/// Whether the call `outcome` starts is left unanchored.
fn direct(outcome: Outcome) -> bool {
    match outcome.reply {
        Reply::Call(call) => call.direct_media,
        other => panic!("expected a call, got {other:?}"),
    }
}

/// Each row of [`BOTH_ENDS`] on a fresh office: `call` sets the two ends
/// and places the call; `ends` names them for a failure.
fn both_ends(ends: &str, call: impl Fn(&mut Desk, bool, bool) -> Outcome) {
    for (one, other, want) in BOTH_ENDS {
        let mut desk = Desk::new();
        let got = direct(call(&mut desk, one, other));
        assert_eq!(got, want, "{ends}: {one}, {other}");
    }
}

/// Bob (1001) calls Front Desk (1000).
#[test]
fn a_phone_to_phone_call_is_direct_only_when_both_lines_allow_it() {
    both_ends("Bob's line, Front Desk's line", |desk, bob, front| {
        line(desk, 8, bob);
        line(desk, 7, front);
        let request = desk.request("INVITE", "1000", PHONE, false);
        desk.send_as("1001", "secret-1001", request, PHONE)
    });
}

/// Front Desk dials 514… through "open first" (trunk open, then provider):
/// (the line, open, provider, direct).
#[test]
fn a_call_out_is_direct_only_when_the_line_and_every_trunk_tried_allow_it() {
    let table = [
        (true, true, true, true),
        (false, true, true, false),
        (true, false, true, false),
        (true, true, false, false),
        (false, false, false, false),
    ];
    for (desk_line, open, provider, want) in table {
        let mut desk = Desk::new();
        line(&mut desk, 7, desk_line);
        trunk_direct(&mut desk, 6, open);
        trunk_direct(&mut desk, 1, provider);
        let request = desk.request("INVITE", "5145551234", PHONE, false);
        let got = direct(desk.send_as("1000", "secret-1000", request, PHONE));
        assert_eq!(
            got, want,
            "line {desk_line}, trunk open {open}, trunk provider {provider}"
        );
    }
}

/// The provider calls Front Desk's DID.
#[test]
fn a_trunks_call_in_is_direct_only_when_the_trunk_and_the_called_line_allow_it() {
    both_ends("the trunk, Front Desk's line", |desk, provider, front| {
        trunk_direct(desk, 1, provider);
        line(desk, 7, front);
        let request = desk.request("INVITE", "14185550000", PROVIDER, false);
        desk.send(&request, PROVIDER)
    });
}
