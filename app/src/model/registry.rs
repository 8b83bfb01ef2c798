//! What Status → SIP registry shows: one row per trunk, as chan_sip's
//! `sip show registry` prints it plus what Asterisk keeps to itself (last
//! response, attempts, next refresh, qualify, history); and the SIP
//! engine's counters that `sip show stats` prints. Filled by the SIP
//! engine; the console only reads them.

use super::list::{ListPage, ListWindow};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A trunk's registration state: chan_sip's `enum sipregistrystate`,
/// written (on screen, in JSON, in `sip show registry`) as its
/// `regstate2str` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum RegistrationState {
    /// Nothing outstanding: before the first REGISTER, after an un-register, or waiting to retry
    /// after no answer; also a trunk that does not register.
    Unregistered,
    /// A REGISTER without credentials is outstanding.
    RequestSent,
    /// A REGISTER answering a 401/407 challenge is outstanding.
    AuthSent,
    /// The registrar accepted the binding; a refresh is scheduled.
    Registered,
    /// Fatal: the registrar refused the request itself (400, 404, 414, 479, 493, 423 too high).
    Rejected,
    /// Fatal (unless `retry_auth_failures`): 403, or our credentials refused three times.
    NoAuthentication,
    /// Fatal: `register_attempts` attempts went unanswered.
    Failed,
    /// The registrar could not be resolved or reached; a retry is scheduled.
    Timeout,
}

impl RegistrationState {
    pub const ALL: [Self; 8] = [
        Self::Unregistered,
        Self::RequestSent,
        Self::AuthSent,
        Self::Registered,
        Self::Rejected,
        Self::NoAuthentication,
        Self::Failed,
        Self::Timeout,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unregistered => "Unregistered",
            Self::RequestSent => "Request Sent",
            Self::AuthSent => "Auth. Sent",
            Self::Registered => "Registered",
            Self::Rejected => "Rejected",
            Self::NoAuthentication => "No Authentication",
            Self::Failed => "Failed",
            Self::Timeout => "Timeout",
        }
    }

    /// States that only a configuration change or "re-register now" leaves.
    pub fn is_fatal(self) -> bool {
        matches!(self, Self::Rejected | Self::NoAuthentication | Self::Failed)
    }
}

impl fmt::Display for RegistrationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<RegistrationState> for &'static str {
    fn from(state: RegistrationState) -> Self {
        state.as_str()
    }
}

impl TryFrom<String> for RegistrationState {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| format!("{text:?} is not a registration state"))
    }
}

/// One change of registration state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StateChange {
    /// Seconds since the Unix epoch (UTC).
    pub at: i64,
    /// The same, as Asterisk prints times.
    pub at_text: String,
    pub from: RegistrationState,
    pub to: RegistrationState,
    pub reason: String,
}

/// One trunk's registration and monitoring status.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegistryEntry {
    pub trunk_id: i64,
    pub trunk: String,
    /// Whether the trunk registers at all (a row is shown for monitoring too).
    pub registers: bool,
    /// `host:port` of the registrar.
    pub host: String,
    pub username: String,
    /// Seconds between refreshes (chan_sip's Refresh column): the requested expiry until the
    /// registrar answers, then its granted expiry less the 15 s chan_sip refreshes early.
    pub refresh: u64,
    /// The expiry the registrar granted in its last 200, in seconds.
    #[serde(default)]
    pub granted_expiry: Option<u32>,
    /// `Registered`, `No Authentication`, ...; `Unregistered` for a trunk that does not register.
    pub state: RegistrationState,
    /// Seconds since the epoch of the last successful REGISTER.
    pub reg_time: Option<i64>,
    /// The same, as Asterisk prints it (`Mon, 14 Jan 2019 10:00:00`).
    pub reg_time_text: String,
    /// e.g. `403 Forbidden`.
    pub last_response: Option<String>,
    pub attempts: u32,
    /// Seconds since the epoch of the next REGISTER, for the countdown.
    pub next_register_at: Option<i64>,
    pub qualify: PeerStatus,
    pub next_qualify_at: Option<i64>,
    pub history: Vec<StateChange>,
    /// The NAT self-check: the registrar sees this PBX at another address than the one it
    /// wrote and no external address is set, in a sentence the administrator can act on.
    #[serde(default)]
    pub nat_warning: Option<String>,
}

