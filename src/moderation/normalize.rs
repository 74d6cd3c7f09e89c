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

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A derived text whose bytes map back to spans of the original.
#[derive(Debug, Default, Clone)]
pub struct Mapped {
    /// The derived text.
    pub text: String,
    /// Where each stretch of `text` came from, in order of `at`.
    segments: Vec<Segment>,
}

/// A stretch of derived text starting at byte `at` that came from `start..end` of the
/// original: byte for byte when `linear` (lower-cased ASCII), else as a whole (a word,
/// a folded character). With `gap`, its first byte is the space before a word, which
/// came from the empty span at `start` (one segment per word instead of two: words are
/// most of what folding writes).
#[derive(Debug, Clone, Copy)]
struct Segment {
    at: u32,
    start: u32,
    end: u32,
    linear: bool,
    gap: bool,
}

impl Mapped {
    fn with_capacity(bytes: usize, segments: usize) -> Mapped {
        Mapped {
            text: String::with_capacity(bytes),
            segments: Vec::with_capacity(segments),
        }
    }

    /// Starts a segment, at the end of the text, for text that came as a whole from
    /// `start..end` of the original; with `gap`, after a space from the empty span at
    /// `start`.
    #[inline]
    fn open_segment(&mut self, start: usize, end: usize, gap: bool) {
        self.segments.push(Segment {
            at: self.text.len() as u32,
            start: start as u32,
            end: end as u32,
            linear: false,
            gap,
        });
    }

    /// Appends text that came, as a whole, from `start..end` of the original.
    #[inline]
    fn push_str(&mut self, text: &str, start: usize, end: usize) {
        self.open_segment(start, end, false);
        self.text.push_str(text);
    }

    /// Appends a space, from the empty span at `start`, then a word from `start..end`.
    #[inline]
    fn push_spaced(&mut self, word: &str, start: usize, end: usize) {
        self.open_segment(start, end, true);
        self.text.push(' ');
        self.text.push_str(word);
    }

    /// Whether the text so far ends in a space (words and bars need none before them).
    #[inline]
    fn ends_in_space(&self) -> bool {
        self.text.as_bytes().last() == Some(&b' ')
    }

    /// Appends one character that came from `start..end` of the original.
    #[inline]
    fn push(&mut self, c: char, start: usize, end: usize) {
        let mut buf = [0; 4];
        self.push_str(c.encode_utf8(&mut buf), start, end);
    }

    /// Appends lower-cased ASCII that maps byte for byte onto the original from `start`.
    fn push_ascii(&mut self, ascii: &str, start: usize) {
        let at = self.text.len() as u32;
        match self.segments.last_mut() {
            Some(last) if last.linear && last.end == start as u32 => {
                last.end += ascii.len() as u32;
            }
            _ => self.segments.push(Segment {
                at,
                start: start as u32,
                end: (start + ascii.len()) as u32,
                linear: true,
                gap: false,
            }),
        }
        let from = self.text.len();
        self.text.push_str(ascii);
        self.text[from..].make_ascii_lowercase();
    }

    /// The original span behind the derived byte at `at`.
    fn span_of(&self, at: usize) -> (usize, usize) {
        let i = self.segments.partition_point(|s| s.at as usize <= at);
        self.segment_span(i.wrapping_sub(1), at)
    }

    fn segment_span(&self, index: usize, at: usize) -> (usize, usize) {
        let Some(seg) = self.segments.get(index) else {
            return (0, 0);
        };
        if seg.linear {
            let s = seg.start as usize + (at - seg.at as usize);
            (s, (s + 1).min(seg.end as usize))
        } else if seg.gap && at == seg.at as usize {
            (seg.start as usize, seg.start as usize)
        } else {
            (seg.start as usize, seg.end as usize)
        }
    }

