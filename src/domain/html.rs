//! HTML that is safe to put in a page unescaped.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};
use regex::{Captures, Regex};
use serde::Serialize;

/// HTML cleaned by ammonia. Its constructors are the only way to make one, so every
/// `{{{ }}}` in a template is known to hold cleaned markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Renders staff-written Markdown (posts) and cleans the result. Markdown nested
    /// deeper than [`MAX_NESTING`] (which the editor refuses, but an older or imported
    /// post may hold) is shown as plain text: the Markdown parser's time grows with the
    /// square of the nesting.
    pub fn from_markdown(markdown: &str) -> SafeHtml {
        let as_text = || {
            let mut escaped = String::with_capacity(markdown.len() + 32);
            escaped.push_str("<pre>");
            escape_into(&mut escaped, markdown);
            escaped.push_str("</pre>");
            SafeHtml::clean(&escaped)
        };
        if block_nesting(markdown) > MAX_NESTING {
            return as_text();
        }
        let mut options = Options::empty();
        options.insert(Options::ENABLE_TABLES);
        options.insert(Options::ENABLE_STRIKETHROUGH);
        options.insert(Options::ENABLE_FOOTNOTES);
        options.insert(Options::ENABLE_SMART_PUNCTUATION);
        let mut raw = String::with_capacity(markdown.len() * 3 / 2);
        html::push_html(&mut raw, Parser::new_ext(markdown, options));
        // The HTML parser behind the cleaner takes time with the square of the nesting,
        // which raw HTML in the Markdown can make as deep as it likes.
        if html_nesting(&raw) > MAX_HTML_NESTING {
            return as_text();
        }
        SafeHtml::clean(&unclosed_raw_text_as_text(&raw))
    }

    /// Renders a reader's comment: paragraphs, line breaks, emphasis, strong, block
    /// quotes and links only. Anything else a reader types (raw HTML, images, headings,
    /// lists, code) is shown as text or reduced to a paragraph, and the result is cleaned
    /// by ammonia with a tag set of exactly those elements; links get
    /// `rel="nofollow ugc noopener"` and may only be http, https or mailto.
    pub fn from_comment_markdown(markdown: &str) -> SafeHtml {
        static CLEANER: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
        let cleaner = CLEANER.get_or_init(|| {
            let mut b = ammonia::Builder::empty();
            b.tags(["p", "br", "em", "strong", "blockquote", "a"].into())
                .tag_attributes([("a", ["href"].into())].into())
                .generic_attributes(Default::default())
                .url_schemes(["http", "https", "mailto"].into())
                .url_relative(ammonia::UrlRelative::Deny)
                .link_rel(Some("nofollow ugc noopener"));
            b
        });
        SafeHtml(cleaner.clean(&comment_subset_html(markdown)).to_string())
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

/// The deepest nesting of block quotes and lists a post may have: far beyond what a
/// person writes, and small enough that rendering stays linear in the length.
pub const MAX_NESTING: usize = 16;

/// The deepest run of block-quote and list markers (`>`, `-`, `*`, `+`, `1.`) opening
/// any line: how deeply the Markdown nests its blocks.
pub fn block_nesting(markdown: &str) -> usize {
    markdown.lines().map(line_nesting).max().unwrap_or(0)
}

fn line_nesting(line: &str) -> usize {
    let b = line.as_bytes();
    let blank_after = |i: usize| b.get(i).is_none_or(|c| *c == b' ' || *c == b'\t');
    let (mut i, mut depth) = (0, 0);
    loop {
        while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
            i += 1;
        }
        match b.get(i) {
            Some(b'>') => i += 1,
            Some(b'-' | b'*' | b'+') if blank_after(i + 1) => i += 1,
            Some(b'0'..=b'9') => {
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                let mark = i + digits;
                if digits > 9 || !matches!(b.get(mark), Some(b'.' | b')')) || !blank_after(mark + 1)
                {
                    return depth;
                }
                i = mark + 1;
            }
            _ => return depth,
        }
        depth += 1;
    }
}

/// The deepest nesting of HTML elements a post may make, raw HTML included: far beyond
/// any real page, and shallow enough that cleaning stays fast.
pub const MAX_HTML_NESTING: usize = 256;

/// Elements that never hold others (void) or that the HTML parser closes when the next
/// one opens: a page may leave them open without nesting anything.
const NESTLESS: [&str; 27] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
    "tfoot", "rt", "rp",
];

