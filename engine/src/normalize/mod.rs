//! Text folding against evasion. Two views of a field are built once per evaluation:
//!
//! - `plain`: NFKC, case-folded, accents stripped, look-alike letters mapped to Latin and
//!   invisible characters removed; punctuation and digits kept (for prices, phone numbers…);
//! - `words`: the same text cut into words with leetspeak undone (`sh1t`, `tw@t`), masks
//!   kept as `*` (`f*ck`), letters spelt out with separators joined (`f.u.c.k`, `f u c k`)
//!   and long runs of one letter shortened (`fuuuck`). It is written as ` w1 w2 | w3 `:
//!   one space around each word and `|` where a clause ends, so list entries match whole
//!   words only (no Scunthorpe hits) and phrases never straddle sentences.
//!
//! Every byte of both views remembers the span of the original text it came from, so a
//! match becomes evidence the moderator sees highlighted in what the commenter wrote.

mod chars;
mod mapped;
mod readings;
mod scan;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

pub use mapped::Mapped;

use chars::{confusable, is_invisible, leet};
use readings::{letters_read_as_written, needs_second_reading, reading};
use scan::{RawWord, Spelling, scan_words};

/// Both views of one field.
#[derive(Debug, Default, Clone)]
pub struct Folded {
    /// Folded text with punctuation kept.
    pub plain: Mapped,
    /// Words with evasions undone, primary reading (`1` → `i`, long runs → one letter).
    pub words: Mapped,
    /// A second reading where it differs (`1` → `l`, `v` → `u`, long runs → two letters).
    pub words_alt: Option<Mapped>,
    /// Words containing mask characters (`f*ck`), for wildcard matching.
    pub masked: Vec<MaskedWord>,
    /// A fixed hash of each word's primary reading, in order (for fingerprints and
    /// repetition).
    pub hashes: Vec<u64>,
}

/// A word with masked letters, e.g. `f**k`, as `f` `*` `*` `k`.
#[derive(Debug, Clone)]
pub struct MaskedWord {
    /// Lower-case letters with `*` for each masked one.
    pub pattern: Vec<char>,
    /// Span in the original.
    pub start: usize,
    /// End of the span in the original.
    pub end: usize,
}

/// Folds one field.
pub fn fold(original: &str) -> Folded {
    let plain = fold_plain(original);
    let mut folder = Folder::new(&plain.text);
    scan_words(&plain, &mut folder);
    let Views {
        words,
        alt,
        masked,
        hashes,
        ..
    } = folder.finish(original.len());
    Folded {
        plain,
        words,
        words_alt: alt,
        masked,
        hashes,
    }
}

/// Builds the words views as the scanner hands over words and clause breaks, in one pass:
/// runs of single letters wait in `run` until they turn out to spell a word (or not).
struct Folder<'a> {
    /// The folded text the scanner reads.
    text: &'a str,
    /// Characters of words that are not plain ASCII, in order (see `Spelling::Chars`).
    letters: Vec<char>,
    /// Single-letter words not yet known to be spelt out (`f u c k`).
    run: Vec<RawWord>,
    /// A one-character break (`c.u`) after a single letter: dropped if another single
    /// letter follows, kept otherwise.
    held_break: Option<(usize, usize)>,
    out: Views,
}

/// What `fold` builds besides `plain`, and scratch space reused from word to word.
#[derive(Default)]
struct Views {
    words: Mapped,
    /// Most texts need no second reading; it is only built (from a copy of the first)
    /// once a word reads differently.
    alt: Option<Mapped>,
    masked: Vec<MaskedWord>,
    hashes: Vec<u64>,
    scratch: Vec<char>,
    primary: String,
    second: String,
    chars_of_simple: Vec<char>,
}

impl<'a> Folder<'a> {
    fn new(text: &'a str) -> Self {
        Folder {
            text,
            letters: Vec::new(),
            run: Vec::new(),
            held_break: None,
            out: Views {
                words: Mapped::with_capacity(text.len() + 16, text.len() / 2 + 8),
                hashes: Vec::with_capacity(text.len() / 5),
                ..Views::default()
            },
        }
    }

