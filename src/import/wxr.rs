//! A streaming reader for WordPress exports (WXR 1.0–1.2): it hands out one author or
//! one item (with its comments) at a time, so memory stays bounded by the largest item
//! however big the file is. An item is bounded too: no field keeps more text than the
//! longest value Townhall accepts can take ([`POST_TEXT_CAP`], [`FIELD_TEXT_CAP`]); a
//! longer post or comment text is marked `content_cut`, for the importer to refuse.
//!
//! Elements are matched by their qualified names (`wp:post_id`, `content:encoded`),
//! the prefixes every WordPress version writes.

use std::io::{BufRead, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::bounded::Bounded;
use crate::domain::{comment, post};

/// Most bytes kept of a post's content or excerpt: a post body at the editor's limit.
pub const POST_TEXT_CAP: usize = post::MAX_BODY_BYTES;
/// Most bytes kept of any other text (titles, names, addresses, comments): a comment at
/// the comment form's limit, longer than every other field Townhall accepts.
pub const FIELD_TEXT_CAP: usize = comment::MAX_BODY_BYTES;
/// Most bytes of one XML event the parser may hold; a little above [`POST_TEXT_CAP`] so
/// that a cut there always leaves the field over its own cap.
const EVENT_CAP: usize = POST_TEXT_CAP + 64;

/// Why the export could not be read, with the byte offset where it went wrong.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct WxrError {
    /// Byte offset in the file (the caller turns it into a line number).
    pub offset: u64,
    /// What is wrong, for a person.
    pub message: String,
}

/// Site-wide facts from the channel header.
#[derive(Debug, Clone, Default)]
pub struct Channel {
    /// `wp:base_site_url`, e.g. `https://ngo.example`.
    pub base_site_url: String,
    /// `wp:wxr_version`, e.g. `1.2`.
    pub wxr_version: String,
}

/// A `wp:author` block.
#[derive(Debug, Clone, Default)]
pub struct Author {
    /// `wp:author_login`: what items' `dc:creator` refers to.
    pub login: String,
    /// `wp:author_email`.
    pub email: String,
    /// `wp:author_display_name`.
    pub display_name: String,
}

/// A category or tag on an item.
#[derive(Debug, Clone, Default)]
pub struct Term {
    /// `category`, `post_tag`, `post_format`, `nav_menu` …
    pub domain: String,
    /// The term's slug.
    pub nicename: String,
    /// The term's name.
    pub name: String,
}

/// A `wp:comment` block.
#[derive(Debug, Clone, Default)]
pub struct Comment {
    /// `wp:comment_id`.
    pub id: i64,
    /// `wp:comment_parent` (0 for none).
    pub parent: i64,
    /// Name.
    pub author: String,
    /// E-mail.
    pub author_email: String,
    /// Website.
    pub author_url: String,
    /// Address.
    pub author_ip: String,
    /// `wp:comment_date` (site time).
    pub date: String,
    /// `wp:comment_date_gmt`.
    pub date_gmt: String,
    /// The text (WordPress keeps a little HTML in comments).
    pub content: String,
    /// The text was longer than [`FIELD_TEXT_CAP`] and only its start was kept.
    pub content_cut: bool,
    /// `1`, `0`, `spam`, `trash` or `post-trashed`.
    pub approved: String,
    /// Empty or `comment` for comments; `pingback`, `trackback` …
    pub comment_type: String,
}

