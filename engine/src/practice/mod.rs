//! Practice (F19; L2 1.1–3.8, L3 2.3): scenarios with a scripted caller, checked against the
//! pack they are written for (`scenario`); the caller's side of the call (`caller`); the score of
//! an attempt against the pack and the scenario (`score`); knowledge checks generated from the
//! pack (`knowledge`); and the evidence record (`evidence`). Above `delivery`, beside `protocol`:
//! it reads packs and calls, and nothing of the host.

pub mod caller;
pub mod evidence;
pub mod knowledge;
pub mod scenario;
pub mod score;
