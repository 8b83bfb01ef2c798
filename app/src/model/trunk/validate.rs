//! The trunk form's rules, run by the browser as the administrator types
//! and by the server before anything is stored. One place, one wording.

use super::{
    Codec, ConnectionType, DtmfMode, Nat, Transport, Trunk, TrunkInput, TrunkSecrets,
    DEFAULT_EXPIRY, DEFAULT_QUALIFY_FREQ, DEFAULT_RTP_HOLD_TIMEOUT, DEFAULT_RTP_TIMEOUT,
    MONITORING_YES_MS,
};
use crate::model::net::{parse_host, parse_host_port, parse_in_range, parse_port, split_port};
use crate::model::text::{free_text, name, password, sip_user, NameChars, NameRule};
use crate::model::FieldErrors;

/// The Monitoring select's values and labels, in the order XiVO lists them.
pub const MONITORING_CHOICES: &[(&str, &str)] = &[
    ("no", "No"),
    ("500", "500 ms"),
    ("1000", "1000 ms"),
    ("1500", "1500 ms"),
    // Asterisk's `qualify=yes`: one entry, not two for the same thing.
    ("2000", "2000 ms (yes)"),
    ("2500", "2500 ms"),
    ("3000", "3000 ms"),
    ("3500", "3500 ms"),
    ("4000", "4000 ms"),
];

/// What the rules need to know besides the form itself.
#[derive(Clone, Debug, Default)]
pub struct ValidationContext {
    /// Names of the incoming-call contexts a trunk may deliver calls to.
    pub incall_contexts: Vec<String>,
    /// The trunk being edited already has a stored password.
    pub has_stored_secret: bool,
    pub has_stored_reg_secret: bool,
}

/// A trunk's name is how `sip show peers`, the logs and XiVO exports
/// (where it is the `sip.conf` peer) name it, so it keeps to plain ASCII.
pub const TRUNK_NAME: NameRule = NameRule {
    max: 40,
    required: true,
    chars: NameChars::Ascii(&['-', '_', '.']),
    why: "",
};

