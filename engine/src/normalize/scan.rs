//! The scanner: cuts the folded text into words and clause breaks and hands them to the
//! folder.

use super::chars::{
    ALPHA, ASCII_CLASS, BREAK, DIGIT, LETTER, PLAIN, WORD, apostrophe, is_clause_break,
    is_leet_symbol, is_word_char,
};
use super::mapped::Cursor;
use super::readings::{has_triple, letters_read_as_written, reads_as_written};
use super::{Folder, Mapped};

#[derive(Debug)]
pub(super) struct RawWord {
    /// Where the word's characters are.
    pub(super) spelling: Spelling,
    /// A `Simple` word that reads as written (see `reads_as_written`).
    pub(super) as_written: bool,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A word's characters: most words are plain lower-case ASCII and are read straight from
/// the folded text; the rest are copied, apostrophes dropped, into a shared buffer.
#[derive(Debug, Clone)]
pub(super) enum Spelling {
    /// Bytes of the folded text, all lower-case ASCII letters or digits.
    Simple(std::ops::Range<usize>),
    /// Characters in the shared buffer.
    Chars(std::ops::Range<usize>),
}

/// order. Ordinary words (lower-case ASCII letters and digits) are read straight from the
/// text; the characters of the others go to the folder's shared buffer, apostrophes
/// dropped.
pub(super) fn scan_words(plain: &Mapped, folder: &mut Folder) {
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
pub(super) fn flush_word(
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

/// The byte range of `word` left after dropping symbols and apostrophes at either end
/// (`"fuck!"`, `'quoted'`), keeping a trailing mask (`f**`); empty when nothing is left
/// to read (`***`).
pub(super) fn trim_word(word: &str) -> (usize, usize) {
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
