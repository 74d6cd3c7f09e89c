-- Where imported WordPress posts, pages and comments came from: a second import of the
-- same (or a newer) export recognises what it already brought across, and old WordPress
-- addresses (`/?p=ID`, `/2019/05/slug/`) find the post they now lead to.

-- A post deleted in Townhall keeps its row (post_id NULL), so a later import does not
-- bring it back.
CREATE TABLE wp_posts (
    wp_id BIGINT PRIMARY KEY NOT NULL,
    post_id BIGINT REFERENCES posts (id) ON DELETE SET NULL,
    guid TEXT NOT NULL,
    -- The WordPress slug, percent-decoded: what `/slug/` permalinks carry.
    wp_slug TEXT NOT NULL,
    -- 'post' or 'page'.
    post_type TEXT NOT NULL
);
CREATE INDEX wp_posts_post_id ON wp_posts (post_id);
CREATE INDEX wp_posts_wp_slug ON wp_posts (wp_slug);

CREATE TABLE wp_comments (
    wp_id BIGINT PRIMARY KEY NOT NULL,
    comment_id BIGINT NOT NULL REFERENCES comments (id)
);
CREATE INDEX wp_comments_comment_id ON wp_comments (comment_id);
