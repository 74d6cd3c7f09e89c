-- Each session remembers when it was last used (for the idle timeout, written at most
-- once a minute) and the browser and address it signed in from (for the account page's
-- list of sessions). Sessions from before this migration count as last used when they
-- began; their browser and address are unknown.
ALTER TABLE sessions ADD COLUMN last_seen_at TIMESTAMP;
UPDATE sessions SET last_seen_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_seen_at SET NOT NULL;
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN ip TEXT NOT NULL DEFAULT '';
