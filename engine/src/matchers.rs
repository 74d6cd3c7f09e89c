//! Word lists (one Aho-Corasick automaton for every list at once), pattern sets, links,
//! shouting and repeated text. Matchers work on `normalize::Folded` views and return
//! spans of the original text.

use std::collections::HashSet;

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::{Anchored, Input, MatchKind};

use super::normalize::Folded;

/// Endings added to a whole-word entry, so `cunt` also catches `cunts` and `bitch`
/// `bitching` (and the slang plurals `niggaz`, `hoez`), without substring matching
/// (which would hit Scunthorpe).
const INFLECTIONS: &[&str] = &["", "s", "es", "z", "ed", "ing", "in", "er", "ers"];

/// How a list entry matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// The whole word (or phrase), with common endings.
    Word,
    /// Any word starting with it: `fuck*`.
    Prefix,
    /// Any word containing it: `*fuck*` (use only for roots no innocent word contains).
    Infix,
}

/// One parsed list line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The folded term, words separated by single spaces.
    pub term: String,
    /// How it matches.
    pub kind: EntryKind,
    /// 1-based line in its file.
    pub line: usize,
}

/// Parses a list file: one entry per line, `#` starts a comment, `word*` a prefix,
/// `*word*` an infix. Entries are folded like comments, so a list may be written with
/// capitals or accents.
pub fn parse_list(text: &str) -> Result<Vec<Entry>, (usize, String)> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.split_once('#').map_or(raw, |(a, _)| a).trim();
        if raw.is_empty() {
            continue;
        }
        let (kind, body) = match (raw.strip_prefix('*'), raw.strip_suffix('*')) {
            (Some(inner), _) => match inner.strip_suffix('*') {
                Some(inner) => (EntryKind::Infix, inner),
                None => {
                    return Err((
                        line,
                        format!("`{raw}`: a leading `*` needs a trailing `*` too (write `*word*`)"),
                    ));
                }
            },
            (None, Some(inner)) => (EntryKind::Prefix, inner),
            (None, None) => (EntryKind::Word, raw),
        };
        if body.contains('*') {
            return Err((line, format!("`{raw}`: `*` may only start or end an entry")));
        }
        let chars: Vec<char> = body.chars().collect();
        if chars
            .windows(3)
            .any(|w| w[0] == w[1] && w[1] == w[2] && w[0].is_alphabetic())
        {
            return Err((
                line,
                format!(
                    "`{raw}`: three identical letters in a row never match (comments are read with long runs of a letter shortened)"
                ),
            ));
        }
        let folded = super::normalize::fold(body);
        let term = folded
            .words
            .text
            .split(' ')
            .filter(|w| !w.is_empty() && *w != "|")
            .collect::<Vec<_>>()
            .join(" ");
        if term.is_empty() {
            return Err((line, format!("`{raw}` has no letters")));
        }
        if kind != EntryKind::Word && term.contains(' ') {
            return Err((line, format!("`{raw}`: only single words may use `*`")));
        }
        out.push(Entry { term, kind, line });
    }
    Ok(out)
}

/// Where a list entry matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListHit {
    /// The tag the entry was added with (which rule it belongs to).
    pub tag: usize,
    /// The entry's term.
    pub term: String,
    /// Span in the original field.
    pub start: usize,
    /// End of the span.
    pub end: usize,
}

/// Every word list of a rule set in one automaton.
#[derive(Debug)]
pub struct ListMatcher {
    automaton: Option<DFA>,
    /// For each automaton pattern: (tag, term, kind).
    patterns: Vec<(usize, String, EntryKind)>,
    /// Single-word forms for matching masked words such as `f*ck`.
    masked_forms: Vec<(usize, Vec<char>, EntryKind)>,
    allow: HashSet<String>,
}

