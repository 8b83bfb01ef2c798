//! Lookups the resolver makes on every call, by key instead of by a scan of every user:
//! with a thousand lines a scan cost each call a few microseconds, with ten thousand ten
//! times that. Built for the plan the engine routes with (the lines task's directory) and kept
//! current by [`DialPlan::put_user`], the one way the engine changes a plan's users. Other
//! plans (the route tester's, tests') have none and are scanned, with the same answers: they
//! are built for one question or a few, where an index would cost more than it saves.

use std::cmp::Ordering;
use std::collections::HashMap;

use crate::model::config::delta::Row;
use crate::model::config::{DialPlan, Entry};
use crate::model::user::User;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Lookups {
    /// Position in `DialPlan::users` by user id.
    position: HashMap<i64, usize>,
    /// User ids, ascending, by the number their extension spells (its digits without the
    /// `-` separators).
    by_number: HashMap<String, Vec<i64>>,
}

/// A plan's index. Equal only to the same index: a plan changed without it being kept
/// current would then differ from the plan built afresh, which is what the engine's apply
/// tests compare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index(Option<Lookups>);

/// The number extension `exten` spells: without its `-` separators.
fn number(exten: &str) -> String {
    exten.chars().filter(|&c| c != '-').collect()
}

impl Lookups {
    /// Ids are kept sorted, so an index kept current equals one built afresh.
    fn add_number(&mut self, user: &Entry<User>) {
        let ids = self.by_number.entry(number(&user.value.exten)).or_default();
        let at = ids.partition_point(|&id| id < user.id);
        ids.insert(at, user.id);
    }

    fn remove_number(&mut self, user: &Entry<User>) {
        let key = number(&user.value.exten);
        if let Some(ids) = self.by_number.get_mut(&key) {
            ids.retain(|&id| id != user.id);
            if ids.is_empty() {
                self.by_number.remove(&key);
            }
        }
    }

    /// Positions from `from` on moved by one, up (`+1`) or down (`-1`), after an insert or
    /// a removal there: O(users), as the vector's own shift.
    fn shift(&mut self, from: usize, up: bool) {
        for at in self.position.values_mut() {
            if *at >= from {
                *at = if up { *at + 1 } else { *at - 1 };
            }
        }
    }
}

impl DialPlan {
    /// This plan with its lookups built. Its users must change only through
    /// [`DialPlan::put_user`] afterwards.
    #[must_use]
    pub fn indexed(mut self) -> Self {
        let mut lookups = Lookups::default();
        for (i, user) in self.users.iter().enumerate() {
            lookups.position.entry(user.id).or_insert(i);
            lookups.add_number(user);
        }
        self.index = Index(Some(lookups));
        self
    }

    /// User `id` is now `row` (`None`: gone), in the plan's order, the index kept current.
    pub fn put_user(&mut self, id: i64, row: Option<Entry<User>>) {
        let Some(lookups) = &mut self.index.0 else {
            crate::model::config::delta::put(&mut self.users, id, row);
            return;
        };
        if let Some(at) = lookups.position.remove(&id) {
            let old = self.users.remove(at);
            lookups.remove_number(&old);
            lookups.shift(at, false);
        }
        if let Some(row) = row {
            let at = self
                .users
                .partition_point(|r| r.order(&row) == Ordering::Less);
            lookups.shift(at, true);
            lookups.position.insert(id, at);
            lookups.add_number(&row);
            self.users.insert(at, row);
        }
    }

    /// User `id`.
    pub fn user_by_id(&self, id: i64) -> Option<&Entry<User>> {
        match &self.index.0 {
            Some(l) => self.users.get(*l.position.get(&id)?),
            None => self.users.iter().find(|u| u.id == id),
        }
    }

    /// The users whose extension spells `dialed` (a number without separators), in the
    /// plan's order.
    pub(super) fn users_spelling<'a>(&'a self, dialed: &str) -> Vec<&'a Entry<User>> {
        match &self.index.0 {
            Some(l) => {
                let mut at: Vec<usize> = l
                    .by_number
                    .get(dialed)
                    .into_iter()
                    .flatten()
                    .filter_map(|id| l.position.get(id).copied())
                    .collect();
                at.sort_unstable();
                at.into_iter().filter_map(|i| self.users.get(i)).collect()
            }
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