impl TrunkInput {
    /// Checks every field and returns the trunk with its new secrets, or
    /// every problem found, each under its field's name.
    pub fn validate(&self, ctx: &ValidationContext) -> Result<(Trunk, TrunkSecrets), FieldErrors> {
        let mut e = FieldErrors::new();

        let name = e.take("name", name("Name", &self.name, &TRUNK_NAME));
        let auth_username = e.take(
            "auth_username",
            sip_user("Authentication username", &self.auth_username),
        );
        let secret = e.take("secret", password("Password", &self.secret));
        let caller_id = e.take("caller_id", free_text("Caller ID", &self.caller_id));
        let connection_type = e.take(
            "connection_type",
            ConnectionType::parse(&self.connection_type),
        );
        let (host, port) = self.host_and_port(&mut e);
        let context = e.take("context", self.check_context(ctx));
        let nat = e.take("nat", Nat::parse(&self.nat));
        let call_limit = e.take(
            "call_limit",
            parse_in_range(
                "Call limit",
                &self.call_limit,
                0,
                50,
                0,
                " calls (0 is no limit)",
            ),
        );
        let language = e.take("language", language(&self.language));

        let reg_transport = e.take("reg_transport", Transport::parse(&self.reg_transport));
        let reg_username = e.take(
            "reg_username",
            sip_user("Register username", &self.reg_username),
        );
        let reg_secret = e.take(
            "reg_secret",
            password("Register password", &self.reg_secret),
        );
        let reg_server = if self.reg_server.trim().is_empty() {
            Some(String::new())
        } else {
            e.take("reg_server", parse_host("Remote server", &self.reg_server))
        };
        let reg_port = e.take(
            "reg_port",
            // Blank: the General tab's port, where the provider usually
            // also takes registrations.
            parse_port("Register port", &self.reg_port, port.unwrap_or(5060)),
        );
        let reg_expiry = e.take(
            "reg_expiry",
            parse_in_range(
                "Expiry",
                &self.reg_expiry,
                60,
                3600,
                DEFAULT_EXPIRY,
                " seconds",
            ),
        );
        let reg_callback = e.take("reg_callback", callback(&self.reg_callback));
        if self.register {
            self.require_registration(ctx, &mut e);
        }

        let outbound_proxy = e.take("outbound_proxy", outbound_proxy(&self.outbound_proxy));
        let from_user = e.take("from_user", sip_user("From user", &self.from_user));
        let from_domain = if self.from_domain.trim().is_empty() {
            Some(String::new())
        } else {
            e.take("from_domain", parse_host("From domain", &self.from_domain))
        };
        let codecs = e.take("codecs", codecs(&self.codecs));
        let dtmf_mode = e.take("dtmf_mode", DtmfMode::parse_input(&self.dtmf_mode));
        let rtp_timeout = e.take(
            "rtp_timeout",
            media_timeout("RTP timeout", &self.rtp_timeout, DEFAULT_RTP_TIMEOUT),
        );
        let rtp_hold_timeout = e.take(
            "rtp_hold_timeout",
            media_timeout(
                "RTP hold timeout",
                &self.rtp_hold_timeout,
                DEFAULT_RTP_HOLD_TIMEOUT,
            ),
        );
        let monitoring = e.take("monitoring", monitoring(&self.monitoring));
        let qualify_freq = e.take(
            "qualify_freq",
            parse_in_range(
                "Qualify frequency",
                &self.qualify_freq,
                10,
                300,
                u32::from(DEFAULT_QUALIFY_FREQ),
                " seconds",
            ),
        );

        // Every `take` above recorded its error; this only unpacks.
        let (
            Some(name),
            Some(auth_username),
            Some(secret),
            Some(caller_id),
            Some(connection_type),
            Some(host),
            Some(port),
            Some(context),
            Some(nat),
            Some(call_limit),
            Some(language),
            Some(reg_transport),
            Some(reg_username),
            Some(reg_secret),
            Some(reg_server),
            Some(reg_port),
            Some(reg_expiry),
            Some(reg_callback),
            Some(outbound_proxy),
            Some(from_user),
            Some(from_domain),
            Some(codecs),
            Some(dtmf_mode),
            Some(rtp_timeout),
            Some(rtp_hold_timeout),
            Some(monitoring),
            Some(qualify_freq),
        ) = (
            name,
            auth_username,
            secret,
            caller_id,
            connection_type,
            host,
            port,
            context,
            nat,
            call_limit,
            language,
            reg_transport,
            reg_username,
            reg_secret,
            reg_server,
            reg_port,
            reg_expiry,
            reg_callback,
            outbound_proxy,
            from_user,
            from_domain,
            codecs,
            dtmf_mode,
            rtp_timeout,
            rtp_hold_timeout,
            monitoring,
            qualify_freq,
        )
        else {
            return Err(e);
        };
        if !e.is_empty() {
            return Err(e);
        }
        let trunk = Trunk {
            name,
            auth_username,
            caller_id,
            connection_type,
            host,
            port,
            context,
            nat,
            // Both ranges were checked above, so the narrowing cannot cut.
            call_limit: call_limit as u8,
            language,
            register: self.register,
            reg_transport,
            reg_username,
            reg_server,
            reg_port,
            reg_expiry,
            reg_callback,
            outbound_proxy,
            from_user,
            from_domain,
            codecs,
            dtmf_mode,
            direct_media: self.direct_media,
            rtp_timeout,
            rtp_hold_timeout,
            monitoring,
            qualify_freq: qualify_freq as u16,
            disabled: self.disabled,
        };
        Ok((trunk, TrunkSecrets { secret, reg_secret }))
    }

    /// IP addressing type, Host and Port together. A blank type follows
    /// Host (static when one is given), as a REST client that sends only a
    /// host means. A Host typed as `host:port`, the way providers' sheets
    /// write it, is split when Port is blank or says the same port, and
    /// refused pointing at Port when they disagree: the trunk must not call
    /// a port the administrator did not choose.
    fn host_and_port(&self, e: &mut FieldErrors) -> (Option<Option<String>>, Option<u16>) {
        let port = e.take("port", parse_port("Port", &self.port, 5060));
        let raw = self.host.trim();
        let host_type = match self.host_type.trim() {
            "" if raw.is_empty() => "dynamic",
            "" => "static",
            other => other,
        };
        match host_type {
            "dynamic" => (Some(None), port),
            "static" => {
                let (name, in_host) = split_port(raw);
                let host = e.take("host", parse_host("Host", name).map(Some));
                let Some(in_host) = in_host else {
                    return (host, port);
                };
                let Some(in_host) = e.take("host", parse_port("The port in Host", in_host, 5060))
                else {
                    return (None, port);
                };
                match port {
                    _ if self.port.trim().is_empty() => (host, Some(in_host)),
                    Some(typed) if typed != in_host => {
                        e.push(
                            "host",
                            format!(
                                "Host \u{201c}{raw}\u{201d} carries port {in_host} while Port says {typed}: \
                                 write the host alone here and the port in the Port field."
                            ),
                        );
                        (None, port)
                    }
                    _ => (host, port),
                }
            }
            other => {
                e.push(
                    "host_type",
                    format!("IP addressing type must be dynamic or static; \u{201c}{other}\u{201d} is not."),
                );
                (None, port)
            }
        }
    }

