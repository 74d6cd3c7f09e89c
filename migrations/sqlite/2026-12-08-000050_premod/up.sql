-- Pre-moderation: a post's fourth comment mode, 'held' (open, every comment held for a
-- moderator). The site-wide switch lives in site_meta and needs no column.
--
-- SQLite cannot alter a CHECK constraint, and rebuilding `posts` would drop and re-create
-- what references it (comments, tags, redirects, full-text search). A CHECK that only
-- grows accepts every existing row, so the stored definition is edited in place, as the
-- SQLite manual describes for loosening a constraint (ALTER TABLE, "other kinds of table
-- schema changes"); RESET makes this connection read the new definition.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, '(''auto'', ''open'', ''closed'')', '(''auto'', ''open'', ''closed'', ''held'')')
WHERE type = 'table' AND name = 'posts';
PRAGMA writable_schema = RESET;
-- Editing the stored definition leaves the schema's version number as it was, so a
-- connection opened before (another process on this file) would keep the old CHECK:
-- creating and dropping a table moves the number on, and every connection rereads it.
CREATE TABLE premod_schema_touch (x INTEGER);
DROP TABLE premod_schema_touch;
