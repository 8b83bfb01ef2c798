//! What the long lists (trunks, users, outgoing and incoming calls)
//! share: the filter and the page live in the address (`?q=…&page=N`),
//! so a filtered page can be bookmarked and Back returns to it; the
//! filter box is a GET form, so it works before (or without) the WASM;
//! with the WASM, typing filters after a short pause, without a reload;
//! the pager under the table says how many rows match and links to the
//! pages either side. The server filters and pages (`model::list`).

use crate::components::delete_cell::InPlaceDeletes;
use crate::model::list::{ListPage, ListQuery};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// The wait after the last keystroke before the list is asked again:
/// long enough that typing a word asks once, short enough to feel live.
const DEBOUNCE_MS: u64 = 250;

/// The list's filter and page, as the address says.
pub fn use_list_query() -> Memo<ListQuery> {
    let params = use_query_map();
    Memo::new(move |_| {
        let p = params.read();
        ListQuery {
            q: p.get("q").unwrap_or_default(),
            page: p.get("page").unwrap_or_default(),
        }
    })
}

/// The filter box: a GET form of one field, `q`. Without the WASM,
/// Enter (or "Filter") loads the first page of what matches.
#[component]
pub fn ListFilter(
    query: Memo<ListQuery>,
    /// The field's accessible name ("Filter trunks").
    label: &'static str,
    placeholder: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(query.get_untracked().q);
    let pause = Debounce::new();
    // Back and Forward change the address: the box follows it, unless a
    // search is about to be sent (what is being typed wins).
    Effect::new(move |_| {
        let q = query.get().q;
        if !pause.waiting() && typed.get_untracked() != q {
            typed.set(q);
        }
    });
    let navigate = use_navigate();
    let path = use_location().pathname;
    // A new filter starts again from its first page; it replaces the
    // address rather than adding a history entry per pause in typing.
    let search = move || {
        pause.cancel();
        let href = ListQuery {
            q: typed.get_untracked(),
            page: String::new(),
        }
        .href(1);
        navigate(
            &format!("{}{href}", path.get_untracked()),
            quiet_navigation(),
        );
    };
    let on_input = {
        let search = search.clone();
        move |ev| {
            typed.set(event_target_value(&ev));
            pause.run(search.clone());
        }
    };
    view! {
        <form method="get" role="search" class="filter" on:submit=move |ev| {
            ev.prevent_default();
            search();
        }>
            <input type="search" id="filter" name="q" aria-label=label placeholder=placeholder
                value=query.get_untracked().q
                prop:value=move || typed.get()
                on:input=on_input/>
            <button type="submit">"Filter"</button>
        </form>
    }
}

/// How a filter changes the address: in place (no history entry per
/// pause in typing), keeping the scroll.
pub fn quiet_navigation() -> NavigateOptions {
    NavigateOptions {
        replace: true,
        scroll: false,
        ..NavigateOptions::default()
    }
}

/// Runs an action once typing pauses for [`DEBOUNCE_MS`]: each keystroke
/// starts the wait again, so a word typed asks the server once.
#[derive(Clone, Copy)]
pub struct Debounce(StoredValue<Option<TimeoutHandle>>);

impl Default for Debounce {
    fn default() -> Self {
        Self::new()
    }
}

impl Debounce {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    /// Runs `act` after the pause, instead of any action still waiting.
    pub fn run(self, act: impl FnOnce() + 'static) {
        self.cancel();
        let waiting = self.0;
        let handle = set_timeout_with_handle(
            move || {
                waiting.set_value(None);
                act();
            },
            std::time::Duration::from_millis(DEBOUNCE_MS),
        );
        self.0.set_value(handle.ok());
    }

    /// Drops the action waiting, if any.
    pub fn cancel(self) {
        if let Some(handle) = self.0.get_value() {
            handle.clear();
        }
        self.0.set_value(None);
    }

    /// Whether an action is waiting for the pause.
    pub fn waiting(self) -> bool {
        self.0.with_value(Option::is_some)
    }
}

/// The key of a row that carries an id but no version (the registry, the
/// calls in progress, the watched addresses): its id and a hash of what it shows. An unchanged
/// row keeps its DOM when the list is read again; a changed one is drawn
/// anew.
pub fn content_key<K, T: Hash>(id: K, row: &T) -> (K, u64) {
    let mut hasher = DefaultHasher::new();
    row.hash(&mut hasher);
    (id, hasher.finish())
}

