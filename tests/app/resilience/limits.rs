//! Oversized and malformed requests on every POST route: a 10 MB body gets the styled
//! 413 page, and a form that is not well-formed URL-encoded UTF-8 gets a styled 400.
//! The routes are read from `#[post("…")]` in `src/http/`, so a new one is covered
//! without being listed here.

use std::path::Path;
use std::time::Instant;

use reqwest::blocking::Body;

use super::assert_styled_error;
use crate::both_backends;
use crate::comments::housing_post;
use crate::support::*;

const TEN_MB: usize = 10 * 1024 * 1024;

/// POST routes that do not read a body: the unsubscribe and confirmation links carry their token in the
/// address (mail clients' one-click `List-Unsubscribe` posts whatever they like).
const READS_NO_BODY: [&str; 2] = ["/unsubscribe", "/subscriptions/confirm"];

/// Every path registered with `#[post("…")]` under `src/http/` (its folders too), as
/// written there.
pub fn post_routes() -> Vec<String> {
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src/http")];
    let mut routes = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder under src/http") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).expect("a source file");
            assert!(
                !source.contains("web::post()") && !source.contains("Method::POST"),
                "{} registers a POST route another way: teach post_routes() to find it",
                path.display()
            );
            for line in source.lines() {
                if let Some(rest) = line.trim().strip_prefix("#[post(\"") {
                    let route = rest.split('"').next().expect("a quoted path");
                    routes.push(route.to_owned());
                }
            }
        }
    }
    assert!(routes.len() > 20, "the POST routes were found: {routes:?}");
    routes.sort();
    routes
}

/// A concrete address for a route pattern: ids of things that exist where it matters.
fn address(route: &str, post_id: i64, slug: &str) -> String {
    route
        .replace("{slug}", slug)
        .replace("{id}", &post_id.to_string())
        .replace("{ban}", "1")
}

fn post_raw(app: &TestApp, path: &str, content_type: &str, body: impl Into<Body>) -> Page {
    let sent = app
        .client
        .post(format!("{}{path}", app.base))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .unwrap_or_else(|e| panic!("POST {path} got no answer: {e}"));
    Page::from(sent)
}

both_backends! {
    fn ten_megabytes_to_every_post_route_get_413_and_bad_forms_400(app) {
        let routes = post_routes();
        assert!(routes.len() >= 20, "the POST routes were found: {routes:?}");
        for r in READS_NO_BODY {
            assert!(routes.iter().any(|x| x == r), "{r} is still a POST route");
        }
        // Signed in, so staff routes reach their form instead of redirecting to sign-in.
        let (post_id, slug) = housing_post(&app);
        let began = Instant::now();
        let huge = vec![b'a'; TEN_MB];
        for route in &routes {
            let path = address(route, post_id, &slug);
            let p = post_raw(&app, &path, "application/x-www-form-urlencoded", huge.clone());
            assert_styled_error(&p, 413, &format!("10 MB to {path}"));
            assert_eq!(p.text("h1"), "Payload Too Large", "{path}");
        }
        let forms: Vec<&String> = routes.iter().filter(|r| !READS_NO_BODY.contains(&r.as_str())).collect();
        for route in &forms {
            let path = address(route, post_id, &slug);
            // Sent without a length (chunked), so only the reading side can stop it.
            let chunked = Body::new(std::io::Cursor::new(huge.clone()));
            let p = post_raw(&app, &path, "application/x-www-form-urlencoded", chunked);
            assert_styled_error(&p, 413, &format!("10 MB chunked to {path}"));
            let malformed: [(&str, &[u8]); 6] = [
                ("application/x-www-form-urlencoded", b"title=%ZZ&csrf_token=x"),
                ("application/x-www-form-urlencoded", b"title=100%&csrf_token=x"),
                ("application/x-www-form-urlencoded", b"title=%FF%FE&csrf_token=x"),
                ("application/x-www-form-urlencoded", b"ti\xfftle=\xfe&csrf_token=x"),
                ("application/x-www-form-urlencoded; charset=iso-8859-1", b"title=caf\xe9&csrf_token=x"),
                ("application/json", b"{\"title\": \"x\"}"),
            ];
            for (content_type, body) in malformed {
                let p = post_raw(&app, &path, content_type, body.to_vec());
                assert_styled_error(&p, 400, &format!("{path} with {content_type} {:?}", String::from_utf8_lossy(body)));
            }
        }
        assert_eq!(app.get(&format!("/posts/{slug}")).status, 200, "the site still serves");
        eprintln!(
            "limits ({:?}): {} POST routes refused 10 MB, {} refused 10 MB chunked and 6 malformed forms each, in {:.1} s",
            app.backend, routes.len(), forms.len(), began.elapsed().as_secs_f64()
        );
    }
}