    fn check_context(&self, ctx: &ValidationContext) -> Result<String, String> {
        let value = self.context.trim();
        if value.is_empty() {
            return Err("Context is required: choose where incoming calls from this trunk go (Incalls is the usual one).".into());
        }
        if ctx.incall_contexts.iter().any(|c| c == value) {
            Ok(value.to_owned())
        } else {
            Err(format!(
                "Context \u{201c}{value}\u{201d} is not an incoming-call context; choose one of: {}.",
                ctx.incall_contexts.join(", ")
            ))
        }
    }

    /// Register needs a user, a server and some password to answer the
    /// provider's challenge with.
    fn require_registration(&self, ctx: &ValidationContext, e: &mut FieldErrors) {
        if self.reg_username.trim().is_empty() {
            e.push(
                "reg_username",
                "Register username is required when Register is checked (it is the account name your provider gave you).",
            );
        }
        if self.reg_server.trim().is_empty() {
            e.push(
                "reg_server",
                "Remote server is required when Register is checked (for example voip.provider.example.com).",
            );
        }
        let has_password = !self.reg_secret.is_empty()
            || !self.secret.is_empty()
            || ctx.has_stored_reg_secret
            || ctx.has_stored_secret;
        if !has_password {
            e.push(
                "reg_secret",
                "A password is required when Register is checked: fill Register password, or Password on the General tab.",
            );
        }
    }
}

fn language(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    let b = value.as_bytes();
    let ok = value.is_empty()
        || (b.len() == 2 && b.iter().all(u8::is_ascii_lowercase))
        || (b.len() == 5
            && b[..2].iter().all(u8::is_ascii_lowercase)
            && b[2] == b'_'
            && b[3..].iter().all(u8::is_ascii_uppercase));
    if ok {
        Ok(value.to_owned())
    } else {
        Err(format!(
            "Language must look like fr_FR or en (language, then optional country); \u{201c}{value}\u{201d} does not."
        ))
    }
}

fn callback(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.len() > 20
        || !value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#'))
    {
        return Err(format!(
            "Callback extension must be up to 20 digits (and * or #), such as 1000; \u{201c}{value}\u{201d} is not."
        ));
    }
    Ok(value.to_owned())
}

/// `host` or `host:port` (IPv6 in brackets when a port follows).
fn outbound_proxy(raw: &str) -> Result<String, String> {
    parse_host_port("Outbound proxy", raw)
}

fn codecs(raw: &[String]) -> Result<Vec<Codec>, String> {
    let mut out = Vec::with_capacity(raw.len());
    for name in raw {
        let codec = Codec::parse(name)?;
        if out.contains(&codec) {
            return Err(format!(
                "Codec {} is listed twice; keep one.",
                codec.as_str()
            ));
        }
        out.push(codec);
    }
    if out.is_empty() {
        return Err("Choose at least one codec (ulaw is understood by every provider).".into());
    }
    Ok(out)
}

/// Longest a media timeout may be: an hour of silence is a dead call by any measure.
const MEDIA_TIMEOUT_MAX: u16 = 3600;
/// Shortest one: below a few seconds, a burst of loss on a busy link would hang up calls.
const MEDIA_TIMEOUT_MIN: u16 = 5;

/// `rtptimeout` / `rtpholdtimeout`: 0 (never) or 5 to 3600 seconds; blank is the default.
fn media_timeout(label: &str, raw: &str, default: u16) -> Result<u16, String> {
    match raw.trim() {
        "" => Ok(default),
        value => match value.parse::<u16>() {
            Ok(n) if n == 0 || (MEDIA_TIMEOUT_MIN..=MEDIA_TIMEOUT_MAX).contains(&n) => Ok(n),
            _ => Err(format!(
                "{label} must be 0 (never hang up) or a whole number from {MEDIA_TIMEOUT_MIN} to {MEDIA_TIMEOUT_MAX} seconds; \u{201c}{value}\u{201d} is not."
            )),
        },
    }
}

fn monitoring(raw: &str) -> Result<Option<u16>, String> {
    match raw.trim() {
        "" | "no" => Ok(None),
        "yes" => Ok(Some(MONITORING_YES_MS)),
        other => match other.parse::<u16>() {
            Ok(ms) if (500..=4000).contains(&ms) => Ok(Some(ms)),
            _ => Err(format!(
                "Monitoring must be no, yes (2000 ms) or a threshold from 500 to 4000 ms; \u{201c}{other}\u{201d} is not."
            )),
        },
    }
}

#[cfg(test)]
mod tests;
