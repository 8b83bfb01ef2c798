//! Field rules shared by several forms (SIP user parts, passwords, free
//! text), so the same mistake gets the same sentence everywhere.

/// Longest free text or SIP user part a form accepts.
pub const MAX_TEXT: usize = 80;

/// The user part of a SIP URI, kept to characters no provider chokes on.
pub fn sip_user(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.chars().count() > MAX_TEXT {
        return Err(format!(
            "{label} must be at most {MAX_TEXT} characters long."
        ));
    }
    if let Some(bad) = value.chars().find(|c| {
        !(c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '-' | '.' | '!' | '~' | '*' | '+' | '#' | '%' | '&' | '='
            ))
    }) {
        return Err(format!(
            "{label} may not contain \u{201c}{bad}\u{201d}: use letters, digits and - _ . + * # only."
        ));
    }
    Ok(value.to_owned())
}

/// A password: any printable text; blank means keep (or none).
pub fn password(label: &str, raw: &str) -> Result<Option<String>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.chars().count() > MAX_TEXT {
        return Err(format!(
            "{label} must be at most {MAX_TEXT} characters long."
        ));
    }
    if raw.chars().any(char::is_control) {
        return Err(format!(
            "{label} may not contain control characters such as tabs or line breaks."
        ));
    }
    Ok(Some(raw.to_owned()))
}

pub fn free_text(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.chars().count() > MAX_TEXT {
        return Err(format!(
            "{label} must be at most {MAX_TEXT} characters long."
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{label} may not contain control characters such as tabs or line breaks."
        ));
    }
    Ok(value.to_owned())
}

/// Accepts a JSON string, number or null for a field the form keeps as text.
pub fn lenient_string<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Text(String),
        Int(i64),
        Float(f64),
        Null,
    }
    Ok(
        match <Loose as serde::Deserialize>::deserialize(deserializer)? {
            Loose::Text(s) => s,
            Loose::Int(n) => n.to_string(),
            Loose::Float(x) => x.to_string(),
            Loose::Null => String::new(),
        },
    )
}
