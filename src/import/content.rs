//! WordPress text into Townhall's: post bodies (theme shortcodes, WordPress's automatic
//! paragraphs, then ammonia) and comment bodies (WordPress's little comment HTML into
//! the Markdown subset comments are stored in).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::domain::SafeHtml;
use crate::domain::html::{CHAR_REF, HTML_TAG, decode_entities};

/// What the importer did with a shortcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ShortcodeAction {
    /// `[h4]…[/h4]` became an `<h4>` heading.
    Heading,
    /// `[ul]`, `[ol]`, `[li]` became an HTML list.
    List,
    /// `[caption]` became a figure with a caption.
    Caption,
    /// `[embed]` became a link to what was embedded.
    Embed,
    /// Unknown: the shortcode went, its text stayed.
    Removed,
}

impl ShortcodeAction {
    /// How the report describes it.
    pub fn describe(self) -> &'static str {
        match self {
            ShortcodeAction::Heading => "converted to a heading",
            ShortcodeAction::List => "converted to a list",
            ShortcodeAction::Caption => "converted to a figure with its caption",
            ShortcodeAction::Embed => "converted to a link to the embedded page",
            ShortcodeAction::Removed => "removed, text kept",
        }
    }
}

/// Shortcodes met, by name: what was done and how often.
pub type ShortcodeTally = BTreeMap<String, (ShortcodeAction, u64)>;

/// Shortcodes WordPress core and common plugins register: treated as shortcodes even
/// without attributes or a closing tag (an unknown bare `[word]` stays as text, since
/// it is more likely a reader's `[sic]` than markup).
const KNOWN: &[&str] = &[
    "audio",
    "caption",
    "contact-form",
    "contact-form-7",
    "embed",
    "gallery",
    "playlist",
    "video",
    "wp_caption",
];

/// Converts a post's `content:encoded` into the HTML Townhall stores: shortcodes first
/// (so the blocks they make take part in paragraphing), WordPress's automatic paragraphs,
/// then ammonia; the result is laid out so the Markdown renderer passes it through whole.
pub fn post_body(raw: &str, tally: &mut ShortcodeTally) -> String {
    let expanded = shortcodes(raw, tally);
    let html = autop(&expanded);
    let clean = SafeHtml::clean(&html);
    markdown_safe(clean.as_str())
}

static OPEN_TAG: LazyLock<Regex> = LazyLock::new(|| {
    // Quoted attribute values may hold `]`.
    Regex::new(r#"^\[([A-Za-z][A-Za-z0-9_-]*)((?:\s(?:[^\]"']|"[^"]*"|'[^']*')*)?)\]"#)
        .expect("shortcode pattern")
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([A-Za-z_][\w-]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#)
        .expect("attribute pattern")
});

fn attr(attrs: &str, name: &str) -> Option<String> {
    ATTR.captures_iter(attrs)
        .find(|c| c[1].eq_ignore_ascii_case(name))
        .and_then(|c| c.get(2).or(c.get(3)).or(c.get(4)))
        .map(|m| m.as_str().to_owned())
}

/// Expands (or removes) every shortcode, innermost text kept.
fn shortcodes(input: &str, tally: &mut ShortcodeTally) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(i) = rest.find('[') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // `[[name]]` is WordPress's way of writing a shortcode as text.
        if tail.starts_with("[[")
            && let Some(end) = tail.find("]]")
        {
            out.push_str(&tail[1..=end]);
            rest = &tail[end + 2..];
            continue;
        }
        let Some(open) = OPEN_TAG.captures(tail) else {
            out.push('[');
            rest = &tail[1..];
            continue;
        };
        let name = open[1].to_owned();
        let attrs = open[2].trim().to_owned();
        let self_closed = attrs.ends_with('/');
        let after_open = open[0].len();
        let closing = format!("[/{name}]");
        let closed_at = if self_closed {
            None
        } else {
            tail[after_open..].find(&closing)
        };
        let (inner, consumed) = match closed_at {
            Some(at) => (
                shortcodes(&tail[after_open..after_open + at], tally),
                after_open + at + closing.len(),
            ),
            None if self_closed
                || !attrs.is_empty()
                || KNOWN.contains(&name.to_ascii_lowercase().as_str()) =>
            {
                (String::new(), after_open)
            }
            None => {
                out.push('[');
                rest = &tail[1..];
                continue;
            }
        };
        let action = expand(&name, &attrs, &inner, &mut out);
        tally.entry(name).or_insert((action, 0)).1 += 1;
        rest = &tail[consumed..];
    }
    out.push_str(rest);
    out
}

