-- Held posts go back to open: their comments stay as they are.
UPDATE posts SET comment_mode = 'open' WHERE comment_mode = 'held';
ALTER TABLE posts DROP CONSTRAINT posts_comment_mode_check;
ALTER TABLE posts ADD CONSTRAINT posts_comment_mode_check
    CHECK (comment_mode IN ('auto', 'open', 'closed'));
