-- Readers' reports on published comments (issue 19), and the mark that hides a comment
-- from the public while a moderator reviews it.
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id BIGINT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    -- `abusive`, `spam`, `off_topic`, `unlawful` or `other` (domain::ReportReason).
    reason TEXT NOT NULL,
    -- What is wrong, in the reader's words (required for `unlawful` and `other`).
    detail TEXT NOT NULL DEFAULT '',
    -- Optional, so staff can reply (a notice under the EU Digital Services Act).
    reporter_name TEXT,
    reporter_email TEXT,
    -- The reporter's network prefix, never the full address: one network counts once.
    network TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- How it ended (domain::ReportOutcome), by whom and when; all empty while open.
    outcome TEXT,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX reports_open ON reports (comment_id, resolved_at);
CREATE INDEX reports_network ON reports (network, created_at);

-- Set when reports hide a published comment; cleared when a moderator decides.
ALTER TABLE comments ADD COLUMN hidden_at TIMESTAMP;

-- Two new kinds of e-mail: moderators told at once that reports hid a comment, and a
-- reporter told the outcome. SQLite cannot change a CHECK, so the outbox is rebuilt with
-- the same ids (nothing refers to it).
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'reported', 'report_outcome')),
    comment_id BIGINT,
    post_id BIGINT,
    unsubscribe_url TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
INSERT INTO outbox_new (id, recipient, subject, body_text, body_html, kind, comment_id, post_id, unsubscribe_url, status, attempts, next_attempt_at, claimed_by, claimed_at, last_error, created_at, sent_at)
SELECT id, recipient, subject, body_text, body_html, kind, comment_id, post_id, unsubscribe_url, status, attempts, next_attempt_at, claimed_by, claimed_at, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
