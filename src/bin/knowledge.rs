//! The knowledge check's entry point: mounts it on its page's body (practice-knowledge.html), with
//! the pack at `?pack=` (or the default pack). Its own wasm: nothing of the call screen in it.

use incident_desk::apps::knowledge::App;
use incident_desk::host;
use leptos::prelude::*;

fn main() {
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}
