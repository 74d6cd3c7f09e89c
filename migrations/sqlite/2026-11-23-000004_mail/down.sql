DROP TABLE IF EXISTS mail_state;
DROP TABLE IF EXISTS reply_subscriptions;
DROP TABLE IF EXISTS outbox;
ALTER TABLE users DROP COLUMN notify_new_comments;
