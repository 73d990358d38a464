//! The kernel: what every layer needs and nothing else (time, roles, random numbers, a problem at
//! a JSON path, JSON paths, base64). It imports no other part of the engine.

pub mod base64;
mod case;
mod decimal;
mod hash;
pub mod json_path;
pub mod json_tree;
mod problem;
mod random;
mod role;
pub mod sort;
pub mod sorted_map;
mod time;

pub use case::{is_word_char, lower_char, lowercase};
pub use decimal::read_decimal;
pub use hash::{FxHasher, HashMap};
pub use problem::{
    counted, human_bytes, list_problems, minutes_and_seconds, number_text, parse_number, Problem,
};
pub use random::{Random, SplitMix64};
pub use role::{Page, Role};
pub use sorted_map::{SortedMap, SortedSet};
pub use time::{civil_from_days, days_from_civil, Millis};
