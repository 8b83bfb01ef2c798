//! What the live status screens share: a counter that ticks while the
//! page is open (their resources refetch on it). Their times are shown
//! with `model::time::clock`, shared with the command line.

use leptos::prelude::*;

/// A signal bumped every `every_ms` in the browser; only the browser
/// polls, the server renders the first list once.
pub fn ticker(every_ms: u64) -> RwSignal<u64> {
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || tick.update(|t| *t += 1),
            std::time::Duration::from_millis(every_ms),
        );
        on_cleanup(move || {
            if let Ok(h) = handle {
                h.clear();
            }
        });
    });
    tick
}