/// How the registry lists its rows: by trunk name, as chan_sip sorts them.
pub fn sort_rows(rows: &mut [RegistryEntry]) {
    rows.sort_by(|a, b| (&a.trunk, a.trunk_id).cmp(&(&b.trunk, b.trunk_id)));
}

impl RegistryEntry {
    /// Whether the registry's filter matches the row: part of the trunk's name, host,
    /// username, state or last response, in any case. `lowered` is the filter lowercased.
    pub fn matches(&self, lowered: &str) -> bool {
        [
            self.trunk.as_str(),
            self.host.as_str(),
            self.username.as_str(),
            self.state.as_str(),
            self.last_response.as_deref().unwrap_or_default(),
        ]
        .iter()
        .any(|field| field.to_lowercase().contains(lowered))
    }
}

/// One page of the registry: the rows `window`'s filter matches, by trunk name. Sorted and
/// filtered on the shared rows, so only the page's rows are copied: with 10,000 trunks the
/// whole table is megabytes.
pub fn page_of(
    shared: &[std::sync::Arc<RegistryEntry>],
    window: &ListWindow,
) -> ListPage<RegistryEntry> {
    let lowered = window.search.to_lowercase();
    let mut matching: Vec<&RegistryEntry> = shared
        .iter()
        .map(AsRef::as_ref)
        .filter(|row| lowered.is_empty() || row.matches(&lowered))
        .collect();
    matching.sort_by(|a, b| (&a.trunk, a.trunk_id).cmp(&(&b.trunk, b.trunk_id)));
    let total = matching.len() as u64;
    let offset = window.start(total);
    let skip = usize::try_from(offset).unwrap_or(usize::MAX);
    let take = window
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    ListPage {
        rows: matching
            .into_iter()
            .skip(skip)
            .take(take)
            .cloned()
            .collect(),
        total,
        offset,
        limit: window.limit,
    }
}

/// Which rows a stream of one registry page follows: the rows it opened with, and rows that
/// appear later (a trunk added or renamed) when the filter matches them and they sort within
/// the page (after its first row unless it is the first page, before its last unless it is
/// the last page), so that a trunk saved while the page is open shows up on it live.
#[derive(Clone, Debug)]
pub struct PageFollow {
    ids: std::collections::HashSet<i64>,
    lowered: String,
    after: Option<(String, i64)>,
    before: Option<(String, i64)>,
}

impl PageFollow {
    /// The follower of `page`, read with `window`.
    pub fn of(page: &ListPage<RegistryEntry>, window: &ListWindow) -> Self {
        let key = |r: &RegistryEntry| (r.trunk.clone(), r.trunk_id);
        let full = window
            .limit
            .is_some_and(|l| page.rows.len() >= usize::try_from(l).unwrap_or(usize::MAX));
        Self {
            ids: page.rows.iter().map(|r| r.trunk_id).collect(),
            lowered: window.search.to_lowercase(),
            after: (page.offset > 0)
                .then(|| page.rows.first().map(key))
                .flatten(),
            before: if full {
                page.rows.last().map(key)
            } else {
                None
            },
        }
    }

    /// Whether `row` (a row that changed or appeared) belongs to the page; a new one that
    /// does is followed from now on.
    pub fn admits(&mut self, row: &RegistryEntry) -> bool {
        if self.ids.contains(&row.trunk_id) {
            return true;
        }
        let key = (&row.trunk, row.trunk_id);
        let inside = self.after.as_ref().is_none_or(|(t, id)| key > (t, *id))
            && self.before.as_ref().is_none_or(|(t, id)| key < (t, *id));
        let admitted = inside && (self.lowered.is_empty() || row.matches(&self.lowered));
        if admitted {
            self.ids.insert(row.trunk_id);
        }
        admitted
    }

