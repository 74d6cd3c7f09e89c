-- Pre-moderation: a post's fourth comment mode, 'held' (open, every comment held for a
-- moderator). The site-wide switch lives in site_meta and needs no column.
ALTER TABLE posts DROP CONSTRAINT posts_comment_mode_check;
ALTER TABLE posts ADD CONSTRAINT posts_comment_mode_check
    CHECK (comment_mode IN ('auto', 'open', 'closed', 'held'));
