-- A rejected commenter may ask once for a person to review their comment: their
-- explanation, and the moderator's decision on it (upheld, or the comment published).
CREATE TABLE appeals (
    id BIGSERIAL PRIMARY KEY,
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

-- The answer to an appeal is a message of its own kind.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'reported', 'report_outcome', 'confirm', 'appeal'));
