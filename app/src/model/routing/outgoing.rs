//! Outgoing and internal calls: who is calling, which context answers the
//! dialed number, and what each trunk of a matching outgoing call would
//! receive (REFERENCE §3-4).

use std::borrow::Cow;

use super::{
    CallerIdChoice, CallerIdSource, Candidate, NoMatch, OutgoingResolution, OutgoingRoute,
    Presentation, RouteError, TrunkAttempt,
};
use crate::model::config::{DialPlan, Entry, TrunkRoute};
use crate::model::dialplan::{best_match, DialPattern};
use crate::model::outcall::{Outcall, OutcallExten};
use crate::model::user::{OutgoingCallerId, User};

/// What an extension of a context belongs to.
#[derive(Clone, Copy)]
enum Owner<'a> {
    User(&'a Entry<User>),
    Outcall(&'a Entry<Outcall>, &'a OutcallExten),
}

/// One extension of a context, as the matcher sorts it. Users' extensions
/// are parsed on the fly (they are stored as plain text); outgoing-call
/// patterns are already parsed and only borrowed.
struct Row<'a> {
    pattern: Cow<'a, DialPattern>,
    owner: Owner<'a>,
}

impl AsRef<DialPattern> for Row<'_> {
    fn as_ref(&self) -> &DialPattern {
        &self.pattern
    }
}

impl Row<'_> {
    fn candidate(&self) -> Candidate {
        let owner = match self.owner {
            Owner::User(user) => format!("user {}", user.value.display()),
            Owner::Outcall(outcall, _) => format!("outgoing call {}", outcall.value.name),
        };
        Candidate {
            pattern: self.pattern.display().to_owned(),
            owner,
        }
    }
}

impl DialPlan {
    /// The user a route-tester caller field names: a line username first
    /// (it is unique across contexts), else an extension, which is only
    /// unique inside one context.
    ///
    /// # Errors
    /// [`RouteError::UnknownCaller`] when nothing matches,
    /// [`RouteError::AmbiguousCaller`] when the extension exists in
    /// several contexts.
    pub fn find_caller(&self, caller: &str) -> Result<&Entry<User>, RouteError> {
        let caller = caller.trim();
        if let Some(user) = self.users.iter().find(|u| u.value.line_username == caller) {
            return Ok(user);
        }
        let mut found = self.users.iter().filter(|u| u.value.exten == caller);
        let Some(first) = found.next() else {
            return Err(RouteError::UnknownCaller(caller.to_owned()));
        };
        let rest: Vec<&Entry<User>> = found.collect();
        if rest.is_empty() {
            return Ok(first);
        }
        let mut contexts: Vec<&str> = Vec::with_capacity(rest.len() + 1);
        for user in std::iter::once(first).chain(rest) {
            if !contexts.contains(&user.value.context.as_str()) {
                contexts.push(&user.value.context);
            }
        }
        Err(RouteError::AmbiguousCaller(
            caller.to_owned(),
            contexts.join(", "),
        ))
    }

    /// Where user `caller_user_id` dialing `dialed` goes, with the reasons
    /// behind it.
    ///
    /// # Errors
    /// [`RouteError::EmptyNumber`] or [`RouteError::BadNumber`] for a number
    /// no phone can dial, [`RouteError::UnknownCaller`] for an unknown user.
    pub fn route_outgoing(
        &self,
        caller_user_id: i64,
        dialed: &str,
    ) -> Result<OutgoingResolution, RouteError> {
        let dialed = clean_number(dialed)?;
        let caller = self
            .user_by_id(caller_user_id)
            .ok_or_else(|| RouteError::UnknownCaller(caller_user_id.to_string()))?;

        let order = self.search_order(&caller.value.context);
        for (searched, context) in order.iter().enumerate() {
            let rows = self.rows_in(context, &dialed);
            let found = best_match(&rows, &dialed);
            let Some(winner) = found.winner() else {
                continue;
            };
            let candidates = found.candidates().iter().map(|r| r.candidate()).collect();
            let route = match winner.owner {
                Owner::User(user) => OutgoingRoute::Internal {
                    context: (*context).to_owned(),
                    user_id: user.id,
                    user: user.value.display(),
                    exten: user.value.exten.clone(),
                    candidates,
                },
                Owner::Outcall(outcall, exten) => {
                    self.external(context, caller, outcall, exten, &dialed, candidates)
                }
            };
            return Ok(OutgoingResolution {
                caller: caller.value.display(),
                contexts: order[..=searched].iter().map(|c| (*c).to_owned()).collect(),
                dialed,
                route,
            });
        }

        // Explaining costs a sentence per pattern, so it is only done once
        // we know the call goes nowhere.
        let reasons = self.no_match_reasons(&order, &dialed);
        Ok(OutgoingResolution {
            caller: caller.value.display(),
            dialed,
            contexts: order.iter().map(|c| (*c).to_owned()).collect(),
            route: OutgoingRoute::NoMatch(NoMatch { reasons }),
        })
    }

