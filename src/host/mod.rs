//! The only part of the widget that touches the browser: the page (its address and readiness
//! signals) and the network (fetching the procedure pack). Later: postMessage, IndexedDB, HTTP
//! delivery. Everything here turns browser values into engine values at the boundary.

pub mod clock;
pub mod pack_source;
pub mod page;
