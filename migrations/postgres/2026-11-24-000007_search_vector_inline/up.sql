-- Found by bench/run at 10,000 posts: search ranks every matching post, reading its
-- search vector, and a vector compressed or moved out of line with the post body costs
-- about 10 µs to fetch (ranking the 3,363 posts that match "housing": 55 ms). Kept inline
-- and uncompressed where it fits, the body goes out of line instead (11 ms).
ALTER TABLE posts ALTER COLUMN search_vector SET STORAGE MAIN;
-- Rows written before keep their layout until rewritten: regenerate each vector now.
UPDATE posts SET body_markdown = body_markdown;
