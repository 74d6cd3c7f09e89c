-- The anti-automation limits count a submitter's recent comments before judging a new
-- one: by exact address within an hour, and the same text site-wide within an hour.
CREATE INDEX comments_ip_created ON comments (ip, created_at);
CREATE INDEX comments_created ON comments (created_at);