/// An `item`: a post, page, attachment, menu entry …
#[derive(Debug, Clone, Default)]
pub struct Item {
    /// Byte offset of the `<item>` tag, for error messages.
    pub offset: u64,
    /// Title.
    pub title: String,
    /// The item's address on the old site.
    pub link: String,
    /// `guid`.
    pub guid: String,
    /// `dc:creator`: an author login.
    pub creator: String,
    /// `content:encoded`.
    pub content: String,
    /// The content was longer than [`POST_TEXT_CAP`] and only its start was kept.
    pub content_cut: bool,
    /// `excerpt:encoded`.
    pub excerpt: String,
    /// `wp:post_id`.
    pub post_id: i64,
    /// `wp:post_date` (site time).
    pub post_date: String,
    /// `wp:post_date_gmt` (`0000-00-00 00:00:00` for drafts).
    pub post_date_gmt: String,
    /// `wp:post_modified_gmt`.
    pub post_modified_gmt: String,
    /// `open` or `closed`.
    pub comment_status: String,
    /// `wp:post_name`: the slug, percent-encoded when it is not ASCII.
    pub post_name: String,
    /// `publish`, `draft`, `pending`, `private`, `future`, `trash` …
    pub status: String,
    /// `post`, `page`, `attachment`, `nav_menu_item` …
    pub post_type: String,
    /// Categories and tags.
    pub terms: Vec<Term>,
    /// Comments, in file order.
    pub comments: Vec<Comment>,
}

/// What the reader hands out.
#[derive(Debug, Clone)]
pub enum Entry {
    /// An author from the channel header.
    Author(Author),
    /// An item.
    Item(Box<Item>),
}

/// An element's text, at most `cap` bytes of it.
#[derive(Debug)]
struct Text {
    kept: String,
    cap: usize,
    /// There was more than `cap`.
    cut: bool,
}

impl Default for Text {
    fn default() -> Self {
        Text {
            kept: String::new(),
            cap: FIELD_TEXT_CAP,
            cut: false,
        }
    }
}

impl Text {
    fn push(&mut self, s: &str) {
        let room = self.cap.saturating_sub(self.kept.len());
        if s.len() <= room {
            self.kept.push_str(s);
        } else {
            self.kept.push_str(&s[..s.floor_char_boundary(room)]);
            self.cut = true;
        }
    }
}

/// Reads entries one at a time.
pub struct WxrReader<R: BufRead> {
    reader: Reader<Bounded<R>>,
    buf: Vec<u8>,
    /// Open elements, outermost first.
    path: Vec<String>,
    /// Text of the element being read.
    text: Text,
    /// Runs the filter has cut that the reader has accounted for.
    cuts_seen: usize,
    channel: Channel,
    seen_channel: bool,
    author: Author,
    item: Item,
    comment: Comment,
    term: Term,
    finished: bool,
}

/// The text an entity or character reference stands for.
fn resolve(r: &BytesRef<'_>, at: u64) -> Result<String, WxrError> {
    let fail = |message: String| WxrError {
        offset: at,
        message,
    };
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| fail(format!("bad character reference: {e}")))?
    {
        return Ok(c.to_string());
    }
    let name = r.decode().map_err(|e| fail(format!("bad entity: {e}")))?;
    quick_xml::escape::resolve_xml_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| fail(format!("unknown entity “&{name};”")))
}

fn parse_id(text: &str, what: &str, offset: u64) -> Result<i64, WxrError> {
    text.trim().parse().map_err(|_| WxrError {
        offset,
        message: format!("{what} should be a number, but is “{}”", text.trim()),
    })
}

impl<R: BufRead> WxrReader<R> {
    /// A reader over an export.
    pub fn new(input: R) -> Self {
        let mut reader = Reader::from_reader(Bounded::new(input, EVENT_CAP));
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        WxrReader {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            path: Vec::new(),
            text: Text::default(),
            cuts_seen: 0,
            channel: Channel::default(),
            seen_channel: false,
            author: Author::default(),
            item: Item::default(),
            comment: Comment::default(),
            term: Term::default(),
            finished: false,
        }
    }

    /// The channel header read so far (complete once the first item is out).
    pub fn channel(&self) -> &Channel {
        &self.channel
    }

    /// Bytes consumed so far, for progress.
    pub fn position(&self) -> u64 {
        self.input_offset(self.reader.buffer_position())
    }

    /// The file offset of a parser offset (the filter drops what is past a cap).
    fn input_offset(&self, parsed: u64) -> u64 {
        self.reader.get_ref().input_offset(parsed)
    }

