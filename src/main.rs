//! The standalone entry point: on the widget's own page (index.html, marked by `<meta
//! name="incident-desk-page">`), reads the page's configuration and mounts the widget on the body.
//! In a host's page, where element.js loads the same wasm to mount widgets itself
//! (`host::element`), it does nothing.

use incident_desk::{host, App};
use leptos::prelude::*;

fn main() {
    if !host::page::is_widget_page() {
        return;
    }
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}
