//! The apps, one folder each, above the shared components (`ui`) and the browser adapters
//! (`host`). No app imports another; each has its own entry point in `src/bin/` and its own wasm.

pub mod console;
pub mod desk;
pub mod evidence;
pub mod knowledge;
pub mod practice;
pub mod procedures;
pub mod review;