    /// An error at a parser offset.
    fn fail(&self, offset: u64, message: impl Into<String>) -> WxrError {
        WxrError {
            offset: self.input_offset(offset),
            message: message.into(),
        }
    }

    fn open(&mut self, e: &BytesStart<'_>, at: u64) -> Result<(), WxrError> {
        let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
        match (self.path.last().map(String::as_str), name.as_str()) {
            (None, "rss") => {}
            (None, other) => {
                return Err(self.fail(
                    at,
                    format!("this is not a WordPress export: it starts with <{other}>, not <rss>"),
                ));
            }
            (Some("rss"), "channel") => self.seen_channel = true,
            (Some("channel"), "item") => {
                self.item = Item {
                    offset: self.input_offset(at),
                    ..Item::default()
                }
            }
            (Some("channel"), "wp:author") => self.author = Author::default(),
            (Some("item"), "wp:comment") => self.comment = Comment::default(),
            (Some("item"), "category") => {
                let decoder = self.reader.decoder();
                let attr = |key: &str| -> Result<String, WxrError> {
                    match e.try_get_attribute(key) {
                        Ok(Some(a)) => a
                            .decoded_and_normalized_value(
                                quick_xml::XmlVersion::Implicit1_0,
                                decoder,
                            )
                            .map(|v| v.into_owned())
                            .map_err(|err| self.fail(at, format!("bad attribute {key}: {err}"))),
                        Ok(None) => Ok(String::new()),
                        Err(err) => Err(self.fail(at, format!("bad attribute {key}: {err}"))),
                    }
                };
                let (domain, nicename) = (attr("domain")?, attr("nicename")?);
                self.term = Term {
                    domain,
                    nicename,
                    name: String::new(),
                };
            }
            _ => {}
        }
        let cap = match (self.path.last().map(String::as_str), name.as_str()) {
            (Some("item"), "content:encoded" | "excerpt:encoded") => POST_TEXT_CAP,
            _ => FIELD_TEXT_CAP,
        };
        self.path.push(name);
        self.text = Text {
            cap,
            ..Text::default()
        };
        Ok(())
    }

