//! Numbering plans and which of their numbers a pattern reaches.

use super::super::{NumberingPlan, PlanEntry, PlanError};
use super::pat;

fn range(first: &str, last: &str) -> PlanEntry {
    PlanEntry::Range {
        first: first.to_owned(),
        last: last.to_owned(),
    }
}

fn plan(entries: Vec<PlanEntry>) -> NumberingPlan {
    NumberingPlan::new(entries).unwrap_or_else(|e| panic!("fixture plan: {e}"))
}

#[test]
fn malformed_plans_are_refused() {
    assert_eq!(
        NumberingPlan::new(vec![PlanEntry::Length(0)]),
        Err(PlanError::ZeroLength)
    );
    assert!(matches!(
        NumberingPlan::new(vec![range("1999", "1000")]),
        Err(PlanError::Reversed { .. })
    ));
    assert!(matches!(
        NumberingPlan::new(vec![range("100", "1999")]),
        Err(PlanError::LengthsDiffer { .. })
    ));
    assert_eq!(
        NumberingPlan::new(vec![range("1a00", "1999")]),
        Err(PlanError::NotDigits("1a00".into()))
    );
    assert_eq!(
        NumberingPlan::new(vec![range("100", "1999")]).map_err(|e| e.to_string()),
        Err("the range 100-1999 has ends of different lengths; split it by length".to_owned())
    );
}

#[test]
fn first_number_is_the_shortest_then_lowest() {
    let users = plan(vec![range("1000", "1999")]);
    assert_eq!(
        users.first_number(&pat("_1[5-9]X.")).as_deref(),
        Some("1500")
    );
    assert_eq!(users.first_number(&pat("_X.")).as_deref(), Some("1000"));
    assert_eq!(users.first_number(&pat("_2XXX")), None);
    assert_eq!(users.first_number(&pat("_1XX")), None);
    let narrow = plan(vec![range("1234", "1236")]);
    assert_eq!(
        narrow.first_number(&pat("_123[5-9]")).as_deref(),
        Some("1235")
    );
    assert_eq!(narrow.first_number(&pat("_12[4-9]X")), None);
    let mixed = plan(vec![PlanEntry::Length(10), PlanEntry::Length(3)]);
    assert_eq!(mixed.first_number(&pat("_X.")).as_deref(), Some("000"));
    assert_eq!(
        mixed.first_number(&pat("_418.")).as_deref(),
        Some("4180000000")
    );
    assert_eq!(mixed.first_number(&pat("_*98")), None);
}
