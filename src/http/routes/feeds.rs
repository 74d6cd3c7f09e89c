//! Atom and RSS feeds, the sitemap and robots.txt.

use actix_web::{HttpResponse, get, web};
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};
use quick_xml::escape::escape;

use crate::http::error::AppError;
use crate::http::middleware::replica::Reads;
use crate::http::now;
use crate::http::state::AppState;
use crate::service::site::{self, PostSummary};

/// Registers the machine-readable routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(atom_feed)
        .service(rss_feed)
        .service(sitemap)
        .service(robots);
}

fn parse_iso(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap_or_default()
}

fn post_url(state: &AppState, p: &PostSummary) -> String {
    format!("{}/posts/{}", state.settings.base_url, p.slug)
}

fn link(href: String, rel: &str, mime: Option<&str>) -> atom::Link {
    let mut l = atom::Link::default();
    l.set_href(href);
    l.set_rel(rel);
    l.set_mime_type(mime.map(str::to_owned));
    l
}

#[get("/feed.atom")]
async fn atom_feed(state: web::Data<AppState>, reads: Reads) -> Result<HttpResponse, AppError> {
    let entries = reads.db(|c| site::feed(c, now())).await?;
    let base = &state.settings.base_url;
    let mut feed = atom::Feed::default();
    feed.set_title(state.settings.site_title.as_str());
    feed.set_subtitle(Some(atom::Text::plain(
        state.settings.site_description.clone(),
    )));
    feed.set_id(format!("{base}/"));
    feed.set_links(vec![
        link(
            format!("{base}/feed.atom"),
            "self",
            Some("application/atom+xml"),
        ),
        link(format!("{base}/"), "alternate", Some("text/html")),
    ]);
    feed.set_updated(
        entries
            .iter()
            .map(|(p, _)| parse_iso(&p.updated_iso))
            .max()
            .unwrap_or_else(|| parse_iso(&site::iso(now()))),
    );
    feed.set_entries(
        entries
            .iter()
            .map(|(p, html)| {
                let mut e = atom::Entry::default();
                e.set_title(p.title.as_str());
                e.set_id(post_url(&state, p));
                e.set_links(vec![link(
                    post_url(&state, p),
                    "alternate",
                    Some("text/html"),
                )]);
                e.set_published(Some(parse_iso(&p.published_iso)));
                e.set_updated(parse_iso(&p.updated_iso));
                let mut author = atom::Person::default();
                author.set_name(p.author.clone());
                e.set_authors(vec![author]);
                e.set_summary(Some(atom::Text::plain(p.excerpt.clone())));
                let mut content = atom::Content::default();
                content.set_content_type(Some("html".to_owned()));
                content.set_value(Some(html.as_str().to_owned()));
                e.set_content(Some(content));
                e.set_categories(
                    p.tags
                        .iter()
                        .map(|t| {
                            let mut c = atom::Category::default();
                            c.set_term(t.slug.clone());
                            c.set_label(Some(t.name.clone()));
                            c
                        })
                        .collect::<Vec<_>>(),
                );
                e
            })
            .collect::<Vec<_>>(),
    );
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(feed.to_string()))
}

#[get("/feed.rss")]
async fn rss_feed(state: web::Data<AppState>, reads: Reads) -> Result<HttpResponse, AppError> {
    let entries = reads.db(|c| site::feed(c, now())).await?;
    let base = &state.settings.base_url;
    let items = entries
        .iter()
        .map(|(p, html)| {
            let mut guid = rss::Guid::default();
            guid.set_value(post_url(&state, p));
            guid.set_permalink(true);
            let mut item = rss::Item::default();
            item.set_title(Some(p.title.clone()));
            item.set_link(Some(post_url(&state, p)));
            item.set_guid(Some(guid));
            item.set_pub_date(Some(parse_iso(&p.published_iso).to_rfc2822()));
            item.set_description(Some(html.as_str().to_owned()));
            item.set_categories(
                p.tags
                    .iter()
                    .map(|t| {
                        let mut c = rss::Category::default();
                        c.set_name(t.name.clone());
                        c
                    })
                    .collect::<Vec<_>>(),
            );
            item
        })
        .collect::<Vec<_>>();
    let mut channel = rss::Channel::default();
    channel.set_title(state.settings.site_title.clone());
    channel.set_link(format!("{base}/"));
    channel.set_description(state.settings.site_description.clone());
    channel.set_language(Some("en-gb".to_owned()));
    channel.set_items(items);
    Ok(HttpResponse::Ok()
        .content_type("application/rss+xml; charset=utf-8")
        .body(channel.to_string()))
}

#[get("/sitemap.xml")]
async fn sitemap(state: web::Data<AppState>, reads: Reads) -> Result<HttpResponse, AppError> {
    let (posts, tags) = reads.db(|c| site::sitemap(c, now())).await?;
    let base = &state.settings.base_url;
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let mut add = |loc: &str, lastmod: Option<&str>| {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape(loc));
        xml.push_str("</loc>");
        if let Some(m) = lastmod {
            xml.push_str("<lastmod>");
            xml.push_str(&escape(m));
            xml.push_str("</lastmod>");
        }
        xml.push_str("</url>\n");
    };
    add(&format!("{base}/"), None);
    add(&format!("{base}/archive"), None);
    add(&format!("{base}/tags"), None);
    for p in &posts {
        add(&post_url(&state, p), Some(&p.updated_iso));
    }
    for t in &tags {
        add(&format!("{base}/tags/{}", t.slug), None);
    }
    xml.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .body(xml))
}

#[get("/robots.txt")]
async fn robots(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /login\nDisallow: /search\n\nSitemap: {}/sitemap.xml\n",
        state.settings.base_url
    ))
}