impl ListMatcher {
    /// Builds the automaton from `(tag, entry)` pairs and a list of words never flagged.
    pub fn new<'a>(entries: impl IntoIterator<Item = (usize, &'a Entry)>, allow: &[Entry]) -> Self {
        let mut patterns = Vec::new();
        let mut needles = Vec::new();
        let mut masked_forms = Vec::new();
        let mut seen = HashSet::new();
        for (tag, entry) in entries {
            let forms: Vec<String> = match entry.kind {
                EntryKind::Word => INFLECTIONS
                    .iter()
                    .map(|end| format!(" {}{} ", entry.term, end))
                    .collect(),
                EntryKind::Prefix => vec![format!(" {}", entry.term)],
                EntryKind::Infix => vec![entry.term.clone()],
            };
            for form in forms {
                if !seen.insert((tag, form.clone())) {
                    continue;
                }
                if !form.trim().contains(' ') {
                    masked_forms.push((tag, form.trim().chars().collect(), entry.kind));
                }
                needles.push(form);
                patterns.push((tag, entry.term.clone(), entry.kind));
            }
        }
        // A DFA searches fastest; every needle starts with a space, so a prefilter
        // would only get in the way.
        let automaton = DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&needles)
            .ok();
        ListMatcher {
            automaton,
            patterns,
            masked_forms,
            allow: allow.iter().map(|e| e.term.clone()).collect(),
        }
    }

    /// Every match in a folded field, at most one per (tag, span).
    pub fn find(&self, folded: &Folded) -> Vec<ListHit> {
        let mut hits: Vec<ListHit> = Vec::new();
        let mut push = |hit: ListHit| {
            if !hits
                .iter()
                .any(|h| h.tag == hit.tag && h.start < hit.end && hit.start < h.end)
            {
                hits.push(hit);
            }
        };
        if let Some(dfa) = &self.automaton {
            for view in std::iter::once(&folded.words).chain(folded.words_alt.as_ref()) {
                // Most texts hold no listed word, and asking whether there is one at all
                // reads the text several times faster than the overlapping search.
                if !any_match(dfa, view.text.as_bytes()) {
                    continue;
                }
                let Ok(found) = dfa.try_find_overlapping_iter(Input::new(&view.text)) else {
                    continue;
                };
                for m in found {
                    let (tag, term, kind) = &self.patterns[m.pattern().as_usize()];
                    let (ws, we) = word_bounds(&view.text, m.start(), m.end());
                    if *kind != EntryKind::Word && self.allow.contains(&view.text[ws..we]) {
                        continue;
                    }
                    let (start, end) = view.origin(ws, we);
                    push(ListHit {
                        tag: *tag,
                        term: term.clone(),
                        start,
                        end,
                    });
                }
            }
        }
        for word in &folded.masked {
            if let Some((tag, form, _)) = self
                .masked_forms
                .iter()
                .find(|(_, form, kind)| masked_matches(&word.pattern, form, *kind))
            {
                push(ListHit {
                    tag: *tag,
                    term: form.iter().collect(),
                    start: word.start,
                    end: word.end,
                });
            }
        }
        hits.sort_by_key(|h| (h.start, h.tag));
        hits
    }
}

/// Whether any needle of `dfa` occurs in `text`. Each step of a DFA waits for the
/// step before it (the next state is read from the table at the current one), so the
/// text is read as two halves walked in step, which the processor overlaps. The first
/// half runs on by the longest needle less one byte, so every match lies wholly inside
/// one half: one starting before the middle ends within that reach, and the second
/// half finds every match starting from the middle on.
fn any_match(dfa: &DFA, text: &[u8]) -> bool {
    let Ok(start) = dfa.start_state(Anchored::No) else {
        // Not a search this DFA was built for: let the full search decide.
        return true;
    };
    let reach = dfa.max_pattern_len().saturating_sub(1);
    let middle = text.len() / 2;
    let (first, second) = if middle > reach {
        (&text[..(middle + reach).min(text.len())], &text[middle..])
    } else {
        (text, &text[text.len()..])
    };
    let (mut a, mut b) = (start, start);
    let both = first.len().min(second.len());
    for (x, y) in first[..both].iter().zip(&second[..both]) {
        a = dfa.next_state(Anchored::No, a, *x);
        b = dfa.next_state(Anchored::No, b, *y);
        // Match states are special ones: one cheap test on most bytes.
        if (dfa.is_special(a) || dfa.is_special(b)) && (dfa.is_match(a) || dfa.is_match(b)) {
            return true;
        }
    }
    for (rest, mut s) in [(&first[both..], a), (&second[both..], b)] {
        for x in rest {
            s = dfa.next_state(Anchored::No, s, *x);
            if dfa.is_match(s) {
                return true;
            }
        }
    }
    false
}

