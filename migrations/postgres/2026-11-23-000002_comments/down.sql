DELETE FROM site_meta WHERE key IN ('spam_docs', 'ham_docs');
DROP TABLE IF EXISTS spam_tokens;
DROP TABLE IF EXISTS commenters;
DROP TABLE IF EXISTS form_nonces;
DROP TABLE IF EXISTS comments;
ALTER TABLE posts DROP COLUMN IF EXISTS flood_closed_at;
ALTER TABLE posts DROP COLUMN IF EXISTS comments_closed_note;
ALTER TABLE posts DROP COLUMN IF EXISTS comment_mode;
