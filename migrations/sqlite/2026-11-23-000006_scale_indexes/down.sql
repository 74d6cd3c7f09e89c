CREATE INDEX comments_email_key ON comments (email_key);
DROP INDEX comments_email_status_created;
DROP INDEX comments_status_created;
