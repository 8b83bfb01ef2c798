//! Stored rows the model can no longer read (hand-edited, or written by an
//! older release whose checks were looser). A reader never fails on one:
//! the row is set aside as a [`Repair`], left out of what the engine runs
//! on, logged once when it first appears, and offered to the
//! administrator with its stored text so it can be fixed and saved.

use crate::model::list::{ListPage, ListWindow};
use crate::model::repair::{Repair, RepairKind};
use crate::ssr::store::{
    incalls::SqlIncall, outcalls::SqlOutcall, trunks::SqlTrunk, users::SqlUser,
};
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// A stored row whose settings the model reads.
pub trait Stored {
    type Value;
    const KIND: RepairKind;
    fn key(&self) -> String;
    fn version(&self) -> i64;
    fn settings(&self) -> &str;
    fn read(&self) -> Result<Self::Value, serde_json::Error>;
}

/// The four configuration tables share one row shape (id, version, JSON
/// settings); only the model type and its reader differ.
macro_rules! stored {
    ($row:ty, $value:ty, $kind:ident, $read:ident) => {
        impl Stored for $row {
            type Value = $value;
            const KIND: RepairKind = RepairKind::$kind;
            fn key(&self) -> String {
                self.id.to_string()
            }
            fn version(&self) -> i64 {
                self.version
            }
            fn settings(&self) -> &str {
                &self.settings
            }
            fn read(&self) -> Result<Self::Value, serde_json::Error> {
                self.$read()
            }
        }
    };
}

stored!(SqlTrunk, crate::model::trunk::Trunk, Trunk, trunk);
stored!(SqlUser, crate::model::user::User, User, user);
stored!(SqlOutcall, crate::model::outcall::Outcall, Outcall, outcall);
stored!(SqlIncall, crate::model::incall::Incall, Incall, incall);

/// The repair of stored JSON: named from its own JSON when that much still
/// parses, with the model's reason less serde's "at line 1 column 40".
pub fn of_json(
    kind: RepairKind,
    (key, version): (String, i64),
    stored: &str,
    error: &str,
) -> Repair {
    let name = serde_json::from_str::<serde_json::Value>(stored)
        .ok()
        .and_then(|v| v.get(kind.name_field())?.as_str().map(str::to_owned))
        .unwrap_or_else(|| key.clone());
    let problem = error
        .rsplit_once(" at line ")
        .map_or(error, |(problem, _)| problem)
        .to_owned();
    Repair {
        kind,
        key,
        version,
        name,
        problem,
        stored: stored.to_owned(),
    }
}

/// The repair of one row that failed to read.
pub fn of<R: Stored>(row: &R, error: &serde_json::Error) -> Repair {
    of_json(
        R::KIND,
        (row.key(), row.version()),
        row.settings(),
        &error.to_string(),
    )
}

/// The rows that read, each made into what the caller wants with `view`,
/// and the repairs of those that did not.
pub fn split<R: Stored, T>(rows: &[R], view: impl Fn(&R, R::Value) -> T) -> (Vec<T>, Vec<Repair>) {
    let mut good = Vec::with_capacity(rows.len());
    let mut bad = Vec::new();
    for row in rows {
        match row.read() {
            Ok(value) => good.push(view(row, value)),
            Err(error) => bad.push(of(row, &error)),
        }
    }
    (good, bad)
}

/// The rows that read; the others are already on the repair list (the
/// last publication put them there), so a screen's list just leaves them out.
pub fn readable<R: Stored, T>(rows: &[R], view: impl Fn(&R, R::Value) -> T) -> Vec<T> {
    split(rows, view).0
}

/// One page of a list as a screen or REST shows it: the rows that read
/// (the others are on the repair list, as with [`readable`]). The total
/// is the store's, so it still counts them: it says how many rows the
/// filter matched, which is what paging goes by.
pub fn readable_page<R: Stored, T>(
    (rows, total, offset): (Vec<R>, u64, u64),
    window: &ListWindow,
    view: impl Fn(&R, R::Value) -> T,
) -> ListPage<T> {
    ListPage {
        rows: readable(&rows, view),
        total,
        offset,
        limit: window.limit,
    }
}

/// What opening one row for editing finds.
pub enum Opened<V, I> {
    Readable(V),
    /// The row does not read: its version, why, and the form filled with
    /// as much of the stored text as still fits it.
    Repair {
        version: i64,
        repair: Repair,
        input: I,
    },
}

