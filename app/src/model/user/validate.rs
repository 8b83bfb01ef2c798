//! The user form's rules, shared by the browser and the server. Whether
//! an extension or a line username is already taken needs the database
//! and is the service's to check.

use super::{OutgoingCallerId, User, UserInput, DEFAULT_RINGTIME, MAX_RINGTIME};
use crate::model::context::{pick, Context, ContextKind};
use crate::model::net::parse_in_range;
use crate::model::text::{name, password, sip_user, NameChars, NameRule};
use crate::model::FieldErrors;

/// What the rules need besides the form.
#[derive(Clone, Debug, Default)]
pub struct UserRules {
    pub contexts: Vec<Context>,
}

/// A new line password is at least this long when typed.
pub const MIN_PASSWORD: usize = 8;
/// First and last names go into the caller ID's display name, where a
/// quote or angle bracket would end it early. Either may be blank.
pub const PERSON_NAME: NameRule = NameRule {
    max: 64,
    required: false,
    chars: NameChars::AnyBut(&['"', '<', '>']),
    why: "which would break the caller ID shown on phones",
};
const MAX_EXTEN: usize = 20;

impl UserInput {
    /// The user and the password to store (`None`: keep the stored one,
    /// or generate one when there is none), or every problem by field.
    pub fn validate(&self, rules: &UserRules) -> Result<(User, Option<String>), FieldErrors> {
        let mut e = FieldErrors::new();
        let firstname = e.take(
            "firstname",
            name("First name", &self.firstname, &PERSON_NAME),
        );
        let lastname = e.take("lastname", name("Last name", &self.lastname, &PERSON_NAME));
        if firstname.as_deref() == Some("") && lastname.as_deref() == Some("") {
            e.push(
                "firstname",
                "Enter a first name or a last name, so calls show who this is.",
            );
        }
        let exten = e.take("exten", exten(&self.exten));
        let context = e.take("context", self.check_context(rules));
        if let (Some(exten), Some(context)) = (&exten, &context) {
            if !context.allows_user_exten(exten) {
                e.push(
                    "exten",
                    format!(
                        "Extension {exten} is outside the user ranges of context \u{201c}{}\u{201d} ({}); choose a number in them or widen the ranges under PBX settings \u{2192} Contexts.",
                        context.name,
                        Context::ranges_label(&context.user_ranges)
                    ),
                );
            }
        }
        let line_username = e.take("line_username", self.check_username(exten.as_deref()));
        let line_password = e.take("line_password", self.check_password());
        let outgoing_caller_id = e.take("caller_id_number", self.check_caller_id());
        let ringtime = e.take(
            "ringtime",
            parse_in_range(
                "Ring time",
                &self.ringtime,
                5,
                u32::from(MAX_RINGTIME),
                u32::from(DEFAULT_RINGTIME),
                " seconds",
            ),
        );
        if !e.is_empty() {
            return Err(e);
        }
        match (
            firstname,
            lastname,
            exten,
            context,
            line_username,
            line_password,
            outgoing_caller_id,
            ringtime,
        ) {
            (
                Some(firstname),
                Some(lastname),
                Some(exten),
                Some(context),
                Some(line_username),
                Some(line_password),
                Some(outgoing_caller_id),
                Some(ringtime),
            ) => Ok((
                User {
                    firstname,
                    lastname,
                    exten,
                    context: context.name,
                    line_username,
                    outgoing_caller_id,
                    ringtime: u16::try_from(ringtime).unwrap_or(DEFAULT_RINGTIME),
                    // A checkbox: any value is valid.
                    direct_media: self.direct_media,
                },
                line_password,
            )),
            _ => Err(FieldErrors::single("exten", "The user could not be read.")),
        }
    }

    fn check_context(&self, rules: &UserRules) -> Result<Context, String> {
        pick(&rules.contexts, &self.context, ContextKind::Internal).cloned()
    }

    fn check_username(&self, exten: Option<&str>) -> Result<String, String> {
        let value = sip_user("Line username", &self.line_username)?;
        if value.is_empty() {
            // FreePBX's habit: the line is named after the extension.
            return exten.map(str::to_owned).ok_or_else(|| {
                "Line username is required when the extension is not valid.".into()
            });
        }
        Ok(value)
    }

    fn check_password(&self) -> Result<Option<String>, String> {
        let value = password("Line password", &self.line_password)?;
        if let Some(p) = &value {
            if p.chars().count() < MIN_PASSWORD {
                return Err(format!(
                    "Line password must be at least {MIN_PASSWORD} characters long (phones are attacked by guessing), or leave it blank to have one generated."
                ));
            }
        }
        Ok(value)
    }

    fn check_caller_id(&self) -> Result<OutgoingCallerId, String> {
        match self.caller_id_mode.trim() {
            "" | "default" => Ok(OutgoingCallerId::Default),
            "anonymous" => Ok(OutgoingCallerId::Anonymous),
            "custom" => caller_number("Outgoing caller ID", &self.caller_id_number)
                .and_then(|n| {
                    if n.is_empty() {
                        Err("Enter the outgoing caller ID number, or choose Default or Anonymous.".into())
                    } else {
                        Ok(OutgoingCallerId::Custom(n))
                    }
                }),
            other => Err(format!(
                "Outgoing caller ID must be default, anonymous or custom; \u{201c}{other}\u{201d} is not."
            )),
        }
    }
}

fn exten(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("Extension is required (the number colleagues dial, such as 1000).".into());
    }
    if value.len() > MAX_EXTEN || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "Extension must be a number of up to {MAX_EXTEN} digits, such as 1000; \u{201c}{value}\u{201d} is not."
        ));
    }
    Ok(value.to_owned())
}

/// A caller ID number: digits with an optional leading `+`.
pub fn caller_number(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    let digits = value.strip_prefix('+').unwrap_or(value);
    if value.is_empty() {
        return Ok(String::new());
    }
    if digits.is_empty() || digits.len() > MAX_EXTEN || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(format!(
            "{label} must be a phone number: digits, optionally after a +, such as +14185550000; \u{201c}{value}\u{201d} is not."
        ));
    }
    Ok(value.to_owned())
}
