-- Held posts go back to open: their comments stay as they are.
UPDATE posts SET comment_mode = 'open' WHERE comment_mode = 'held';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, '(''auto'', ''open'', ''closed'', ''held'')', '(''auto'', ''open'', ''closed'')')
WHERE type = 'table' AND name = 'posts';
PRAGMA writable_schema = RESET;
-- Editing the stored definition leaves the schema's version number as it was, so a
-- connection opened before (another process on this file) would keep the old CHECK:
-- creating and dropping a table moves the number on, and every connection rereads it.
CREATE TABLE premod_schema_touch (x INTEGER);
DROP TABLE premod_schema_touch;
