//! The review app's entry point: mounts it on its page's body (review.html). Its own wasm, so
//! nothing of it weighs on the call screen, and nothing of the call screen on it.

use incident_desk::apps::review::App;
use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <App /> });
}
