-- Answers to appeals leave the outbox with the kind they were sent under.
DELETE FROM outbox WHERE kind = 'appeal';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'flood', 'approved', 'reply', 'author', 'reported', 'report_outcome', 'confirm'));
DROP TABLE appeals;