/// Opens `row`: its view when it reads, else its repair and a form input
/// filled from its stored text ([`lenient_input`]).
pub fn open<R: Stored, V, I: DeserializeOwned + Default>(
    row: &R,
    view: impl FnOnce(&R, R::Value) -> V,
) -> Opened<V, I> {
    match row.read() {
        Ok(value) => Opened::Readable(view(row, value)),
        Err(error) => Opened::Repair {
            version: row.version(),
            repair: of(row, &error),
            input: lenient_input(row.settings()),
        },
    }
}

/// The readable value, or a `Conflict` that says what to repair: reads
/// other than the form's (REST `GET`) cannot show a row that does not read.
///
/// # Errors
/// `Conflict` when the row needs repair.
pub fn readable_or_repair<V, I>(opened: Opened<V, I>) -> Result<V, super::ServiceError> {
    match opened {
        Opened::Readable(value) => Ok(value),
        Opened::Repair { repair, .. } => Err(super::ServiceError::Conflict(repair.sentence())),
    }
}

/// A form's input filled from stored JSON that the model refuses: every
/// field that still has the form's type is kept, the others are left at
/// the form's defaults, so the administrator fixes one field rather than
/// retyping the row.
pub fn lenient_input<I: DeserializeOwned + Default>(stored: &str) -> I {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str(stored) else {
        return I::default();
    };
    let mut kept = serde_json::Map::new();
    for (name, value) in fields {
        if value.is_null() {
            continue;
        }
        let mut trial = kept.clone();
        trial.insert(name.clone(), value.clone());
        if serde_json::from_value::<I>(serde_json::Value::Object(trial)).is_ok() {
            kept.insert(name, value);
        }
    }
    serde_json::from_value(serde_json::Value::Object(kept)).unwrap_or_default()
}

/// Logs the repairs that were not on the `previous` list: once per row
/// and stored text, not at every publication. Returns how many it logged.
pub fn log_new(previous: &[Repair], current: &[Repair]) -> usize {
    let known: HashSet<(RepairKind, &str, &str)> = previous
        .iter()
        .map(|r| (r.kind, r.key.as_str(), r.stored.as_str()))
        .collect();
    let mut logged = 0;
    for repair in current {
        if !known.contains(&(repair.kind, repair.key.as_str(), repair.stored.as_str())) {
            logged += 1;
            tracing::warn!(
                kind = ?repair.kind,
                key = %repair.key,
                problem = %repair.problem,
                "{}",
                repair.sentence()
            );
        }
    }
    logged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::outcall::OutcallInput;

    #[test]
    fn a_repair_names_the_row_and_drops_the_position() {
        let r = of_json(
            RepairKind::Outcall,
            ("3".into(), 1),
            r#"{"name":"long","extens":[]}"#,
            "the pattern has 81 characters at line 1 column 40",
        );
        assert_eq!(r.name, "long");
        assert_eq!(r.problem, "the pattern has 81 characters");
        let garbled = of_json(RepairKind::User, ("9".into(), 1), "{", "EOF while parsing");
        assert_eq!(garbled.name, "9");
    }

    #[test]
    fn a_repair_is_logged_when_it_appears_not_at_every_publication() {
        let bad = of_json(
            RepairKind::Trunk,
            ("4".into(), 1),
            r#"{"port":"x"}"#,
            "invalid type",
        );
        assert_eq!(log_new(&[], std::slice::from_ref(&bad)), 1);
        assert_eq!(
            log_new(std::slice::from_ref(&bad), std::slice::from_ref(&bad)),
            0
        );
        // Stored again, still unreadable: a new problem, logged again.
        let changed = of_json(
            RepairKind::Trunk,
            ("4".into(), 2),
            r#"{"port":"y"}"#,
            "invalid type",
        );
        assert_eq!(log_new(std::slice::from_ref(&bad), &[changed]), 1);
    }

    #[test]
    fn a_lenient_input_keeps_every_field_that_still_fits() {
        let input: OutcallInput = lenient_input(
            r#"{"name":"long","context":"to-extern","ringtime":"soon","internal":3,"extens":[{"pattern":"_X.","strip":0}]}"#,
        );
        assert_eq!(input.name, "long");
        assert_eq!(input.ringtime, "soon");
        assert!(
            !input.internal,
            "a number is not a checkbox: left at its default"
        );
        assert_eq!(input.extens.len(), 1);
        assert_eq!(input.extens[0].strip, "0");
    }
}
