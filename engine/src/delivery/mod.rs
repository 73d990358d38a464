//! The delivery layer: the outbox that brings every closed call's entry to the CRM exactly once
//! (`outbox`), and a deterministic simulation of a backlog draining (`drain`). It imports the
//! kernel only; entries are carried as the JSON text the call layer wrote.

pub mod drain;
pub mod outbox;