static CAPTIONED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$")
        .expect("caption pattern")
});

/// Writes one shortcode's replacement.
fn expand(name: &str, attrs: &str, inner: &str, out: &mut String) -> ShortcodeAction {
    let lower = name.to_ascii_lowercase();
    match lower.as_str() {
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
            out.push_str(&format!("<{lower}>{}</{lower}>", inner.trim()));
            ShortcodeAction::Heading
        }
        "ul" | "ol" | "list" => {
            let tag = if lower == "ol" { "ol" } else { "ul" };
            out.push_str(&format!("<{tag}>"));
            if inner.contains("<li") {
                out.push_str(inner);
            } else {
                // One item per line, as these themes' editors wrote them.
                for line in inner.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    out.push_str(&format!("<li>{line}</li>"));
                }
            }
            out.push_str(&format!("</{tag}>"));
            ShortcodeAction::List
        }
        "li" => {
            out.push_str(&format!("<li>{}</li>", inner.trim()));
            ShortcodeAction::List
        }
        "caption" | "wp_caption" => {
            let (image, text) = match CAPTIONED.captures(inner) {
                Some(c) => (c[1].to_owned(), c[2].trim().to_owned()),
                None => (String::new(), inner.trim().to_owned()),
            };
            let caption = attr(attrs, "caption")
                .filter(|c| !c.trim().is_empty())
                .unwrap_or(text);
            out.push_str(&format!(
                "<figure>{image}<figcaption>{caption}</figcaption></figure>"
            ));
            ShortcodeAction::Caption
        }
        "embed" => {
            let url = inner.trim();
            let url = if url.is_empty() {
                attr(attrs, "src").unwrap_or_default()
            } else {
                url.to_owned()
            };
            if url.starts_with("http://") || url.starts_with("https://") {
                let escaped = escape_html(&url);
                out.push_str(&format!("<p><a href=\"{escaped}\">{escaped}</a></p>"));
            } else {
                out.push_str(&url);
            }
            ShortcodeAction::Embed
        }
        _ => {
            out.push_str(inner);
            ShortcodeAction::Removed
        }
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// WordPress's block-level elements, as `wpautop` knows them.
const BLOCKS: &str = "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary";

fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace("BLOCKS", BLOCKS)).expect("autop pattern")
}

/// Kept out of paragraphing: preformatted text, and figures (paragraphs inside a
/// figure would split its image from its caption).
static KEPT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?is)<pre[\s>].*?</pre>|<figure[\s>].*?</figure>"));
static BR_BR: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)<br\s*/?>\s*<br\s*/?>"));
static OPEN_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(<(?:BLOCKS)[\s/>])"));
static CLOSE_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(</(?:BLOCKS)>)"));
static HR: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(<hr\s*/?>)"));
static BLANK: LazyLock<Regex> = LazyLock::new(|| re(r"\n\s*\n"));
static EMPTY_P: LazyLock<Regex> = LazyLock::new(|| re(r"<p>\s*</p>"));
static P_BEFORE_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)<p>\s*(</?(?:BLOCKS)[^>]*>)"));
static P_AFTER_BLOCK: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)(</?(?:BLOCKS)[^>]*>)\s*</p>"));
static OLD_BR: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)<br\s*/?>\s*\n"));
static NEWLINE: LazyLock<Regex> = LazyLock::new(|| re(r"[ \t]*\n"));
static BR_AFTER_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(</?(?:BLOCKS)[^>]*>)\s*<br />"));
static BR_BEFORE_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)"));

