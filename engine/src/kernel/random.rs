//! Random numbers, injected so that keys and jitter are reproducible in tests.

use serde::{Deserialize, Serialize};

/// A source of random 64-bit numbers, injected so that keys and jitter are reproducible in tests.
pub trait Random {
    /// The next random number.
    fn next_u64(&mut self) -> u64;
}

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seeded generator, good enough for
/// jitter and, seeded from `crypto.getRandomValues`, for unique keys. It is not cryptographic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator starting from `seed`; the same seed gives the same numbers.
    pub fn new(seed: u64) -> Self {
        SplitMix64 { state: seed }
    }
}

impl Random for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