/// The whole word(s) around a match in a words view (without the surrounding spaces).
fn word_bounds(text: &str, start: usize, end: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let mut s = start;
    while s < bytes.len() && bytes[s] == b' ' {
        s += 1;
    }
    while s > 0 && bytes[s - 1] != b' ' {
        s -= 1;
    }
    let mut e = end.max(s);
    while e > s && bytes[e - 1] == b' ' {
        e -= 1;
    }
    while e < bytes.len() && bytes[e] != b' ' {
        e += 1;
    }
    (s, e)
}

/// `f*ck` against `fuck`: masks stand for one letter each; the first letter and at
/// least half of the letters must be real.
fn masked_matches(pattern: &[char], form: &[char], kind: EntryKind) -> bool {
    let compared = match kind {
        EntryKind::Word if pattern.len() == form.len() => pattern,
        EntryKind::Prefix | EntryKind::Infix if pattern.len() >= form.len() => {
            &pattern[..form.len()]
        }
        _ => return false,
    };
    let real = compared.iter().filter(|c| **c != '*').count();
    compared.first() != Some(&'*')
        && real * 2 >= compared.len()
        && compared.contains(&'*')
        && compared.iter().zip(form).all(|(p, f)| *p == '*' || p == f)
}

/// A link found in a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The host, lower-cased, without `www.`.
    pub host: String,
    /// Span in the original.
    pub start: usize,
    /// End of the span.
    pub end: usize,
}

/// Every web link in a text, with or without a scheme (`www.x.org`, `x.co.uk/path`).
pub fn links(text: &str) -> Vec<Link> {
    if !may_hold_link(text) {
        return Vec::new();
    }
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    finder.url_must_have_scheme(false);
    finder
        .links(text)
        .filter_map(|l| {
            let s = l.as_str();
            let with_scheme = if s.contains("://") {
                s.to_string()
            } else {
                format!("http://{s}")
            };
            let parsed = url::Url::parse(&with_scheme).ok()?;
            let host = parsed.host_str()?.to_ascii_lowercase();
            // Bare words with a dot ("e.g", "Mr.Smith") are not links: need a real TLD shape.
            let tld = host.rsplit('.').next().unwrap_or("");
            if !host.contains('.') || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic())
            {
                return None;
            }
            let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
            Some(Link {
                host,
                start: l.start(),
                end: l.end(),
            })
        })
        .collect()
}

/// Whether `text` may hold a link: one with a scheme has `://`, and one without has an
/// ASCII `.` with something other than whitespace after it (the link finder starts from
/// those two, and a host needs a dot followed by its top-level domain). Most comments
/// have neither, and skip the link finder's look at every full stop and colon.
fn may_hold_link(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'.', b':', bytes).any(|i| {
        let next = bytes.get(i + 1..).unwrap_or_default();
        if bytes[i] == b':' {
            next.starts_with(b"//")
        } else {
            next.first().is_some_and(|b| !b.is_ascii_whitespace())
        }
    })
}

