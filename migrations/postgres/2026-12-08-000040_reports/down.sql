DELETE FROM outbox WHERE kind IN ('reported', 'report_outcome');
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author'));
ALTER TABLE comments DROP COLUMN hidden_at;
DROP TABLE reports;
