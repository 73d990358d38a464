//! Practice (F19; L2 1.1–2.3, L3 2.3): scenarios with a scripted caller, checked against the pack
//! they are written for (`scenario`), the caller's side of the call (`caller`), and the score of
//! an attempt against the pack and the scenario (`score`). Above `delivery`, beside `protocol`:
//! it reads packs and calls, and nothing of the host.

pub mod caller;
pub mod scenario;
pub mod score;
