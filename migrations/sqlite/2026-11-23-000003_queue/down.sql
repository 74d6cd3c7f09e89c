DROP TABLE bans;
DROP TABLE audit_log;
DROP TABLE comment_events;
