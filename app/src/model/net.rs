//! Host names, addresses and ports as an administrator types them.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Accepts a DNS host name (RFC 1123 labels), an IPv4 address, or an IPv6
/// address with or without brackets. Returns the normalised form (IPv6
/// without brackets, host names in lower case).
pub fn parse_host(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(format!("{label} is required."));
    }
    let unbracketed = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    if unbracketed.parse::<Ipv6Addr>().is_ok() {
        return Ok(unbracketed.to_owned());
    }
    if value.parse::<Ipv4Addr>().is_ok() {
        return Ok(value.to_owned());
    }
    if is_hostname(value) {
        return Ok(value.to_ascii_lowercase());
    }
    Err(format!(
        "{label} \u{201c}{value}\u{201d} is not a host name or an IP address \
         (for example voip.provider.example.com or 192.0.2.10)."
    ))
}

fn is_hostname(value: &str) -> bool {
    let value = value.strip_suffix('.').unwrap_or(value);
    if value.is_empty() || value.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = value.split('.').collect();
    // A name made only of digits and dots is a mistyped IPv4 address.
    if labels.iter().all(|l| l.chars().all(|c| c.is_ascii_digit())) {
        return false;
    }
    labels.iter().all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    })
}

/// Optional `host` or `host:port` (IPv6 in brackets when a port follows), normalised as
/// `parse_host` does; blank stays blank. Errors name `label` (and "`label` port").
pub fn parse_host_port(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(String::new());
    }
    let (host, port) = split_port(value);
    let host = parse_host(label, host)?;
    match port {
        Some(p) => {
            let port = parse_port(&format!("{label} port"), p, 5060)?;
            if host.contains(':') {
                Ok(format!("[{host}]:{port}"))
            } else {
                Ok(format!("{host}:{port}"))
            }
        }
        None => Ok(host),
    }
}

/// `host:port` as the host and the port's text; a bare IPv6 address
/// (colons, no brackets) has no port.
pub fn split_port(value: &str) -> (&str, Option<&str>) {
    match value.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') || h.ends_with(']') => (h, Some(p)),
        _ => (value, None),
    }
}

/// A port between 1 and 65535; blank gives `default`.
pub fn parse_port(label: &str, raw: &str, default: u16) -> Result<u16, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(default);
    }
    match value.parse::<u32>() {
        Ok(port) if (1..=65535).contains(&port) => Ok(port as u16),
        _ => Err(format!(
            "{label} must be a whole number from 1 to 65535 (5060 is the usual SIP port); \
             \u{201c}{value}\u{201d} is not."
        )),
    }
}

/// A whole number in `min..=max`; blank gives `default`.
pub fn parse_in_range(
    label: &str,
    raw: &str,
    min: u32,
    max: u32,
    default: u32,
    unit: &str,
) -> Result<u32, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(default);
    }
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{label} must be a whole number from {min} to {max}{unit}; \u{201c}{value}\u{201d} is not."
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_accepted() {
        for (raw, want) in [
            ("voip.provider.example.com", "voip.provider.example.com"),
            ("VOIP.Example.COM", "voip.example.com"),
            ("sip-1.example.net.", "sip-1.example.net."),
            ("localhost", "localhost"),
            ("192.0.2.10", "192.0.2.10"),
            ("2001:db8::1", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("  10.0.0.1 ", "10.0.0.1"),
        ] {
            assert_eq!(parse_host("Host", raw).as_deref(), Ok(want), "{raw}");
        }
    }

    #[test]
    fn hosts_refused() {
        for raw in [
            "",
            "bad host",
            "-lead.example.com",
            "trail-.example.com",
            "a..b",
            "999.1.1.1",
            "10.0.0",
            "sip:voip.example.com",
            "voip_provider.com",
            &"a".repeat(64),
        ] {
            assert!(
                parse_host("Host", raw).is_err(),
                "{raw:?} should be refused"
            );
        }
        let message = parse_host("Host", "bad host").unwrap_err();
        assert!(message.contains("bad host") && message.contains("Host"));
        assert_eq!(parse_host("Host", "").unwrap_err(), "Host is required.");
    }

    #[test]
    fn ports() {
        assert_eq!(parse_port("Port", "", 5060), Ok(5060));
        assert_eq!(parse_port("Port", "1", 5060), Ok(1));
        assert_eq!(parse_port("Port", "65535", 5060), Ok(65535));
        for bad in ["0", "65536", "-1", "50a", "5060.5"] {
            let message = parse_port("Port", bad, 5060).unwrap_err();
            assert!(message.contains("1 to 65535"), "{message}");
        }
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_in_range("Expiry", "", 60, 3600, 120, " s"), Ok(120));
        assert_eq!(parse_in_range("Expiry", "60", 60, 3600, 120, " s"), Ok(60));
        assert_eq!(
            parse_in_range("Expiry", "3600", 60, 3600, 120, " s"),
            Ok(3600)
        );
        let message = parse_in_range("Expiry", "59", 60, 3600, 120, " s").unwrap_err();
        assert_eq!(
            message,
            "Expiry must be a whole number from 60 to 3600 s; \u{201c}59\u{201d} is not."
        );
        assert!(parse_in_range("Expiry", "3601", 60, 3600, 120, " s").is_err());
    }
}