    /// One sentence per outgoing-call pattern of the searched contexts, in
    /// search order and, inside a context, Asterisk's order, so they read
    /// like the lists the administrator sees. Users' extensions are left
    /// out: one sentence per colleague would bury the useful ones. The
    /// context is named only when patterns of several contexts were tried;
    /// otherwise it is noise.
    fn no_match_reasons(&self, order: &[&str], dialed: &str) -> Vec<String> {
        let mut misses: Vec<(&str, Vec<String>)> = Vec::new();
        for context in order {
            let mut patterns: Vec<&DialPattern> = self
                .outcalls
                .iter()
                .filter(|o| o.value.context == *context)
                .flat_map(|o| o.value.extens.iter().map(|x| &x.pattern))
                .collect();
            patterns.sort();
            let sentences: Vec<String> = patterns
                .iter()
                .filter_map(|p| p.mismatch(dialed))
                .map(|m| m.to_string())
                .collect();
            if !sentences.is_empty() {
                misses.push((context, sentences));
            }
        }
        if misses.is_empty() {
            return vec![nothing_here(order, dialed)];
        }
        let name_contexts = misses.len() > 1;
        misses
            .into_iter()
            .flat_map(|(context, sentences)| {
                sentences.into_iter().map(move |s| {
                    if name_contexts {
                        format!("In \u{201c}{context}\u{201d}: {s}")
                    } else {
                        s
                    }
                })
            })
            .collect()
    }

    /// `start`, then its includes depth first in include order, each
    /// context once. Saving refuses include cycles, but a snapshot built
    /// some other way must not hang the engine, hence the visited list.
    /// Names without a context are kept: they simply hold nothing.
    fn search_order<'a>(&'a self, start: &'a str) -> Vec<&'a str> {
        let mut order: Vec<&str> = Vec::new();
        let mut stack: Vec<&str> = vec![start];
        while let Some(name) = stack.pop() {
            if order.contains(&name) {
                continue;
            }
            order.push(name);
            if let Some(context) = self.contexts.iter().find(|c| c.name == name) {
                // Reversed so the first include is popped (searched) first.
                stack.extend(context.includes.iter().rev().map(String::as_str));
            }
        }
        order
    }

    /// The extensions of `context` that could match `dialed`: the users'
    /// whose number is `dialed`, and every outgoing-call pattern.
    ///
    /// A user's extension is a literal, so it can only match a number
    /// equal to it; comparing text first spares parsing every user of
    /// the context on every call. The matcher still has the last word.
    fn rows_in<'a>(&'a self, context: &str, dialed: &str) -> Vec<Row<'a>> {
        // By number through the index: scanning a thousand users' numbers
        // and contexts cost a call a few percent of its CPU.
        let users = self
            .users_spelling(dialed)
            .into_iter()
            .filter(|u| u.value.context == context);
        let mut rows: Vec<Row<'a>> = users
            .filter_map(|u| {
                // Stored extensions are validated digits; one that does not
                // parse cannot be dialed, so it is left out, not an error.
                let pattern = DialPattern::parse(&u.value.exten).ok()?;
                Some(Row {
                    pattern: Cow::Owned(pattern),
                    owner: Owner::User(u),
                })
            })
            .collect();
        for outcall in self.outcalls.iter().filter(|o| o.value.context == context) {
            rows.extend(outcall.value.extens.iter().map(|x| Row {
                pattern: Cow::Borrowed(&x.pattern),
                owner: Owner::Outcall(outcall, x),
            }));
        }
        rows
    }

    fn external(
        &self,
        context: &str,
        caller: &Entry<User>,
        outcall: &Entry<Outcall>,
        exten: &OutcallExten,
        dialed: &str,
        candidates: Vec<Candidate>,
    ) -> OutgoingRoute {
        let number = exten.transform(dialed);
        let trunks = outcall
            .value
            .trunks
            .iter()
            // A trunk deleted since the outgoing call was saved is simply
            // not tried, as Asterisk skips a missing peer.
            .filter_map(|id| self.trunks.iter().find(|t| t.id == *id))
            .map(|trunk| TrunkAttempt {
                trunk_id: trunk.id,
                trunk: trunk.name.clone(),
                number: number.clone(),
                caller_id: caller_id(&caller.value, &outcall.value, exten, trunk),
                skipped: trunk
                    .disabled
                    .then(|| format!("Trunk {} is disabled, so calls skip it.", trunk.name)),
            })
            .collect();
        OutgoingRoute::External {
            context: context.to_owned(),
            outcall_id: outcall.id,
            outcall: outcall.value.name.clone(),
            pattern: exten.pattern.display().to_owned(),
            candidates,
            number,
            ringtime: outcall.value.ringtime,
            trunks,
        }
    }
}

