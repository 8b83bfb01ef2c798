//! Lookups the resolver makes on every call, by key instead of by a scan of every user:
//! with a thousand lines a scan cost each call a few microseconds, with ten thousand ten
//! times that. Built with the plan the engine routes with (`PbxConfig::dial_plan`, which
//! nothing changes afterwards); a plan made or changed otherwise (tests, the browser's copy)
//! has none and is scanned, with the same answers.

use std::collections::HashMap;

use crate::model::config::{DialPlan, Entry};
use crate::model::user::User;

#[derive(Debug, Default)]
struct Lookups {
    /// Position in `DialPlan::users` by user id.
    user_by_id: HashMap<i64, usize>,
    /// Positions in `DialPlan::users` by the number an extension spells (its digits without
    /// the `-` separators), in the plan's order.
    users_by_number: HashMap<String, Vec<usize>>,
}

/// A plan's index, left out of what the plan is: two plans with the same rows are equal
/// whether or not either is indexed.
#[derive(Debug, Default)]
pub struct Index(Option<Lookups>);

impl Clone for Index {
    /// A copy may be changed: it is scanned unless indexed again.
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for Index {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Index {}

/// The number extension `exten` spells: without its `-` separators.
fn number(exten: &str) -> String {
    exten.chars().filter(|&c| c != '-').collect()
}

impl DialPlan {
    /// This plan with its lookups built; its rows must not change afterwards.
    #[must_use]
    pub fn indexed(mut self) -> Self {
        let mut lookups = Lookups::default();
        for (i, user) in self.users.iter().enumerate() {
            lookups.user_by_id.entry(user.id).or_insert(i);
            lookups
                .users_by_number
                .entry(number(&user.value.exten))
                .or_default()
                .push(i);
        }
        self.index = Index(Some(lookups));
        self
    }

    /// User `id`.
    pub fn user_by_id(&self, id: i64) -> Option<&Entry<User>> {
        match &self.index.0 {
            Some(l) => self.users.get(*l.user_by_id.get(&id)?),
            None => self.users.iter().find(|u| u.id == id),
        }
    }

    /// The users whose extension spells `dialed` (a number without separators), in the
    /// plan's order.
    pub(super) fn users_spelling<'a>(&'a self, dialed: &str) -> Vec<&'a Entry<User>> {
        match &self.index.0 {
            Some(l) => l
                .users_by_number
                .get(dialed)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.users.get(i))
                .collect(),
            None => self
                .users
                .iter()
                .filter(|u| {
                    u.value
                        .exten
                        .bytes()
                        .filter(|&b| b != b'-')
                        .eq(dialed.bytes())
                })
                .collect(),
        }
    }
}