/// True when `host` is `domain` or a subdomain of it; a `domain` starting with `.` is a
/// suffix such as a top-level domain (`.xyz`).
pub fn host_matches(host: &str, domain: &str) -> bool {
    if let Some(suffix) = domain.strip_prefix('.') {
        return host.ends_with(&format!(".{suffix}"));
    }
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// Share of upper-case letters among the letters, and how many letters there are.
pub fn upper_ratio(text: &str) -> (f32, usize) {
    // ASCII letters are counted with byte-wide counters, in chunks short enough not to
    // overflow them, which the compiler vectorises; other letters one by one.
    let bytes = text.as_bytes();
    let (mut upper, mut total) = (0, 0);
    for chunk in bytes.chunks(255) {
        let (mut u, mut t) = (0u8, 0u8);
        for &b in chunk {
            let letter = u8::from((b | 0x20).wrapping_sub(b'a') < 26);
            t += letter;
            u += letter & u8::from(b & 0x20 == 0);
        }
        total += usize::from(t);
        upper += usize::from(u);
    }
    for (_, c) in non_ascii_chars(text) {
        if c.is_alphabetic() {
            total += 1;
            upper += usize::from(c.is_uppercase());
        }
    }
    if total == 0 {
        (0.0, 0)
    } else {
        (upper as f32 / total as f32, total)
    }
}

/// The longest run of one character (`!!!!!!!`, `aaaaaaa`) and where it starts.
pub fn longest_char_run(text: &str) -> (usize, usize) {
    let bytes = text.as_bytes();
    let (mut best, mut best_at) = (0, 0);
    // Runs of one ASCII character, byte by byte, skipping eight bytes at a time where no
    // byte repeats the one before it (most of any text)…
    if !bytes.is_empty() {
        best = 1;
    }
    let (mut run, mut run_at, mut i) = (1, 0, 1);
    while i < bytes.len() {
        if let (Some(now), Some(before)) = (bytes.get(i..i + 8), bytes.get(i - 1..i + 7))
            && !has_zero_byte(eight(now) ^ eight(before))
        {
            run = 1;
            run_at = i + 7;
            i += 8;
            continue;
        }
        let b = bytes[i];
        if b == bytes[i - 1] && b.is_ascii() && !b.is_ascii_whitespace() {
            run += 1;
        } else {
            run = 1;
            run_at = i;
        }
        if run > best {
            best = run;
            best_at = run_at;
        }
        i += 1;
    }
    // …then runs of one other character (`😡😡😡`).
    let (run, run_at) = longest_non_ascii_run(text);
    if run > best {
        return (run, run_at);
    }
    (best, best_at)
}

/// The longest run of one non-ASCII character and where it starts (the first such run).
fn longest_non_ascii_run(text: &str) -> (usize, usize) {
    let (mut best, mut best_at) = (0, 0);
    let (mut run, mut run_at, mut prev) = (0, 0, None);
    // The characters of a run sit next to each other.
    for (at, c) in non_ascii_chars(text) {
        match prev {
            Some((end, p)) if end == at && p == c && !c.is_whitespace() => run += 1,
            _ => {
                run = 1;
                run_at = at;
            }
        }
        prev = Some((at + c.len_utf8(), c));
        if run > best {
            best = run;
            best_at = run_at;
        }
    }
    (best, best_at)
}

/// Whether `longest_char_run` may find a run longer than `max`; never wrongly says no.
/// Cheap: a run of twelve or more ASCII characters has eleven bytes in a row that each
/// equal the one before, and those hold eight such bytes starting at every fourth
/// position, which are compared at once; numbers such as `20,000` do not trip it.
pub fn run_may_exceed(text: &str, max: usize) -> bool {
    if max < 11 {
        return true;
    }
    let bytes = text.as_bytes();
    let mut i = 1;
    while let (Some(now), Some(before)) = (bytes.get(i..i + 8), bytes.get(i - 1..i + 7)) {
        if eight(now) == eight(before) {
            return true;
        }
        i += 4;
    }
    longest_non_ascii_run(text).0 > max
}

/// Whether any of the eight bytes of `x` is zero.
fn has_zero_byte(x: u64) -> bool {
    x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080 != 0
}

/// Eight bytes (a slice of exactly eight) as one word, to test them together.
fn eight(bytes: &[u8]) -> u64 {
    bytes.try_into().map_or(0, u64::from_le_bytes)
}

/// The non-ASCII characters of a text and where they are, skipping ASCII eight bytes at
/// a time (comments are mostly ASCII).
fn non_ascii_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while let Some(chunk) = bytes.get(i..i + 8) {
            if eight(chunk) & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            i += 8;
        }
        let at = i + bytes.get(i..)?.iter().position(|b| !b.is_ascii())?;
        let c = text.get(at..)?.chars().next()?;
        i = at + c.len_utf8();
        Some((at, c))
    })
}