/// The number as matched: trimmed, spaces and dashes (typed for
/// readability) removed, and nothing a keypad cannot send.
fn clean_number(raw: &str) -> Result<String, RouteError> {
    let trimmed = raw.trim();
    let number: String = trimmed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if number.is_empty() {
        return Err(RouteError::EmptyNumber);
    }
    if !number
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '*' | '#' | '+'))
    {
        return Err(RouteError::BadNumber(trimmed.to_owned()));
    }
    Ok(number)
}

/// The one reason when the searched contexts hold no pattern at all.
fn nothing_here(order: &[&str], dialed: &str) -> String {
    let names: Vec<String> = order
        .iter()
        .map(|c| format!("\u{201c}{c}\u{201d}"))
        .collect();
    let (noun, verb) = if names.len() == 1 {
        ("Context", "holds")
    } else {
        ("Contexts", "hold")
    };
    format!(
        "{noun} {} {verb} no extension or outgoing-call pattern matching {dialed}.",
        names.join(", ")
    )
}

/// REFERENCE §4's precedence: the outgoing call's "internal" flag, then
/// the user's setting, then the pattern's number, then the trunk default.
fn caller_id(
    user: &User,
    outcall: &Outcall,
    exten: &OutcallExten,
    trunk: &TrunkRoute,
) -> CallerIdChoice {
    let allowed = |name: Option<String>, number: Option<String>, source| CallerIdChoice {
        name,
        number,
        presentation: Presentation::Allowed,
        source,
    };
    if outcall.internal {
        let name = user.full_name();
        return allowed(
            (!name.is_empty()).then_some(name),
            Some(user.exten.clone()),
            CallerIdSource::CallerOwn,
        );
    }
    match &user.outgoing_caller_id {
        OutgoingCallerId::Custom(number) => {
            return allowed(None, Some(number.clone()), CallerIdSource::User);
        }
        OutgoingCallerId::Anonymous => {
            return CallerIdChoice {
                name: None,
                number: None,
                presentation: Presentation::Prohibited,
                source: CallerIdSource::User,
            };
        }
        OutgoingCallerId::Default => {}
    }
    let pattern_cid = exten.caller_id.trim();
    if !pattern_cid.is_empty() {
        return allowed(None, Some(pattern_cid.to_owned()), CallerIdSource::Pattern);
    }
    match parse_caller_id(&trunk.caller_id) {
        Some((name, number)) => allowed(name, Some(number), CallerIdSource::Trunk),
        None => allowed(None, None, CallerIdSource::None),
    }
}

/// A trunk's caller ID as typed: `"Office" <4185550000>`, `Office
/// <4185550000>` or a bare number. Anything not in the bracket form is
/// taken as the number whole, as the trunk form stores free text. `None`
/// when blank.
fn parse_caller_id(raw: &str) -> Option<(Option<String>, String)> {
    let text = raw.trim();
    if text.is_empty() {
        return None;
    }
    let bracketed = text
        .strip_suffix('>')
        .and_then(|rest| rest.rsplit_once('<'))
        .map(|(name, number)| (name.trim(), number.trim()))
        .filter(|(_, number)| !number.is_empty());
    let Some((name, number)) = bracketed else {
        return Some((None, text.to_owned()));
    };
    let name = name
        .strip_prefix('"')
        .and_then(|n| n.strip_suffix('"'))
        .unwrap_or(name)
        .trim();
    Some((
        (!name.is_empty()).then(|| name.to_owned()),
        number.to_owned(),
    ))
}
