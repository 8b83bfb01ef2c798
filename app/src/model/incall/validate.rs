//! The incoming-call form's rules, shared by the browser and the server.

use super::{CallerIdNameMode, Incall, IncallDestination, IncallInput};
use crate::model::context::{pick, Context, ContextKind};
use crate::model::text::free_text;
use crate::model::FieldErrors;

/// What the rules need besides the form.
#[derive(Clone, Debug, Default)]
pub struct IncallRules {
    pub contexts: Vec<Context>,
    /// Every user, by id and "Front Desk (1000)".
    pub users: Vec<(i64, String)>,
    /// The other incoming calls (not the one being edited).
    pub others: Vec<Incall>,
}

const MAX_DID: usize = 20;

/// The DID as looked up: spaces and dashes people type are ignored and a
/// leading `+` is dropped (REFERENCE §5). `None` when it is not a number.
pub fn normalize_did(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    let digits: String = body.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    (!digits.is_empty() && digits.len() <= MAX_DID && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

impl IncallInput {
    /// Every field checked; the incoming call, or every problem by field.
    pub fn validate(&self, rules: &IncallRules) -> Result<Incall, FieldErrors> {
        let mut e = FieldErrors::new();
        let did = e.take("did", did(&self.did));
        let context = e.take("context", self.check_context(rules));
        if let (Some(did), Some(context)) = (&did, &context) {
            if let Err(message) = check_did_in_context(did, context, rules) {
                e.push("did", message);
            }
        }
        let destination = e.take("destination", self.check_destination(rules));
        let caller_id_mode = e.take(
            "caller_id_mode",
            CallerIdNameMode::parse(self.caller_id_mode.trim()).ok_or_else(|| {
                format!(
                    "Caller ID name mode must be none, prepend, overwrite or append; \u{201c}{}\u{201d} is not.",
                    self.caller_id_mode.trim()
                )
            }),
        );
        let caller_id_text = e.take(
            "caller_id_text",
            free_text("Caller ID name text", &self.caller_id_text),
        );
        if matches!(
            caller_id_mode,
            Some(
                CallerIdNameMode::Prepend | CallerIdNameMode::Overwrite | CallerIdNameMode::Append
            )
        ) && caller_id_text.as_deref() == Some("")
        {
            e.push(
                "caller_id_text",
                "Enter the text to add to the caller's name, or choose \u{201c}Leave as received\u{201d}.",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        match (did, context, destination, caller_id_mode, caller_id_text) {
            (
                Some(did),
                Some(context),
                Some(destination),
                Some(caller_id_mode),
                Some(caller_id_text),
            ) => Ok(Incall {
                did,
                context: context.name,
                destination,
                caller_id_mode,
                caller_id_text,
            }),
            _ => Err(FieldErrors::single(
                "did",
                "The incoming call could not be read.",
            )),
        }
    }

    fn check_context(&self, rules: &IncallRules) -> Result<Context, String> {
        pick(&rules.contexts, &self.context, ContextKind::Incall).cloned()
    }

    fn check_destination(&self, rules: &IncallRules) -> Result<IncallDestination, String> {
        match self.destination.trim() {
            "user" => {
                let Some(id) = self.user_id else {
                    return Err("Choose the user the call rings (Redirect to).".into());
                };
                if rules.users.iter().any(|(u, _)| *u == id) {
                    Ok(IncallDestination::User { user_id: id })
                } else {
                    Err(format!(
                        "User {id} does not exist any more (it may have been deleted); choose another."
                    ))
                }
            }
            "hangup" => Ok(IncallDestination::Hangup),
            other => Err(format!(
                "Destination must be user or hangup; \u{201c}{other}\u{201d} is not."
            )),
        }
    }
}

fn did(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("DID is required: the public number callers dial, such as 4185550000.".into());
    }
    normalize_did(raw).ok_or_else(|| {
        format!(
            "DID must be a phone number of up to {MAX_DID} digits, optionally after a +, such as +14185550000; \u{201c}{}\u{201d} is not.",
            raw.trim()
        )
    })
}

fn check_did_in_context(did: &str, context: &Context, rules: &IncallRules) -> Result<(), String> {
    if !context.allows_did(did) {
        let compared = match context.did_length {
            Some(len) => format!(" (its last {len} digits are compared)"),
            None => String::new(),
        };
        return Err(format!(
            "DID {did} is outside the DID ranges of context \u{201c}{}\u{201d}: {}{compared}. Use a number in them or widen the ranges under PBX settings \u{2192} Contexts.",
            context.name,
            Context::ranges_label(&context.did_ranges)
        ));
    }
    if rules
        .others
        .iter()
        .any(|o| o.context == context.name && o.did == did)
    {
        return Err(format!(
            "DID {did} already has an incoming call in context \u{201c}{}\u{201d}; edit that one instead.",
            context.name
        ));
    }
    Ok(())
}
