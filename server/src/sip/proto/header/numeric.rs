//! Message layer: numeric headers Expires, Min-Expires, Max-Forwards, Content-Length
//! (RFC 3261 §20.19, §20.23, §20.22, §20.14). Must not wrap or saturate silently: overflow is refused.

use std::fmt;

use super::HeaderError;

macro_rules! numeric_header {
    ($(#[$doc:meta])* $name:ident, $ty:ty, $header:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $ty);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, HeaderError> {
                let v = value.trim();
                if v.is_empty() {
                    return Err(HeaderError::Empty { header: $header });
                }
                if !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(HeaderError::invalid($header, "not a decimal number"));
                }
                v.parse::<$ty>()
                    .map(Self)
                    .map_err(|_| HeaderError::invalid($header, "number out of range"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

numeric_header!(
    /// Expires in seconds.
    Expires, u32, "Expires"
);
numeric_header!(
    /// Min-Expires in seconds (sent with 423).
    MinExpires, u32, "Min-Expires"
);
numeric_header!(
    /// Max-Forwards hop budget, 0..=255.
    MaxForwards, u8, "Max-Forwards"
);
numeric_header!(
    /// Content-Length in bytes.
    ContentLength, u32, "Content-Length"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(
            Expires::parse(" 3600 ").map(|e| e.to_string()),
            Ok("3600".into())
        );
        assert_eq!(MinExpires::parse("60"), Ok(MinExpires(60)));
        assert_eq!(
            MaxForwards::parse("70").map(|m| m.to_string()),
            Ok("70".into())
        );
        assert_eq!(ContentLength::parse("0"), Ok(ContentLength(0)));
    }

    #[test]
    fn refuses_overflow_and_signs() {
        assert!(MaxForwards::parse("256").is_err());
        assert!(Expires::parse("10000000000000000000000").is_err());
        assert!(ContentLength::parse("-1").is_err());
        assert!(ContentLength::parse("").is_err());
        assert!(Expires::parse("+5").is_err());
    }
}
