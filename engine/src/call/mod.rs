//! The call layer: a call from answer to close as a state machine (`machine`, re-exported here),
//! and what is read from it: the draft kept while it is open, the published log entry, handoff
//! messages, the safety flags, code search and tree suggestion, the call screen's keys and the call
//! bar's next step. It imports the pack layer and the kernel.

mod announce;
pub mod draft;
pub mod entry;
pub mod event_reader;
pub mod handoff;
pub mod keys;
mod machine;
pub mod safety_flags;
pub mod search;
pub mod workspace;

pub use announce::Proposed;
pub use machine::*;