    /// Whether trunk `id` is on the page (for a removal).
    pub fn follows(&self, id: i64) -> bool {
        self.ids.contains(&id)
    }
}

/// What changed in the registry since the last event of its stream
/// (`event: registry-delta`): the rows that changed or appeared, and the
/// trunks whose rows are gone. A follower applies it to the rows it holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryDelta {
    pub rows: Vec<RegistryEntry>,
    pub removed: Vec<i64>,
}

impl RegistryDelta {
    /// `rows`, sorted as `sort_rows` sorts, with this change made.
    pub fn apply(self, rows: &mut Vec<RegistryEntry>) {
        let changed: std::collections::HashSet<i64> = self
            .removed
            .iter()
            .copied()
            .chain(self.rows.iter().map(|r| r.trunk_id))
            .collect();
        rows.retain(|r| !changed.contains(&r.trunk_id));
        for row in self.rows {
            let at = rows.partition_point(|r| (&r.trunk, r.trunk_id) < (&row.trunk, row.trunk_id));
            rows.insert(at, row);
        }
    }
}

/// The NAT self-check's sentence for a registrar at `host` that sees this PBX as `seen`.
pub fn nat_warning(host: &str, seen: &str) -> String {
    format!(
        "{host} sees this PBX as {seen} but no external address is set: incoming calls and \
         audio will fail — set External address (Services → IPBX → General settings → SIP (NAT))"
    )
}

/// The monitoring (qualify) result, as `sip show peers` prints it in its
/// Status column: what the engine's qualifier keeps, the console shows and
/// calls use to skip a trunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PeerStatus {
    /// Monitored, no result yet.
    Unknown,
    /// Answered within the threshold; round trip in ms.
    Ok(u64),
    /// Answered, but slower than the threshold; round trip in ms.
    Lagged(u64),
    /// No answer within twice the threshold, or the transport failed.
    Unreachable,
    /// Monitoring is off for this peer.
    Unmonitored,
}

impl PeerStatus {
    /// What outgoing calls use to skip a trunk (REFERENCE.md §2, §4).
    pub fn usable(self) -> bool {
        !matches!(self, Self::Unreachable | Self::Lagged(_))
    }
}

impl fmt::Display for PeerStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unknown => f.write_str("UNKNOWN"),
            Self::Ok(ms) => write!(f, "OK ({ms} ms)"),
            Self::Lagged(ms) => write!(f, "LAGGED ({ms} ms)"),
            Self::Unreachable => f.write_str("UNREACHABLE"),
            Self::Unmonitored => f.write_str("Unmonitored"),
        }
    }
}

/// What the administrator can ask the engine to do for one trunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegistryAction {
    /// Send a REGISTER now, leaving a fatal state.
    Reregister,
    /// Send an OPTIONS now.
    Qualify,
}

