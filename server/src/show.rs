//! The Asterisk CLI's words for the model's status (pure): `sip show registry` and `sip show
//! peers` text exactly as chan_sip prints them (REFERENCE.md §7, printf `FORMAT`/`FORMAT2`), the
//! `%a, %d %b %Y %T` date from UTC seconds (civil calendar, proleptic Gregorian), and `sip show
//! stats`. Formatting for people, not SIP: it lives outside `sip::proto`. Must not read the clock
//! or the engine: rows in, text out.

use app::model::registry::{PeerStatus, RegistrationState, SipStats};

/// One `sip show registry` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryRow {
    /// `host:port` of the registrar.
    pub host: String,
    /// chan_sip prints `Y` when its DNS manager refreshes the host.
    pub dnsmgr: bool,
    pub username: String,
    /// Refresh interval in seconds.
    pub refresh: i64,
    pub state: RegistrationState,
    /// Time of the last 200, UTC seconds since the epoch; blank when never registered.
    pub reg_time: Option<i64>,
}

/// One `sip show peers` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerRow {
    /// `name` or `name/username`.
    pub name: String,
    /// Address, or `(Unspecified)`.
    pub host: String,
    pub dynamic: bool,
    pub forcerport: String,
    pub comedia: String,
    pub acl: bool,
    /// 0 when the address is unknown.
    pub port: u16,
    pub status: PeerStatus,
    pub description: String,
}

/// printf `%-W.Ps` / `%W.Ps`: pad to `width`, cut to `precision` characters.
fn pad(s: &str, width: usize, precision: Option<usize>, left: bool) -> String {
    let cut: String = match precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let fill = width.saturating_sub(cut.chars().count());
    if left {
        format!("{cut}{}", " ".repeat(fill))
    } else {
        format!("{}{cut}", " ".repeat(fill))
    }
}

/// `FORMAT2 "%-39.39s %-6.6s %-12.12s  %8.8s %-20.20s %-25.25s\n"`; `refresh` comes padded,
/// since the header cuts it (`%8.8s`) and rows only pad it (`%8d`).
fn registry_line(
    host: &str,
    dns: &str,
    user: &str,
    refresh: &str,
    state: &str,
    time: &str,
) -> String {
    format!(
        "{} {} {}  {} {} {}\n",
        pad(host, 39, Some(39), true),
        pad(dns, 6, Some(6), true),
        pad(user, 12, Some(12), true),
        refresh,
        pad(state, 20, Some(20), true),
        pad(time, 25, Some(25), true),
    )
}

/// The whole `sip show registry` output: header, rows, footer.
pub fn show_registry(rows: &[RegistryRow]) -> String {
    let refresh = pad("Refresh", 8, Some(8), false);
    let mut out = registry_line("Host", "dnsmgr", "Username", &refresh, "State", "Reg.Time");
    for r in rows {
        let time = r.reg_time.map(format_time).unwrap_or_default();
        let dns = if r.dnsmgr { "Y" } else { "N" };
        // FORMAT uses `%8d`: a number is never cut, only padded.
        let refresh = pad(&r.refresh.to_string(), 8, None, false);
        out.push_str(&registry_line(
            &r.host,
            dns,
            &r.username,
            &refresh,
            r.state.as_str(),
            &time,
        ));
    }
    out.push_str(&format!("{} SIP registrations.\n", rows.len()));
    out
}

/// `"%-25.25s %-39.39s %-3.3s %-10.10s %-10.10s %-3.3s %-8s %-11s %-32.32s %s\n"`
#[allow(clippy::too_many_arguments)]
fn peer_line(
    name: &str,
    host: &str,
    dyn_: &str,
    forcerport: &str,
    comedia: &str,
    acl: &str,
    port: &str,
    status: &str,
    description: &str,
) -> String {
    format!(
        "{} {} {} {} {} {} {} {} {} \n",
        pad(name, 25, Some(25), true),
        pad(host, 39, Some(39), true),
        pad(dyn_, 3, Some(3), true),
        pad(forcerport, 10, Some(10), true),
        pad(comedia, 10, Some(10), true),
        pad(acl, 3, Some(3), true),
        pad(port, 8, None, true),
        pad(status, 11, None, true),
        pad(description, 32, Some(32), true),
    )
}