/// Keys for rows with no id at all (the call log, unmatched calls), which
/// never change once written: a hash of the row and how many identical
/// rows came before it on the page, so two equal calls get two rows.
pub fn keyed_by_content<T: Hash>(rows: Vec<T>) -> Vec<((u64, u32), T)> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    rows.into_iter()
        .map(|row| {
            let (_, hash) = content_key(0, &row);
            let repeat = seen.entry(hash).or_default();
            let key = (hash, *repeat);
            *repeat += 1;
            (key, row)
        })
        .collect()
}

/// The rows of a list read again and again (the calls in progress), each
/// with a signal of its own: a new reading updates in place the rows
/// whose content changed (only their cells redraw), adds the new ones and
/// drops the gone ones; a `<For>` keyed by [`PolledRows::rows`]' keys
/// keeps every other row's DOM as it is.
pub struct PolledRows<K: Send + Sync + 'static, T: Send + Sync + 'static> {
    rows: RwSignal<Vec<(K, ArcRwSignal<T>)>>,
}

// By hand: derived, both would ask `K: Copy, T: Copy`; the signal itself
// is copied whatever it holds.
impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Clone for PolledRows<K, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static, T: Send + Sync + 'static> Copy for PolledRows<K, T> {}

impl<K, T> Default for PolledRows<K, T>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    T: PartialEq + Send + Sync + 'static,
{
    fn default() -> Self {
        Self::new()
    }
}

impl<K, T> PolledRows<K, T>
where
    K: Clone + Eq + Hash + Send + Sync + 'static,
    T: PartialEq + Send + Sync + 'static,
{
    pub fn new() -> Self {
        Self {
            rows: RwSignal::new(Vec::new()),
        }
    }

    /// Takes a new reading, `key` naming each row. The rows' signals are
    /// reference-counted rather than owned by whoever calls this (a task
    /// or an effect that runs again), so they live as long as their row.
    pub fn replace(self, fresh: Vec<T>, key: impl Fn(&T) -> K) {
        let mut old: HashMap<K, ArcRwSignal<T>> = self
            .rows
            .with_untracked(|rows| rows.iter().cloned().collect());
        let next: Vec<(K, ArcRwSignal<T>)> = fresh
            .into_iter()
            .map(|row| {
                let k = key(&row);
                match old.remove(&k) {
                    Some(signal) => {
                        if signal.with_untracked(|shown| *shown != row) {
                            signal.set(row);
                        }
                        (k, signal)
                    }
                    None => (k, ArcRwSignal::new(row)),
                }
            })
            .collect();
        // The same rows in the same order: nothing for the `<For>` to do.
        let same = self.rows.with_untracked(|rows| {
            rows.len() == next.len() && rows.iter().zip(&next).all(|(a, b)| a.0 == b.0)
        });
        if !same {
            self.rows.set(next);
        }
    }

    /// The rows, keyed, in the reading's order (tracked).
    pub fn rows(self) -> Vec<(K, ArcRwSignal<T>)> {
        self.rows.get()
    }

    /// Whether the last reading had no row (tracked).
    pub fn is_empty(self) -> bool {
        self.rows.with(Vec::is_empty)
    }
}

/// "1,234": counts as an administrator reads them.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Under a list: which rows of how many are shown, and links to the
/// previous and next pages of the same filter. `removed` counts the rows
/// of this page deleted in place since it was read.
/// `what` is the rows' name in the plural ("trunks").
pub fn pager<T>(
    page: &ListPage<T>,
    query: &ListQuery,
    what: &'static str,
    removed: Signal<usize>,
) -> impl IntoView {
    let number = page.page();
    let pages = page.pages();
    let first = page.offset + 1;
    let shown = page.rows.len() as u64;
    let total = page.total;
    let summary = move || {
        let removed = removed.get() as u64;
        let total = total.saturating_sub(removed);
        let last = (first + shown).saturating_sub(1 + removed);
        if pages > 1 {
            format!(
                "{}\u{2013}{} of {} {what} (page {number} of {pages})",
                grouped(first),
                grouped(last.max(first)),
                grouped(total)
            )
        } else {
            format!("{} {what}", grouped(total))
        }
    };
    let previous = (number > 1).then(|| {
        let href = query.href(number - 1);
        view! { <a href=href rel="prev" id="page-previous">"\u{2190} Previous"</a> }
    });
    let next = (number < pages).then(|| {
        let href = query.href(number + 1);
        view! { <a href=href rel="next" id="page-next">"Next \u{2192}"</a> }
    });
    view! {
        <nav class="pager" aria-label=format!("Pages of the {what}")>
            {previous}
            <span id="list-total" aria-live="polite">{summary}</span>
            {next}
        </nav>
    }
}

