//! A hash map with a small, fast hasher (FxHash, as rustc uses) instead of std's SipHash with
//! random keys (issue 14: SipHash and the random state are 1.7 KB of the widget, and Leptos
//! already carries an Fx hasher). The maps hold a pack's own ids: the organisation writes them,
//! so the flooding a keyed hash defends against is not a threat here.

use std::hash::{BuildHasherDefault, Hasher};

/// `std::collections::HashMap` with [`FxHasher`]: make one with `HashMap::default()` or
/// `.collect()`.
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// FxHash: each eight bytes rotated in and multiplied (Firefox's and rustc's hash).
#[derive(Debug, Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::HashMap;

    #[test]
    fn a_map_of_many_ids_finds_each() {
        let ids: Vec<String> = (0..5_000).map(|i| format!("code-{i}")).collect();
        let map: HashMap<&str, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        assert_eq!(map.len(), ids.len());
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(map.get(id.as_str()), Some(&i));
        }
        assert_eq!(map.get("code-5000"), None);
        assert_eq!(map.get(""), None);
    }
}