    /// Handles an end tag; returns a finished entry.
    fn close(&mut self, at: u64) -> Result<Option<Entry>, WxrError> {
        let Some(name) = self.path.pop() else {
            return Ok(None);
        };
        // What follows is the parent's text, which nothing keeps.
        let Text {
            kept: text, cut, ..
        } = std::mem::take(&mut self.text);
        let at = self.input_offset(at);
        let parent = self.path.last().map(String::as_str).unwrap_or("");
        match (parent, name.as_str()) {
            ("channel", "wp:base_site_url") => self.channel.base_site_url = text.trim().into(),
            ("channel", "wp:wxr_version") => self.channel.wxr_version = text.trim().into(),
            ("channel", "wp:author") => {
                return Ok(Some(Entry::Author(std::mem::take(&mut self.author))));
            }
            ("channel", "item") => {
                if self.item.post_id == 0 {
                    return Err(WxrError {
                        offset: self.item.offset,
                        message: format!("the item “{}” has no wp:post_id", self.item.title.trim()),
                    });
                }
                return Ok(Some(Entry::Item(Box::new(std::mem::take(&mut self.item)))));
            }
            ("wp:author", "wp:author_login") => self.author.login = text.trim().into(),
            ("wp:author", "wp:author_email") => self.author.email = text.trim().into(),
            ("wp:author", "wp:author_display_name") => self.author.display_name = text,
            ("item", field) => {
                let item = &mut self.item;
                match field {
                    "title" => item.title = text,
                    "link" => item.link = text.trim().into(),
                    "guid" => item.guid = text.trim().into(),
                    "dc:creator" => item.creator = text.trim().into(),
                    "content:encoded" => {
                        item.content = text;
                        item.content_cut = cut;
                    }
                    "excerpt:encoded" => item.excerpt = text,
                    "wp:post_id" => item.post_id = parse_id(&text, "wp:post_id", at)?,
                    "wp:post_date" => item.post_date = text.trim().into(),
                    "wp:post_date_gmt" => item.post_date_gmt = text.trim().into(),
                    "wp:post_modified_gmt" => item.post_modified_gmt = text.trim().into(),
                    "wp:comment_status" => item.comment_status = text.trim().into(),
                    "wp:post_name" => item.post_name = text.trim().into(),
                    "wp:status" => item.status = text.trim().into(),
                    "wp:post_type" => item.post_type = text.trim().into(),
                    "category" => {
                        let mut term = std::mem::take(&mut self.term);
                        term.name = text;
                        item.terms.push(term);
                    }
                    "wp:comment" => item.comments.push(std::mem::take(&mut self.comment)),
                    _ => {}
                }
            }
            ("wp:comment", field) => {
                let c = &mut self.comment;
                match field {
                    "wp:comment_id" => c.id = parse_id(&text, "wp:comment_id", at)?,
                    "wp:comment_parent" => c.parent = parse_id(&text, "wp:comment_parent", at)?,
                    "wp:comment_author" => c.author = text,
                    "wp:comment_author_email" => c.author_email = text.trim().into(),
                    "wp:comment_author_url" => c.author_url = text.trim().into(),
                    "wp:comment_author_IP" => c.author_ip = text.trim().into(),
                    "wp:comment_date" => c.date = text.trim().into(),
                    "wp:comment_date_gmt" => c.date_gmt = text.trim().into(),
                    "wp:comment_content" => {
                        c.content = text;
                        c.content_cut = cut;
                    }
                    "wp:comment_approved" => c.approved = text.trim().into(),
                    "wp:comment_type" => c.comment_type = text.trim().into(),
                    _ => {}
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// The next author or item; `None` at the end of the export.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, WxrError> {
        if self.finished {
            return Ok(None);
        }
        loop {
            self.buf.clear();
            let at = self.reader.buffer_position();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e,
                Err(e) => {
                    return Err(WxrError {
                        offset: self
                            .reader
                            .get_ref()
                            .input_offset(self.reader.error_position()),
                        message: format!("the XML is malformed: {e}"),
                    });
                }
            };
            let cuts = self
                .reader
                .get_ref()
                .cuts_before(self.reader.buffer_position());
            let event_cut = cuts > self.cuts_seen;
            self.cuts_seen = cuts;
            match event {
                Event::Start(e) => {
                    let e = e.into_owned();
                    self.open(&e, at)?;
                }
                Event::End(_) => {
                    if let Some(entry) = self.close(at)? {
                        return Ok(Some(entry));
                    }
                }
                Event::Text(t) => {
                    let s = t.xml10_content().map_err(|e| WxrError {
                        offset: self.reader.get_ref().input_offset(at),
                        message: format!("the text is not valid UTF-8: {e}"),
                    })?;
                    if self.path.is_empty() && !s.trim().is_empty() {
                        return Err(self.fail(
                            at,
                            "this is not a WordPress export: there is text outside the <rss> element",
                        ));
                    }
                    self.text.cut |= event_cut;
                    self.text.push(&s);
                }
                Event::CData(t) => {
                    let s = t.xml10_content().map_err(|e| WxrError {
                        offset: self.reader.get_ref().input_offset(at),
                        message: format!("the CDATA section is not valid UTF-8: {e}"),
                    })?;
                    self.text.cut |= event_cut;
                    self.text.push(&s);
                }
                Event::GeneralRef(r) => {
                    let s = resolve(&r, self.reader.get_ref().input_offset(at))?;
                    self.text.push(&s);
                }
                Event::Eof => {
                    self.finished = true;
                    if let Some(open) = self.path.last() {
                        let inside = if self.path.iter().any(|p| p == "item") {
                            format!(
                                "inside <{open}> of the item “{}” (wp:post_id {})",
                                self.item.title.trim(),
                                self.item.post_id
                            )
                        } else {
                            format!("inside <{open}>")
                        };
                        return Err(
                            self.fail(at, format!("the file ends {inside}: it looks truncated"))
                        );
                    }
                    if !self.seen_channel {
                        return Err(self.fail(
                            at,
                            "this is not a WordPress export: there is no <rss><channel>",
                        ));
                    }
                    return Ok(None);
                }
                Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_)
                | Event::Empty(_) => {}
            }
        }
    }
}

/// The 1-based line holding a byte offset, counted by reading the input again (done only
/// for an error, so a normal import never keeps line positions).
pub fn line_at(mut input: impl Read, offset: u64) -> std::io::Result<u64> {
    let mut line = 1;
    let mut left = offset;
    let mut buf = [0u8; 64 * 1024];
    while left > 0 {
        let n = input.read(&mut buf)?;
        if n == 0 {
            break;
        }
        let take = usize::try_from(left).map_or(n, |l| l.min(n));
        line += buf[..take].iter().filter(|&&b| b == b'\n').count() as u64;
        left -= take as u64;
    }
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(xml: &str) -> Result<Vec<Entry>, WxrError> {
        let mut r = WxrReader::new(xml.as_bytes());
        let mut out = Vec::new();
        while let Some(e) = r.next_entry()? {
            out.push(e);
        }
        Ok(out)
    }

    const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://ngo.example</wp:base_site_url>
<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[amira]]></wp:author_login><wp:author_email><![CDATA[amira@ngo.example]]></wp:author_email><wp:author_display_name><![CDATA[Amira K]]></wp:author_display_name></wp:author>
"#;

