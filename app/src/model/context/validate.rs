//! The context form's rules, shared by the browser and the server.

use super::{Context, ContextInput, ContextKind, NumberRange, RangeInput};
use crate::model::text::{free_text, name, NameChars, NameRule};
use crate::model::FieldErrors;
use std::collections::BTreeSet;

/// What the rules need besides the form: every context as stored, and
/// which one is being edited (its name cannot change).
#[derive(Clone, Debug, Default)]
pub struct ContextRules {
    pub existing: Vec<Context>,
    pub editing: Option<String>,
}

/// Asterisk's limit for a context name (`AST_MAX_CONTEXT` is 80; chan_sip
/// and XiVO keep to 39).
pub const CONTEXT_NAME: NameRule = NameRule {
    max: 39,
    required: true,
    chars: NameChars::Ascii(&['-', '_']),
    why: "as Asterisk requires",
};
const MAX_DIGITS: usize = 20;

impl ContextInput {
    /// Every field checked; the context, or every problem by field.
    pub fn validate(&self, rules: &ContextRules) -> Result<Context, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", self.check_name(rules));
        let label = match e.take("label", free_text("Label", &self.label)) {
            Some(label) if label.is_empty() => {
                e.push(
                    "label",
                    "Label is required; it is what the console's lists show.",
                );
                None
            }
            other => other,
        };
        let kind = e.take("kind", self.check_kind(rules));
        let user_ranges = ranges(&mut e, "user_ranges", &self.user_ranges);
        let did_ranges = ranges(&mut e, "did_ranges", &self.did_ranges);
        let did_length = e.take("did_length", did_length(&self.did_length));
        let number_lengths = e.take("number_lengths", number_lengths(&self.number_lengths));
        if let Some(kind) = kind {
            if kind != ContextKind::Internal && !self.user_ranges.is_empty() {
                e.push(
                    "user_ranges",
                    "Only internal contexts have user ranges; remove them or choose the Internal type.",
                );
            }
            if kind != ContextKind::Incall
                && (!self.did_ranges.is_empty() || !self.did_length.trim().is_empty())
            {
                e.push(
                    "did_ranges",
                    "Only incoming-call contexts have DID ranges and a DID length; remove them or choose the Incoming calls type.",
                );
            }
            if kind != ContextKind::Outcall && !self.number_lengths.trim().is_empty() {
                e.push(
                    "number_lengths",
                    "Only outgoing-call contexts have number lengths; clear the field or choose the Outgoing calls type.",
                );
            }
        }
        let includes = name
            .as_deref()
            .and_then(|n| e.take("includes", self.check_includes(n, rules)));
        if !e.is_empty() {
            return Err(e);
        }
        match (
            name,
            label,
            kind,
            user_ranges,
            did_ranges,
            did_length,
            number_lengths,
            includes,
        ) {
            (
                Some(name),
                Some(label),
                Some(kind),
                Some(user_ranges),
                Some(did_ranges),
                Some(did_length),
                Some(number_lengths),
                Some(includes),
            ) => Ok(Context {
                name,
                label,
                kind,
                user_ranges,
                did_ranges,
                did_length,
                number_lengths,
                includes,
            }),
            _ => Err(FieldErrors::single(
                "name",
                "The context could not be read.",
            )),
        }
    }

    fn check_name(&self, rules: &ContextRules) -> Result<String, String> {
        if let Some(editing) = &rules.editing {
            let value = self.name.trim();
            if value != editing {
                return Err(format!(
                    "The name of a context cannot change once created (users, trunks and calls refer to it); it stays \u{201c}{editing}\u{201d}."
                ));
            }
            return Ok(value.to_owned());
        }
        let value = name("Name", &self.name, &CONTEXT_NAME)?;
        if rules
            .existing
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(&value))
        {
            return Err(format!(
                "A context named \u{201c}{value}\u{201d} already exists; choose another name."
            ));
        }
        Ok(value)
    }

    fn check_kind(&self, rules: &ContextRules) -> Result<ContextKind, String> {
        let kind = ContextKind::parse(self.kind.trim()).ok_or_else(|| {
            format!(
                "Type must be internal, incall or outcall; \u{201c}{}\u{201d} is not.",
                self.kind.trim()
            )
        })?;
        let stored = rules
            .editing
            .as_ref()
            .and_then(|n| rules.existing.iter().find(|c| &c.name == n));
        match stored {
            Some(stored) if stored.kind != kind => Err(format!(
                "The type of a context cannot change once created; \u{201c}{}\u{201d} stays {}.",
                stored.name,
                stored.kind.label()
            )),
            _ => Ok(kind),
        }
    }

    fn check_includes(&self, own: &str, rules: &ContextRules) -> Result<Vec<String>, String> {
        let mut out: Vec<String> = Vec::with_capacity(self.includes.len());
        for raw in &self.includes {
            let name = raw.trim();
            if name == own {
                return Err(format!(
                    "A context cannot include itself (\u{201c}{own}\u{201d})."
                ));
            }
            if !rules.existing.iter().any(|c| c.name == name) {
                return Err(format!(
                    "There is no context named \u{201c}{name}\u{201d} to include."
                ));
            }
            if out.iter().any(|o| o == name) {
                return Err(format!(
                    "\u{201c}{name}\u{201d} is included twice; keep one."
                ));
            }
            out.push(name.to_owned());
        }
        if let Some(path) = include_cycle(own, &out, &rules.existing) {
            return Err(format!(
                "These includes would make a loop: {}. Remove one of them.",
                path.join(" \u{2192} ")
            ));
        }
        Ok(out)
    }
}