    /// The original span behind the derived bytes `start..end`.
    pub fn origin(&self, start: usize, end: usize) -> (usize, usize) {
        if self.text.is_empty() {
            return (0, 0);
        }
        let last = self.text.len() - 1;
        let s = start.min(last);
        let e = end.saturating_sub(1).clamp(s, last);
        (self.span_of(s).0, self.span_of(e).1)
    }
}

/// Reads origins of increasing positions without searching from the start each time.
struct Cursor<'a> {
    mapped: &'a Mapped,
    index: usize,
}

impl Cursor<'_> {
    /// The original span behind the derived byte at `at`, which must not go backwards.
    fn span_of(&mut self, at: usize) -> (usize, usize) {
        let segs = &self.mapped.segments;
        while self.index + 1 < segs.len() && segs[self.index + 1].at as usize <= at {
            self.index += 1;
        }
        self.mapped.segment_span(self.index, at)
    }
}

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
        if let (true, Some(first), Some(last)) = (run.len() >= 3, run.first(), run.last()) {
            let from = self.letters.len();
            for w in &run {
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
            for w in &run {
                self.out.emit_word(self.text, &self.letters, w);
            }
        }
        self.run = run;
        self.run.clear();
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

/// Whether a word of lower-case ASCII letters or digits reads as written: all digits (a
/// number), or all letters with no `v` between consonants (`fvck`) and no run of three
/// (`fuuuck`).
fn reads_as_written(word: &[u8]) -> bool {
    if word.iter().all(u8::is_ascii_digit) {
        return true;
    }
    word.iter().all(u8::is_ascii_lowercase) && letters_read_as_written(word)
}

/// Whether a word of lower-case ASCII letters reads as written (see `reading`): no run of
/// three and no `v` that the primary reading turns into `u`. Turning a `v` into a vowel
/// only makes its neighbours' `v`s less likely to turn, so looking at the word as written
/// is enough.
fn letters_read_as_written(word: &[u8]) -> bool {
    !has_triple(word) && !has_v_between_consonants(word)
}

/// Whether a `v` stands between two consonants (`fvck`, `cvnt`).
fn has_v_between_consonants(word: &[u8]) -> bool {
    let consonant = |b: u8| b.is_ascii_lowercase() && !b"aeiouy".contains(&b);
    word.contains(&b'v')
        && word
            .windows(3)
            .any(|w| w[1] == b'v' && consonant(w[0]) && consonant(w[2]))
}

/// Whether three bytes in a row are the same (`fuuuck`).
fn has_triple(word: &[u8]) -> bool {
    word.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

/// Words with an ambiguous leet character or a long run of one letter get a second reading.
fn needs_second_reading(chars: &[char]) -> bool {
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

/// Characters that render as nothing and are used to split words invisibly.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

/// Cyrillic and Greek letters that look like Latin ones (lower case, after folding).
fn confusable(c: char) -> char {
    match c {
        'а' => 'a',
        'в' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'є' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' | 'ӏ' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'н' | 'η' => 'n',
        'о' | 'ο' | 'σ' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' | 'μ' => 'u',
        'ν' | 'ѵ' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' | 'ү' => 'y',
        'α' => 'a',
        'β' => 'b',
        'ζ' => 'z',
        _ => c,
    }
}

/// Symbols that stand in for letters inside a word.
fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!' | '*' | '#' | '|' | '+' | '€' | '¡')
}

/// Undoes one leetspeak character; `second` picks the other reading of ambiguous ones.
fn leet(c: char, second: bool) -> char {
    match c {
        '@' | '4' => 'a',
        '0' => 'o',
        '1' | '!' | '|' | '¡' => {
            if second {
                'l'
            } else {
                'i'
            }
        }
        '3' | '€' => 'e',
        '$' | '5' => 's',
        '7' | '+' => 't',
        '8' => 'b',
        '#' | '*' => '*',
        'v' if second => 'u',
        _ => c,
    }
}

/// One reading of a word: leetspeak undone and runs of 3+ identical letters shortened
/// (to one letter in the primary reading, two in the second). A `v` between consonants
/// reads as `u` (`fvck`, `cvnt`); the second reading turns every `v` into `u`.
fn reading(chars: &[char], second: bool, mapped: &mut Vec<char>, out: &mut String) {
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

#[derive(Debug)]
struct RawWord {
    /// Where the word's characters are.
    spelling: Spelling,
    /// A `Simple` word that reads as written (see `reads_as_written`).
    as_written: bool,
    start: usize,
    end: usize,
}

/// A word's characters: most words are plain lower-case ASCII and are read straight from
/// the folded text; the rest are copied, apostrophes dropped, into a shared buffer.
#[derive(Debug, Clone)]
enum Spelling {
    /// Bytes of the folded text, all lower-case ASCII letters or digits.
    Simple(std::ops::Range<usize>),
    /// Characters in the shared buffer.
    Chars(std::ops::Range<usize>),
}

/// What each byte is to the scanner: `WORD` for ASCII `is_word_char`, `PLAIN` for the
/// lower-case letters and digits that make up ordinary words, `LETTER` for the lower-case
/// letters but `v` (`fvck`), `ALPHA` for all the lower-case letters, `DIGIT` for digits,
/// `BREAK` for ASCII `is_clause_break`. Bytes of non-ASCII characters have no class.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        if c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'@' | b'$' | b'!' | b'*' | b'#' | b'|' | b'+' | b'\'' | b'`'
            )
        {
            table[i] |= WORD;
        }
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            table[i] |= PLAIN;
        }
        if c.is_ascii_lowercase() && c != b'v' {
            table[i] |= LETTER;
        }
        if c.is_ascii_lowercase() {
            table[i] |= ALPHA;
        }
        if c.is_ascii_digit() {
            table[i] |= DIGIT;
        }
        if matches!(
            c,
            b'.' | b',' | b';' | b':' | b'?' | b'\n' | b'(' | b')' | b'"'
        ) {
            table[i] |= BREAK;
        }
        i += 1;
    }
    table
};
const WORD: u8 = 1;
const PLAIN: u8 = 2;
const LETTER: u8 = 4;
const DIGIT: u8 = 8;
const BREAK: u8 = 16;
const ALPHA: u8 = 32;

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_leet_symbol(c) || c == '\''
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '?' | '\n' | '(' | ')' | '"' | '“' | '”' | '…' | '—' | '–'
    )
}