/// How deeply HTML nests its elements, counted from its tags alone (an open tag not
/// closed counts as nesting whatever follows), so it takes one pass and no parse.
pub fn html_nesting(html: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name_from = usize::from(closing);
        let name_len = rest[name_from..]
            .bytes()
            .take_while(u8::is_ascii_alphanumeric)
            .count();
        let name = &rest[name_from..name_from + name_len];
        let is_tag = name.starts_with(|c: char| c.is_ascii_alphabetic());
        if !is_tag || NESTLESS.iter().any(|n| n.eq_ignore_ascii_case(name)) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// Elements whose content the HTML parser reads as text up to their closing tag, so one
/// left open takes in everything after it (the cleaner then drops or escapes it all).
const RAW_TEXT: [&str; 10] = [
    "style",
    "script",
    "textarea",
    "title",
    "xmp",
    "plaintext",
    "iframe",
    "noembed",
    "noframes",
    "noscript",
];

/// HTML with every opening tag of a [`RAW_TEXT`] element that is never closed after it
/// written as text (`&lt;style&gt;`), so it cannot swallow the rest of the post.
fn unclosed_raw_text_as_text(html: &str) -> std::borrow::Cow<'_, str> {
    // ASCII lower-casing keeps every byte offset.
    let lower = html.to_ascii_lowercase();
    let mut unclosed: Vec<usize> = Vec::new();
    for name in RAW_TEXT {
        let last_close = lower.rfind(&format!("</{name}"));
        let open = format!("<{name}");
        for (at, _) in lower.match_indices(&open) {
            let whole_name = !lower[at + open.len()..]
                .starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-');
            if whole_name && last_close.is_none_or(|close| close < at) {
                unclosed.push(at);
            }
        }
    }
    if unclosed.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    unclosed.sort_unstable();
    let mut out = String::with_capacity(html.len() + 4 * unclosed.len());
    let mut from = 0;
    for at in unclosed {
        out.push_str(&html[from..at]);
        out.push_str("&lt;");
        from = at + 1;
    }
    out.push_str(&html[from..]);
    std::borrow::Cow::Owned(out)
}

/// Escapes text for HTML content and attribute values.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Renders the comment subset to HTML. Every block other than a block quote becomes a
/// paragraph, opened lazily when text arrives, so nested blocks (a list item holding a
/// paragraph, say) never produce nested or empty paragraphs.
fn comment_subset_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, LinkType, Tag, TagEnd};

    #[derive(Default)]
    struct Out {
        html: String,
        in_paragraph: bool,
        /// A reduced list item's marker, written when its text starts.
        marker: Option<String>,
        /// A line break seen in literal text (code, raw HTML), written before more text.
        pending_break: bool,
    }
    impl Out {
        fn open(&mut self) {
            if !self.in_paragraph {
                self.html.push_str("<p>");
                self.in_paragraph = true;
                if let Some(m) = self.marker.take() {
                    self.html.push_str(&m);
                }
            }
            if self.pending_break {
                self.html.push_str("<br>\n");
                self.pending_break = false;
            }
        }
        fn close(&mut self) {
            if self.in_paragraph {
                self.html.push_str("</p>\n");
                self.in_paragraph = false;
            }
            self.pending_break = false;
        }
        fn text(&mut self, t: &str) {
            if t.is_empty() {
                return;
            }
            self.open();
            escape_into(&mut self.html, t);
        }
        /// Literal text whose line breaks matter (code, raw HTML).
        fn lines(&mut self, t: &str) {
            for (i, line) in t.split('\n').enumerate() {
                if i > 0 {
                    self.pending_break = true;
                }
                self.text(line);
            }
        }
    }

    let mut out = Out {
        html: String::with_capacity(markdown.len() * 3 / 2),
        ..Out::default()
    };
    // Ordered-list counters, so reduced list items keep their numbers as text.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut quotes = 0usize;
    for event in pulldown_cmark::Parser::new(markdown) {
        match event {
            // Quotes nest at most MAX_NESTING deep (deeper ones read as the deepest):
            // the cleaner's parser takes time with the square of the nesting.
            Event::Start(Tag::BlockQuote(_)) => {
                out.close();
                quotes += 1;
                if quotes <= MAX_NESTING {
                    out.html.push_str("<blockquote>\n");
                }
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                out.close();
                if quotes <= MAX_NESTING {
                    out.html.push_str("</blockquote>\n");
                }
                quotes = quotes.saturating_sub(1);
            }
            Event::Start(Tag::List(start)) => {
                out.close();
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                out.close();
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                out.close();
                out.marker = Some(match lists.last_mut() {
                    Some(Some(n)) => {
                        let m = format!("{n}. ");
                        *n += 1;
                        m
                    }
                    _ => "• ".to_owned(),
                });
            }
            Event::Start(
                Tag::Paragraph | Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::HtmlBlock
                | TagEnd::Item,
            )
            | Event::Rule => out.close(),
            Event::Start(Tag::Emphasis) => {
                out.open();
                out.html.push_str("<em>");
            }
            Event::End(TagEnd::Emphasis) => out.html.push_str("</em>"),
            Event::Start(Tag::Strong) => {
                out.open();
                out.html.push_str("<strong>");
            }
            Event::End(TagEnd::Strong) => out.html.push_str("</strong>"),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                out.open();
                out.html.push_str("<a href=\"");
                if link_type == LinkType::Email {
                    out.html.push_str("mailto:");
                }
                escape_into(&mut out.html, &dest_url);
                out.html.push_str("\">");
            }
            Event::End(TagEnd::Link) => out.html.push_str("</a>"),
            Event::Text(t) | Event::Html(t) | Event::InlineHtml(t) => out.lines(&t),
            Event::Code(t) => out.text(&t),
            Event::SoftBreak => {
                out.open();
                out.html.push('\n');
            }
            Event::HardBreak => {
                out.open();
                out.html.push_str("<br>\n");
            }
            // Images become their alt text (the text events inside them); nothing else
            // is enabled in the parser.
            _ => {}
        }
    }
    out.close();
    out.html
}

