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
    /// For each byte of `text`, the original span it came from.
    spans: Vec<(u32, u32)>,
}

impl Mapped {
    fn with_capacity(bytes: usize) -> Mapped {
        Mapped {
            text: String::with_capacity(bytes),
            spans: Vec::with_capacity(bytes),
        }
    }

    #[inline]
    fn push(&mut self, c: char, start: usize, end: usize) {
        self.text.push(c);
        let span = (start as u32, end as u32);
        if c.is_ascii() {
            self.spans.push(span);
        } else {
            self.spans.extend(std::iter::repeat_n(span, c.len_utf8()));
        }
    }

    /// The original span behind the derived bytes `start..end`.
    pub fn origin(&self, start: usize, end: usize) -> (usize, usize) {
        if self.spans.is_empty() {
            return (0, 0);
        }
        let last = self.spans.len() - 1;
        let s = start.min(last);
        let e = end.saturating_sub(1).clamp(s, last);
        (self.spans[s].0 as usize, self.spans[e].1 as usize)
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
    let raw = join_spelled_out(split_words(&plain));
    let mut scratch = Vec::new();
    // Readings first: most texts need no second reading, and then no second view.
    let readings: Vec<Option<(String, Option<String>)>> = raw
        .iter()
        .map(|item| match item {
            Piece::Word(w) => {
                let primary = reading(&w.chars, false, &mut scratch);
                let second = needs_second_reading(&w.chars)
                    .then(|| reading(&w.chars, true, &mut scratch))
                    .filter(|s| *s != primary);
                Some((primary, second))
            }
            Piece::Break(..) => None,
        })
        .collect();
    let with_alt = readings
        .iter()
        .flatten()
        .any(|(_, second)| second.is_some());
    let mut words = Mapped::with_capacity(plain.text.len() + 16);
    let mut alt = if with_alt {
        Mapped::with_capacity(plain.text.len() + 16)
    } else {
        Mapped::default()
    };
    let mut masked = Vec::new();
    let mut word_count = 0;
    for (item, reading) in raw.iter().zip(&readings) {
        match (item, reading) {
            (Piece::Word(w), Some((primary, second))) => {
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
                push_word(&mut words, primary, s, e);
                if with_alt {
                    push_word(&mut alt, second.as_ref().unwrap_or(primary), s, e);
                }
            }
            (Piece::Break(s, e), _) => {
                let tail = words.text.trim_end();
                if !tail.is_empty() && !tail.ends_with('|') {
                    push_break(&mut words, *s, *e);
                    if with_alt {
                        push_break(&mut alt, *s, *e);
                    }
                }
            }
            _ => {}
        }
    }
    let end = original.len();
    push_gap(&mut words, end, end);
    push_gap(&mut alt, end, end);
    Folded {
        plain,
        words,
        words_alt: with_alt.then_some(alt),
        masked,
        word_count,
    }
}

fn push_word(m: &mut Mapped, text: &str, start: usize, end: usize) {
    push_gap(m, start, start);
    for c in text.chars() {
        m.push(c, start, end);
    }
}

fn push_break(m: &mut Mapped, start: usize, end: usize) {
    push_gap(m, start, end);
    m.push('|', start, end);
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
        || chars.windows(3).any(|w| w[0] == w[1] && w[1] == w[2])
}

fn push_gap(m: &mut Mapped, start: usize, end: usize) {
    if !m.text.ends_with(' ') {
        m.push(' ', start, end);
    }
}

/// NFKC, case folding, accents stripped, look-alikes mapped, invisible characters dropped.
pub fn fold_plain(original: &str) -> Mapped {
    let mut out = Mapped::with_capacity(original.len());
    for (i, c) in original.char_indices() {
        // ASCII needs no normalisation: the common case, kept fast.
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase(), i, i + 1);
            continue;
        }
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
/// (to one letter in the primary reading, two in the second). A `v` between consonants
/// reads as `u` (`fvck`, `cvnt`); the second reading turns every `v` into `u`.
fn reading(chars: &[char], second: bool, mapped: &mut Vec<char>) -> String {
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
    let mut out = String::with_capacity(mapped.len());
    let mut run = 0;
    for (i, c) in mapped.iter().enumerate() {
        run = if i > 0 && mapped[i - 1] == *c {
            run + 1
        } else {
            1
        };
        if run > keep {
            let run_len = run + mapped[i + 1..].iter().take_while(|n| *n == c).count();
            if run_len >= 3 {
                continue;
            }
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
