-- Found by bench/run at 1,000,000 comments: the queue, and the held count in the staff
-- bar on every admin page, read comments by status across all posts (a full scan
-- without this index), and each held comment's history counts a commenter's comments
-- by status (now answered from the index alone).
CREATE INDEX comments_status_created ON comments (status, created_at);
CREATE INDEX comments_email_status_created ON comments (email_key, status, created_at);
DROP INDEX comments_email_key;
