//! The practice record's entry point: mounts it on its page's body (practice-record.html). Its own wasm:
//! nothing of the call screen in it.

use incident_desk::apps::evidence::App;
use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <App /> });
}
