#![recursion_limit = "256"]
//! The browser entry point: hydrates the server-rendered console. Nothing
//! else lives here; the screens are in the `app` crate.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
