//! The delivery layer: the outbox that brings every closed call's entry to the CRM exactly once
//! (`outbox`), the courier that decides when this tab delivers it and what it does next
//! (`courier`, a state machine the browser carries out), and a deterministic simulation of a
//! backlog draining (`drain`). It imports the kernel, and the pack for its retention; entries are
//! carried as the JSON text the call layer wrote.

pub mod courier;
pub mod drain;
pub mod outbox;
