-- Back to subscriptions without confirmation (unconfirmed ones are dropped) and an
-- outbox without confirmation messages.
DELETE FROM reply_subscriptions WHERE confirmed_at IS NULL;
DROP INDEX reply_subscriptions_unconfirmed;
ALTER TABLE reply_subscriptions DROP COLUMN confirmed_at;
ALTER TABLE comments DROP COLUMN notify_replies;

CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author')),
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
INSERT INTO outbox_old SELECT id, recipient, subject, body_text, body_html, kind, comment_id,
    post_id, unsubscribe_url, status, attempts, next_attempt_at, claimed_by, claimed_at,
    last_error, created_at, sent_at FROM outbox WHERE kind <> 'confirm';
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
