//! Field rules shared by several forms (names, SIP user parts, passwords,
//! free text), so the same mistake gets the same sentence everywhere.

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

/// Which characters a kind of name may hold, besides ASCII letters and
/// digits (which every kind accepts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameChars {
    /// ASCII letters and digits and the punctuation listed: a name other
    /// configuration refers to and that ends up in a SIP or dial-plan
    /// identifier, where anything else breaks something.
    Ascii(&'static [char]),
    /// Letters and digits of any script, spaces and the punctuation listed:
    /// a label only the console shows, such as "Québec long distance".
    Words(&'static [char]),
    /// Any printable text but the characters listed: a person's name, which
    /// may hold anything but what would break where it is sent.
    AnyBut(&'static [char]),
}

/// The rules for one kind of name, declared once next to the model that
/// owns it (trunk, context, outgoing call, user).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NameRule {
    /// Longest accepted, counted in characters, not bytes.
    pub max: usize,
    /// Blank is refused; when false, blank is accepted as "".
    pub required: bool,
    pub chars: NameChars,
    /// Why the characters are limited, appended to the refusal after a
    /// comma ("as Asterisk requires"); empty when the rule is self-evident.
    pub why: &'static str,
}

/// A name typed in a form, trimmed of the spaces around it, or the
/// sentence saying what is wrong with it, starting with `label`.
pub fn name(label: &str, raw: &str, rule: &NameRule) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return if rule.required {
            Err(format!("{label} is required."))
        } else {
            Ok(String::new())
        };
    }
    if value.chars().count() > rule.max {
        return Err(format!(
            "{label} must be at most {} characters long.",
            rule.max
        ));
    }
    // Before the allowed set, so a pasted tab is named as such rather
    // than shown as an invisible character between quotes.
    if value.chars().any(char::is_control) {
        return Err(format!(
            "{label} may not contain control characters such as tabs or line breaks."
        ));
    }
    let why = if rule.why.is_empty() {
        String::new()
    } else {
        format!(", {}", rule.why)
    };
    let (words, punctuation) = match rule.chars {
        NameChars::Ascii(p) => (false, p),
        NameChars::Words(p) => (true, p),
        NameChars::AnyBut(forbidden) => {
            return match forbidden.iter().find(|c| value.contains(**c)) {
                Some(_) => Err(format!(
                    "{label} may not contain {}{why}.",
                    either(forbidden)
                )),
                None => Ok(value.to_owned()),
            };
        }
    };
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || punctuation.contains(&c)
            || (words && (c == ' ' || c.is_alphanumeric()))
    };
    match value.chars().find(|c| !allowed(*c)) {
        Some(bad) => Err(format!(
            "{label} may contain only letters, digits{}{why}; \u{201c}{bad}\u{201d} is not allowed.",
            also(words, punctuation)
        )),
        None => Ok(value.to_owned()),
    }
}

/// `, spaces, ‘-’ and ‘_’`: what follows "letters, digits" in a refusal,
/// so the sentence lists exactly what the rule accepts.
fn also(words: bool, punctuation: &[char]) -> String {
    let mut items: Vec<String> = Vec::with_capacity(punctuation.len() + 1);
    if words {
        items.push("spaces".to_owned());
    }
    items.extend(punctuation.iter().map(|c| format!("\u{2018}{c}\u{2019}")));
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => format!(" and {last}"),
        Some((last, head)) => format!(", {} and {last}", head.join(", ")),
    }
}

/// `" < or >`: the characters refused, as a person reads them.
fn either(chars: &[char]) -> String {
    match chars.split_last() {
        None => String::new(),
        Some((last, [])) => last.to_string(),
        Some((last, head)) => {
            let head: Vec<String> = head.iter().map(char::to_string).collect();
            format!("{} or {last}", head.join(" "))
        }
    }
}

/// Writes a number field the form keeps as text as a JSON number when it is
/// one (`"5060"` → `5060`), so REST clients read numbers; anything else
/// (`"no"`, blank, `"050"`) stays text. [`lenient_string`] reads both back.
pub fn number_when_whole<S: serde::Serializer>(
    value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value.parse::<u64>() {
        Ok(n) if n.to_string() == value => serializer.serialize_u64(n),
        _ => serializer.serialize_str(value),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    const IDENT: NameRule = NameRule {
        max: 10,
        required: true,
        chars: NameChars::Ascii(&['-', '_']),
        why: "as Asterisk requires",
    };
    const WORDS: NameRule = NameRule {
        max: 10,
        required: true,
        chars: NameChars::Words(&['.']),
        why: "",
    };
    const PERSON: NameRule = NameRule {
        max: 10,
        required: false,
        chars: NameChars::AnyBut(&['"', '<', '>']),
        why: "which would break the caller ID",
    };

    #[test]
    fn names_accepted_and_trimmed() {
        let cases: &[(&NameRule, &str, &str)] = &[
            (&IDENT, "to-extern", "to-extern"),
            (&IDENT, "  a_b-1  ", "a_b-1"),
            (&IDENT, &"x".repeat(10), &"x".repeat(10)),
            (&WORDS, " Québec 2.0 ", "Québec 2.0"),
            (&PERSON, "", ""),
            (&PERSON, "   ", ""),
            (&PERSON, " O'Brien-SS ", "O'Brien-SS"),
        ];
        for (rule, raw, want) in cases {
            assert_eq!(name("Name", raw, rule).as_deref(), Ok(*want), "{raw:?}");
        }
    }

    #[test]
    fn names_refused_with_a_sentence_naming_the_field() {
        let long = "x".repeat(11);
        let cases: &[(&NameRule, &str, &str)] = &[
            (&IDENT, "", "Name is required."),
            (&IDENT, "  ", "Name is required."),
            (&WORDS, "", "Name is required."),
            (&IDENT, &long, "Name must be at most 10 characters long."),
            (&PERSON, &long, "Name must be at most 10 characters long."),
            (
                &IDENT,
                "a b",
                "Name may contain only letters, digits, \u{2018}-\u{2019} and \u{2018}_\u{2019}, as Asterisk requires; \u{201c} \u{201d} is not allowed.",
            ),
            (
                &IDENT,
                "caf\u{e9}",
                "Name may contain only letters, digits, \u{2018}-\u{2019} and \u{2018}_\u{2019}, as Asterisk requires; \u{201c}\u{e9}\u{201d} is not allowed.",
            ),
            (
                &WORDS,
                "a/b",
                "Name may contain only letters, digits, spaces and \u{2018}.\u{2019}; \u{201c}/\u{201d} is not allowed.",
            ),
            (
                &WORDS,
                "a\tb",
                "Name may not contain control characters such as tabs or line breaks.",
            ),
            (
                &PERSON,
                "Al <al>",
                "Name may not contain \" < or >, which would break the caller ID.",
            ),
            (
                &PERSON,
                "Al\nBo",
                "Name may not contain control characters such as tabs or line breaks.",
            ),
        ];
        for (rule, raw, want) in cases {
            assert_eq!(name("Name", raw, rule), Err((*want).to_owned()), "{raw:?}");
        }
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // Ten two-byte letters are ten characters, within a limit of ten.
        assert!(name("Name", &"é".repeat(10), &WORDS).is_ok());
        assert!(name("Name", &"é".repeat(11), &WORDS).is_err());
    }
}
