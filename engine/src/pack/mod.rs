//! The pack layer: a procedure pack read from bytes (`parse_pack`), checked (`validate`) into the
//! `Pack` every other layer reads, with its warnings (`lint`), its wording's placeholders, the
//! advice limits' phrase matching, the units' hours and their live availability. It imports only
//! the kernel.

pub mod advice;
pub mod calendar;
pub mod fields;
pub mod hours;
pub mod lint;
mod load;
pub mod lookup;
pub mod notices;
mod reader;
pub mod resources;
pub(crate) mod texts;
mod validate;
mod wire;
pub mod wording;

pub use load::{parse_pack, plain_words, read_pack_file, PackLoadError, MAX_PACK_BYTES};
pub use validate::{validate, Pack};
pub use validate::{
    MAX_CODES, MAX_CONDITION_DEPTH, MAX_NODES_PER_TREE, MAX_SAFETY_LABEL_CHARS, MAX_TEXT_CHARS,
    MAX_TREES,
};
pub use wire::*;
