-- The queue lists the threads a flood closed on every render. Without an index that was
-- a scan of every post, bodies and all (at 10,000 posts, most of the queue's time): this
-- partial index holds only the closed few, newest first.
CREATE INDEX posts_flood_closed ON posts (status, published_at) WHERE flood_closed_at IS NOT NULL;
