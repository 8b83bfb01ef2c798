//! What one published change touched, so that the engine applies it in
//! O(changed) rather than comparing 10,000 trunks (issue 20), and the
//! ordered, per-row shared lists that let the next snapshot be made by
//! replacing only the changed rows. Pure model: no I/O.

use super::{Entry, PbxConfig, TrunkConfig, TrunkRoute, UserConfig};
use crate::model::user::User;
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The rows and settings a snapshot changed from generation `since`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delta {
    /// The generation this delta leads from: a follower holding another
    /// one (it missed a snapshot) compares the two snapshots instead, as
    /// it does when the snapshot's maker did not say (`None`).
    pub since: Option<u64>,
    /// Trunks added, changed or removed, by id.
    pub trunks: BTreeSet<i64>,
    /// Users added, changed or removed, by id.
    pub users: BTreeSet<i64>,
    /// Contexts, outgoing calls or incoming calls changed.
    pub plan: bool,
    pub security: bool,
    pub nat: bool,
}

impl Delta {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.trunks.is_empty() && self.users.is_empty() && !self.plan && !self.security && !self.nat
    }

    /// What differs between two snapshots. Rows the two share are passed
    /// over by pointer, so between snapshots made incrementally this costs
    /// one pointer comparison per row, never a row's contents.
    pub fn between(old: &PbxConfig, new: &PbxConfig) -> Self {
        Self {
            since: Some(old.generation),
            trunks: changed_rows(&old.trunks, &new.trunks),
            users: changed_rows(&old.users, &new.users),
            plan: old.contexts != new.contexts
                || old.outcalls != new.outcalls
                || old.incalls != new.incalls,
            security: old.security != new.security,
            nat: old.nat != new.nat,
        }
    }
}

fn changed_rows<T: Row + PartialEq>(old: &[Arc<T>], new: &[Arc<T>]) -> BTreeSet<i64> {
    let before: HashMap<i64, &Arc<T>> = old.iter().map(|row| (row.id(), row)).collect();
    let mut changed: BTreeSet<i64> = new
        .iter()
        .filter(|row| {
            !before
                .get(&row.id())
                .is_some_and(|was| Arc::ptr_eq(was, row) || ***was == ***row)
        })
        .map(|row| row.id())
        .collect();
    let now: HashSet<i64> = new.iter().map(|row| row.id()).collect();
    changed.extend(before.keys().filter(|id| !now.contains(id)));
    changed
}

/// A row of an ordered list kept up to date change by change: its key
/// and the list's order.
pub trait Row {
    fn id(&self) -> i64;
    /// The order of the list, the one the database's full read gives.
    fn order(&self, other: &Self) -> Ordering;
}

impl<T: Row> Row for Arc<T> {
    fn id(&self) -> i64 {
        T::id(self)
    }

    fn order(&self, other: &Self) -> Ordering {
        T::order(self, other)
    }
}

/// Users by context, then extension with the shorter first (`ORDER BY
/// context, length(exten), exten`).
fn user_order(a: (&User, i64), b: (&User, i64)) -> Ordering {
    fn key((u, id): (&User, i64)) -> (&str, usize, &str, i64) {
        (&u.context, u.exten.chars().count(), &u.exten, id)
    }
    key(a).cmp(&key(b))
}

impl Row for TrunkConfig {
    fn id(&self) -> i64 {
        self.id
    }

    /// By name, as the trunk list (`str` compares bytes, as SQLite's
    /// BINARY collation does).
    fn order(&self, other: &Self) -> Ordering {
        (&self.trunk.name, self.id).cmp(&(&other.trunk.name, other.id))
    }
}

impl Row for UserConfig {
    fn id(&self) -> i64 {
        self.id
    }

    fn order(&self, other: &Self) -> Ordering {
        user_order((&self.user, self.id), (&other.user, other.id))
    }
}

/// The dial plan's users, in the snapshot's order.
impl Row for Entry<User> {
    fn id(&self) -> i64 {
        self.id
    }

    fn order(&self, other: &Self) -> Ordering {
        user_order((&self.value, self.id), (&other.value, other.id))
    }
}

/// The dial plan's trunks, in the snapshot's order.
impl Row for TrunkRoute {
    fn id(&self) -> i64 {
        self.id
    }

    fn order(&self, other: &Self) -> Ordering {
        (&self.name, self.id).cmp(&(&other.name, other.id))
    }
}

