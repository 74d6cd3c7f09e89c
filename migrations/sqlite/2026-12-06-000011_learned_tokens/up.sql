-- What moderators' decisions taught each learned score ("lesson"): for each word, in how
-- many comments it appeared that were judged positive (spam; a rule-1 rejection) and
-- negative (approved). The spam score's earlier counts become the `spam` lesson.
CREATE TABLE learned_tokens (
    lesson TEXT NOT NULL,
    token TEXT NOT NULL,
    positive BIGINT NOT NULL DEFAULT 0,
    negative BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (lesson, token)
);
INSERT INTO learned_tokens (lesson, token, positive, negative)
SELECT 'spam', token, spam_count, ham_count FROM spam_tokens;
DROP TABLE spam_tokens;
UPDATE site_meta SET key = 'lesson.spam.positive' WHERE key = 'spam_docs';
UPDATE site_meta SET key = 'lesson.spam.negative' WHERE key = 'ham_docs';
