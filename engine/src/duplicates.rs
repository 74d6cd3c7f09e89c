//! Near-duplicate fingerprints: a bottom-k MinHash sketch of the comment's set of words
//! (the `HASHES` smallest word hashes), so that campaign copies with small edits (case,
//! punctuation, emoji, leetspeak, a few words swapped or added) are recognised. The
//! estimated similarity approximates word-set Jaccard; one hash per word keeps it cheap.

use super::normalize;

/// Size of the sketch; the estimate's standard error is about `0.5/√64 ≈ 0.06`.
const HASHES: usize = 64;

/// A bottom-k sketch of a comment's word set: distinct word hashes, ascending. Empty for
/// comments with no words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fingerprint(Vec<u32>);

impl Fingerprint {
    /// The fingerprint of a text.
    pub fn of(text: &str) -> Fingerprint {
        Self::of_words(&normalize::fold(text).hashes)
    }

    /// The fingerprint of a text's word hashes (see [`normalize::Folded::hashes`]).
    pub fn of_words(hashes: &[u64]) -> Fingerprint {
        let mut all: Vec<u32> = hashes.iter().map(|h| (h >> 32) as u32).collect();
        // Only the smallest values matter: sort a generous slice of them, and the whole
        // only when repeated words leave that slice short of `HASHES` distinct values.
        let slice = 2 * HASHES;
        if all.len() > slice {
            all.select_nth_unstable(slice - 1);
            let mut mins = all[..slice].to_vec();
            mins.sort_unstable();
            mins.dedup();
            if mins.len() >= HASHES {
                mins.truncate(HASHES);
                return Fingerprint(mins);
            }
        }
        all.sort_unstable();
        all.dedup();
        all.truncate(HASHES);
        Fingerprint(all)
    }

    /// Estimated Jaccard similarity in `0.0..=1.0` (0 when either is empty): the share
    /// of the union's `HASHES` smallest hashes that both sketches hold.
    pub fn similarity(&self, other: &Fingerprint) -> f32 {
        let (a, b) = (&self.0, &other.0);
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
        let (both, taken) = if short.len() * 8 <= long.len() {
            looked_up(short, long)
        } else {
            merged(a, b)
        };
        both as f32 / taken as f32
    }

    /// How many distinct words the sketch holds (at most its size, 64).
    pub fn words(&self) -> usize {
        self.0.len()
    }

    /// Hex text for storage.
    pub fn to_text(&self) -> String {
        self.0.iter().map(|v| format!("{v:08x}")).collect()
    }

    /// Reads the stored text back; anything malformed gives the empty fingerprint.
    pub fn parse(text: &str) -> Fingerprint {
        if !text.len().is_multiple_of(8) || text.len() > HASHES * 8 || !text.is_ascii() {
            return Fingerprint::default();
        }
        let values: Option<Vec<u32>> = (0..text.len() / 8)
            .map(|i| u32::from_str_radix(&text[i * 8..i * 8 + 8], 16).ok())
            .collect();
        match values {
            Some(v) if v.windows(2).all(|w| w[0] < w[1]) => Fingerprint(v),
            _ => Fingerprint::default(),
        }
    }
}

/// The share's parts, walking both sketches in step: values of the union taken (at most
/// `HASHES`) and how many of them both hold.
fn merged(a: &[u32], b: &[u32]) -> (usize, usize) {
    let (mut i, mut j, mut taken, mut both) = (0, 0, 0, 0);
    while taken < HASHES {
        let (Some(x), Some(y)) = (a.get(i), b.get(j)) else {
            break;
        };
        match x.cmp(y) {
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
        taken += 1;
    }
    // Once one sketch is used up, the other's values are taken one by one, none shared.
    taken += (a.len() - i + b.len() - j).min(HASHES.saturating_sub(taken));
    (both, taken)
}

/// What `merged` counts, for a sketch much shorter than the other (a comment of a few
/// words): each of its values is looked up in the other instead of walking both.
fn looked_up(short: &[u32], long: &[u32]) -> (usize, usize) {
    let mut common = 0;
    for (j, value) in short.iter().enumerate() {
        let at = long.partition_point(|v| v < value);
        // Where the value stands among the union's values: past the `HASHES` smallest,
        // it and every later one go uncounted.
        if j + at - common >= HASHES {
            return (common, HASHES);
        }
        common += usize::from(long.get(at) == Some(value));
    }
    (common, (short.len() + long.len() - common).min(HASHES))
}

/// A fixed hash (not `RandomState`) so fingerprints stay comparable across processes and
/// versions: eight bytes at a time, finished with a mix so every bit is well spread.
pub fn word_hash(bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        h = (h ^ u64::from_le_bytes(word))
            .wrapping_mul(0x0100_0000_01b3)
            .rotate_left(29);
    }
    h = (h ^ tail(chunks.remainder())).wrapping_mul(0x0100_0000_01b3);
    splitmix(h)
}

