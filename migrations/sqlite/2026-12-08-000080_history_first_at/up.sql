-- Nothing to change: SQLite fires the history trigger after each row (see the
-- PostgreSQL migration of the same name).
SELECT 1;
