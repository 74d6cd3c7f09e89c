-- Personal data (issue 19). A reply subscription waits for its reader to confirm it from
-- the e-mail it sets off (anybody can type anybody's address); those made before count
-- as confirmed. The comment form's "e-mail me replies" box is kept on the comment, so a
-- held comment asks for the subscription only once it is published. The outbox gains the
-- confirmation message's kind.
ALTER TABLE reply_subscriptions ADD COLUMN confirmed_at TIMESTAMP;
UPDATE reply_subscriptions SET confirmed_at = created_at;
CREATE INDEX reply_subscriptions_unconfirmed ON reply_subscriptions (created_at) WHERE confirmed_at IS NULL;

ALTER TABLE comments ADD COLUMN notify_replies BOOLEAN NOT NULL DEFAULT false;

ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'confirm'));
-- The retention purge and erasure find a reader's mail by address.
CREATE INDEX outbox_recipient ON outbox (recipient);
