//! The registry page's live side (browser only): follows
//! `/api/v1/registry/stream`, ticks the countdown clock, and says whether
//! the stream is open. The browser retries a dropped stream by itself; one
//! it gave up on (an answer that was not a stream, say during a restart)
//! is opened again here after [`RETRY`].

use crate::model::list::query_string;
use crate::model::registry::{RegistryDelta, RegistryEntry};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

const STREAM: &str = "/api/v1/registry/stream";
/// How long to wait before opening a stream the browser gave up on.
const RETRY: Duration = Duration::from_secs(3);

/// Where the rows, the clock and the connection state go.
#[derive(Clone, Copy)]
struct Sinks {
    live: RwSignal<Option<Vec<RegistryEntry>>>,
    connected: RwSignal<bool>,
}

/// One open `EventSource` and the callbacks it holds.
struct Connection {
    source: EventSource,
    _callbacks: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

/// The current connection, or none once the page is left.
type Slot = Rc<RefCell<Option<Connection>>>;

/// Follows the stream of the page that starts at row `offset` (`limit` rows, filter `q`)
/// and ticks the clock every second, until the page is left.
pub fn follow(
    live: RwSignal<Option<Vec<RegistryEntry>>>,
    now: RwSignal<Option<i64>>,
    connected: RwSignal<bool>,
    offset: u64,
    limit: Option<u32>,
    q: &str,
) {
    let (offset, limit) = (
        offset.to_string(),
        limit.map(|l| l.to_string()).unwrap_or_default(),
    );
    let url = format!(
        "{STREAM}{}",
        query_string(&[("q", q.trim()), ("limit", &limit), ("offset", &offset)])
    );
    let tick = move || now.set(Some((js_sys::Date::now() / 1000.0) as i64));
    tick();
    let interval = set_interval_with_handle(tick, Duration::from_secs(1)).ok();
    let sinks = Sinks { live, connected };
    let slot: Slot = Rc::new(RefCell::new(None));
    let left = Rc::new(std::cell::Cell::new(false));
    open(&slot, &left, sinks, Rc::from(url.as_str()));
    // The browser objects stay on this (only) thread; the wrapper lets the
    // cleanup closure satisfy Leptos's Send bound.
    let guard = send_wrapper::SendWrapper::new((slot, left));
    on_cleanup(move || {
        let (slot, left) = guard.take();
        left.set(true);
        if let Some(connection) = slot.borrow_mut().take() {
            connection.source.close();
        }
        if let Some(handle) = interval {
            handle.clear();
        }
    });
}

/// Opens the stream at `url` into `slot`, closing any previous one.
fn open(slot: &Slot, left: &Rc<std::cell::Cell<bool>>, sinks: Sinks, url: Rc<str>) {
    if left.get() {
        return;
    }
    if let Some(old) = slot.borrow_mut().take() {
        old.source.close();
    }
    let Ok(source) = EventSource::new(&url) else {
        sinks.connected.set(false);
        return;
    };
    // The stream starts with every row, then sends only what changed.
    let on_rows = message(move |text| {
        if let Ok(rows) = serde_json::from_str::<Vec<RegistryEntry>>(text) {
            sinks.live.set(Some(rows));
        }
    });
    let on_delta = message(move |text| {
        if let Ok(delta) = serde_json::from_str::<RegistryDelta>(text) {
            sinks.live.update(|rows| {
                if let Some(rows) = rows {
                    delta.apply(rows);
                }
            });
        }
    });
    let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| sinks.connected.set(true));
    let on_error = {
        let (slot, left, source, url) = (slot.clone(), left.clone(), source.clone(), url.clone());
        Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            sinks.connected.set(false);
            if source.ready_state() == EventSource::CLOSED {
                // Not from inside this callback: reopening drops it.
                let (slot, left, url) = (slot.clone(), left.clone(), url.clone());
                set_timeout(move || open(&slot, &left, sinks, url), RETRY);
            }
        })
    };
    let listen = |name: &str, callback: &Closure<dyn FnMut(web_sys::Event)>| {
        let _ = source.add_event_listener_with_callback(name, callback.as_ref().unchecked_ref());
    };
    listen("registry", &on_rows);
    listen("registry-delta", &on_delta);
    listen("open", &on_open);
    listen("error", &on_error);
    *slot.borrow_mut() = Some(Connection {
        source,
        _callbacks: vec![on_rows, on_delta, on_open, on_error],
    });
}

/// A listener for a named event whose data is text.
fn message(mut handle: impl FnMut(&str) + 'static) -> Closure<dyn FnMut(web_sys::Event)> {
    Closure::new(move |event: web_sys::Event| {
        if let Some(text) = event
            .dyn_ref::<MessageEvent>()
            .and_then(|m| m.data().as_string())
        {
            handle(&text);
        }
    })
}