/// WordPress's `wpautop`: blank lines make paragraphs, single line breaks make `<br>`,
/// and block elements are left alone; `<pre>` and `<figure>` are kept as they are.
pub fn autop(text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let text = format!("{}\n", text.replace("\r\n", "\n").replace('\r', "\n"));
    let mut pres: Vec<String> = Vec::new();
    let text = KEPT.replace_all(&text, |c: &Captures<'_>| {
        pres.push(c[0].to_owned());
        format!("<pre wp-pre-tag-{}></pre>", pres.len() - 1)
    });
    let text = BR_BR.replace_all(&text, "\n\n");
    let text = OPEN_BLOCK.replace_all(&text, "\n\n$1");
    let text = CLOSE_BLOCK.replace_all(&text, "$1\n\n");
    let text = HR.replace_all(&text, "$1\n\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for piece in BLANK.split(&text) {
        let piece = piece.trim();
        if !piece.is_empty() {
            out.push_str("<p>");
            out.push_str(piece);
            out.push_str("</p>\n");
        }
    }
    let out = EMPTY_P.replace_all(&out, "");
    let out = P_BEFORE_BLOCK.replace_all(&out, "$1");
    let out = P_AFTER_BLOCK.replace_all(&out, "$1");
    let out = OLD_BR.replace_all(&out, "\n");
    let out = NEWLINE.replace_all(&out, "<br />\n");
    let out = BR_AFTER_BLOCK.replace_all(&out, "$1");
    let mut out = BR_BEFORE_BLOCK.replace_all(&out, "$1").into_owned();
    for (i, pre) in pres.iter().enumerate() {
        out = out.replace(&format!("<pre wp-pre-tag-{i}></pre>"), pre);
    }
    out.trim_end_matches(['\n', ' ']).to_owned()
}

static CLEAN_PRE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)<pre[\s>].*?</pre>").expect("pre pattern"));
static BLANK_LINES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\n(?:[ \t]*\n)+").expect("blank lines pattern"));

/// Lays cleaned HTML out as one Markdown HTML block, so the renderer passes it through
/// unchanged: it opens with `<div>` and has no blank line (which would end the block);
/// line breaks inside `<pre>` become `&#10;`, which the browser reads the same.
pub fn markdown_safe(clean: &str) -> String {
    if clean.trim().is_empty() {
        return String::new();
    }
    let mut out = String::with_capacity(clean.len() + 16);
    out.push_str("<div>\n");
    let mut last = 0;
    for m in CLEAN_PRE.find_iter(clean) {
        out.push_str(&BLANK_LINES.replace_all(&clean[last..m.start()], "\n"));
        out.push_str(&m.as_str().replace('\n', "&#10;"));
        last = m.end();
    }
    out.push_str(&BLANK_LINES.replace_all(&clean[last..], "\n"));
    out.push_str("\n</div>\n");
    out
}

/// One level of a comment being converted: the top, or a block quote.
#[derive(Default)]
struct Frame {
    text: String,
    /// Open links: where their text starts in `text` and their address.
    links: Vec<(usize, Option<String>)>,
}

impl Frame {
    fn at_line_start(&self) -> bool {
        self.text.is_empty() || self.text.ends_with('\n')
    }

    /// Appends reader text, escaped so it reads as text in Markdown.
    fn push_text(&mut self, text: &str) {
        for line_or_break in text.split_inclusive('\n') {
            let (line, newline) = match line_or_break.strip_suffix('\n') {
                Some(l) => (l, true),
                None => (line_or_break, false),
            };
            let line = if self.at_line_start() {
                line.trim_start()
            } else {
                line
            };
            if self.at_line_start() {
                escape_line_start(line, &mut self.text);
            } else {
                escape_inline(line, &mut self.text);
            }
            if newline {
                self.text.push('\n');
            }
        }
    }
}

/// Escapes what Markdown would read as markup anywhere in a line.
fn escape_inline(text: &str, out: &mut String) {
    for (i, c) in text.char_indices() {
        match c {
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '&' if CHAR_REF.find_at(text, i).is_some_and(|m| m.start() == i) => out.push_str("\\&"),
            _ => out.push(c),
        }
    }
}