    #[test]
    fn items_come_out_with_their_comments_and_terms() {
        let xml = format!(
            "{HEAD}<item><title>Rights &amp; wrongs</title><dc:creator><![CDATA[amira]]></dc:creator>
<content:encoded><![CDATA[Para one

Para <b>two</b>]]></content:encoded><wp:post_id>12</wp:post_id><wp:status>publish</wp:status>
<category domain=\"post_tag\" nicename=\"housing\"><![CDATA[Housing]]></category>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_content><![CDATA[Hi]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment>
<wp:postmeta><wp:meta_key>x</wp:meta_key></wp:postmeta><wp:post_password></wp:post_password><empty/>
</item></channel></rss>"
        );
        let all = entries(&xml).unwrap();
        assert_eq!(all.len(), 2);
        let Entry::Author(a) = &all[0] else {
            panic!("author first")
        };
        assert_eq!(
            (a.login.as_str(), a.display_name.as_str()),
            ("amira", "Amira K")
        );
        let Entry::Item(item) = &all[1] else {
            panic!("then the item")
        };
        assert_eq!(item.title, "Rights & wrongs");
        assert_eq!(item.post_id, 12);
        assert_eq!(item.content, "Para one\n\nPara <b>two</b>");
        assert_eq!(item.terms[0].domain, "post_tag");
        assert_eq!(item.terms[0].nicename, "housing");
        assert_eq!(item.terms[0].name, "Housing");
        assert_eq!(item.comments.len(), 1);
        assert_eq!(item.comments[0].id, 5);
        assert_eq!(item.comments[0].content, "Hi");
    }

    #[test]
    fn a_truncated_file_is_an_error_at_its_end() {
        let xml = format!(
            "{HEAD}<item><title>Half</title><wp:post_id>3</wp:post_id><content:encoded>Cut"
        );
        let e = entries(&xml).unwrap_err();
        assert!(e.message.contains("truncated"), "{}", e.message);
        assert!(e.message.contains("Half"), "{}", e.message);
        assert_eq!(line_at(xml.as_bytes(), e.offset).unwrap(), 7);
    }

    #[test]
    fn mismatched_tags_and_strangers_are_refused() {
        let xml = format!("{HEAD}<item><title>x</wp:post_id></item></channel></rss>");
        let e = entries(&xml).unwrap_err();
        assert!(e.message.contains("malformed"), "{}", e.message);
        assert_eq!(line_at(xml.as_bytes(), e.offset).unwrap(), 7);
        let e = entries("<html><body>hi</body></html>").unwrap_err();
        assert!(
            e.message.contains("not a WordPress export"),
            "{}",
            e.message
        );
        let e = entries(&format!("{HEAD}<item><wp:post_id>x1</wp:post_id></item>")).unwrap_err();
        assert!(e.message.contains("wp:post_id"), "{}", e.message);
    }

