//! Checks and conversions for text people type.

/// True when the text has a control character other than tab and newlines,
/// which no form field needs and PostgreSQL cannot store (NUL).
pub fn has_forbidden_controls(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// True when a single-line field has any control character at all.
pub fn has_line_controls(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Cuts text to at most `max` characters on a word boundary, adding an ellipsis.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let trimmed = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        trimmed.trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation())
    )
}

/// The words of a search query: letters and digits only, at most `max_words`.
pub fn search_words(q: &str, max_words: usize) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(max_words)
        .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_spotted() {
        assert!(has_forbidden_controls("a\0b"));
        assert!(has_forbidden_controls("a\u{1b}[31m"));
        assert!(!has_forbidden_controls("line\nnext\ttab"));
        assert!(has_line_controls("a\nb"));
        assert!(!has_line_controls("plain \u{202e} rtl is not a control"));
    }

    #[test]
    fn truncation_cuts_on_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }

    #[test]
    fn search_words_drop_syntax() {
        assert_eq!(
            search_words("\"housing\" OR 1=1; -- café*", 10),
            vec!["housing", "or", "1", "1", "café"]
        );
        assert_eq!(search_words("a b c", 2).len(), 2);
    }
}