/// As `escape_inline`, and also what would start a heading, quote or list.
fn escape_line_start(line: &str, out: &mut String) {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = line.starts_with(['#', '>', '-', '+', '='])
        || (digits > 0 && line[digits..].starts_with(['.', ')']));
    if marker {
        let split = if digits > 0 { digits } else { 0 };
        escape_inline(&line[..split], out);
        out.push('\\');
        escape_inline(&line[split..], out);
    } else {
        escape_inline(line, out);
    }
}

/// Percent-encodes what would end or confuse a Markdown link destination.
fn link_destination(href: &str) -> String {
    href.replace(' ', "%20")
        .replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

/// Converts a WordPress comment (text with line breaks and a little HTML) into the
/// Markdown subset Townhall stores comments in: blank lines still make paragraphs,
/// single line breaks stay line breaks, emphasis, strong text, links and block quotes
/// keep their meaning; every other tag goes and its text stays.
pub fn comment_markdown(raw: &str) -> String {
    let raw = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut stack: Vec<Frame> = vec![Frame::default()];
    let mut last = 0;
    for tag in HTML_TAG.captures_iter(&raw) {
        let Some(whole) = tag.get(0) else { continue };
        let Some(frame) = stack.last_mut() else {
            break;
        };
        frame.push_text(&decode_entities(&raw[last..whole.start()]));
        last = whole.end();
        let closing = !tag[1].is_empty();
        let name = tag[2].to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("em" | "i", _) => frame.text.push('*'),
            ("strong" | "b", _) => frame.text.push_str("**"),
            ("br", _) => frame.text.push('\n'),
            ("p", _) => frame.text.push_str("\n\n"),
            ("a", false) => {
                let href = attr(&tag[3], "href")
                    .map(|h| decode_entities(&h))
                    .filter(|h| {
                        h.starts_with("http://")
                            || h.starts_with("https://")
                            || h.starts_with("mailto:")
                    });
                let start = frame.text.len();
                if href.is_some() {
                    frame.text.push('[');
                }
                frame.links.push((start, href));
            }
            ("a", true) => {
                if let Some((start, Some(href))) = frame.links.pop() {
                    if frame.text.len() == start + 1 {
                        escape_inline(&href, &mut frame.text);
                    }
                    frame
                        .text
                        .push_str(&format!("]({})", link_destination(&href)));
                }
            }
            ("blockquote", false) => stack.push(Frame::default()),
            ("blockquote", true) if stack.len() > 1 => {
                if let Some(inner) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.text.push_str("\n\n");
                    for line in paragraphs(&inner.text).lines() {
                        parent
                            .text
                            .push_str(if line.is_empty() { ">" } else { "> " });
                        parent.text.push_str(line);
                        parent.text.push('\n');
                    }
                    parent.text.push('\n');
                }
            }
            _ => {}
        }
    }
    // Unclosed quotes end with the comment.
    while stack.len() > 1 {
        if let Some(inner) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.text.push_str("\n\n");
            for line in paragraphs(&inner.text).lines() {
                parent.text.push_str("> ");
                parent.text.push_str(line);
                parent.text.push('\n');
            }
        }
    }
    let Some(top) = stack.last_mut() else {
        return String::new();
    };
    top.push_text(&decode_entities(&raw[last..]));
    paragraphs(&top.text)
}

