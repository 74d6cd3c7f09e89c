//! Every hostile string from shared/badinput as a post title, tag, slug and search query:
//! a clean page or a clear validation error, never a 500; stored text comes back exactly.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::both_backends;
use crate::support::*;

fn badinput_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/badinput")
}

/// The lines of every list in a folder of `shared/badinput` (as written, even if not UTF-8).
fn lines_in(sub: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(badinput_dir().join(sub)).expect("badinput folder") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read payloads");
        lines.extend(String::from_utf8_lossy(&bytes).lines().map(str::to_owned));
    }
    lines
}

/// The Big List of Naughty Strings.
fn naughty_strings() -> Vec<String> {
    let dir = badinput_dir();
    let blns = std::fs::read_to_string(dir.join("blns.json")).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (shared/ must sit beside the repo)",
            dir.display()
        )
    });
    serde_json::from_str(&blns).expect("blns.json")
}

/// The naughty strings, the XSS payloads and the SQL injections, de-duplicated.
pub fn hostile_strings() -> Vec<String> {
    let mut all: BTreeSet<String> = naughty_strings().into_iter().collect();
    all.extend(lines_in("xss"));
    all.extend(lines_in("sqli"));
    all.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// Every XSS payload list, and the naughty strings that try to run script, de-duplicated.
pub fn xss_payloads() -> Vec<String> {
    let scriptish = |s: &String| {
        let lower = s.to_lowercase();
        [
            "<",
            "javascript:",
            "vbscript:",
            "alert",
            "prompt(",
            "confirm(",
            "expression(",
        ]
        .iter()
        .any(|m| lower.contains(m))
    };
    let mut all: BTreeSet<String> = naughty_strings().into_iter().filter(scriptish).collect();
    all.extend(lines_in("xss"));
    all.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

fn folded(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

both_backends! {
    fn hostile_strings_give_clean_pages_or_clear_errors(app) {
        app.login_admin();
        let token = app.get("/admin/posts/new").csrf();
        let strings = hostile_strings();
        assert!(strings.len() > 1500, "the hostile lists were read: {}", strings.len());
        let target = app.create_post("Slug target", "", "Body.", "save", "");
        let (mut stored, mut refused) = (0, 0);
        for s in &strings {
            // As a title and a tag.
            let p = app.post("/admin/posts/new", &[("title", s), ("tags", s), ("body", "Body text."), ("slug", ""), ("publish_at", "2026-01-01T00:00"), ("action", "publish"), ("csrf_token", &token)]);
            match p.status {
                303 => {
                    stored += 1;
                    // The preview renders the public post page by id, so no slug look-up is needed.
                    let id = post_id_from(p.location());
                    let page = app.get(&format!("/admin/posts/{id}/preview"));
                    assert_eq!(page.status, 200, "post page for {s:?}");
                    assert_eq!(page.text("article h1"), folded(s), "title stored and shown as text for {s:?}");
                    if s.contains("<script") || s.contains("onerror=") || s.contains("onload=") {
                        assert!(!page.body.contains(s.trim()), "raw markup must never reach the page: {s:?}");
                    }
                }
                422 => {
                    refused += 1;
                    assert!(!p.texts(".field-error").is_empty(), "a refusal says why: {s:?}");
                }
                other => panic!("title/tag {s:?} gave {other}: {}", p.body),
            }
            // As a slug.
            let e = app.post(&format!("/admin/posts/{target}/edit"), &[("title", "Slug target"), ("slug", s), ("body", "Body."), ("tags", ""), ("publish_at", ""), ("action", "save"), ("csrf_token", &token)]);
            assert!(e.status == 303 || e.status == 422, "slug {s:?} gave {}: {}", e.status, e.body);
            // As a search query.
            let q: String = url::form_urlencoded::byte_serialize(s.as_bytes()).collect();
            let r = app.get(&format!("/search?q={q}"));
            assert_eq!(r.status, 200, "search for {s:?}");
        }
        eprintln!("hostile input ({:?}): {} strings, {stored} stored as posts, {refused} refused with a reason", app.backend, strings.len());
        assert!(stored > strings.len() / 2, "most hostile strings are legitimate text and must be storable");
    }
}
