//! HTML that is safe to put in a page unescaped.

use pulldown_cmark::{Options, Parser, html};
use serde::Serialize;

/// HTML cleaned by ammonia. Its constructors are the only way to make one, so every
/// `{{{ }}}` in a template is known to hold cleaned markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Renders staff-written Markdown (posts) and cleans the result.
    pub fn from_markdown(markdown: &str) -> SafeHtml {
        let mut options = Options::empty();
        options.insert(Options::ENABLE_TABLES);
        options.insert(Options::ENABLE_STRIKETHROUGH);
        options.insert(Options::ENABLE_FOOTNOTES);
        options.insert(Options::ENABLE_SMART_PUNCTUATION);
        let mut raw = String::with_capacity(markdown.len() * 3 / 2);
        html::push_html(&mut raw, Parser::new_ext(markdown, options));
        SafeHtml::clean(&raw)
    }

    /// Cleans arbitrary HTML: scripts, event handlers and unsafe URLs go; links to
    /// other sites get `rel="noopener noreferrer"`.
    pub fn clean(html: &str) -> SafeHtml {
        SafeHtml(ammonia::clean(html))
    }

    /// The markup.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The plain text of a Markdown document's paragraphs and list items, for excerpts;
/// headings are left out so they do not run into the sentences around them.
pub fn markdown_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = String::new();
    let mut in_heading = false;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(t) | Event::Code(t) if !in_heading => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_scripts_do_not_survive() {
        let html = SafeHtml::from_markdown(
            "# Hi\n\n**bold** <script>alert(1)</script> <img src=x onerror=alert(1)>",
        );
        assert!(html.as_str().contains("<strong>bold</strong>"));
        assert!(!html.as_str().contains("<script"));
        assert!(!html.as_str().contains("onerror"));
    }

    #[test]
    fn javascript_links_are_removed() {
        let html = SafeHtml::from_markdown("[x](javascript:alert(1))");
        assert!(!html.as_str().contains("javascript:"));
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(
            markdown_plain_text(
                "## Title\n\nSome *emphasis* and [a link](http://x).\n\n- one\n- two"
            ),
            "Some emphasis and a link. one two"
        );
    }
}