/// Share of three-word sequences that repeat an earlier one, and the number of words.
/// Ordinary prose almost never repeats a three-word sequence; pasted spam does.
pub fn repeated_word_share(hashes: &[u64]) -> (f32, usize) {
    if hashes.len() < 3 {
        return (0.0, hashes.len());
    }
    let trigrams = hashes.len() - 2;
    // Distinct trigrams counted in an open-addressing table of their hashes (already
    // well mixed, so the low bits pick the slot; 0 marks an empty slot).
    // At most three quarters full: probes stay short, and there is less to zero.
    let size = (trigrams + trigrams / 3 + 1).next_power_of_two();
    let mut table = vec![0u64; size];
    let mut distinct = 0;
    for w in hashes.windows(3) {
        let h = (w[0] ^ w[1].rotate_left(21) ^ w[2].rotate_left(42)).max(1);
        let mut slot = h as usize & (size - 1);
        while table[slot] != 0 && table[slot] != h {
            slot = (slot + 1) & (size - 1);
        }
        if table[slot] == 0 {
            table[slot] = h;
            distinct += 1;
        }
    }
    (1.0 - distinct as f32 / trigrams as f32, hashes.len())
}

#[cfg(test)]
mod tests {
    use super::super::normalize::fold;
    use super::*;

    fn matcher(list: &str, allow: &str) -> ListMatcher {
        let entries = parse_list(list).unwrap();
        let allow = parse_list(allow).unwrap();
        ListMatcher::new(entries.iter().map(|e| (0, e)), &allow)
    }

    fn found(m: &ListMatcher, text: &str) -> Vec<String> {
        m.find(&fold(text))
            .into_iter()
            .map(|h| text[h.start..h.end].to_string())
            .collect()
    }

    #[test]
    fn parses_lists_with_comments_and_wildcards() {
        let e = parse_list("# a comment\nFuck*\n*shit*  # root\nkill yourself\n\n").unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(
            (e[0].term.as_str(), e[0].kind, e[0].line),
            ("fuck", EntryKind::Prefix, 2)
        );
        assert_eq!((e[1].term.as_str(), e[1].kind), ("shit", EntryKind::Infix));
        assert_eq!(e[2].term, "kill yourself");
        assert_eq!(parse_list("ok\n*bad\n").unwrap_err().0, 2);
        assert!(parse_list("f*ck\n").is_err());
    }

    #[test]
    fn whole_words_with_endings_and_phrases() {
        let m = matcher("cunt\nbitch\ngo back to your country\n", "");
        assert_eq!(found(&m, "they are cunts"), ["cunts"]);
        assert_eq!(found(&m, "stop bitching"), ["bitching"]);
        assert_eq!(
            found(&m, "Go back to your country!"),
            ["Go back to your country"]
        );
        assert!(found(&m, "I live in Scunthorpe").is_empty());
    }

    #[test]
    fn prefixes_infixes_and_the_allow_list() {
        let m = matcher("fuck*\n*shit*\n", "shitake\nshiitake\n");
        assert_eq!(found(&m, "fucking hell"), ["fucking"]);
        assert_eq!(
            found(&m, "a clusterfuck"),
            Vec::<String>::new(),
            "prefix only"
        );
        assert_eq!(found(&m, "bullshit"), ["bullshit"]);
        assert!(found(&m, "shitake mushrooms").is_empty());
    }

    #[test]
    fn masked_words() {
        let m = matcher("fuck*\nshit\ncunt\n", "");
        assert_eq!(found(&m, "a f*cking joke"), ["f*cking"]);
        assert_eq!(found(&m, "sh*t"), ["sh*t"]);
        assert_eq!(found(&m, "f**k"), ["f**k"]);
        assert!(
            found(&m, "s***").is_empty(),
            "half the letters must be real"
        );
        assert!(found(&m, "c*t").is_empty(), "length must fit");
    }

    #[test]
    fn finds_links_with_and_without_schemes() {
        let l = links(
            "See https://www.gov.uk/x and www.redcross.org.uk, or fastvisa-solicitors.co.uk. e.g. this",
        );
        let hosts: Vec<_> = l.iter().map(|l| l.host.as_str()).collect();
        assert_eq!(
            hosts,
            ["gov.uk", "redcross.org.uk", "fastvisa-solicitors.co.uk"]
        );
        assert!(host_matches("cheap.xyz", ".xyz") && host_matches("a.bit.ly", "bit.ly"));
        assert!(!host_matches("notbit.ly", "bit.ly"));
    }

