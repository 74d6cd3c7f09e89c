-- Readers' reports on published comments (issue 19), and the mark that hides a comment
-- from the public while a moderator reviews it.
CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
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
-- reporter told the outcome.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'reported', 'report_outcome'));