    /// A word from the scanner.
    fn word(&mut self, w: RawWord) {
        if let Some((s, e)) = self.held_break.take() {
            // `c.u.n.t.s`: a dot right between two single letters is a separator.
            if !is_one_char(&w) {
                self.close_run();
                self.out.emit_break(s, e);
            }
        }
        if self.is_single(&w) {
            let adjacent = self
                .run
                .last()
                .is_none_or(|prev| w.start.saturating_sub(prev.end) <= 3);
            if !adjacent {
                self.close_run();
            }
            self.run.push(w);
        } else {
            self.close_run();
            self.out.emit_word(self.text, &self.letters, &w);
        }
    }

    /// A clause break from the scanner, with its span in the original.
    fn clause_break(&mut self, s: usize, e: usize) {
        if let Some((hs, he)) = self.held_break.take() {
            self.close_run();
            self.out.emit_break(hs, he);
        }
        if !self.run.is_empty() && e - s <= 1 {
            self.held_break = Some((s, e));
            return;
        }
        self.close_run();
        self.out.emit_break(s, e);
    }

    fn is_single(&self, w: &RawWord) -> bool {
        match &w.spelling {
            Spelling::Simple(r) => r.len() == 1,
            Spelling::Chars(r) => r.len() == 1 && self.letters[r.start].is_alphanumeric(),
        }
    }

    /// Joins a waiting run of three or more single letters into one word (`f u c k`);
    /// shorter runs are ordinary words (`I am a dog`).
    fn close_run(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let mut run = std::mem::take(&mut self.run);
        // `is a w.h.o.r.e`: a word set off by a space before letters spelt out with dots
        // or dashes is a word of its own, not the first letter.
        if run.len() >= 4
            && self.gap_is_space(&run[0], &run[1])
            && !self.gap_is_space(&run[1], &run[2])
        {
            let first = run.remove(0);
            self.out.emit_word(self.text, &self.letters, &first);
        }
        // `b u r n  t h e  h o s t e l  d o w n`: letters one gap apart and words a wider
        // gap apart spell out a phrase, each word joined on its own. Two wide gaps at
        // least, so one stray double space inside a spelt-out word does not split it.
        let gap = |pair: &[RawWord]| pair[1].start.saturating_sub(pair[0].end);
        let narrow = run.windows(2).map(gap).min().unwrap_or(0);
        if run.windows(2).filter(|pair| gap(pair) > narrow).count() >= 2 {
            let mut from = 0;
            for (i, pair) in run.windows(2).enumerate() {
                if gap(pair) > narrow {
                    self.emit_joined(&run[from..=i], 2);
                    from = i + 1;
                }
            }
            self.emit_joined(&run[from..], 2);
        } else {
            self.emit_joined(&run, 3);
        }
        self.run = run;
        self.run.clear();
    }

    /// Emits a run of single letters as one word when it has at least `least` of them,
    /// else letter by letter.
    fn emit_joined(&mut self, run: &[RawWord], least: usize) {
        if let (true, Some(first), Some(last)) = (run.len() >= least, run.first(), run.last()) {
            let from = self.letters.len();
            for w in run {
                match &w.spelling {
                    Spelling::Simple(r) => self.letters.extend(self.text[r.clone()].chars()),
                    Spelling::Chars(r) => self.letters.extend_from_within(r.clone()),
                }
            }
            let joined = RawWord {
                spelling: Spelling::Chars(from..self.letters.len()),
                as_written: false,
                start: first.start,
                end: last.end,
            };
            self.out.emit_word(self.text, &self.letters, &joined);
        } else {
            for w in run {
                self.out.emit_word(self.text, &self.letters, w);
            }
        }
    }

    /// Whether only white space separates two words of a run.
    fn gap_is_space(&self, a: &RawWord, b: &RawWord) -> bool {
        self.text
            .get(a.end..b.start)
            .is_some_and(|gap| gap.chars().all(char::is_whitespace))
    }

    /// Settles what is still waiting and closes the views with a space at `end`.
    fn finish(mut self, end: usize) -> Views {
        if let Some((s, e)) = self.held_break.take() {
            self.close_run();
            self.out.emit_break(s, e);
        }
        self.close_run();
        push_gap(&mut self.out.words, end, end);
        if let Some(alt) = self.out.alt.as_mut() {
            push_gap(alt, end, end);
        }
        self.out
    }
}

fn is_one_char(w: &RawWord) -> bool {
    match &w.spelling {
        Spelling::Simple(r) | Spelling::Chars(r) => r.len() == 1,
    }
}