/// What a list page shows of one page of rows: `table` given the rows
/// still there (a delete in place takes its row out), or a sentence when
/// there is none, then the [`pager`]. `what` names the rows in the
/// plural ("trunks"), `one` a single row ("trunk"); `none_yet` is said
/// when the list is empty and no filter is set.
#[allow(clippy::too_many_arguments)]
pub fn list_body<T, V>(
    page: ListPage<T>,
    query: &ListQuery,
    what: &'static str,
    one: &'static str,
    none_yet: &'static str,
    deletes: InPlaceDeletes,
    id: fn(&T) -> i64,
    table: impl FnOnce(Signal<Vec<T>>) -> V,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let q = query.q.trim();
    let none = if q.is_empty() {
        none_yet.to_owned()
    } else {
        format!("No {one} matches \u{201c}{q}\u{201d}.")
    };
    let ids: Vec<i64> = page.rows.iter().map(id).collect();
    let removed = Signal::derive(move || deletes.removed(&ids));
    let nav = pager(&page, query, what, removed);
    let total = page.total;
    let left = move || (removed.get() as u64) < total;
    let list = page.rows;
    let rows = Signal::derive(move || {
        list.iter()
            .filter(|row| deletes.kept(&id(row)))
            .cloned()
            .collect::<Vec<_>>()
    });
    let shown = (total > 0).then(|| {
        view! { <div class="rows" hidden=move || !left()>{table(rows)}</div> }
    });
    view! {
        {shown}
        {move || (!left()).then(|| view! { <p class="empty">{none.clone()}</p> })}
        {nav}
    }
}

#[cfg(test)]
mod tests {
    use super::{content_key, grouped, keyed_by_content, PolledRows};
    use leptos::prelude::*;

    #[test]
    fn a_new_reading_updates_the_rows_it_changed_in_place() {
        let owner = Owner::new();
        owner.set();
        let rows = PolledRows::<u32, (u32, &str)>::new();
        rows.replace(vec![(1, "ringing"), (2, "answered")], |r| r.0);
        let first = rows.rows();
        rows.replace(
            vec![(1, "answered"), (2, "answered"), (3, "ringing")],
            |r| r.0,
        );
        // The row a cell of call 1 follows is the one updated: no new row.
        assert_eq!(first[0].1.get_untracked(), (1, "answered"));
        assert_eq!(first[1].1.get_untracked(), (2, "answered"));
        let keys: Vec<u32> = rows.rows().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, [1, 2, 3]);
        // A call that ended leaves; an empty reading empties the list.
        rows.replace(vec![(3, "answered")], |r| r.0);
        assert_eq!(rows.rows().len(), 1);
        rows.replace(vec![], |r| r.0);
        assert!(rows.is_empty());
    }

    #[test]
    fn a_row_keeps_its_key_until_it_changes() {
        let row = ("trunk1", "Registered");
        assert_eq!(
            content_key(7, &row),
            content_key(7, &("trunk1", "Registered"))
        );
        assert_ne!(
            content_key(7, &row),
            content_key(7, &("trunk1", "Rejected"))
        );
        assert_ne!(content_key(7, &row), content_key(8, &row));
    }

    #[test]
    fn identical_rows_get_distinct_keys() {
        let keys: Vec<_> = keyed_by_content(vec!["a", "b", "a", "a"])
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        let distinct: std::collections::HashSet<_> = keys.iter().collect();
        assert_eq!(distinct.len(), 4);
        // The same page read again gives the same keys.
        let again: Vec<_> = keyed_by_content(vec!["a", "b", "a", "a"])
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        assert_eq!(keys, again);
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        for (n, shown) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (3000, "3,000"),
            (1_234_567, "1,234,567"),
        ] {
            assert_eq!(grouped(n), shown);
        }
    }
}
