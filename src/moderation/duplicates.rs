//! Near-duplicate fingerprints: MinHash over the comment's set of words, so that
//! campaign copies with small edits (case, punctuation, emoji, a few words swapped or
//! added) are recognised. The estimated similarity approximates word-set Jaccard.

use rustc_hash::FxHashSet;
use std::hash::Hasher;

use super::normalize;

/// Number of hash functions; the estimate's standard error is about `0.5/√64 ≈ 0.06`.
const HASHES: usize = 64;

/// A MinHash signature of a comment's word set. Empty for comments with no words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint(Vec<u32>);

impl Fingerprint {
    /// The fingerprint of a text.
    pub fn of(text: &str) -> Fingerprint {
        Self::of_folded(&normalize::fold_plain(text))
    }

    /// The fingerprint of an already folded text.
    pub fn of_folded(plain: &normalize::Mapped) -> Fingerprint {
        let words: FxHashSet<&str> = plain
            .text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        if words.is_empty() {
            return Fingerprint::default();
        }
        let mut mins = [u32::MAX; HASHES];
        for word in words {
            let x = fnv1a(word.as_bytes());
            // Hash i is a fixed affine map of one well-mixed 64-bit hash: cheap, and
            // independent enough for MinHash.
            for (slot, (a, b)) in mins.iter_mut().zip(SEEDS.iter()) {
                let h = (a.wrapping_mul(x).wrapping_add(*b) >> 32) as u32;
                *slot = (*slot).min(h);
            }
        }
        Fingerprint(mins.to_vec())
    }

    /// Estimated Jaccard similarity in `0.0..=1.0` (0 when either is empty).
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        if self.0.is_empty() || self.0.len() != other.0.len() {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f32 / self.0.len() as f32
    }

    /// Hex text for storage.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// Reads the stored text back; anything malformed gives the empty fingerprint.
    pub fn parse(text: &str) -> Fingerprint {
        if text.len() != HASHES * 8 || !text.is_ascii() {
            return Fingerprint::default();
        }
        let values: Option<Vec<u32>> = (0..HASHES)
            .map(|i| u32::from_str_radix(&text[i * 8..i * 8 + 8], 16).ok())
            .collect();
        Fingerprint(values.unwrap_or_default())
    }
}

/// Odd multipliers and offsets for the hash functions, fixed so fingerprints stay
/// comparable across processes and versions.
const SEEDS: [(u64, u64); HASHES] = {
    let mut out = [(0u64, 0u64); HASHES];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut i = 0;
    while i < HASHES {
        state = splitmix(state);
        let a = state | 1;
        state = splitmix(state);
        out[i] = (a, state);
        i += 1;
    }
    out
};

const fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A fixed hash (not `RandomState`) so fingerprints stay comparable across processes;
/// finished with a mix so the affine maps above see well-spread bits.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = FixedFnv(0xcbf2_9ce4_8422_2325);
    h.write(bytes);
    splitmix(h.finish())
}

struct FixedFnv(u64);

impl Hasher for FixedFnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_copies_are_near_and_different_comments_are_not() {
        let a = Fingerprint::of(
            "Stop the deportation flights now! Sign the petition and tell your MP #StopTheFlights",
        );
        let b = Fingerprint::of(
            "stop the deportation flights NOW. sign the petition, tell your MP today 🙏",
        );
        let c = Fingerprint::of(
            "Our church group in Leeds has hosted two families since 2019 and it changed us.",
        );
        assert!(a.similarity(&b) >= 0.5, "{}", a.similarity(&b));
        assert!(a.similarity(&c) < 0.2, "{}", a.similarity(&c));
    }

    #[test]
    fn round_trips_through_text() {
        let a = Fingerprint::of("hello there world");
        assert_eq!(Fingerprint::parse(&a.to_text()), a);
        assert_eq!(Fingerprint::parse("junk"), Fingerprint::default());
        assert_eq!(Fingerprint::default().similarity(&a), 0.0);
    }
}