impl Views {
    /// Writes a word that reads as written (the same in both readings), and its hash.
    #[inline]
    fn emit_as_written(&mut self, word: &str, s: usize, e: usize) {
        self.hashes
            .push(super::duplicates::word_hash(word.as_bytes()));
        push_word(&mut self.words, word, s, e);
        if let Some(alt) = self.alt.as_mut() {
            push_word(alt, word, s, e);
        }
    }

    /// Writes one word in both readings, and its hash.
    fn emit_word(&mut self, text: &str, letters: &[char], w: &RawWord) {
        let (s, e) = (w.start, w.end);
        // The common case: an ordinary word that reads as it is written.
        if let (Spelling::Simple(r), true) = (&w.spelling, w.as_written) {
            self.emit_as_written(&text[r.clone()], s, e);
            return;
        }
        let chars: &[char] = match &w.spelling {
            Spelling::Chars(r) => &letters[r.clone()],
            Spelling::Simple(r) => {
                self.chars_of_simple.clear();
                self.chars_of_simple.extend(text[r.clone()].chars());
                &self.chars_of_simple
            }
        };
        // `didn't` (the apostrophe dropped) and other plain words copied out of the text.
        if chars.iter().all(char::is_ascii_lowercase) {
            let mut word = std::mem::take(&mut self.primary);
            word.clear();
            word.extend(chars);
            if letters_read_as_written(word.as_bytes()) {
                self.emit_as_written(&word, s, e);
                self.primary = word;
                return;
            }
            self.primary = word;
        }
        if chars.contains(&'*') {
            let pattern: Vec<char> = chars.iter().map(|c| leet(*c, false)).collect();
            let count = pattern.iter().filter(|c| c.is_alphabetic()).count();
            if count >= 2 && pattern.first().is_some_and(|c| c.is_alphabetic()) {
                self.masked.push(MaskedWord {
                    pattern,
                    start: s,
                    end: e,
                });
            }
        }
        reading(chars, false, &mut self.scratch, &mut self.primary);
        self.hashes
            .push(super::duplicates::word_hash(self.primary.as_bytes()));
        let differs = needs_second_reading(chars) && {
            reading(chars, true, &mut self.scratch, &mut self.second);
            self.second != self.primary
        };
        if differs && self.alt.is_none() {
            self.alt = Some(self.words.clone());
        }
        push_word(&mut self.words, &self.primary, s, e);
        if let Some(alt) = self.alt.as_mut() {
            push_word(
                alt,
                if differs { &self.second } else { &self.primary },
                s,
                e,
            );
        }
    }

    /// Marks a clause boundary, once, and never before the first word.
    fn emit_break(&mut self, s: usize, e: usize) {
        let tail = self.words.text.trim_end();
        if !tail.is_empty() && !tail.ends_with('|') {
            push_break(&mut self.words, s, e);
            if let Some(alt) = self.alt.as_mut() {
                push_break(alt, s, e);
            }
        }
    }
}

fn push_word(m: &mut Mapped, text: &str, start: usize, end: usize) {
    if m.ends_in_space() {
        m.push_str(text, start, end);
    } else {
        m.push_spaced(text, start, end);
    }
}

fn push_break(m: &mut Mapped, start: usize, end: usize) {
    // The space before the bar comes from the same span as the bar: one segment.
    if m.ends_in_space() {
        m.push_str("|", start, end);
    } else {
        m.push_str(" |", start, end);
    }
}

fn push_gap(m: &mut Mapped, start: usize, end: usize) {
    if !m.ends_in_space() {
        m.push_str(" ", start, end);
    }
}

