//! The only part of the widget that touches the browser: the page (its address and readiness
//! signals), the clock, the network (fetching the procedure pack) and the host page around the
//! widget, storage (IndexedDB: the call in progress, the outbox) and delivery of closed calls to the
//! CRM (over the host's port or by HTTP). Everything here
//! turns browser values into engine values at the boundary.

pub mod bridge;
pub mod clock;
pub mod delivery;
pub mod drafts;
pub mod pack_source;
pub mod page;
pub mod store;
