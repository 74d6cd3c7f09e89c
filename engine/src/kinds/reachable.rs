//! Whether a pattern can match the words view at all. The words view holds lower-case
//! letters, digits, spaces and `|` (clause ends), other scripts' letters as they are, and
//! it ends with a space; a pattern needing anything else (`!`, `$` after a word, capitals)
//! can never fire, which `rules lint` says rather than shipping a dead rule.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Whether a character can occur in the words view.
fn in_view(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == ' ' || c == '|' || !c.is_ascii()
}

/// Why `hir` can never match the words view, if it cannot.
pub(crate) fn never_in_words_view(hir: &Hir) -> Option<String> {
    let mut why = None;
    (!possible(hir, &mut why)).then(|| why.unwrap_or_else(|| "it cannot match".into()))
}

fn possible(hir: &Hir, why: &mut Option<String>) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => true,
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            Ok(text) => match text.chars().find(|c| !in_view(*c)) {
                None => true,
                Some(c) => {
                    why.get_or_insert_with(|| {
                        format!(
                            "`{c}` never occurs in the words view (lower-case letters, digits, spaces and `|`); use on = \"text\" to match punctuation"
                        )
                    });
                    false
                }
            },
            Err(_) => true,
        },
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(in_view) || !r.end().is_ascii()),
        HirKind::Class(Class::Bytes(class)) => class
            .ranges()
            .iter()
            .any(|r| (r.start()..=r.end()).any(|b| !b.is_ascii() || in_view(char::from(b)))),
        HirKind::Repetition(rep) => rep.min == 0 || possible(&rep.sub, why),
        HirKind::Capture(cap) => possible(&cap.sub, why),
        HirKind::Alternation(subs) => {
            let mut any = false;
            for sub in subs {
                any |= possible(sub, why);
            }
            any
        }
        HirKind::Concat(subs) => {
            for (k, sub) in subs.iter().enumerate() {
                if !possible(sub, why) {
                    return false;
                }
                let at_end = matches!(
                    sub.kind(),
                    HirKind::Look(Look::End | Look::EndLF | Look::EndCRLF)
                );
                if at_end && k > 0 && last_is_word(&subs[k - 1]) {
                    why.get_or_insert_with(|| {
                        "`$` follows a letter or digit, but the words view ends with a space; write ` *$`".into()
                    });
                    return false;
                }
            }
            true
        }
    }
}

/// Whether every match of `hir` ends in a letter or digit (not a space or `|`).
fn last_is_word(hir: &Hir) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric();
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.last().is_some_and(|b| word(char::from(*b))),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .all(|r| r.end().is_ascii() && (r.start()..=r.end()).all(word)),
        HirKind::Capture(cap) => last_is_word(&cap.sub),
        HirKind::Repetition(rep) => rep.min > 0 && last_is_word(&rep.sub),
        HirKind::Alternation(subs) => subs.iter().all(last_is_word),
        HirKind::Concat(subs) => subs.last().is_some_and(last_is_word),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(pattern: &str) -> Option<String> {
        never_in_words_view(&regex_syntax::Parser::new().parse(pattern).unwrap())
    }

    #[test]
    fn dead_patterns_are_found() {
        assert!(check("buy now!").is_some_and(|w| w.contains("`!`")));
        assert!(check("(?:cheap|free)$").is_some_and(|w| w.contains("`$`")));
        assert!(check("Capital").is_some());
        for fine in [
            "buy now",
            "\\bone less\\b(?: \\|)? *$",
            "(?:^|\\|) go",
            "pay(?:!|ment)",
            "[a-z!]+",
            "x?!?",
            "поезд",
            "\\d+ quid",
        ] {
            assert_eq!(check(fine), None, "{fine}");
        }
    }
}
