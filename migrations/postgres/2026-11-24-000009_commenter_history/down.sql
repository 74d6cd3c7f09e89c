DROP TRIGGER comments_history_update ON comments;
DROP TRIGGER comments_history_insert_delete ON comments;
DROP FUNCTION commenter_history_count();
DROP TABLE commenter_history;
