-- Back to subscriptions without confirmation (unconfirmed ones are dropped) and an
-- outbox without confirmation messages.
DROP INDEX outbox_recipient;
DELETE FROM outbox WHERE kind = 'confirm';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author'));
ALTER TABLE comments DROP COLUMN notify_replies;
DELETE FROM reply_subscriptions WHERE confirmed_at IS NULL;
DROP INDEX reply_subscriptions_unconfirmed;
ALTER TABLE reply_subscriptions DROP COLUMN confirmed_at;
