//! Atom, RSS and the sitemap are well-formed and list the right posts.

use std::str::FromStr;

use crate::both_backends;

both_backends! {
    fn feeds_and_sitemap_list_published_posts(app) {
        app.login_admin();
        let a = app.create_post("Older piece & more", "health", "About <NHS> charges.", "publish", "2026-06-01T10:00");
        app.create_post("Newer piece", "health", "**Bold** claim.", "publish", "2026-06-02T10:00");
        app.create_post("Unpublished piece", "", "Hidden.", "save", "");
        let slug_a = app.slug_of(a);

        let atom = app.browser().get("/feed.atom");
        assert_eq!(atom.status, 200);
        assert!(atom.header("content-type").starts_with("application/atom+xml"));
        let feed = atom_syndication::Feed::from_str(&atom.body).expect("well-formed Atom");
        let titles: Vec<String> = feed.entries().iter().map(|e| e.title().value.clone()).collect();
        assert_eq!(titles, vec!["Newer piece", "Older piece & more"]);
        let first = &feed.entries()[1];
        assert_eq!(first.links()[0].href(), format!("{}/posts/{slug_a}", app.settings.base_url));
        assert_eq!(first.authors()[0].name(), "Site admin");
        assert!(first.content().and_then(|c| c.value()).unwrap_or("").contains("About"));

        let rss = app.browser().get("/feed.rss");
        assert!(rss.header("content-type").starts_with("application/rss+xml"));
        let channel = rss::Channel::from_str(&rss.body).expect("well-formed RSS");
        let titles: Vec<&str> = channel.items().iter().filter_map(|i| i.title()).collect();
        assert_eq!(titles, vec!["Newer piece", "Older piece & more"]);
        assert!(channel.items()[0].pub_date().unwrap_or("").contains("2 Jun 2026"));

        let sitemap = app.browser().get("/sitemap.xml");
        let doc = roxmltree::Document::parse(&sitemap.body).expect("well-formed sitemap");
        let locs: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("loc")).filter_map(|n| n.text()).collect();
        assert!(locs.contains(&format!("{}/posts/{slug_a}", app.settings.base_url).as_str()), "{locs:?}");
        assert!(locs.contains(&format!("{}/tags/health", app.settings.base_url).as_str()));
        assert!(!sitemap.body.contains("unpublished-piece"));
    }
}