/// A path back to `own` through the includes, if the new list makes one.
fn include_cycle(own: &str, includes: &[String], existing: &[Context]) -> Option<Vec<String>> {
    fn walk(
        at: &str,
        own: &str,
        existing: &[Context],
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        if at == own {
            return true;
        }
        if !seen.insert(at.to_owned()) {
            return false;
        }
        let Some(ctx) = existing.iter().find(|c| c.name == at) else {
            return false;
        };
        for next in &ctx.includes {
            path.push(next.clone());
            if walk(next, own, existing, path, seen) {
                return true;
            }
            path.pop();
        }
        false
    }
    let mut seen = BTreeSet::new();
    for first in includes {
        let mut path = vec![own.to_owned(), first.clone()];
        if walk(first, own, existing, &mut path, &mut seen) {
            return Some(path);
        }
    }
    None
}

fn ranges(e: &mut FieldErrors, field: &str, rows: &[RangeInput]) -> Option<Vec<NumberRange>> {
    let mut out = Vec::with_capacity(rows.len());
    let mut ok = true;
    for (i, row) in rows.iter().enumerate() {
        match range(row) {
            Ok(r) => out.push(r),
            Err(message) => {
                e.push(&format!("{field}.{i}"), message);
                ok = false;
            }
        }
    }
    if !ok {
        // The list's own field too, so a tab or REST client sees it.
        e.push(field, "A number range is not valid; see the row marked.");
        return None;
    }
    for (i, a) in out.iter().enumerate() {
        if let Some(b) = out[..i]
            .iter()
            .find(|b| a.first.len() == b.first.len() && a.first <= b.last && b.first <= a.last)
        {
            e.push(
                field,
                format!(
                    "The ranges {} and {} overlap; merge them into one.",
                    b.display(),
                    a.display()
                ),
            );
            return None;
        }
    }
    Some(out)
}

fn digits(label: &str, raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(format!("{label} is required."));
    }
    if value.len() > MAX_DIGITS || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{label} must be a number of up to {MAX_DIGITS} digits, such as 1000; \u{201c}{value}\u{201d} is not."
        ));
    }
    Ok(value.to_owned())
}

fn range(row: &RangeInput) -> Result<NumberRange, String> {
    let first = digits("The start of the range", &row.first)?;
    let last = if row.last.trim().is_empty() {
        first.clone()
    } else {
        digits("The end of the range", &row.last)?
    };
    if first.len() != last.len() {
        return Err(format!(
            "The range {first}-{last} has ends of different lengths; numbers of each length need their own range."
        ));
    }
    if last < first {
        return Err(format!("The range {first}-{last} ends before it starts."));
    }
    Ok(NumberRange { first, last })
}

fn did_length(raw: &str) -> Result<Option<u8>, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Ok(None);
    }
    match value.parse::<u8>() {
        Ok(n) if (1..=MAX_DIGITS as u8).contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "DID length must be a whole number from 1 to {MAX_DIGITS} (the digits of the DID compared with the ranges), or blank for all; \u{201c}{value}\u{201d} is not."
        )),
    }
}

/// "10, 11": the lengths of numbers dialed out, for the pattern warnings.
fn number_lengths(raw: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    for part in raw.split([',', ' ']).filter(|p| !p.is_empty()) {
        match part.parse::<u8>() {
            Ok(n) if (1..=MAX_DIGITS as u8).contains(&n) => {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            _ => {
                return Err(format!(
                    "Number lengths must be whole numbers from 1 to {MAX_DIGITS} separated by commas, such as 10, 11; \u{201c}{part}\u{201d} is not."
                ))
            }
        }
    }
    out.sort_unstable();
    Ok(out)
}
