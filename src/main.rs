//! The standalone entry point: reads the page's configuration and mounts the widget on the body.

use incident_desk::{host, App};
use leptos::prelude::*;

fn main() {
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}