    /// An export whose first item's content is `huge_bytes` of generated HTML, never
    /// held in memory here either, followed by a small item.
    fn huge_export(huge_bytes: u64, cdata: bool) -> impl BufRead {
        use std::io::{BufReader, Cursor};
        let (open, close) = if cdata {
            ("<![CDATA[", "]]>")
        } else {
            ("", "")
        };
        let head = format!(
            "{HEAD}<item><title>Huge</title><wp:post_id>1</wp:post_id>\n<content:encoded>{open}"
        );
        let tail = format!(
            "{close}</content:encoded>\n<wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_content>{}</wp:comment_content></wp:comment>
</item>\n<item><title>Small</title><wp:post_id>2</wp:post_id><content:encoded>Kept &amp; whole</content:encoded></item>
</channel></rss>",
            "é&amp;".repeat(20_000)
        );
        let body = std::io::repeat(b'x').take(huge_bytes);
        BufReader::new(Cursor::new(head).chain(body).chain(Cursor::new(tail)))
    }

    #[test]
    fn text_past_the_caps_is_dropped_not_buffered_and_marked() {
        for cdata in [true, false] {
            let mut r = WxrReader::new(huge_export(50 * 1024 * 1024, cdata));
            assert!(matches!(r.next_entry().unwrap(), Some(Entry::Author(_))));
            let Some(Entry::Item(huge)) = r.next_entry().unwrap() else {
                panic!("the huge item")
            };
            assert!(huge.content_cut, "cdata: {cdata}");
            assert_eq!(huge.content.len(), POST_TEXT_CAP);
            assert!(huge.content.bytes().all(|b| b == b'x'));
            // The parser never held more than one capped event.
            assert!(r.buf.capacity() < 2 * EVENT_CAP, "{}", r.buf.capacity());
            let c = &huge.comments[0];
            assert!(c.content_cut);
            assert!(c.content.len() <= FIELD_TEXT_CAP, "{}", c.content.len());
            assert!(c.content.starts_with("é&é&"));
            let Some(Entry::Item(small)) = r.next_entry().unwrap() else {
                panic!("the item after it")
            };
            assert_eq!(small.content, "Kept & whole");
            assert!(!small.content_cut);
            assert!(r.next_entry().unwrap().is_none());
            assert!(
                r.position() > 50 * 1024 * 1024,
                "progress counts the file's bytes"
            );
        }
    }

    #[test]
    fn text_within_the_caps_is_kept_whole() {
        let body = "ü".repeat(POST_TEXT_CAP / 2);
        let xml = format!(
            "{HEAD}<item><wp:post_id>3</wp:post_id><content:encoded><![CDATA[{body}]]></content:encoded></item></channel></rss>"
        );
        let all = entries(&xml).unwrap();
        let Entry::Item(item) = &all[1] else {
            panic!("the item")
        };
        assert!(!item.content_cut);
        assert_eq!(item.content, body);
    }

    #[test]
    fn an_error_after_a_cut_names_its_line_in_the_file() {
        let mut xml = format!(
            "{HEAD}<item><wp:post_id>4</wp:post_id><content:encoded>{}\n\n</content:encoded></item>\n",
            "line\n".repeat(POST_TEXT_CAP)
        );
        xml.push_str("<item><title>x</wp:post_id></item></channel></rss>");
        let mut r = WxrReader::new(xml.as_bytes());
        let e = loop {
            match r.next_entry() {
                Ok(Some(_)) => {}
                Ok(None) => panic!("the mismatched tag is an error"),
                Err(e) => break e,
            }
        };
        assert!(e.message.contains("malformed"), "{}", e.message);
        assert_eq!(
            line_at(xml.as_bytes(), e.offset).unwrap(),
            xml.lines().count() as u64
        );
    }
}
