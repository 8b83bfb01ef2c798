//! Message layer: the request method (RFC 3261 §7.1, §25.1 `Method`, RFC 3261 §8.2.1).
//! Must not fold case or unescape: `invite` and `IN%56ITE` are extension methods, not INVITE.

use std::fmt;

use crate::sip::proto::header::params::is_token_byte;

/// A SIP method. Methods this core knows are variants; any other `token` is an extension method,
/// kept so the transaction user can answer it with 501 Not Implemented (§8.2.1).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Ack,
    Bye,
    Cancel,
    Info,
    Invite,
    Message,
    Notify,
    Options,
    PRack,
    Publish,
    Refer,
    Register,
    Subscribe,
    Update,
    /// `extension-method = token`; the name is guaranteed to be a non-empty token.
    Extension(ExtensionMethod),
}

/// The name of an extension method: a non-empty RFC 3261 `token`, compared case-sensitively.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtensionMethod(String);

impl ExtensionMethod {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const KNOWN: &[(Method, &str)] = &[
    (Method::Ack, "ACK"),
    (Method::Bye, "BYE"),
    (Method::Cancel, "CANCEL"),
    (Method::Info, "INFO"),
    (Method::Invite, "INVITE"),
    (Method::Message, "MESSAGE"),
    (Method::Notify, "NOTIFY"),
    (Method::Options, "OPTIONS"),
    (Method::PRack, "PRACK"),
    (Method::Publish, "PUBLISH"),
    (Method::Refer, "REFER"),
    (Method::Register, "REGISTER"),
    (Method::Subscribe, "SUBSCRIBE"),
    (Method::Update, "UPDATE"),
];

impl Method {
    /// Parses a method token; `None` if `s` is not a token. Matching is case-sensitive (§7.1).
    pub fn parse(s: &str) -> Option<Self> {
        if let Some((m, _)) = KNOWN.iter().find(|(_, name)| *name == s) {
            return Some(m.clone());
        }
        (!s.is_empty() && s.bytes().all(is_token_byte))
            .then(|| Self::Extension(ExtensionMethod(s.to_string())))
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Extension(e) => e.as_str(),
            known => KNOWN
                .iter()
                .find(|(m, _)| m == known)
                .map_or("", |(_, name)| name),
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extension_and_garbage() {
        for (m, name) in KNOWN {
            assert_eq!(Method::parse(name).as_ref(), Some(m));
            assert_eq!(m.to_string(), *name);
        }
        let odd = "!interesting-Method0123456789_*+`.%indeed'~";
        let m = Method::parse(odd).expect("extension token");
        assert!(matches!(&m, Method::Extension(e) if e.as_str() == odd));
        assert_eq!(m.to_string(), odd);
        // Case and escapes are significant: these are extension methods, not INVITE/REGISTER.
        assert_ne!(Method::parse("invite"), Some(Method::Invite));
        assert_ne!(Method::parse("RE%47IST%45R"), Some(Method::Register));
        for bad in ["", "IN VITE", "INVITE:", "<A>", "M\u{e9}THODE"] {
            assert_eq!(Method::parse(bad), None, "{bad}");
        }
    }
}
