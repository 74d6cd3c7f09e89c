-- The PostgreSQL twin keeps search vectors inline; FTS5 keeps its index in its own
-- tables, so SQLite only refreshes the planner's statistics where they are stale.
PRAGMA optimize;
