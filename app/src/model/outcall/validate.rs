//! The outgoing-call form's rules and its save-time warnings, shared by
//! the browser and the server.

use super::{ExtenInput, Outcall, OutcallExten, OutcallInput, MAX_RINGTIME, MAX_STRIP};
use crate::model::context::{pick, Context, ContextKind};
use crate::model::dialplan::{pattern_warnings, DialPattern, PatternEntry, WarningKind};
use crate::model::net::parse_in_range;
use crate::model::text::{name, NameChars, NameRule};
use crate::model::user::caller_number;
use crate::model::FieldErrors;

/// What the rules need besides the form.
#[derive(Clone, Debug, Default)]
pub struct OutcallRules {
    pub contexts: Vec<Context>,
    /// Every trunk, by id and name, in the order the list shows them.
    pub trunks: Vec<(i64, String)>,
    /// The other outgoing calls (not the one being edited).
    pub others: Vec<Outcall>,
}

/// Only the console shows an outgoing call's name (the dial plan refers
/// to it by id), so any letters and spaces are fine.
pub const OUTCALL_NAME: NameRule = NameRule {
    max: 64,
    required: true,
    chars: NameChars::Words(&['-', '_', '.']),
    why: "",
};
const MAX_PREFIX: usize = 20;

impl OutcallInput {
    /// Every field checked; the outgoing call, or every problem by field
    /// (`extens.2.pattern` for the third row's pattern).
    pub fn validate(&self, rules: &OutcallRules) -> Result<Outcall, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.take("name", self.check_name(rules));
        let context = e.take("context", self.check_context(rules));
        let trunks = e.take("trunks", self.check_trunks(rules));
        let ringtime = e.take(
            "ringtime",
            parse_in_range(
                "Ring time",
                &self.ringtime,
                0,
                u32::from(MAX_RINGTIME),
                0,
                " seconds (0 for no limit)",
            ),
        );
        let mut extens = Vec::with_capacity(self.extens.len());
        for (i, row) in self.extens.iter().enumerate() {
            if let Some(x) = exten_row(&mut e, i, row) {
                extens.push((i, x));
            }
        }
        self.check_duplicates(&mut e, &extens, context.as_deref(), rules);
        if e.0.iter().any(|err| err.field.starts_with("extens.")) {
            e.push(
                "extens",
                "A pattern row is not valid; see the rows marked on the Exten tab.",
            );
        }
        if !e.is_empty() {
            return Err(e);
        }
        match (name, context, trunks, ringtime) {
            (Some(name), Some(context), Some(trunks), Some(ringtime)) => Ok(Outcall {
                name,
                context,
                trunks,
                ringtime: u16::try_from(ringtime).unwrap_or(0),
                internal: self.internal,
                extens: extens.into_iter().map(|(_, x)| x).collect(),
            }),
            _ => Err(FieldErrors::single(
                "name",
                "The outgoing call could not be read.",
            )),
        }
    }

    fn check_name(&self, rules: &OutcallRules) -> Result<String, String> {
        let value = name("Name", &self.name, &OUTCALL_NAME)?;
        if rules
            .others
            .iter()
            .any(|o| o.name.eq_ignore_ascii_case(&value))
        {
            return Err(format!(
                "An outgoing call named \u{201c}{value}\u{201d} already exists; choose another name."
            ));
        }
        Ok(value)
    }

    fn check_context(&self, rules: &OutcallRules) -> Result<String, String> {
        pick(&rules.contexts, &self.context, ContextKind::Outcall).map(|c| c.name.clone())
    }

    fn check_trunks(&self, rules: &OutcallRules) -> Result<Vec<i64>, String> {
        if self.trunks.is_empty() {
            return Err(
                "Choose at least one trunk: calls matching this outgoing call would have nowhere to go."
                    .into(),
            );
        }
        let mut out = Vec::with_capacity(self.trunks.len());
        for id in &self.trunks {
            let Some((_, name)) = rules.trunks.iter().find(|(t, _)| t == id) else {
                return Err(format!(
                    "Trunk {id} does not exist any more (it may have been deleted); remove it from the list."
                ));
            };
            if out.contains(id) {
                return Err(format!("Trunk {name} is listed twice; keep one."));
            }
            out.push(*id);
        }
        Ok(out)
    }

    /// The same extension twice in one context: only one could ever win,
    /// so it is refused rather than warned about.
    fn check_duplicates(
        &self,
        e: &mut FieldErrors,
        extens: &[(usize, OutcallExten)],
        context: Option<&str>,
        rules: &OutcallRules,
    ) {
        for (n, (i, x)) in extens.iter().enumerate() {
            let field = format!("extens.{i}.pattern");
            if let Some((j, _)) = extens[..n].iter().find(|(_, y)| y.pattern == x.pattern) {
                e.push(
                    &field,
                    format!(
                        "`{}` is the same pattern as row {} of this list; keep one.",
                        x.pattern.display(),
                        j + 1
                    ),
                );
                continue;
            }
            let elsewhere = rules.others.iter().find(|o| {
                Some(o.context.as_str()) == context
                    && o.extens.iter().any(|y| y.pattern == x.pattern)
            });
            if let Some(other) = elsewhere {
                e.push(
                    &field,
                    format!(
                        "`{}` is already a pattern of outgoing call \u{201c}{}\u{201d} in the same context; only one of them could ever be used.",
                        x.pattern.display(),
                        other.name
                    ),
                );
            }
        }
    }
}

