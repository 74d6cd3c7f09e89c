-- A rejected commenter may ask once for a person to review their comment: their
-- explanation, and the moderator's decision on it (upheld, or the comment published).
CREATE TABLE appeals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    -- One appeal per comment, ever: an upheld rejection is final.
    comment_id BIGINT NOT NULL UNIQUE REFERENCES comments (id) ON DELETE CASCADE,
    explanation TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- The decision: all NULL while the appeal is open.
    decided_at TIMESTAMP,
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    outcome TEXT CHECK (outcome IN ('upheld', 'published')),
    decision_note TEXT NOT NULL DEFAULT ''
);
-- The Appeals tab lists open appeals, oldest first.
CREATE INDEX appeals_open ON appeals (decided_at, created_at);

-- The answer to an appeal is a message of its own kind. SQLite cannot change a CHECK,
-- so the outbox is rebuilt with the same rows and ids (nothing refers to it).
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'reported', 'report_outcome', 'confirm', 'appeal')),
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
INSERT INTO outbox_new SELECT id, recipient, subject, body_text, body_html, kind, comment_id, post_id,
    unsubscribe_url, status, attempts, next_attempt_at, claimed_by, claimed_at, last_error, created_at, sent_at
FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
