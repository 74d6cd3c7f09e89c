-- Held posts go back to open: their comments stay as they are.
UPDATE posts SET comment_mode = 'open' WHERE comment_mode = 'held';
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(sql, '(''auto'', ''open'', ''closed'', ''held'')', '(''auto'', ''open'', ''closed'')')
WHERE type = 'table' AND name = 'posts';
PRAGMA writable_schema = RESET;
