-- Readers' comments: every submission is stored with the engine's verdict, whatever
-- the outcome, so nothing a reader wrote is lost and every decision can be reviewed.

-- How comments behave on a post: 'auto' closes them once the post is older than
-- `archive_after_days`; 'open' and 'closed' are set by staff. A flood sets flood_closed_at.
ALTER TABLE posts ADD COLUMN comment_mode TEXT NOT NULL DEFAULT 'auto'
    CHECK (comment_mode IN ('auto', 'open', 'closed'));
ALTER TABLE posts ADD COLUMN comments_closed_note TEXT;
ALTER TABLE posts ADD COLUMN flood_closed_at TIMESTAMP;

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- No cascade: a post with comments cannot be deleted, so nothing is lost.
    post_id BIGINT NOT NULL REFERENCES posts (id),
    parent_id BIGINT REFERENCES comments (id),
    author_name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    website TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('published', 'held', 'rejected')),
    auto_action TEXT NOT NULL CHECK (auto_action IN ('publish', 'hold', 'reject')),
    score DOUBLE PRECISION NOT NULL,
    hits TEXT NOT NULL DEFAULT '[]',
    engine_version TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    ip TEXT,
    network TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    form_seconds DOUBLE PRECISION,
    form_check TEXT NOT NULL CHECK (form_check IN ('ok', 'missing', 'invalid', 'replayed')),
    honeypot TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX comments_post_status_created ON comments (post_id, status, created_at);
CREATE INDEX comments_post_created ON comments (post_id, created_at);
CREATE INDEX comments_email_key ON comments (email_key);
CREATE INDEX comments_network ON comments (network);
CREATE INDEX comments_parent_id ON comments (parent_id);
-- Only rows still holding a full address, so the retention purge stays cheap.
CREATE INDEX comments_ip_kept ON comments (created_at) WHERE ip IS NOT NULL;

-- Nonces of comment-form tokens already used, to spot replays.
CREATE TABLE form_nonces (
    nonce TEXT PRIMARY KEY NOT NULL,
    used_at TIMESTAMP NOT NULL
);
CREATE INDEX form_nonces_used_at ON form_nonces (used_at);

-- Moderators' marks on commenters, by e-mail key.
CREATE TABLE commenters (
    email_key TEXT PRIMARY KEY NOT NULL,
    standing TEXT NOT NULL DEFAULT 'normal' CHECK (standing IN ('normal', 'trusted', 'banned')),
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- Word counts for a spam score learned from moderators' decisions; the document
-- totals live in site_meta.
CREATE TABLE spam_tokens (
    token TEXT PRIMARY KEY NOT NULL,
    spam_count BIGINT NOT NULL DEFAULT 0,
    ham_count BIGINT NOT NULL DEFAULT 0
);