/// The plain text of a Markdown document's paragraphs and list items, for excerpts;
/// headings are left out so they do not run into the sentences around them.
pub fn markdown_plain_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let mut out = String::new();
    let mut in_heading = false;
    // An HTML block's lines arrive one by one; a tag may span them.
    let mut html_block = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Html(t) => html_block.push_str(&t),
            Event::End(TagEnd::HtmlBlock) => {
                out.push_str(&html_plain_text(&html_block));
                out.push(' ');
                html_block.clear();
            }
            Event::Text(t) | Event::Code(t) if !in_heading => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Item) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An HTML start or end tag (quoted attribute values may hold `>`): `/` in group 1,
/// the name in group 2, the attributes in group 3.
pub static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^>"']|"[^"]*"|'[^']*')*)>"#).expect("tag")
});

/// An HTML character reference: `&amp;`, `&#8217;`, `&#x2019;`.
pub static CHAR_REF: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});").expect("entity")
});

/// Elements that part words when their tags are dropped.
const WORD_BREAKING: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// Replaces HTML character references with the characters they stand for; unknown
/// ones stay as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    CHAR_REF
        .replace_all(text, |c: &Captures<'_>| {
            let name = &c[1];
            let number = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else if let Some(dec) = name.strip_prefix('#') {
                dec.parse().ok()
            } else {
                None
            };
            match number {
                Some(n) => char::from_u32(n)
                    .filter(|&ch| ch != '\0')
                    .map_or_else(|| c[0].to_owned(), String::from),
                None => quick_xml::escape::resolve_html5_entity(name)
                    .map_or_else(|| c[0].to_owned(), str::to_owned),
            }
        })
        .into_owned()
}

