-- The moderators' queue: every human decision on a comment, bans, and an audit log of
-- staff actions. History is only ever appended to: a reversal is a new event.

-- One row per human action on a comment (the engine's verdict stays on the comment row).
CREATE TABLE comment_events (
    id BIGSERIAL PRIMARY KEY,
    comment_id BIGINT NOT NULL REFERENCES comments (id),
    -- NULL when the system acted (kept for completeness; the engine's verdict is on the comment).
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'spam', 'edit')),
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    house_rule INTEGER,
    note TEXT NOT NULL DEFAULT '',
    -- For edits: the text before the edit, so the original is never lost.
    original_body TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX comment_events_comment ON comment_events (comment_id, created_at);

-- Who did what to which comment, post, commenter or setting, and when.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_created ON audit_log (created_at);
CREATE INDEX audit_log_target ON audit_log (target_kind, target_id);

-- Bans by folded e-mail and/or network prefix; expired or lifted bans stay for the record.
CREATE TABLE bans (
    id BIGSERIAL PRIMARY KEY,
    email_key TEXT,
    network TEXT,
    expires_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    CHECK (email_key IS NOT NULL OR network IS NOT NULL)
);
CREATE INDEX bans_email_key ON bans (email_key);
CREATE INDEX bans_network ON bans (network);