    #[test]
    fn the_two_halves_miss_no_needle_wherever_it_lies() {
        let needles = [" go back to ", " xy "];
        let dfa = DFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(needles)
            .unwrap();
        for len in [0, 1, 5, 12, 13, 23, 24, 25, 26, 40, 41, 100] {
            for needle in needles {
                for at in 0..=len {
                    let mut text = "a".repeat(len);
                    text.insert_str(at, needle);
                    assert!(any_match(&dfa, text.as_bytes()), "{text:?}");
                    // One byte short of the needle, nothing is found.
                    let cut = &needle[..needle.len() - 1];
                    let mut text = "a".repeat(len);
                    text.insert_str(at, cut);
                    assert!(!any_match(&dfa, text.as_bytes()), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn skipping_the_link_finder_loses_no_link() {
        let hosts = |s: &str| links(s).into_iter().map(|l| l.host).collect::<Vec<_>>();
        // Text without `://` or a dot followed by a character is never searched…
        assert!(!may_hold_link(
            "It ended. Then: nothing, ok.\nNext: a:b at 10:30."
        ));
        assert!(hosts("It ended. Then: nothing.").is_empty());
        // …and each way a link can start is still found.
        assert_eq!(
            hosts("Ask at ftp://files.example.org now"),
            ["files.example.org"]
        );
        assert_eq!(hosts("Ask at example.org."), ["example.org"]);
        assert_eq!(hosts("Ask at example.org"), ["example.org"]);
        assert_eq!(hosts("Ask at http://bücher.de"), ["xn--bcher-kva.de"]);
        assert_eq!(hosts("a.\u{a0}b x.co"), ["x.co"]);
    }

    #[test]
    fn counts_capitals_and_runs_in_any_script() {
        assert_eq!(upper_ratio("ABCD efgh"), (0.5, 8));
        assert_eq!(upper_ratio("ÉCOUTEZ ÇA — ok"), (9.0 / 11.0, 11));
        assert_eq!(upper_ratio("1234 !!"), (0.0, 0));
        assert_eq!(longest_char_run("noooooo way"), (6, 1));
        assert_eq!(longest_char_run("a      b"), (1, 0), "spaces are not a run");
        let angry = "so “angry” 😡😡😡😡 now!!!";
        let (run, at) = longest_char_run(angry);
        assert_eq!((run, &angry[at..at + 4]), (4, "😡"));
        assert_eq!(longest_char_run("éé ééé x"), (3, 5));
        assert_eq!(longest_char_run(""), (0, 0));
        assert_eq!(longest_char_run("x"), (1, 0));
        let long = format!(
            "{}!!!!!!!!!!!! {}",
            "abcdefgh".repeat(5),
            "ijklmnop".repeat(3)
        );
        assert_eq!(longest_char_run(&long), (12, 40));
        assert_eq!(longest_char_run("abcdefghijklmnopqrstuvwxyzzz"), (3, 25));
    }

    #[test]
    fn the_run_precheck_never_misses_a_long_run() {
        let texts = [
            "noooooo way",
            "a      b",
            "so “angry” 😡😡😡😡 now!!!",
            "éé ééé x",
            "",
            "x",
            "abcdefghijklmnopqrstuvwxyzzz",
            "an ordinary sentence with no runs at all, twelve words or so long",
            "😡😡😡😡😡😡😡😡😡😡😡😡😡 and more",
            "ok !!!!!!!!!!!!!!!!!!!!!!!!!",
        ];
        for text in texts {
            for max in 0..16 {
                if longest_char_run(text).0 > max {
                    assert!(run_may_exceed(text, max), "{text:?} {max}");
                }
            }
        }
        assert!(!run_may_exceed("an ordinary sentence, £5 and “quotes”", 12));
        assert!(!run_may_exceed(
            "£20,000 or 1,000,000 people... Really???",
            12
        ));
        assert!(run_may_exceed("and then!!!!!!!!!!!!", 11));
    }
}
