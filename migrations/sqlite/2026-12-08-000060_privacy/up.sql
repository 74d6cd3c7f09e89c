-- Personal data (issue 19). A reply subscription waits for its reader to confirm it from
-- the e-mail it sets off (anybody can type anybody's address); those made before count
-- as confirmed. The comment form's "e-mail me replies" box is kept on the comment, so a
-- held comment asks for the subscription only once it is published. The outbox gains the
-- confirmation message's kind; SQLite cannot change a CHECK, so the table is rebuilt with
-- the same ids (nothing refers to it).
ALTER TABLE reply_subscriptions ADD COLUMN confirmed_at TIMESTAMP;
UPDATE reply_subscriptions SET confirmed_at = created_at;
CREATE INDEX reply_subscriptions_unconfirmed ON reply_subscriptions (created_at) WHERE confirmed_at IS NULL;

ALTER TABLE comments ADD COLUMN notify_replies BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'confirm')),
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
INSERT INTO outbox_new SELECT id, recipient, subject, body_text, body_html, kind, comment_id,
    post_id, unsubscribe_url, status, attempts, next_attempt_at, claimed_by, claimed_at,
    last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
-- The retention purge and erasure find a reader's mail by address.
CREATE INDEX outbox_recipient ON outbox (recipient);
