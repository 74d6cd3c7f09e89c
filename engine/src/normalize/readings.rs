//! How a word reads: whether it reads as written, and its readings with leetspeak undone
//! and long runs shortened.

use super::chars::leet;

/// Whether a word of lower-case ASCII letters or digits reads as written: all digits (a
/// number), or all letters with no `v` between consonants (`fvck`) and no run of three
/// (`fuuuck`).
pub(super) fn reads_as_written(word: &[u8]) -> bool {
    if word.iter().all(u8::is_ascii_digit) {
        return true;
    }
    word.iter().all(u8::is_ascii_lowercase) && letters_read_as_written(word)
}

/// Whether a word of lower-case ASCII letters reads as written (see `reading`): no run of
/// three and no `v` that the primary reading turns into `u`. Turning a `v` into a vowel
/// only makes its neighbours' `v`s less likely to turn, so looking at the word as written
/// is enough.
pub(super) fn letters_read_as_written(word: &[u8]) -> bool {
    !has_triple(word) && !has_v_between_consonants(word)
}

/// Whether a `v` stands between two consonants (`fvck`, `cvnt`).
pub(super) fn has_v_between_consonants(word: &[u8]) -> bool {
    let consonant = |b: u8| b.is_ascii_lowercase() && !b"aeiouy".contains(&b);
    word.contains(&b'v')
        && word
            .windows(3)
            .any(|w| w[1] == b'v' && consonant(w[0]) && consonant(w[2]))
}

/// Whether three bytes in a row are the same (`fuuuck`).
pub(super) fn has_triple(word: &[u8]) -> bool {
    word.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// Words with an ambiguous leet character or a long run of one letter get a second reading.
pub(super) fn needs_second_reading(chars: &[char]) -> bool {
    let ambiguous = |i: usize| matches!(chars[i], '1' | '!' | '|' | '¡');
    let letter = |i: Option<usize>| {
        i.and_then(|i| chars.get(i))
            .is_some_and(|c| c.is_alphabetic())
    };
    // `sh1t` or `!diot`, not `1990s`: the symbol must touch a letter.
    (0..chars.len()).any(|i| ambiguous(i) && (letter(i.checked_sub(1)) || letter(Some(i + 1))))
        || chars
            .windows(3)
            .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_alphabetic())
}

/// One reading of a word: leetspeak undone and runs of 3+ identical letters shortened
/// (to one letter in the primary reading, two in the second). A `v` between consonants
/// reads as `u` (`fvck`, `cvnt`); the second reading turns every `v` into `u`.
pub(super) fn reading(chars: &[char], second: bool, mapped: &mut Vec<char>, out: &mut String) {
    let has_letter = chars.iter().any(|c| c.is_alphabetic());
    mapped.clear();
    mapped.extend(chars.iter().map(|c| {
        if c.is_ascii_digit() && !has_letter {
            *c
        } else {
            leet(*c, second)
        }
    }));
    let consonant =
        |c: Option<&char>| c.is_some_and(|c| c.is_ascii_alphabetic() && !"aeiouy".contains(*c));
    for i in 0..mapped.len() {
        if mapped[i] == 'v' && i > 0 && consonant(mapped.get(i - 1)) && consonant(mapped.get(i + 1))
        {
            mapped[i] = 'u';
        }
    }
    let keep = if second { 2 } else { 1 };
    out.clear();
    let mut run = 0;
    for (i, c) in mapped.iter().enumerate() {
        run = if i > 0 && mapped[i - 1] == *c {
            run + 1
        } else {
            1
        };
        // Only letters are shortened: `1000` is a number, not an evasion.
        if run > keep && c.is_alphabetic() {
            let run_len = run + mapped[i + 1..].iter().take_while(|n| *n == c).count();
            if run_len >= 3 {
                continue;
            }
        }
        out.push(*c);
    }
}