/// Up to seven bytes as a little-endian number, read as two overlapping halves (the
/// bytes both halves hold are the same, so or-ing them is exact): a short
/// `copy_from_slice` becomes a call to `memcpy`, and a loop costs a step per byte.
fn tail(rest: &[u8]) -> u64 {
    let n = rest.len();
    let two = |at: usize| {
        rest.get(at..at + 2)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u64::from(u16::from_le_bytes(b)))
    };
    let four = |at: usize| {
        rest.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map_or(0, |b| u64::from(u32::from_le_bytes(b)))
    };
    match n {
        0 => 0,
        1 => u64::from(rest[0]),
        2..=3 => two(0) | two(n - 2) << (8 * (n - 2)),
        _ => four(0) | four(n - 4) << (8 * (n - 4)),
    }
}

const fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
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
    fn the_tail_reads_every_byte_in_order() {
        let bytes = [1u8, 2, 3, 4, 5, 6, 7];
        for n in 0..8 {
            let slow = bytes[..n]
                .iter()
                .enumerate()
                .fold(0u64, |t, (i, b)| t | u64::from(*b) << (8 * i));
            assert_eq!(tail(&bytes[..n]), slow, "{n} bytes");
        }
    }

    #[test]
    fn looking_up_counts_as_merging_does() {
        let sketch = |from: u64, n: u64| {
            let hashes: Vec<u64> = (from..from + n)
                .map(|i| word_hash(&i.to_le_bytes()))
                .collect();
            Fingerprint::of_words(&hashes).0
        };
        for (a, b) in [
            (sketch(0, 500), sketch(0, 5)),
            (sketch(0, 500), sketch(3, 7)),
            (sketch(0, 40), sketch(30, 4)),
            (sketch(0, 64), sketch(1000, 3)),
            (sketch(0, 9), sketch(0, 1)),
        ] {
            assert_eq!(looked_up(&b, &a), merged(&a, &b));
            assert_eq!(looked_up(&b, &a), merged(&b, &a));
        }
    }

    #[test]
    fn round_trips_through_text() {
        let a = Fingerprint::of("hello there world");
        assert_eq!(Fingerprint::parse(&a.to_text()), a);
        assert_eq!(Fingerprint::parse("junk"), Fingerprint::default());
        assert_eq!(
            Fingerprint::parse("0000000200000001"),
            Fingerprint::default()
        );
        let long =
            "stop the flights ".repeat(3) + &(0..200).map(|i| format!("w{i} ")).collect::<String>();
        let sketch = Fingerprint::of(&long);
        assert_eq!(Fingerprint::parse(&sketch.to_text()), sketch);
        assert_eq!(sketch.similarity(&sketch), 1.0);
        assert_eq!(Fingerprint::default().similarity(&a), 0.0);
    }

    #[test]
    fn the_smallest_hashes_are_kept_whatever_the_repeats() {
        let full = |hashes: &[u64]| {
            let mut v: Vec<u32> = hashes.iter().map(|h| (h >> 32) as u32).collect();
            v.sort_unstable();
            v.dedup();
            v.truncate(HASHES);
            v
        };
        let distinct: Vec<u64> = (0..500u64).map(|i| word_hash(&i.to_le_bytes())).collect();
        // Many repeats of a few small values push the slice short of distinct values.
        let mut repeated = distinct.clone();
        repeated.extend(std::iter::repeat_n(0u64, 300));
        for hashes in [&distinct[..], &repeated[..], &distinct[..10]] {
            assert_eq!(Fingerprint::of_words(hashes).0, full(hashes));
        }
    }
}
