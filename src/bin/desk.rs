//! The handler's desk (the live call screen): its entry point and its exports.
//!
//! On the widget's own page (index.html, marked by `<meta name="incident-desk-page">`), reads the
//! page's configuration and mounts the desk on the body. In a host's page, where element.js loads
//! the same wasm, `main` does nothing and the page mounts widgets itself through
//! [`mount_widget`].

use incident_desk::apps::desk::App;
use incident_desk::host;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;

fn main() {
    if !host::page::is_widget_page() {
        return;
    }
    let pack_url = host::page::pack_url();
    leptos::mount::mount_to_body(move || view! { <App pack_url=pack_url /> });
}

/// Mounts a desk in `container`, inside `root` (an open shadow root of `host`). Called by
/// `element.js`, which passes its own address as `widget_url`; `pack_url` is where to fetch the
/// procedure pack, the rest is as `host::element::mount` says. Throws an `Error` saying what is
/// wrong.
#[wasm_bindgen]
pub fn mount_widget(
    host: web_sys::Element,
    root: web_sys::ShadowRoot,
    container: web_sys::HtmlElement,
    pack_url: String,
    instance: Option<String>,
    configure_json: &str,
    widget_url: Option<String>,
) -> Result<WidgetHandle, JsError> {
    host::element::mount(
        host,
        root,
        container,
        instance,
        configure_json,
        widget_url,
        move || view! { <App pack_url=pack_url /> },
    )
    .map(WidgetHandle)
}

/// A mounted desk: `element.js` wraps it in the object `IncidentDesk.mount` returns.
#[wasm_bindgen]
pub struct WidgetHandle(host::element::Widget);

#[wasm_bindgen]
impl WidgetHandle {
    /// Sends the command `name` with its payload (JSON text); resolves once acted on, rejects
    /// with the engine's refusal (`host::element::Widget::command`).
    pub fn command(&self, name: &str, payload_json: &str) -> js_sys::Promise {
        self.0.command(name, payload_json)
    }

    /// The element's attributes changed: merged into the configuration in force.
    pub fn attributes(&self, configure_json: &str) -> js_sys::Promise {
        self.0.attributes(configure_json)
    }

    /// Unmounts the desk and lets go of everything it holds on the page; safe to call twice.
    pub fn destroy(&self) {
        self.0.destroy();
    }
}
