//! The procedures' entry point (`apps::procedures`): its own wasm, so the pack preview weighs
//! nothing on the call screen until a handler opens the procedures. On procedures.html (marked by
//! `<meta name="incident-desk-procedures-page">`) it mounts the page; loaded by the call screen
//! (`host::procedures`), `main` does nothing and the call screen calls [`show`] and [`hide`].

use incident_desk::apps::procedures::{self, App};
use incident_desk::host;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

fn main() {
    if !host::page::is_procedures_page() {
        return;
    }
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}

/// Shows the procedures read from `pack` in `target` under the heading id `heading_id`; throws an
/// `Error` saying why not.
#[wasm_bindgen]
pub fn show(target: web_sys::HtmlElement, pack: &[u8], heading_id: String) -> Result<(), JsError> {
    procedures::show(target, pack, heading_id).map_err(|why| JsError::new(&why))
}

/// Takes down what [`show`] put up under `heading_id`.
#[wasm_bindgen]
pub fn hide(heading_id: &str) {
    procedures::hide(heading_id);
}
