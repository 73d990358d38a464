//! The only part of the widget that touches the browser: the page (its address and readiness
//! signals), the clock, the network (fetching the procedure pack and the deployment settings,
//! `deployment`; the procedures' own wasm, `procedures`) and the host page around the
//! widget (handing over completed entries: `bridge` in an iframe, `element` mounted in a host's
//! page, `instance` for which of them a widget has), storage (IndexedDB: the call in progress, the
//! outbox), Web Locks between tabs (`locks`) and delivery of closed calls to the CRM (over the host
//! link or by HTTP). Everything here
//! turns browser values into engine values at the boundary.

pub mod board;
pub mod bridge;
pub mod clock;
pub mod delivery;
pub mod deployment;
pub mod drafts;
pub mod element;
pub mod evidence;
pub mod instance;
pub mod locks;
pub mod offline;
pub mod pack_source;
pub mod page;
pub mod procedures;
pub mod speech;
pub mod store;
