//! Handing completed log entries to the host (F17; L2 1.3): the only code that talks to the page
//! around the widget. For now, two ways, both carrying the entry (schema/log-entry.schema.json):
//!
//! - a DOM `CustomEvent` named [`ENTRY_COMPLETED_EVENT`] on the document, bubbling and composed,
//!   whose `detail` is the entry: for a host that shares the widget's document;
//! - when the widget runs in an iframe and the page was given `?host=<origin>`, a `postMessage`
//!   to the parent with that exact origin as the target (never `*`), so only the named host can
//!   read it. The origin must be a bare `http(s)://host[:port]`; anything else is ignored.
//!
//! The durable outbox, the handshake and acknowledgements come with the delivery issue (issue 5).
//! The entry holds personal data, so nothing here writes to the console.

use wasm_bindgen::{JsCast, JsValue};

/// The DOM event that carries a completed entry.
pub const ENTRY_COMPLETED_EVENT: &str = "incident-desk:entry.completed";

/// The message protocol's name and version, in every message to the host.
pub const PROTOCOL: &str = "incident-desk/1";

/// The host's origin from `?host=`, if it is a bare http(s) origin.
pub fn host_origin() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    let given = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("host")?;
    bare_origin(&given)
}

/// `text` if it is exactly an origin: `http` or `https`, a host, an optional port, nothing else.
fn bare_origin(text: &str) -> Option<String> {
    let url = web_sys::Url::new(text).ok()?;
    let scheme_ok = matches!(url.protocol().as_str(), "http:" | "https:");
    // `origin` drops any path, query or credentials; a bare origin is unchanged by that.
    (scheme_ok && url.origin() == text).then(|| text.to_owned())
}

/// Hands a completed entry (JSON text) to the host.
pub fn entry_completed(entry_json: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(entry) = js_sys::JSON::parse(entry_json) else {
        return;
    };
    if let Some(document) = window.document() {
        let init = web_sys::CustomEventInit::new();
        init.set_bubbles(true);
        init.set_composed(true);
        init.set_detail(&entry);
        if let Ok(event) =
            web_sys::CustomEvent::new_with_event_init_dict(ENTRY_COMPLETED_EVENT, &init)
        {
            let _ = document.dispatch_event(&event);
        }
    }
    let (Some(origin), Ok(Some(parent))) = (host_origin(), window.parent()) else {
        return;
    };
    if parent == window {
        return;
    }
    let message = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), value);
    };
    set("protocol", &JsValue::from_str(PROTOCOL));
    set("type", &JsValue::from_str("entry.completed"));
    set("payload", &entry);
    let _ = parent.post_message(message.unchecked_ref(), &origin);
}