fn exten_row(e: &mut FieldErrors, i: usize, row: &ExtenInput) -> Option<OutcallExten> {
    let pattern = e.take(
        &format!("extens.{i}.pattern"),
        match DialPattern::from_user_input(&row.pattern) {
            Ok(p) => Ok(p),
            Err(err) if row.pattern.trim().is_empty() => Err(format!(
                "Pattern is required (for example 418. for every number starting with 418); {err}"
            )),
            Err(err) => Err(format!(
                "Pattern \u{201c}{}\u{201d}: {err}",
                row.pattern.trim()
            )),
        },
    );
    let strip = e.take(
        &format!("extens.{i}.strip"),
        parse_in_range("Strip digits", &row.strip, 0, u32::from(MAX_STRIP), 0, ""),
    );
    let prefix = e.take(&format!("extens.{i}.prefix"), prefix(&row.prefix));
    let caller_id = e.take(
        &format!("extens.{i}.caller_id"),
        caller_number("Caller ID", &row.caller_id),
    );
    Some(OutcallExten {
        pattern: pattern?,
        strip: u8::try_from(strip?).ok()?,
        prefix: prefix?,
        caller_id: caller_id?,
    })
}

fn prefix(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.len() > MAX_PREFIX
        || !value
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
    {
        return Err(format!(
            "External prefix may hold up to {MAX_PREFIX} digits, + * and #, such as 0 or +1; \u{201c}{value}\u{201d} is not."
        ));
    }
    Ok(value.to_owned())
}

/// The warnings saving `outcall` raises (REFERENCE §3, issue item 7): its
/// patterns judged together with the other outgoing calls of its context,
/// against the context's numbering plan. Only warnings about this
/// outgoing call's patterns, or about patterns it now shadows, are kept.
pub fn warnings(outcall: &Outcall, rules: &OutcallRules) -> Vec<String> {
    let plan = rules
        .contexts
        .iter()
        .find(|c| c.name == outcall.context)
        .map(Context::numbering_plan)
        .unwrap_or_default();
    let others = rules
        .others
        .iter()
        .filter(|o| o.context == outcall.context && o.name != outcall.name);
    let mut entries: Vec<PatternEntry<'_>> = Vec::new();
    for o in others.chain(std::iter::once(outcall)) {
        for x in &o.extens {
            entries.push(PatternEntry {
                owner: &o.name,
                pattern: &x.pattern,
            });
        }
    }
    pattern_warnings(&entries, &plan)
        .into_iter()
        .filter(|w| {
            w.owner == outcall.name
                || matches!(&w.kind, WarningKind::Shadowed { by_owner, .. } if *by_owner == outcall.name)
        })
        .map(|w| w.to_string())
        .collect()
}
