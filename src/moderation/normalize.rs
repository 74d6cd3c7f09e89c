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

use std::collections::BTreeSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A derived text whose bytes map back to spans of the original.
#[derive(Debug, Default, Clone)]
pub struct Mapped {
    /// The derived text.
    pub text: String,
    starts: Vec<u32>,
    ends: Vec<u32>,
}

impl Mapped {
    fn push(&mut self, c: char, start: usize, end: usize) {
        self.text.push(c);
        for _ in 0..c.len_utf8() {
            self.starts.push(start as u32);
            self.ends.push(end as u32);
        }
    }

    /// The original span behind the derived bytes `start..end`.
    pub fn origin(&self, start: usize, end: usize) -> (usize, usize) {
        if self.starts.is_empty() {
            return (0, 0);
        }
        let s = start.min(self.starts.len() - 1);
        let e = end.saturating_sub(1).clamp(s, self.ends.len() - 1);
        (self.starts[s] as usize, self.ends[e] as usize)
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
    /// Number of words.
    pub word_count: usize,
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
    let raw = split_words(&plain);
    let raw = join_spelled_out(raw);
    let mut words = Mapped::default();
    let mut alt = Mapped::default();
    let mut alt_differs = false;
    let mut masked = Vec::new();
    let mut word_count = 0;
    for item in &raw {
        match item {
            Piece::Break(start, end) => {
                let tail = words.text.trim_end();
                if !tail.is_empty() && !tail.ends_with('|') {
                    let (s, e) = (*start, *end);
                    for m in [&mut words, &mut alt] {
                        push_gap(m, s, e);
                        m.push('|', s, e);
                    }
                }
            }
            Piece::Word(w) => {
                word_count += 1;
                let (s, e) = (w.start, w.end);
                if w.chars.contains(&'*') {
                    let pattern: Vec<char> = w.chars.iter().map(|c| leet(*c, false)).collect();
                    let letters = pattern.iter().filter(|c| c.is_alphabetic()).count();
                    if letters >= 2 && pattern.first().is_some_and(|c| c.is_alphabetic()) {
                        masked.push(MaskedWord {
                            pattern,
                            start: s,
                            end: e,
                        });
                    }
                }
                let primary = reading(&w.chars, false);
                let second = reading(&w.chars, true);
                alt_differs |= primary != second;
                for (m, text) in [(&mut words, &primary), (&mut alt, &second)] {
                    push_gap(m, s, s);
                    for c in text.chars() {
                        m.push(c, s, e);
                    }
                }
            }
        }
    }
    for m in [&mut words, &mut alt] {
        let end = original.len();
        push_gap(m, end, end);
    }
    Folded {
        plain,
        words,
        words_alt: alt_differs.then_some(alt),
        masked,
        word_count,
    }
}

fn push_gap(m: &mut Mapped, start: usize, end: usize) {
    if !m.text.ends_with(' ') {
        m.push(' ', start, end);
    }
}

/// NFKC, case folding, accents stripped, look-alikes mapped, invisible characters dropped.
pub fn fold_plain(original: &str) -> Mapped {
    let mut out = Mapped::default();
    for (i, c) in original.char_indices() {
        let end = i + c.len_utf8();
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
/// (to one letter in the primary reading, two in the second).
fn reading(chars: &[char], second: bool) -> String {
    let has_letter = chars.iter().any(|c| c.is_alphabetic());
    let mapped = chars.iter().map(|c| {
        if c.is_ascii_digit() && !has_letter {
            *c
        } else {
            leet(*c, second)
        }
    });
    let keep = if second { 2 } else { 1 };
    let mut out = String::new();
    let mut prev = None;
    let mut run = 0;
    let buffered: Vec<char> = mapped.collect();
    for (i, c) in buffered.iter().enumerate() {
        run = if prev == Some(*c) { run + 1 } else { 1 };
        prev = Some(*c);
        let run_len = run + buffered[i + 1..].iter().take_while(|n| *n == c).count();
        if run_len >= 3 && run > keep {
            continue;
        }
        out.push(*c);
    }
    out
}

#[derive(Debug)]
struct RawWord {
    chars: Vec<char>,
    start: usize,
    end: usize,
}

#[derive(Debug)]
enum Piece {
    Word(RawWord),
    /// A clause boundary, with its span in the original.
    Break(usize, usize),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_leet_symbol(c) || c == '\''
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '?' | '\n' | '(' | ')' | '"' | '“' | '”' | '…' | '—' | '–'
    )
}

/// Cuts the folded text into words and clause breaks.
fn split_words(plain: &Mapped) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut current: Vec<(char, usize)> = Vec::new();
    let flush = |current: &mut Vec<(char, usize)>, pieces: &mut Vec<Piece>| {
        let trimmed = trim_word(current);
        if let (Some(first), Some(last)) = (trimmed.first(), trimmed.last()) {
            let has_alnum = trimmed.iter().any(|(c, _)| c.is_alphanumeric());
            if has_alnum {
                let (start, _) = plain.origin(first.1, first.1 + 1);
                let (_, end) = plain.origin(last.1, last.1 + last.0.len_utf8());
                let chars = trimmed
                    .iter()
                    .map(|(c, _)| *c)
                    .filter(|c| *c != '\'')
                    .collect();
                pieces.push(Piece::Word(RawWord { chars, start, end }));
            }
        }
        // `Wow! Next` : the `!` ended the word and the clause.
        if let Some((c, i)) = current.last().copied()
            && matches!(c, '!' | '|')
            && !trimmed.is_empty()
        {
            let (s, e) = plain.origin(i, i + 1);
            pieces.push(Piece::Break(s, e));
        }
        current.clear();
    };
    for (i, c) in plain.text.char_indices() {
        let c = if c == '’' || c == '`' { '\'' } else { c };
        if is_word_char(c) {
            current.push((c, i));
            continue;
        }
        // A `!` or `|` ending a word is punctuation, not a letter.
        flush(&mut current, &mut pieces);
        if is_clause_break(c) || c == '!' {
            let (s, e) = plain.origin(i, i + c.len_utf8());
            pieces.push(Piece::Break(s, e));
        }
    }
    flush(&mut current, &mut pieces);
    pieces
}

/// Drops symbols and apostrophes at either end of a word (`"fuck!"`, `'quoted'`), keeping
/// a trailing mask (`f**`) only when it follows a letter.
fn trim_word(word: &[(char, usize)]) -> &[(char, usize)] {
    let is_edge_junk = |c: char| c == '\'' || (is_leet_symbol(c) && c != '@' && c != '$');
    let mut start = 0;
    let mut end = word.len();
    while start < end && is_edge_junk(word[start].0) {
        start += 1;
    }
    while end > start && (word[end - 1].0 == '\'' || matches!(word[end - 1].0, '!' | '|' | '+')) {
        end -= 1;
    }
    let inner = &word[start..end];
    // A word that is only symbols and masks (`***`) carries no letters to read.
    if inner
        .iter()
        .all(|(c, _)| !c.is_alphabetic() && !c.is_ascii_digit())
    {
        return &[];
    }
    inner
}

/// Joins runs of three or more one-letter words (`f u c k`, `c.u.n.t.s`) into one word.
/// Single letters separated by dots or spaces are how people spell a word out to dodge
/// filters; ordinary text rarely has three such letters in a row.
fn join_spelled_out(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(pieces.len());
    let mut run: Vec<RawWord> = Vec::new();
    let close_run = |run: &mut Vec<RawWord>, out: &mut Vec<Piece>| {
        if run.len() >= 3 {
            let start = run[0].start;
            let end = run[run.len() - 1].end;
            let chars = run.iter().flat_map(|w| w.chars.iter().copied()).collect();
            out.push(Piece::Word(RawWord { chars, start, end }));
            run.clear();
        } else {
            out.extend(run.drain(..).map(Piece::Word));
        }
    };
    let mut iter = pieces.into_iter().peekable();
    while let Some(piece) = iter.next() {
        match piece {
            Piece::Word(w) if w.chars.len() == 1 && w.chars[0].is_alphanumeric() => {
                let adjacent = run
                    .last()
                    .is_none_or(|prev: &RawWord| w.start.saturating_sub(prev.end) <= 3);
                if !adjacent {
                    close_run(&mut run, &mut out);
                }
                run.push(w);
            }
            Piece::Break(s, e) => {
                // `c.u.n.t.s`: a dot right between two single letters is a separator.
                let next_single = matches!(iter.peek(), Some(Piece::Word(n)) if n.chars.len() == 1);
                if !run.is_empty() && next_single && e - s <= 1 {
                    continue;
                }
                close_run(&mut run, &mut out);
                out.push(Piece::Break(s, e));
            }
            other => {
                close_run(&mut run, &mut out);
                out.push(other);
            }
        }
    }
    close_run(&mut run, &mut out);
    out
}

/// The distinct lower-cased words of a text, punctuation and emoji ignored; for
/// near-duplicate fingerprints.
pub fn word_set(text: &str) -> BTreeSet<String> {
    let plain = fold_plain(text);
    plain
        .text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
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
        assert_eq!(
            fold("fvcking")
                .words_alt
                .map(|m| m.text.trim().to_string())
                .as_deref(),
            Some("fucking")
        );
    }

    #[test]
    fn joins_spelled_out_words() {
        assert_eq!(words("go f u c k itself"), "go fuck itself");
        assert_eq!(words("are c.u.n.t.s, every"), "are cunts | every");
        assert_eq!(words("f-u-c-k"), "fuck");
        assert_eq!(words("I am a dog"), "i am a dog");
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
}
