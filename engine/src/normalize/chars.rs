//! The character tables: invisible characters, look-alike letters, leetspeak, and what
//! each ASCII byte is to the scanner.

/// Characters that render as nothing and are used to split words invisibly.
pub(super) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{E0000}'..='\u{E007F}')
}

/// Cyrillic and Greek letters that look like Latin ones (lower case, after folding).
pub(super) fn confusable(c: char) -> char {
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
pub(super) fn is_leet_symbol(c: char) -> bool {
    matches!(c, '@' | '$' | '!' | '*' | '#' | '|' | '+' | '€' | '¡')
}

/// Undoes one leetspeak character; `second` picks the other reading of ambiguous ones.
pub(super) fn leet(c: char, second: bool) -> char {
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

/// What each byte is to the scanner: `WORD` for ASCII `is_word_char`, `PLAIN` for the
/// lower-case letters and digits that make up ordinary words, `LETTER` for the lower-case
/// letters but `v` (`fvck`), `ALPHA` for all the lower-case letters, `DIGIT` for digits,
/// `BREAK` for ASCII `is_clause_break`. Bytes of non-ASCII characters have no class.
pub(super) const ASCII_CLASS: [u8; 256] = {
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
pub(super) const WORD: u8 = 1;
pub(super) const PLAIN: u8 = 2;
pub(super) const LETTER: u8 = 4;
pub(super) const DIGIT: u8 = 8;
pub(super) const BREAK: u8 = 16;
pub(super) const ALPHA: u8 = 32;

pub(super) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_leet_symbol(c) || c == '\''
}

pub(super) fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '?' | '\n' | '(' | ')' | '"' | '“' | '”' | '…' | '—' | '–'
    )
}

/// Cuts the folded text into words and clause breaks and hands them to the folder in
/// Typographic apostrophes and backticks read as `'`.
pub(super) fn apostrophe(c: char) -> char {
    if c == '’' || c == '`' { '\'' } else { c }
}