/// The words of some HTML, tags dropped and entities decoded, spaces folded.
pub fn html_plain_text(html: &str) -> String {
    // Block tags part words; inline ones (`<b>`, `<a>`) sit inside them.
    let text = HTML_TAG.replace_all(html, |c: &Captures<'_>| {
        if WORD_BREAKING.contains(&c[2].to_ascii_lowercase().as_str()) {
            " "
        } else {
            ""
        }
    });
    decode_entities(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_measured_and_deep_nesting_is_not_parsed() {
        assert_eq!(block_nesting("plain\n\n> quote\n> > nested"), 2);
        assert_eq!(block_nesting("- a\n  - b\n    1. c\n> - 2) d"), 3);
        assert_eq!(block_nesting("---\n***\n-not a list\n12345678901. no"), 0);
        let deep = format!("{}<script>x</script> text", ">".repeat(5_000));
        assert_eq!(block_nesting(&deep), 5_000);
        let html = SafeHtml::from_markdown(&deep);
        assert!(
            html.as_str().starts_with("<pre>&gt;&gt;"),
            "{}",
            &html.as_str()[..40]
        );
        assert!(!html.as_str().contains("<script"));
        assert_eq!(
            html_nesting("<div><p>a<p>b<br><span>c</span></div><div>"),
            2
        );
        assert_eq!(html_nesting("a < b and <3 </x>"), 0);
        let divs = "<div>".repeat(20_000);
        assert_eq!(html_nesting(&divs), 20_000);
        assert!(
            SafeHtml::from_markdown(&divs)
                .as_str()
                .starts_with("<pre>&lt;div&gt;")
        );
        let comment = SafeHtml::from_comment_markdown(&format!("{} deep", ">".repeat(4_000)));
        assert_eq!(
            comment.as_str().matches("<blockquote>").count(),
            MAX_NESTING
        );
        assert_eq!(
            comment.as_str().matches("</blockquote>").count(),
            MAX_NESTING
        );
        assert!(comment.as_str().contains("deep"));
        let fine = format!("{} quoted", ">".repeat(MAX_NESTING));
        for tag in [
            "<style>",
            "<STYLE type=x>",
            "<script>",
            "<textarea>",
            "<title>",
            "<xmp>",
        ] {
            let html = SafeHtml::from_markdown(&format!("before {tag} after\n\nthe rest"));
            assert!(
                html.as_str().contains("the rest</p>"),
                "{tag}: {}",
                html.as_str()
            );
        }
        let closed = SafeHtml::from_markdown("a <style>p{}</style> b\n\nthe rest");
        assert!(!closed.as_str().contains("p{}"), "{}", closed.as_str());
        assert!(
            SafeHtml::from_markdown(&fine)
                .as_str()
                .contains("<blockquote>")
        );
    }

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

    fn comment(md: &str) -> String {
        SafeHtml::from_comment_markdown(md).as_str().to_owned()
    }

    #[test]
    fn comments_keep_the_small_subset() {
        assert_eq!(
            comment("Hello *there* and **you**.\nNext line  \nbroken\n\nSecond"),
            "<p>Hello <em>there</em> and <strong>you</strong>.\nNext line<br>\nbroken</p>\n<p>Second</p>\n"
        );
        assert_eq!(
            comment("> quoted\n\nreply"),
            "<blockquote>\n<p>quoted</p>\n</blockquote>\n<p>reply</p>\n"
        );
        assert_eq!(
            comment("[the report](https://example.org/r?a=1&b=2)"),
            "<p><a href=\"https://example.org/r?a=1&amp;b=2\" rel=\"nofollow ugc noopener\">the report</a></p>\n"
        );
        assert!(comment("<jo@example.org>").contains("href=\"mailto:jo@example.org\""));
    }

    #[test]
    fn comments_reduce_everything_else_to_text() {
        assert_eq!(comment("# Big heading"), "<p>Big heading</p>\n");
        assert_eq!(comment("- one\n- two"), "<p>• one</p>\n<p>• two</p>\n");
        assert_eq!(
            comment("3. three\n4. four"),
            "<p>3. three</p>\n<p>4. four</p>\n"
        );
        assert_eq!(
            comment("```\nlet x = 1 < 2;\nok\n```"),
            "<p>let x = 1 &lt; 2;<br>\nok</p>\n"
        );
        assert_eq!(
            comment("![a cat](https://x.example/cat.png)"),
            "<p>a cat</p>\n"
        );
        assert_eq!(comment("a `b` c"), "<p>a b c</p>\n");
        assert_eq!(comment("---"), "");
        assert_eq!(
            comment("| a | b |\n|---|---|\n| 1 | 2 |"),
            "<p>| a | b |\n|---|---|\n| 1 | 2 |</p>\n"
        );
    }

    #[test]
    fn comments_never_carry_scripts_or_unsafe_links() {
        let attacks = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "[x](vbscript:msgbox)",
            "[x](//evil.example/)",
            "[x](/relative)",
            "<svg onload=alert(1)>",
            "<iframe src=https://evil.example></iframe>",
            "<style>body{display:none}</style>",
            "\"><script>alert(1)</script>",
            "[x](https://ok.example \"title\" onmouseover=alert(1))",
            "<div style=\"background:url(javascript:alert(1))\">x</div>",
            "<<script>script>alert(1)<</script>/script>",
            "**<b onclick=alert(1)>bold</b>**",
            "[<img src=x onerror=alert(1)>](https://ok.example)",
        ];
        let tag = regex::Regex::new(r"<[^>]*>").unwrap();
        let allowed = regex::Regex::new(
            r#"^</?(p|br|em|strong|blockquote)>$|^<a( href="(https?://|mailto:)[^"]*")? rel="nofollow ugc noopener">$|^</a>$"#,
        )
        .unwrap();
        for a in attacks {
            let html = comment(a);
            for t in tag.find_iter(&html) {
                assert!(
                    allowed.is_match(t.as_str()),
                    "{a:?} gave {html:?} with the tag {}",
                    t.as_str()
                );
            }
            assert!(!html.contains("evil.example\""), "{a:?} gave {html:?}");
        }
        // Raw HTML is shown to readers as the text that was typed.
        assert_eq!(
            comment("<script>alert(1)</script>"),
            "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        );
        let rel = comment("[ok](https://ok.example)");
        assert!(rel.contains("rel=\"nofollow ugc noopener\""), "{rel}");
    }

    #[test]
    fn plain_text_reads_html_blocks_too() {
        assert_eq!(
            markdown_plain_text(
                "<div>\n<p>Caf&eacute; &amp; <b>bar</b>&#8217;s</p>\n<h4>Next</h4>\n</div>\n"
            ),
            "Café & bar’s Next"
        );
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