/// Cuts the folded text into words and clause breaks and hands them to the folder in
/// order. Ordinary words (lower-case ASCII letters and digits) are read straight from the
/// text; the characters of the others go to the folder's shared buffer, apostrophes
/// dropped.
fn scan_words(plain: &Mapped, folder: &mut Folder) {
    let text = plain.text.as_str();
    let bytes = text.as_bytes();
    let mut cursor = Cursor {
        mapped: plain,
        index: 0,
    };
    // The word being read: where it starts, and the classes every byte so far shares
    // (nothing once a character is not ASCII).
    let mut word: Option<(usize, u8)> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Most text is ASCII: one table look-up per byte, and a tight loop inside words.
        if b.is_ascii() {
            let class = ASCII_CLASS[usize::from(b)];
            if class & WORD != 0 {
                let (_, shared) = word.get_or_insert((i, u8::MAX));
                *shared &= class;
                i += 1;
                while let Some(&b) = bytes.get(i) {
                    let class = ASCII_CLASS[usize::from(b)];
                    if class & WORD == 0 {
                        break;
                    }
                    *shared &= class;
                    i += 1;
                }
                continue;
            }
            if let Some((from, shared)) = word.take() {
                flush_word(text, from, i, shared, &mut cursor, folder);
            }
            if class & BREAK != 0 {
                let (s, e) = cursor.span_of(i);
                folder.clause_break(s, e);
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let width = c.len_utf8();
        let c = apostrophe(c);
        if is_word_char(c) {
            let (_, shared) = word.get_or_insert((i, 0));
            *shared = 0;
        } else {
            if let Some((from, shared)) = word.take() {
                flush_word(text, from, i, shared, &mut cursor, folder);
            }
            if is_clause_break(c) {
                let (s, e) = cursor.span_of(i);
                folder.clause_break(s, e);
            }
        }
        i += width;
    }
    if let Some((from, shared)) = word {
        flush_word(text, from, text.len(), shared, &mut cursor, folder);
    }
}

/// Hands the word at `from..to` of the folded text to the folder, trimmed; `shared`
/// holds the `ASCII_CLASS` bits all its characters have.
fn flush_word(
    text: &str,
    from: usize,
    to: usize,
    shared: u8,
    cursor: &mut Cursor,
    folder: &mut Folder,
) {
    if shared & PLAIN != 0 {
        let (start, _) = cursor.span_of(from);
        let (_, end) = cursor.span_of(to - 1);
        let as_written = shared & DIGIT != 0
            || (shared & LETTER != 0 && !has_triple(&text.as_bytes()[from..to]))
            || (shared & ALPHA != 0 && letters_read_as_written(&text.as_bytes()[from..to]));
        // Most words: nothing waits to be joined, so the word goes straight to the views.
        if as_written && to - from > 1 && folder.held_break.is_none() && folder.run.is_empty() {
            folder.out.emit_as_written(&text[from..to], start, end);
            return;
        }
        folder.word(RawWord {
            spelling: Spelling::Simple(from..to),
            as_written,
            start,
            end,
        });
        return;
    }
    let word = &text[from..to];
    let (s, e) = trim_word(word);
    if s >= e {
        return;
    }
    let (start, _) = cursor.span_of(from + s);
    let (_, end) = cursor.span_of(from + e - 1);
    let inner = &word[s..e];
    let (spelling, as_written) = if inner
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    {
        (
            Spelling::Simple(from + s..from + e),
            reads_as_written(inner.as_bytes()),
        )
    } else {
        let first = folder.letters.len();
        folder
            .letters
            .extend(inner.chars().map(apostrophe).filter(|c| *c != '\''));
        (Spelling::Chars(first..folder.letters.len()), false)
    };
    folder.word(RawWord {
        spelling,
        as_written,
        start,
        end,
    });
    // `Wow! Next` : the `!` ended the word and the clause.
    if word.ends_with(['!', '|']) {
        let (s, e) = cursor.span_of(to - 1);
        folder.clause_break(s, e);
    }
}

/// Typographic apostrophes and backticks read as `'`.
fn apostrophe(c: char) -> char {
    if c == '’' || c == '`' { '\'' } else { c }
}

/// The byte range of `word` left after dropping symbols and apostrophes at either end
/// (`"fuck!"`, `'quoted'`), keeping a trailing mask (`f**`); empty when nothing is left
/// to read (`***`).
fn trim_word(word: &str) -> (usize, usize) {
    // The common case: an ordinary word with nothing to trim.
    if let (Some(first), Some(last)) = (word.bytes().next(), word.bytes().last())
        && first.is_ascii_alphanumeric()
        && last.is_ascii_alphanumeric()
    {
        return (0, word.len());
    }
    let is_edge_junk = |c: char| c == '\'' || (is_leet_symbol(c) && c != '@' && c != '$');
    let start = word
        .char_indices()
        .find(|(_, c)| !is_edge_junk(apostrophe(*c)))
        .map_or(word.len(), |(i, _)| i);
    let end = word[start..]
        .char_indices()
        .rev()
        .find(|(_, c)| !matches!(apostrophe(*c), '\'' | '!' | '|' | '+'))
        .map_or(start, |(i, c)| start + i + c.len_utf8());
    let inner = &word[start..end];
    // A word that is only symbols and masks (`***`) carries no letters to read.
    if inner
        .chars()
        .all(|c| !c.is_alphabetic() && !c.is_ascii_digit())
    {
        return (0, 0);
    }
    (start, end)
}

#[cfg(test)]
mod tests {
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