/// Paragraphs apart by one blank line; the lines within a paragraph joined by hard
/// breaks, as WordPress showed them.
fn paragraphs(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for para in BLANK.split(text) {
        let lines: Vec<&str> = para
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        let quoted = lines.iter().all(|l| l.starts_with('>'));
        out.push_str(&lines.join(if quoted { "\n" } else { "\\\n" }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(raw: &str) -> (String, ShortcodeTally) {
        let mut tally = ShortcodeTally::new();
        (post_body(raw, &mut tally), tally)
    }

    #[test]
    fn autop_makes_paragraphs_and_breaks_but_leaves_blocks() {
        assert_eq!(
            autop("One\ntwo\n\nThree"),
            "<p>One<br />\ntwo</p>\n<p>Three</p>"
        );
        let table = autop("<table>\n<tr><td>a</td></tr>\n</table>\n\nAfter");
        assert!(!table.contains("<p><t"), "{table}");
        assert!(table.contains("<p>After</p>"), "{table}");
        let pre = autop("<pre>x\n\ny</pre>\n\nz");
        assert!(pre.contains("<pre>x\n\ny</pre>"), "{pre}");
    }

    #[test]
    fn theme_shortcodes_become_html_and_are_tallied() {
        let (html, tally) = body(
            "[h4]Our demands[/h4]\n[ul style=\"arrow\"]\nSafe housing\nLegal aid\n[/ul]\n\n\
             [caption id=\"a\" align=\"alignleft\" width=\"300\"]<img src=\"https://ngo.example/a.jpg\" alt=\"March\"> The march[/caption]\n\n\
             [embed]https://video.example/watch?v=1&t=2[/embed]\n\n[pullquote]Words stay[/pullquote] and [sic] too",
        );
        assert!(html.contains("<h4>Our demands</h4>"), "{html}");
        assert!(html.contains("<li>Safe housing</li>"), "{html}");
        assert!(
            html.contains("<figcaption>The march</figcaption>"),
            "{html}"
        );
        assert!(!html.contains("<p></p>"), "{html}");
        assert!(
            html.contains("<img src=\"https://ngo.example/a.jpg\""),
            "{html}"
        );
        assert!(
            html.contains("<a href=\"https://video.example/watch?v=1&amp;t=2\""),
            "{html}"
        );
        assert!(html.contains("Words stay and [sic] too"), "{html}");
        assert!(!html.contains("pullquote"), "{html}");
        assert_eq!(tally["h4"], (ShortcodeAction::Heading, 1));
        assert_eq!(tally["ul"], (ShortcodeAction::List, 1));
        assert_eq!(tally["caption"], (ShortcodeAction::Caption, 1));
        assert_eq!(tally["embed"], (ShortcodeAction::Embed, 1));
        assert_eq!(tally["pullquote"], (ShortcodeAction::Removed, 1));
        assert!(!tally.contains_key("sic"));
    }

    #[test]
    fn stored_bodies_render_through_markdown_unchanged() {
        let (stored, _) = body(
            "Some *stars* and _unders_ stay\n\n<table><tr><td>1</td></tr>\n\n<tr><td>2</td></tr></table>\n\n<pre>code\n\n    indented</pre>\n\n<script>alert(1)</script>x",
        );
        let rendered = SafeHtml::from_markdown(&stored);
        let direct = SafeHtml::clean(&stored);
        assert_eq!(rendered, direct);
        assert!(
            rendered.as_str().contains("*stars*"),
            "{}",
            rendered.as_str()
        );
        assert!(
            rendered.as_str().contains("<td>2</td>"),
            "{}",
            rendered.as_str()
        );
        assert!(
            rendered.as_str().contains("code\n\n    indented"),
            "{}",
            rendered.as_str()
        );
        assert!(
            !rendered.as_str().contains("<script"),
            "{}",
            rendered.as_str()
        );
    }

    #[test]
    fn comments_become_the_markdown_subset() {
        let md = comment_markdown(
            "I <em>agree</em> with <a href=\"https://x.example/a b\">this</a>.\nNew line\n\n<blockquote>Quoted *text*</blockquote>\n# not a heading &amp; 1. no list",
        );
        let html = SafeHtml::from_comment_markdown(&md);
        let h = html.as_str();
        assert!(h.contains("<em>agree</em>"), "{md}\n{h}");
        assert!(h.contains("href=\"https://x.example/a%20b\""), "{md}\n{h}");
        assert!(h.contains("<br>"), "{md}\n{h}");
        assert!(
            h.contains("<blockquote>\n<p>Quoted *text*</p>"),
            "{md}\n{h}"
        );
        assert!(h.contains("# not a heading &amp; 1. no list"), "{md}\n{h}");
    }
}
