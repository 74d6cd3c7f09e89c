-- E-mail: an outbox that a background worker drains (so a restart or an SMTP outage
-- loses nothing), readers' reply subscriptions, the digest's progress, and authors'
-- opt-in to notices of new comments on their posts.

ALTER TABLE users ADD COLUMN notify_new_comments BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author')),
    -- What the message is about, for staff looking into a complaint; no foreign keys, so
    -- the outbox never stands in the way of other data changing.
    comment_id BIGINT,
    post_id BIGINT,
    -- The one-click unsubscribe address (RFC 8058) for messages that have one.
    unsubscribe_url TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- The worker that claimed the message and when; a stale claim is put back.
    claimed_by TEXT,
    claimed_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

-- Readers who asked for e-mail about new comments on a post, by folded e-mail; the
-- address as last typed is where the messages go.
CREATE TABLE reply_subscriptions (
    email_key TEXT NOT NULL,
    post_id BIGINT NOT NULL REFERENCES posts (id),
    email TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email_key, post_id)
);
CREATE INDEX reply_subscriptions_post ON reply_subscriptions (post_id);

-- Progress of periodic mail: for the 'digest' row, when the last digest went out and
-- the newest held comment it listed. One row per job, so a conditional UPDATE on it
-- decides which app server sends.
CREATE TABLE mail_state (
    name TEXT PRIMARY KEY,
    last_sent_at TIMESTAMP,
    last_comment_id BIGINT NOT NULL DEFAULT 0
);
INSERT INTO mail_state (name, last_sent_at, last_comment_id) VALUES ('digest', NULL, 0);
