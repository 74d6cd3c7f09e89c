//! What each fuzz target checks, and the seed inputs they start from.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use scraper::Html;
use townhall::domain::html::SafeHtml;
use townhall::import::{content, wxr};
use townhall::moderation::{
    self, Facts, Field, FormTiming, Identity, PostContext, RuleSet, Standing, Submission,
};
use townhall::service::rules::RulesSource;

/// `../shared/badinput` beside the repository.
pub fn badinput_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/badinput")
}

/// Every hostile string in `../shared/badinput` (naughty strings, XSS and SQL injection
/// payloads), one per entry; the fuzz targets start from these.
pub fn hostile_seeds() -> Vec<String> {
    let dir = badinput_dir();
    let blns = std::fs::read_to_string(dir.join("blns.json"))
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut seeds: Vec<String> =
        serde_json::from_str(&blns).expect("blns.json is a list of strings");
    for sub in ["xss", "sqli"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("a badinput folder") {
            let bytes = std::fs::read(entry.expect("an entry").path()).expect("a payload file");
            seeds.extend(String::from_utf8_lossy(&bytes).lines().map(str::to_owned));
        }
    }
    let blns_txt = std::fs::read(dir.join("blns.txt")).expect("blns.txt");
    seeds.extend(
        String::from_utf8_lossy(&blns_txt)
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(str::to_owned),
    );
    seeds.sort();
    seeds.dedup();
    seeds
}

/// The WordPress exports of the import tests: real-shaped documents to cut and splice.
pub fn wxr_seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/fixtures")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read(p).expect("a fixture"))
        .collect()
}

/// The shipped rules, compiled once.
pub fn shipped_rules() -> &'static RuleSet {
    static RULES: LazyLock<RuleSet> = LazyLock::new(|| {
        RulesSource::Shipped
            .load()
            .expect("the shipped rules compile")
    });
    &RULES
}

/// The rules engine (with its text folding) on an arbitrary body and name: it must
/// return a verdict, and every piece of evidence must point at a slice of what was
/// typed (in range, on character boundaries).
pub fn check_engine(body: &str, author: &str) {
    let identity = Identity::new("reader@example.org", "192.0.2.10".parse().ok(), 24, 64);
    let tags = vec!["housing".to_owned()];
    let staff = vec!["Alex Editor".to_owned()];
    let submission = Submission {
        author,
        email: "reader@example.org",
        website: "",
        body,
        honeypot: "",
        timing: FormTiming::Seconds(90.0),
    };
    let facts = Facts {
        post: PostContext {
            title: "Council housing waiting lists in Hackney",
            body: "Families wait years for council housing in Hackney.",
            tags: &tags,
        },
        parent: Some(body),
        identity: &identity,
        prior: &[],
        thread_flood_closed: false,
        standing: Standing::Normal,
        staff_names: &staff,
        spam: None,
    };
    let verdict = moderation::evaluate(shipped_rules(), &submission, &facts);
    for hit in &verdict.hits {
        let Some(e) = &hit.evidence else { continue };
        let text = match e.field {
            Field::Body => body,
            Field::Author => author,
            _ => continue,
        };
        assert!(
            e.start <= e.end
                && e.end <= text.len()
                && text.is_char_boundary(e.start)
                && text.is_char_boundary(e.end),
            "rule {} gave evidence {}..{} outside the {:?} field ({} bytes): {text:?}",
            hit.rule,
            e.start,
            e.end,
            e.field,
            text.len()
        );
    }
}

/// The elements the comment subset may produce (README, "Comments").
const COMMENT_TAGS: [&str; 6] = ["p", "br", "em", "strong", "blockquote", "a"];

/// Attributes whose value a browser loads or follows as a URL.
const URL_ATTRIBUTES: [&str; 10] = [
    "href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "cite",
    "background",
    "xlink:href",
    "longdesc",
];

/// Parses rendered output as a browser would and fails on any element outside
/// `allowed` (when given), any event-handler attribute and any script URL.
fn assert_inert(html: &str, allowed: Option<&[&str]>, input: &str) {
    let fragment = Html::parse_fragment(html);
    for element in fragment
        .root_element()
        .descendants()
        .filter_map(scraper::ElementRef::wrap)
    {
        let name = element.value().name();
        if name == "html" {
            continue; // the fragment's own wrapper
        }
        assert!(
            name != "script" && name != "iframe" && name != "object" && name != "embed",
            "<{name}> from {input:?}: {html}"
        );
        if let Some(allowed) = allowed {
            assert!(allowed.contains(&name), "<{name}> from {input:?}: {html}");
        }
        for (attr, value) in element.value().attrs() {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{attr}= on <{name}> from {input:?}: {html}"
            );
            // Only attributes a browser follows as a URL: `alt="javascript:…"` is text.
            if !URL_ATTRIBUTES.contains(&attr.to_ascii_lowercase().as_str()) {
                continue;
            }
            let scheme = value.trim().to_ascii_lowercase();
            assert!(
                !["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| scheme.starts_with(s)),
                "{attr}={value:?} on <{name}> from {input:?}: {html}"
            );
        }
    }
}

/// The comment renderer (Markdown subset, then ammonia) on arbitrary text: no panic,
/// only the subset's elements, and no script, event handler or script URL.
pub fn check_comment_renderer(text: &str) {
    let html = SafeHtml::from_comment_markdown(text);
    assert_inert(html.as_str(), Some(&COMMENT_TAGS), text);
}

/// The post renderer (full Markdown, then ammonia's defaults): no script, event handler
/// or script URL.
pub fn check_post_renderer(markdown: &str) {
    let html = SafeHtml::from_markdown(markdown);
    assert_inert(html.as_str(), None, markdown);
}

/// The WordPress export reader and its content conversion on arbitrary bytes: every
/// entry is read or a clean error comes back; nothing panics.
pub fn check_wxr(bytes: &[u8]) {
    let mut reader = wxr::WxrReader::new(bytes);
    // Each entry consumes input, so this ends; the bound only guards against a bug.
    for _ in 0..=bytes.len() {
        match reader.next_entry() {
            Ok(Some(wxr::Entry::Item(item))) => {
                let mut tally = content::ShortcodeTally::default();
                check_post_renderer(&content::post_body(&item.content, &mut tally));
                for c in &item.comments {
                    check_comment_renderer(&content::comment_markdown(&c.content));
                }
            }
            Ok(Some(wxr::Entry::Author(_))) => {}
            Ok(None) | Err(_) => return,
        }
    }
    panic!("the reader kept returning entries past the end of its input");
}
