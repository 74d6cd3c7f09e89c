CREATE TABLE spam_tokens (
    token TEXT PRIMARY KEY NOT NULL,
    spam_count BIGINT NOT NULL DEFAULT 0,
    ham_count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO spam_tokens (token, spam_count, ham_count)
SELECT token, positive, negative FROM learned_tokens WHERE lesson = 'spam';
DROP TABLE learned_tokens;
DELETE FROM site_meta WHERE key LIKE 'lesson.%' AND key NOT LIKE 'lesson.spam.%';
UPDATE site_meta SET key = 'spam_docs' WHERE key = 'lesson.spam.positive';
UPDATE site_meta SET key = 'ham_docs' WHERE key = 'lesson.spam.negative';
