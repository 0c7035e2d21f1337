//! A cheap hasher for the small maps hit on every call: in-flight and pending calls (by id) and the channel
//! index (by name). `SipHash`'s flood resistance buys nothing there: the channel index is fixed when the
//! server is built, and a connection's in-flight map is capped at `Limits::max_in_flight` entries, so a
//! renderer choosing colliding ids can slow only its own look-ups, by a bounded amount.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// Multiply-rotate mixing (the `FxHash` scheme): a couple of instructions per word.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FastHasher(u64);

const SEED: u64 = 0x517c_c1b7_2722_0a95;

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            self.add(u64::from_le_bytes(chunk.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keyed_by_ids_and_names_work() {
        let mut ids: FastMap<u64, u64> = FastMap::default();
        for id in 0..5_000 {
            ids.insert(id * 3, id);
        }
        assert!((0..5_000).all(|id| ids[&(id * 3)] == id));
        assert!(!ids.contains_key(&1));
        let mut names: FastMap<&str, usize> = FastMap::default();
        for (i, name) in ["a", "app:echo", "app:echo2", "a much longer channel name"]
            .into_iter()
            .enumerate()
        {
            names.insert(name, i);
        }
        assert_eq!(names["app:echo2"], 2);
        assert_eq!(names.get("app:ech"), None);
    }
}
