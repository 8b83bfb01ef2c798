//! Registration layer: the per-trunk settings of an outbound registration (chan_sip `register =>`
//! line, REFERENCE.md §6; RFC 3261 §10.2). Must not resolve names or read the clock: the runtime
//! resolves `server_host` and hands the client a `SocketAddr`.

use std::time::Duration;

use crate::sip::proto::message::Transport;

/// Default requested expiry (chan_sip `defaultexpiry`).
pub const DEFAULT_EXPIRY: u32 = 120;
/// Smallest expiry we request (chan_sip `minexpiry`).
pub const MIN_EXPIRY: u32 = 60;
/// Largest expiry we request or accept in a 423 (chan_sip `maxexpiry`).
pub const MAX_EXPIRY: u32 = 3600;
/// chan_sip `registertimeout`: how long to wait for a final answer before retrying.
pub const DEFAULT_REGISTER_TIMEOUT: Duration = Duration::from_secs(20);

/// `host:port` as written into Via and Contact.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostPort {
    pub host: String,
    pub port: u16,
}

impl HostPort {
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            host: host.into(),
            port,
        }
    }
}

impl std::fmt::Display for HostPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') && !self.host.starts_with('[') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// One trunk's registration: `[transport://]user[:secret[:authuser]]@host[:port][/extension][~expiry]`.
#[derive(Clone, PartialEq, Eq)]
pub struct RegistrationConfig {
    /// UDP or TCP (the Register tab's Transport).
    pub transport: Transport,
    /// Remote server: the registrar's domain, written in the Request-URI, From and To.
    pub server_host: String,
    /// Remote server port; 5060 when absent.
    pub server_port: Option<u16>,
    /// Where REGISTER is sent instead of the server, when set (host, port).
    pub outbound_proxy: Option<HostPort>,
    /// The address-of-record user (From/To).
    pub username: String,
    /// Digest user when it differs from `username` (chan_sip `authuser`).
    pub auth_username: Option<String>,
    pub password: String,
    /// Requested expiry in seconds, clamped to 60..=3600 when used.
    pub expiry: u32,
    /// Contact user (chan_sip `/extension`): the DID the provider calls us back on.
    pub contact_user: Option<String>,
    /// The address the provider can reach us at (NAT); our socket address when absent.
    pub external_address: Option<HostPort>,
    /// chan_sip `registertimeout`.
    pub register_timeout: Duration,
    /// chan_sip `registerattempts`: give up (`Failed`) after this many; 0 = forever.
    pub register_attempts: u32,
    /// chan_sip `register_retry_403`: keep retrying after `No Authentication`, with a back-off
    /// that doubles on each consecutive refusal. Off: a refusal is fatal until a change.
    pub retry_auth_failures: bool,
}

/// Written out by hand so that a debug print never shows the password.
impl std::fmt::Debug for RegistrationConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistrationConfig")
            .field("transport", &self.transport)
            .field("server_host", &self.server_host)
            .field("server_port", &self.server_port)
            .field("outbound_proxy", &self.outbound_proxy)
            .field("username", &self.username)
            .field("auth_username", &self.auth_username)
            .field("password", &"***")
            .field("expiry", &self.expiry)
            .field("contact_user", &self.contact_user)
            .field("external_address", &self.external_address)
            .field("register_timeout", &self.register_timeout)
            .field("register_attempts", &self.register_attempts)
            .field("retry_auth_failures", &self.retry_auth_failures)
            .finish()
    }
}

impl RegistrationConfig {
    /// A config with chan_sip's defaults for everything but the account.
    pub fn new(
        server_host: impl Into<String>,
        username: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            transport: Transport::Udp,
            server_host: server_host.into(),
            server_port: None,
            outbound_proxy: None,
            username: username.into(),
            auth_username: None,
            password: password.into(),
            expiry: DEFAULT_EXPIRY,
            contact_user: None,
            external_address: None,
            register_timeout: DEFAULT_REGISTER_TIMEOUT,
            register_attempts: 0,
            retry_auth_failures: false,
        }
    }

    /// The requested expiry after clamping to [`MIN_EXPIRY`]..=[`MAX_EXPIRY`].
    pub fn requested_expiry(&self) -> u32 {
        self.expiry.clamp(MIN_EXPIRY, MAX_EXPIRY)
    }

    /// The host and port REGISTER is sent to: the outbound proxy, else the server.
    pub fn next_hop(&self) -> HostPort {
        self.outbound_proxy
            .clone()
            .unwrap_or_else(|| HostPort::new(self.server_host.clone(), self.server_port()))
    }

    pub fn server_port(&self) -> u16 {
        self.server_port.unwrap_or(5060)
    }

    /// `host:port` as `sip show registry` prints it.
    pub fn display_host(&self) -> String {
        format!("{}:{}", self.server_host, self.server_port())
    }

    pub fn auth_user(&self) -> &str {
        self.auth_username.as_deref().unwrap_or(&self.username)
    }

    /// True when `other` registers the same address-of-record at the same place, so a change
    /// between the two is a refresh of one binding rather than a move to another registrar.
    pub fn same_binding(&self, other: &Self) -> bool {
        self.transport == other.transport
            && self.server_host.eq_ignore_ascii_case(&other.server_host)
            && self.server_port() == other.server_port()
            && self.outbound_proxy == other.outbound_proxy
            && self.username == other.username
            && self.contact_user == other.contact_user
            && self.external_address == other.external_address
    }
}

#[cfg(test)]
mod debug_tests {
    use super::RegistrationConfig;

    #[test]
    fn debug_print_hides_the_password() {
        let cfg = RegistrationConfig::new(
            "voip.provider.example.com",
            "provider_username",
            "provider_password",
        );
        let printed = format!("{cfg:?}");
        assert!(printed.contains("provider_username"));
        assert!(!printed.contains("provider_password"), "{printed}");
    }
}