/// The rows of `rows` whose ids are in `ids`, by id. A few ids are looked
/// for one by one (a change touches one row); many in one pass.
pub fn pick<'a, T: Row>(rows: &'a [T], ids: &BTreeSet<i64>) -> HashMap<i64, &'a T> {
    const ONE_BY_ONE: usize = 16;
    if ids.len() <= ONE_BY_ONE {
        ids.iter()
            .filter_map(|id| Some((*id, rows.iter().find(|r| r.id() == *id)?)))
            .collect()
    } else {
        rows.iter()
            .filter(|r| ids.contains(&r.id()))
            .map(|r| (r.id(), r))
            .collect()
    }
}

/// Replaces row `id` with `row` (removes it when `None`) where the order
/// puts it; every other row stays where it is (and shared, for `Arc`s).
pub fn put<T: Row>(rows: &mut Vec<T>, id: i64, row: Option<T>) {
    if let Some(at) = rows.iter().position(|r| r.id() == id) {
        rows.remove(at);
    }
    if let Some(row) = row {
        let at = rows.partition_point(|r| r.order(&row) == Ordering::Less);
        rows.insert(at, row);
    }
}

impl PbxConfig {
    /// The next generation's snapshot, equal to this one until changed
    /// with `put_*`: the rows are shared, not copied.
    pub fn next(&self) -> Self {
        Self {
            generation: self.generation + 1,
            delta: Delta {
                since: Some(self.generation),
                ..Delta::default()
            },
            ..self.clone()
        }
    }

    /// What changed since `old`: this snapshot's own delta when it is the
    /// one right after `old`, else the two compared.
    pub fn changes_since(&self, old: &PbxConfig) -> Delta {
        if self.delta.since == Some(old.generation) && self.generation == old.generation + 1 {
            self.delta.clone()
        } else {
            Delta::between(old, self)
        }
    }

    /// Trunk `id` is now `row` (`None`: gone or unreadable).
    pub fn put_trunk(&mut self, id: i64, row: Option<TrunkConfig>) {
        put(&mut self.trunks, id, row.map(Arc::new));
        self.delta.trunks.insert(id);
    }

    /// User `id` is now `row` (`None`: gone or unreadable).
    pub fn put_user(&mut self, id: i64, row: Option<UserConfig>) {
        put(&mut self.users, id, row.map(Arc::new));
        self.delta.users.insert(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::config::Secret;
    use crate::model::user::{OutgoingCallerId, User};

    fn user(id: i64, context: &str, exten: &str) -> UserConfig {
        UserConfig {
            id,
            version: 1,
            user: User {
                firstname: format!("User {id}"),
                lastname: String::new(),
                exten: exten.into(),
                context: context.into(),
                line_username: format!("line{id}"),
                outgoing_caller_id: OutgoingCallerId::Default,
                ringtime: 30,
                direct_media: false,
            },
            secret: Secret::new("pw"),
        }
    }

    #[test]
    fn a_put_keeps_the_order_and_shares_the_other_rows() {
        let mut config = PbxConfig::default();
        for (id, exten) in [(1, "1001"), (2, "200"), (3, "1000")] {
            config.put_user(id, Some(user(id, "default", exten)));
        }
        let order: Vec<i64> = config.users.iter().map(|u| u.id).collect();
        assert_eq!(order, [2, 3, 1], "shorter extensions first");
        let next = {
            let mut next = config.next();
            next.put_user(2, Some(user(2, "default", "1500")));
            next
        };
        let order: Vec<i64> = next.users.iter().map(|u| u.id).collect();
        assert_eq!(order, [3, 1, 2]);
        assert!(Arc::ptr_eq(&config.users[1], &next.users[0]));
        assert_eq!(next.delta.users, BTreeSet::from([2]));
        assert_eq!(next.changes_since(&config), next.delta);
    }

    #[test]
    fn a_follower_that_missed_a_snapshot_compares_the_two() {
        let mut first = PbxConfig::default();
        first.put_user(1, Some(user(1, "default", "1000")));
        let mut second = first.next();
        second.put_user(2, Some(user(2, "default", "1001")));
        let mut third = second.next();
        third.put_user(1, None);
        third.nat.external_address = "198.51.100.7".into();
        let missed = third.changes_since(&first);
        assert_eq!(missed.since, Some(first.generation));
        assert_eq!(missed.users, BTreeSet::from([1, 2]));
        assert!(missed.nat && !missed.plan && !missed.security);
        assert!(third.changes_since(&third).is_empty());
    }
}