/// NFKC, case folding, accents stripped, look-alikes mapped, invisible characters dropped.
fn fold_plain(original: &str) -> Mapped {
    let mut out = Mapped::with_capacity(original.len(), original.len() / 4 + 4);
    let mut rest = original;
    let mut offset = 0;
    while !rest.is_empty() {
        // ASCII needs no normalisation: the common case, copied a run at a time.
        let ascii = rest.bytes().take_while(u8::is_ascii).count();
        if ascii > 0 {
            out.push_ascii(&rest[..ascii], offset);
            offset += ascii;
            rest = &rest[ascii..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        let (i, end) = (offset, offset + c.len_utf8());
        offset = end;
        rest = &rest[c.len_utf8()..];
        if is_invisible(c) {
            continue;
        }
        for k in std::iter::once(c).nfkc() {
            for d in std::iter::once(k).nfd() {
                if is_combining_mark(d) {
                    continue;
                }
                for l in d.to_lowercase() {
                    out.push(confusable(l), i, end);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::chars::{ASCII_CLASS, BREAK, WORD, apostrophe, is_clause_break, is_word_char};
    use super::*;

    fn words(s: &str) -> String {
        fold(s).words.text.trim().to_string()
    }

    #[test]
    fn folds_case_accents_and_lookalikes() {
        assert_eq!(words("Gо bасk tо Sуriа"), "go back to syria");
        assert_eq!(words("ＦＵＣＫ"), "fuck");
        assert_eq!(words("Café naïve"), "cafe naive");
    }

    #[test]
    fn removes_invisible_characters() {
        assert_eq!(
            words("f\u{200b}u\u{200b}c\u{200b}k\u{200b}i\u{200b}n\u{200b}g useless"),
            "fucking useless"
        );
    }

    #[test]
    fn undoes_leetspeak_inside_words_only() {
        assert_eq!(words("Sh1t service"), "shit service");
        assert_eq!(words("tw@t"), "twat");
        assert_eq!(words("$h!t"), "shit");
        assert_eq!(words("in 2016 we"), "in 2016 we");
        assert_eq!(words("Wow!"), "wow |");
        assert_eq!(words("fvcking cvnt"), "fucking cunt");
        assert_eq!(words("very vivid"), "very vivid");
    }

    #[test]
    fn joins_spelled_out_words() {
        assert_eq!(words("go f u c k itself"), "go fuck itself");
        assert_eq!(words("are c.u.n.t.s, every"), "are cunts | every");
        assert_eq!(words("f-u-c-k"), "fuck");
        assert_eq!(words("I am a dog"), "i am a dog");
        assert_eq!(words("is a w.h.o.r.e who"), "is a whore who");
        assert_eq!(words("I f-u-c-k-i-n-g am"), "i fucking am");
        assert_eq!(words("a b c d"), "abcd");
        // A phrase spelt out: words a wider gap apart are words of their own.
        assert_eq!(
            words("B u r n  t h e  h o s t e l  d o w n tonight"),
            "burn the hostel down tonight"
        );
        assert_eq!(words("k.i.l.l  t.h.e.m  a.l.l"), "kill them all");
        // One stray wide gap does not split a word.
        assert_eq!(words("go f u  c k itself"), "go fuck itself");
    }

    #[test]
    fn shortens_long_runs() {
        assert_eq!(words("Fuuuuuck shiiiiit"), "fuck shit");
        assert_eq!(
            fold("asssss")
                .words_alt
                .map(|m| m.text.trim().to_string())
                .as_deref(),
            Some("ass")
        );
        assert_eq!(words("assessment"), "assessment");
        // Numbers are not evasions: kept whole, and no second view is needed.
        assert_eq!(words("£1000 or 3,000"), "1000 or 3 | 000");
        assert!(fold("£1000 a month").words_alt.is_none());
    }

    #[test]
    fn keeps_masked_words_for_wildcards() {
        let f = fold("an absolute f*cking joke");
        assert_eq!(f.masked.len(), 1);
        assert_eq!(f.masked[0].pattern.iter().collect::<String>(), "f*cking");
        assert_eq!(
            &"an absolute f*cking joke"[f.masked[0].start..f.masked[0].end],
            "f*cking"
        );
    }

    #[test]
    fn maps_back_to_the_original() {
        let s = "So: Gо bасk!";
        let f = fold(s);
        let at = f.words.text.find("back").unwrap();
        let (a, b) = f.words.origin(at, at + 4);
        assert_eq!(&s[a..b], "bасk");
    }

    #[test]
    fn the_ascii_table_agrees_with_the_rule() {
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(
                ASCII_CLASS[usize::from(b)] & WORD != 0,
                is_word_char(apostrophe(c)),
                "{c:?}"
            );
            assert_eq!(
                ASCII_CLASS[usize::from(b)] & BREAK != 0,
                is_clause_break(apostrophe(c)),
                "{c:?}"
            );
        }
    }
}