/// The SIP engine's totals since it started, as `trunkline sip show
/// stats` prints them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SipStats {
    pub messages_in: u64,
    pub messages_out: u64,
    /// Datagrams or frames that were not SIP: answered 400 when they
    /// could be, else dropped.
    pub parse_errors: u64,
    pub retransmissions: u64,
    pub send_errors: u64,
    /// Datagrams and connections dropped because their address is blocked.
    pub blocked: u64,
    /// Requests answered 503 because the registrar and dial plan were behind.
    pub turned_away: u64,
    /// Unmatched incoming calls answered 404 but not recorded: their
    /// source sent more than its share (forged datagrams fill no disk).
    #[serde(default)]
    pub unmatched_not_recorded: u64,
    /// Registry rows the engine built from trunk status: one per trunk
    /// whose status changed; every trunk only on a configuration change.
    #[serde(default)]
    pub registry_rows_built: u64,
    /// Finished SIP transactions dropped before their retransmission
    /// timers ran out because the cap on transactions was reached...
    #[serde(default)]
    pub shed_for_transactions: u64,
    /// ...or the cap on bytes kept for retransmission was.
    #[serde(default)]
    pub shed_for_bytes: u64,
    /// New requests dropped at the transaction cap with none to shed.
    #[serde(default)]
    pub refused_at_cap: u64,
    /// Responses not sent because they would have sent a request's
    /// (perhaps forged) source more than 1.5 times its bytes.
    #[serde(default)]
    pub held_back: u64,
    /// Answers that would have copied oversized headers: cut to the top
    /// Via, or dropped.
    #[serde(default)]
    pub oversized: u64,
    /// Datagrams dropped under load: from trunks, registered phones and
    /// calls in progress (served first, so this stays at zero unless they
    /// alone exceed what the server handles)...
    #[serde(default)]
    pub dropped_known: u64,
    /// ...and from every other source, each held to its share.
    #[serde(default)]
    pub dropped_unknown: u64,
    /// SIP transactions alive now (each finished one waits out Timer J
    /// or H before it goes), and the bytes they keep for retransmission.
    #[serde(default)]
    pub transactions: u64,
    #[serde(default)]
    pub held_bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: i64, trunk: &str, state: RegistrationState) -> RegistryEntry {
        RegistryEntry {
            trunk_id: id,
            trunk: trunk.into(),
            registers: true,
            host: "203.0.113.7:5060".into(),
            username: trunk.into(),
            refresh: 0,
            granted_expiry: None,
            state,
            reg_time: None,
            reg_time_text: String::new(),
            last_response: None,
            attempts: 0,
            next_register_at: None,
            qualify: PeerStatus::Unmonitored,
            next_qualify_at: None,
            history: Vec::new(),
            nat_warning: None,
        }
    }

    #[test]
    fn states_travel_as_chan_sips_words_and_read_back() {
        for state in RegistrationState::ALL {
            let json = serde_json::to_string(&state).expect("serialises");
            assert_eq!(json, format!("\"{}\"", state.as_str()));
            assert_eq!(
                serde_json::from_str::<RegistrationState>(&json).ok(),
                Some(state)
            );
        }
        assert!(serde_json::from_str::<RegistrationState>("\"registered\"").is_err());
    }

    #[test]
    fn a_delta_replaces_adds_and_removes_rows_keeping_them_by_name() {
        let mut rows = vec![
            row(3, "alpha", RegistrationState::Registered),
            row(1, "bravo", RegistrationState::Registered),
            row(2, "charlie", RegistrationState::Registered),
        ];
        RegistryDelta {
            rows: vec![
                row(1, "bravo", RegistrationState::Rejected),
                row(9, "able", RegistrationState::RequestSent),
            ],
            removed: vec![2],
        }
        .apply(&mut rows);
        let seen: Vec<(i64, RegistrationState)> =
            rows.iter().map(|r| (r.trunk_id, r.state)).collect();
        assert_eq!(
            seen,
            vec![
                (9, RegistrationState::RequestSent),
                (3, RegistrationState::Registered),
                (1, RegistrationState::Rejected)
            ]
        );
    }

    #[test]
    fn a_renamed_trunk_moves_to_its_new_place() {
        let mut rows = vec![
            row(1, "alpha", RegistrationState::Registered),
            row(2, "bravo", RegistrationState::Registered),
        ];
        RegistryDelta {
            rows: vec![row(1, "zulu", RegistrationState::Registered)],
            removed: Vec::new(),
        }
        .apply(&mut rows);
        let names: Vec<&str> = rows.iter().map(|r| r.trunk.as_str()).collect();
        assert_eq!(names, vec!["bravo", "zulu"]);
    }

    fn window(search: &str, offset: u64, limit: Option<u32>) -> ListWindow {
        ListWindow {
            search: search.into(),
            offset,
            limit,
            past_end: crate::model::list::PastEnd::LastPage,
        }
    }

    #[test]
    fn a_registry_page_is_filtered_sorted_by_name_and_windowed() {
        let mut shared: Vec<std::sync::Arc<RegistryEntry>> = (0..120)
            .rev()
            .map(|i| {
                let state = if i % 3 == 0 {
                    RegistrationState::Rejected
                } else {
                    RegistrationState::Registered
                };
                std::sync::Arc::new(row(i, &format!("trunk-{i:03}"), state))
            })
            .collect();
        let mut odd = row(500, "Voip-Main", RegistrationState::Registered);
        odd.last_response = Some("DNS: voip.example.com does not resolve".into());
        shared.push(std::sync::Arc::new(odd));

        let page = page_of(&shared, &window("", 50, Some(50)));
        assert_eq!(page.total, 121);
        assert_eq!(page.rows.len(), 50);
        // "Voip-Main" sorts first (byte order, as `sort_rows`), so row 50 is trunk-049.
        assert_eq!(page.rows[0].trunk, "trunk-049", "by name, from the offset");
        assert_eq!((page.page(), page.pages()), (2, 3));

        // State, name (any case) and last response are searched.
        let rejected = page_of(&shared, &window("rejected", 0, Some(50)));
        assert_eq!(rejected.total, 40);
        assert!(rejected
            .rows
            .iter()
            .all(|r| r.state == RegistrationState::Rejected));
        assert_eq!(page_of(&shared, &window("VOIP-main", 0, Some(50))).total, 1);
        assert_eq!(
            page_of(&shared, &window("does not resolve", 0, None)).total,
            1
        );

        // Past the end: the console's last page.
        let last = page_of(&shared, &window("", 5000, Some(50)));
        assert_eq!((last.offset, last.rows.len()), (100, 21));
        // No limit: every row.
        assert_eq!(page_of(&shared, &window("", 0, None)).rows.len(), 121);
    }

    #[test]
    fn a_page_s_stream_takes_in_new_rows_that_sort_within_it() {
        let shared: Vec<std::sync::Arc<RegistryEntry>> = (0..120)
            .map(|i| {
                std::sync::Arc::new(row(
                    i,
                    &format!("trunk-{i:03}"),
                    RegistrationState::Registered,
                ))
            })
            .collect();
        let middle = window("", 50, Some(50));
        let page = page_of(&shared, &middle);
        let mut follow = PageFollow::of(&page, &middle);
        assert!(
            follow.admits(&row(60, "trunk-060", RegistrationState::Failed)),
            "on it"
        );
        assert!(
            !follow.admits(&row(7, "trunk-007", RegistrationState::Failed)),
            "before it"
        );
        assert!(
            follow.admits(&row(900, "trunk-070a", RegistrationState::Unregistered)),
            "new, within"
        );
        assert!(follow.follows(900));
        assert!(
            !follow.admits(&row(901, "trunk-999", RegistrationState::Unregistered)),
            "after its last"
        );
        // The last page (not full) and the first take what sorts after or before them.
        let last = window("", 100, Some(50));
        let mut end = PageFollow::of(&page_of(&shared, &last), &last);
        assert!(end.admits(&row(902, "zulu", RegistrationState::Unregistered)));
        let first = window("", 0, Some(50));
        let mut start = PageFollow::of(&page_of(&shared, &first), &first);
        assert!(start.admits(&row(903, "alpha", RegistrationState::Unregistered)));
        // An empty list's page takes any new row; a filtered one only what matches.
        let empty = PageFollow::of(&page_of(&[], &first), &first);
        assert!(empty
            .clone()
            .admits(&row(904, "anything", RegistrationState::Registered)));
        let rejected = window("rejected", 0, Some(50));
        let mut only = PageFollow::of(&page_of(&shared, &rejected), &rejected);
        assert!(!only.admits(&row(905, "new", RegistrationState::Registered)));
        assert!(only.admits(&row(906, "new", RegistrationState::Rejected)));
    }
}
