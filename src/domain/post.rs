//! A post as typed into the editor, and the checks it must pass.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::FieldErrors;
use super::html::{MAX_HTML_NESTING, MAX_NESTING, block_nesting, html_nesting};
use super::slug::Slug;
use super::text::{has_forbidden_controls, has_line_controls};

/// Longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// Longest body, in characters.
pub const MAX_BODY: usize = 200_000;
/// The most bytes a body within [`MAX_BODY`] characters takes (UTF-8 has up to four
/// per character): all a reader of untrusted input needs to keep to judge one.
pub const MAX_BODY_BYTES: usize = MAX_BODY * 4;
/// Most tags on one post.
pub const MAX_TAGS: usize = 20;
/// Longest tag name, in characters.
pub const MAX_TAG: usize = 50;

/// The editor's fields exactly as submitted, kept to re-fill the form on an error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PostInput {
    /// The headline.
    #[serde(default)]
    pub title: String,
    /// Empty means "derive from the title".
    #[serde(default)]
    pub slug: String,
    /// Comma-separated tag names.
    #[serde(default)]
    pub tags: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// `YYYY-MM-DDTHH:MM` in UTC, from a `datetime-local` input; empty means now.
    #[serde(default)]
    pub publish_at: String,
}

/// A tag as named by an author, with its slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagName {
    /// As typed (trimmed).
    pub name: String,
    /// For its URL.
    pub slug: Slug,
}

/// A post that passed every check.
#[derive(Debug, Clone)]
pub struct PostDraft {
    /// The headline, trimmed.
    pub title: String,
    /// The slug asked for, if any.
    pub slug: Option<Slug>,
    /// Distinct tags, in the order typed.
    pub tags: Vec<TagName>,
    /// Markdown source.
    pub body_markdown: String,
    /// When to publish, if a time was given.
    pub publish_at: Option<NaiveDateTime>,
}

/// Parses the editor's date field (`datetime-local` sends no seconds).
pub fn parse_publish_at(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
}

/// Checks one tag name (trimmed by the caller); gives the slug made from it.
pub fn check_tag(name: &str) -> Result<Slug, String> {
    if has_line_controls(name) {
        return Err("Tags cannot contain control characters.".into());
    }
    if name.chars().count() > MAX_TAG {
        return Err(format!("Each tag can be at most {MAX_TAG} characters."));
    }
    Slug::from_text(name)
        .ok_or_else(|| format!("The tag “{name}” needs at least one letter or digit."))
}

/// Checks a post's title (trimmed by the caller).
pub fn check_title(title: &str) -> Result<(), String> {
    if title.is_empty() {
        Err("Give the post a title.".into())
    } else if title.chars().count() > MAX_TITLE {
        Err(format!("The title can be at most {MAX_TITLE} characters."))
    } else if has_line_controls(title) {
        Err("The title cannot contain control characters or line breaks.".into())
    } else {
        Ok(())
    }
}

/// Checks a post's body as it will be stored: the editor's check, the preview's before
/// it renders anything, and the importer's.
pub fn check_body(body: &str) -> Result<(), String> {
    if body.trim().is_empty() {
        Err("Write something in the body.".into())
    } else if body.chars().count() > MAX_BODY {
        Err(format!("The body can be at most {MAX_BODY} characters."))
    } else if has_forbidden_controls(body) {
        Err("The body contains control characters that cannot be stored.".into())
    } else if block_nesting(body) > MAX_NESTING {
        Err(format!(
            "Quotes and lists can be nested at most {MAX_NESTING} deep."
        ))
    } else if html_nesting(body) > MAX_HTML_NESTING {
        Err(format!(
            "HTML tags can be nested (or left open) at most {MAX_HTML_NESTING} deep."
        ))
    } else {
        Ok(())
    }
}

/// Splits and checks the tags field.
pub fn parse_tags(raw: &str, errors: &mut FieldErrors) -> Vec<TagName> {
    let mut tags: Vec<TagName> = Vec::new();
    for name in raw.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let slug = match check_tag(name) {
            Ok(slug) => slug,
            Err(message) => {
                errors.add("tags", message);
                continue;
            }
        };
        if !tags.iter().any(|t| t.slug == slug) {
            tags.push(TagName {
                name: name.to_owned(),
                slug,
            });
        }
    }
    if tags.len() > MAX_TAGS {
        errors.add("tags", format!("A post can have at most {MAX_TAGS} tags."));
    }
    tags
}

impl PostInput {
    /// Checks every field, collecting all problems at once so the author fixes them in one go.
    pub fn validate(&self) -> Result<PostDraft, FieldErrors> {
        let mut errors = FieldErrors::default();

        let title = self.title.trim();
        if let Err(message) = check_title(title) {
            errors.add("title", message);
        }

        let slug = if self.slug.trim().is_empty() {
            None
        } else {
            match Slug::parse(&self.slug) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.add("slug", format!("This slug cannot be used: {e}."));
                    None
                }
            }
        };
        let tags = parse_tags(&self.tags, &mut errors);

        if let Err(message) = check_body(&self.body) {
            errors.add("body", message);
        }

        let publish_at = if self.publish_at.trim().is_empty() {
            None
        } else {
            match parse_publish_at(&self.publish_at) {
                Some(t) => Some(t),
                None => {
                    errors.add(
                        "publish_at",
                        "Use a date and time like 2026-12-01T09:30 (UTC).",
                    );
                    None
                }
            }
        };

        if errors.is_empty() {
            Ok(PostDraft {
                title: title.to_owned(),
                slug,
                tags,
                body_markdown: self.body.clone(),
                publish_at,
            })
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(title: &str, tags: &str, body: &str) -> PostInput {
        PostInput {
            title: title.into(),
            tags: tags.into(),
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_post_passes() {
        let d = input(" Housing ", "London, housing, London", "Body")
            .validate()
            .unwrap();
        assert_eq!(d.title, "Housing");
        assert_eq!(d.tags.len(), 2);
        assert!(d.slug.is_none());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let mut i = input("", "🙂🙂", "");
        i.slug = "Not A Slug".into();
        i.publish_at = "tomorrow".into();
        let e = i.validate().unwrap_err();
        for field in ["title", "slug", "body", "publish_at"] {
            assert!(e.0.contains_key(field), "{field} should be flagged: {e:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        assert!(input("a\u{0}b", "", "x").validate().is_err());
        assert!(input("ok", "", "nul \u{0} here").validate().is_err());
        assert!(
            input("ok", "", "tabs\tand\nnewlines are fine")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn publish_time_accepts_the_browser_format() {
        assert!(parse_publish_at("2026-12-01T09:30").is_some());
        assert!(parse_publish_at("2026-12-01 09:30:15").is_some());
        assert!(parse_publish_at("01/12/2026").is_none());
    }
}
