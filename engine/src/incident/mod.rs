//! Incidents beyond the call (F10–F13; L3 1.2–1.7, 3.2–3.4; NOS P4–P8; K6, K7): an incident as a
//! state machine from opening to closing (`machine`), its clocks and overdue alerts from the
//! pack's targets (`clocks`), the supervisor's board of incidents and units with the units
//! proposed for a response plan (`board`), the tasking message for a unit (`tasking`), the events
//! for a host CRM (`events`) and the procedure check of closed calls' deviations (`review`). Above
//! `delivery`, below `practice` and `protocol`: it reads packs and calls, and nothing of the host.

pub mod board;
pub mod clocks;
pub mod events;
pub mod machine;
pub mod review;
pub mod tasking;

pub use board::{Board, BoardCommand, Candidate, PlanNeed, UnitReport};
pub use clocks::{alerts, countdowns, Alert, AlertAction, Clock, Countdown};
pub use events::{changes, IncidentEvent, Pending};
pub use machine::{
    Closure, Command, Deployment, Incident, LinkedCall, Notification, Opening, Refusal, Stage,
    Tasked, TimelineEntry,
};
pub use review::{review_items, HandOver, ReviewDecision, ReviewItem, ReviewOutcome};
pub use tasking::{compose_tasking, propose_tasking_channel, TaskingMessage};

/// A value read from the JSON this layer writes (a board, a call handed over), or what is wrong
/// with it and where: "at .incidents[0].opened_at (line 1, column 52): ...".
fn read_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    crate::kernel::json_tree::read::<T>(bytes).map_err(|failure| {
        let (path, line, column, message) = failure.into_parts();
        format!("at {path} (line {line}, column {column}): {message}")
    })
}
