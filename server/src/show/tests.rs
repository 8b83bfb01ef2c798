//! Character-for-character checks of the console formats against REFERENCE.md §7 and printf.

use super::*;

fn example_row() -> RegistryRow {
    RegistryRow {
        host: "voip.provider.example.com:5060".into(),
        dnsmgr: false,
        username: "provider_user".into(),
        refresh: 105,
        state: RegistrationState::Registered,
        reg_time: Some(1_547_460_000),
    }
}

#[test]
fn registry_matches_reference_example() {
    let out = show_registry(&[example_row()]);
    // REFERENCE.md §7, verbatim (the header's trailing printf padding is not visible there).
    let reference = "\
Host                                    dnsmgr Username       Refresh State                Reg.Time
voip.provider.example.com:5060          N      provider_use       105 Registered           Mon, 14 Jan 2019 10:00:00
1 SIP registrations.
";
    let trimmed: String = out.lines().map(|l| format!("{}\n", l.trim_end())).collect();
    assert_eq!(trimmed, reference);
    // printf pads `Reg.Time` to 25 columns: the header really ends in 17 spaces.
    let header = out.lines().next().expect("header");
    assert_eq!(header.len(), 39 + 1 + 6 + 1 + 12 + 2 + 8 + 1 + 20 + 1 + 25);
    assert!(header.ends_with("Reg.Time                 "));
    assert_eq!(out.lines().nth(1).map(str::len), Some(header.len()));
}

#[test]
fn registry_truncates_pads_and_blanks_time_until_registered() {
    let row = RegistryRow {
        host: "a-very-long-registrar-name.carrier.example.net:5060".into(),
        dnsmgr: true,
        username: "u".into(),
        refresh: 123_456_789,
        state: RegistrationState::NoAuthentication,
        reg_time: None,
    };
    let out = show_registry(&[row, example_row()]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[1],
        "a-very-long-registrar-name.carrier.exam Y      u             123456789 No Authentication                             "
    );
    assert_eq!(lines[3], "2 SIP registrations.");
    assert_eq!(
        show_registry(&[]).lines().nth(1),
        Some("0 SIP registrations.")
    );
}

#[test]
fn dates_cover_leap_years_and_weekdays() {
    assert_eq!(format_time(0), "Thu, 01 Jan 1970 00:00:00");
    assert_eq!(format_time(951_782_400), "Tue, 29 Feb 2000 00:00:00");
    assert_eq!(format_time(1_709_251_199), "Thu, 29 Feb 2024 23:59:59");
    assert_eq!(format_time(4_102_444_800), "Fri, 01 Jan 2100 00:00:00");
    assert_eq!(format_time(-1), "Wed, 31 Dec 1969 23:59:59");
}

#[test]
fn peers_format_and_footer() {
    let rows = [
        PeerRow {
            name: "provider/provider_user".into(),
            host: "192.0.2.10".into(),
            dynamic: false,
            forcerport: "Yes".into(),
            comedia: "No".into(),
            acl: false,
            port: 5060,
            status: PeerStatus::Ok(23),
            description: "".into(),
        },
        PeerRow {
            name: "backup".into(),
            host: "(Unspecified)".into(),
            dynamic: true,
            forcerport: "No".into(),
            comedia: "No".into(),
            acl: true,
            port: 0,
            status: PeerStatus::Unreachable,
            description: "second carrier".into(),
        },
        PeerRow {
            name: "office".into(),
            host: "198.51.100.4".into(),
            dynamic: false,
            forcerport: "No".into(),
            comedia: "No".into(),
            acl: false,
            port: 5062,
            status: PeerStatus::Unmonitored,
            description: "".into(),
        },
    ];
    let out = show_peers(&rows);
    let expected = [
        "Name/username             Host                                    Dyn Forcerport Comedia    ACL Port     Status      Description                      ",
        "provider/provider_user    192.0.2.10                                  Yes        No             5060     OK (23 ms)                                   ",
        "backup                    (Unspecified)                            D  No         No          A  0        UNREACHABLE second carrier                   ",
        "office                    198.51.100.4                                No         No             5062     Unmonitored                                  ",
        "3 sip peers [Monitored: 1 online, 1 offline Unmonitored: 1 online, 0 offline]",
    ];
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn sip_show_stats_lines_up_each_count_under_its_label() {
    let stats = SipStats {
        messages_in: 1200,
        messages_out: 1187,
        retransmissions: 3,
        parse_errors: 2,
        send_errors: 0,
        blocked: 45,
        turned_away: 7,
        unmatched_not_recorded: 19980,
        registry_rows_built: 12,
        shed_for_transactions: 40,
        shed_for_bytes: 5,
        refused_at_cap: 0,
        held_back: 900,
        oversized: 2,
        dropped_known: 0,
        dropped_unknown: 81234,
        transactions: 3150,
        held_bytes: 1048576,
    };
    assert_eq!(
        show_stats(&stats),
        "SIP messages received:             1200\n\
         SIP messages sent:                 1187\n\
         Retransmissions:                   3\n\
         Not SIP (answered 400 or dropped): 2\n\
         Send errors:                       0\n\
         Dropped from blocked addresses:    45\n\
         Turned away with 503 (overload):   7\n\
         Unmatched calls not recorded:      19980\n\
         Registry rows rebuilt:             12\n\
         Shed at the transaction cap:       40\n\
         Shed at the memory cap:            5\n\
         Dropped at the transaction cap:    0\n\
         Not sent (reflection limit):       900\n\
         Oversized answers cut or dropped:  2\n\
         Dropped under load, trunks/phones: 0\n\
         Dropped under load, other sources: 81234\n\
         Transactions in progress:          3150\n\
         Bytes held for retransmission:     1048576\n"
    );
}
