//! Incident Desk, the widget: a call handler's screen for contact centres that take reports of
//! incidents, built on the pure `incident-engine` crate.
//!
//! `app` holds the top-level component and its state, `components` the pieces of the screen, and
//! `host` everything that touches the browser (window, network, storage). Nothing outside `host`
//! calls web-sys directly.
//!
//! Criteria served so far (../shared/DOMAIN.md): F1 greeting wording (L2 1.1, 3.7), F17 embedding in
//! a CRM page (an iframe with the message protocol, or a custom element in the page itself, several
//! widgets per page each with its own host link: `host::instance`), F18 pack errors shown where the
//! organisation embedding the widget can see them, F20 keyboard and screen-reader use, F21 personal data
//! never written to the console nor echoed back to a host.

pub mod app;
pub mod components;
pub mod host;

pub use app::App;
