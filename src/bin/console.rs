//! The console app's entry point: mounts it on its page's body (console.html), with the pack at
//! `?pack=` (or the default pack). Its own wasm, so nothing of it weighs on the call screen, and
//! nothing of the call screen on it.

use incident_desk::apps::console::App;
use incident_desk::host;
use leptos::prelude::*;

fn main() {
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}
