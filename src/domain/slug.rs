//! URL slugs: lower-case ASCII letters, digits and single hyphens.

use std::fmt;

/// The longest slug we accept, in bytes.
pub const MAX_SLUG_LEN: usize = 120;

/// A validated slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

/// Why a typed slug was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    /// Nothing usable.
    #[error("the slug is empty")]
    Empty,
    /// Too long.
    #[error("the slug is longer than {MAX_SLUG_LEN} characters")]
    TooLong,
    /// Something other than a-z, 0-9 and hyphens.
    #[error("use only lower-case letters a–z, digits and hyphens (for example `my-first-post`)")]
    BadCharacters,
}

impl Slug {
    /// Checks a slug typed by a person exactly as typed (no silent rewriting).
    pub fn parse(s: &str) -> Result<Slug, SlugError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(SlugError::Empty);
        }
        if s.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        let ok_chars = s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
            return Err(SlugError::BadCharacters);
        }
        Ok(Slug(s.to_owned()))
    }

    /// Derives a slug from free text (a title or tag), transliterating to ASCII;
    /// `None` when nothing usable is left (a title of emoji only, say).
    pub fn from_text(text: &str) -> Option<Slug> {
        let mut s = slug::slugify(text);
        if s.len() > MAX_SLUG_LEN {
            s.truncate(MAX_SLUG_LEN);
            while s.ends_with('-') {
                s.pop();
            }
        }
        Slug::parse(&s).ok()
    }

    /// The slug used when a title has no letters or digits at all.
    pub fn fallback() -> Slug {
        Slug("post".to_owned())
    }

    /// This slug with a numeric suffix, for making it unique.
    pub fn with_suffix(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(MAX_SLUG_LEN - suffix.len());
        while base.ends_with('-') {
            base.pop();
        }
        Slug(format!("{base}{suffix}"))
    }

    /// The slug text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_readable_slugs() {
        assert_eq!(
            Slug::from_text("What London's next mayor should say")
                .unwrap()
                .as_str(),
            "what-london-s-next-mayor-should-say"
        );
        assert_eq!(
            Slug::from_text("Żółć & café").unwrap().as_str(),
            "zolc-cafe"
        );
        assert!(Slug::from_text("!!! ???").is_none());
    }

    #[test]
    fn typed_slugs_are_checked_not_rewritten() {
        assert!(Slug::parse("ok-slug-2").is_ok());
        assert_eq!(Slug::parse("Bad Slug"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("-x"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("a--b"), Err(SlugError::BadCharacters));
        assert_eq!(Slug::parse("  "), Err(SlugError::Empty));
        assert_eq!(Slug::parse(&"a".repeat(121)), Err(SlugError::TooLong));
    }

    #[test]
    fn suffixes_keep_slugs_within_the_limit() {
        let long = Slug::parse(&"a".repeat(MAX_SLUG_LEN)).unwrap();
        let s = long.with_suffix(12);
        assert!(s.as_str().len() <= MAX_SLUG_LEN);
        assert!(s.as_str().ends_with("-12"));
    }
}
