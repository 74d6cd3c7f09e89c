DROP TRIGGER comments_history_delete;
DROP TRIGGER comments_history_update;
DROP TRIGGER comments_history_insert;
DROP TABLE commenter_history;