/// The whole `sip show peers` output. Online means OK or LAGGED for monitored peers, a known
/// address for unmonitored ones (chan_sip `peer_status`).
pub fn show_peers(rows: &[PeerRow]) -> String {
    let mut out = peer_line(
        "Name/username",
        "Host",
        "Dyn",
        "Forcerport",
        "Comedia",
        "ACL",
        "Port",
        "Status",
        "Description",
    );
    let (mut mon_on, mut mon_off, mut unmon_on, mut unmon_off) = (0, 0, 0, 0);
    for r in rows {
        match r.status {
            PeerStatus::Ok(_) | PeerStatus::Lagged(_) => mon_on += 1,
            PeerStatus::Unreachable | PeerStatus::Unknown => mon_off += 1,
            PeerStatus::Unmonitored if r.port != 0 => unmon_on += 1,
            PeerStatus::Unmonitored => unmon_off += 1,
        }
        out.push_str(&peer_line(
            &r.name,
            &r.host,
            if r.dynamic { " D " } else { "   " },
            &r.forcerport,
            &r.comedia,
            if r.acl { " A " } else { "   " },
            &r.port.to_string(),
            &r.status.to_string(),
            &r.description,
        ));
    }
    out.push_str(&format!(
        "{} sip peers [Monitored: {mon_on} online, {mon_off} offline Unmonitored: {unmon_on} online, {unmon_off} offline]\n",
        rows.len()
    ));
    out
}

/// `%a, %d %b %Y %T` in UTC, e.g. `Mon, 14 Jan 2019 10:00:00`.
pub fn format_time(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = app::model::time::civil_from_days(days);
    // 1970-01-01 was a Thursday.
    let wd = DAYS[days.rem_euclid(7) as usize];
    let mon = MONTHS[(m - 1) as usize];
    let (hh, mm, ss) = (sod / 3600, sod / 60 % 60, sod % 60);
    format!("{wd}, {d:02} {mon} {y} {hh:02}:{mm:02}:{ss:02}")
}

/// `sip show stats`: the engine's counters, one per line, labels padded
/// so the numbers line up. Asterisk has no such command for chan_sip;
/// the wording says what each count means to an administrator.
pub fn show_stats(stats: &SipStats) -> String {
    let rows = [
        ("SIP messages received", stats.messages_in),
        ("SIP messages sent", stats.messages_out),
        ("Retransmissions", stats.retransmissions),
        ("Not SIP (answered 400 or dropped)", stats.parse_errors),
        ("Send errors", stats.send_errors),
        ("Dropped from blocked addresses", stats.blocked),
        ("Turned away with 503 (overload)", stats.turned_away),
        ("Unmatched calls not recorded", stats.unmatched_not_recorded),
        ("Registry rows rebuilt", stats.registry_rows_built),
        ("Shed at the transaction cap", stats.shed_for_transactions),
        ("Shed at the memory cap", stats.shed_for_bytes),
        ("Dropped at the transaction cap", stats.refused_at_cap),
        ("Not sent (reflection limit)", stats.held_back),
        ("Oversized answers cut or dropped", stats.oversized),
        ("Dropped under load, trunks/phones", stats.dropped_known),
        ("Dropped under load, other sources", stats.dropped_unknown),
        ("Transactions in progress", stats.transactions),
        ("Bytes held for retransmission", stats.held_bytes),
    ];
    let mut out = String::new();
    for (label, count) in rows {
        out.push_str(&format!("{:<34} {count}\n", format!("{label}:")));
    }
    out
}

#[cfg(test)]
mod tests;
