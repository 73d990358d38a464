//! Incident Desk in the browser: the shared library of its apps, built on the pure
//! `incident-engine` crate.
//!
//! Three layers, lowest first (engine/tests/layers.rs checks): `host`, the only code that touches
//! the browser (window, network, storage, the host page); `ui`, the shared components (the call
//! screen's parts and the rest); `apps`, one folder per app (`desk`: the handler's live call
//! screen). Each app's entry point, with its `#[wasm_bindgen]` exports, is in `src/bin/`, so an
//! app's wasm holds only what that app reaches.
//!
//! Criteria served so far (../shared/DOMAIN.md): F1 greeting wording (L2 1.1, 3.7), F17 embedding in
//! a CRM page (an iframe with the message protocol, or a custom element in the page itself, several
//! widgets per page each with its own host link: `host::instance`), F18 pack errors shown where the
//! organisation embedding the widget can see them, F20 keyboard and screen-reader use, F21 personal data
//! never written to the console nor echoed back to a host.

pub mod apps;
pub mod host;
pub mod ui;
