-- PostgreSQL fires row triggers after the whole statement, so when one DELETE removes
-- several comments of one commenter (an erasure, a post deleted with its comments), the
-- first firing may find none of their comments left while the later firings have yet to
-- count them out: the earliest date is then kept until the row itself goes, instead of
-- being set to NULL. (SQLite fires after each row and needs no change.)
CREATE OR REPLACE FUNCTION commenter_history_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE commenter_history SET
            published = published - (OLD.status = 'published')::int,
            held = held - (OLD.status = 'held')::int,
            rejected = rejected - (OLD.status NOT IN ('published', 'held'))::int
        WHERE email_key = OLD.email_key;
        DELETE FROM commenter_history
        WHERE email_key = OLD.email_key AND published + held + rejected <= 0;
        UPDATE commenter_history
        SET first_at = COALESCE(
            (SELECT MIN(created_at) FROM comments WHERE email_key = OLD.email_key),
            first_at
        )
        WHERE email_key = OLD.email_key AND first_at = OLD.created_at;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO commenter_history AS h (email_key, published, held, rejected, first_at)
        VALUES (NEW.email_key, (NEW.status = 'published')::int, (NEW.status = 'held')::int,
                (NEW.status NOT IN ('published', 'held'))::int, NEW.created_at)
        ON CONFLICT (email_key) DO UPDATE SET
            published = h.published + EXCLUDED.published,
            held = h.held + EXCLUDED.held,
            rejected = h.rejected + EXCLUDED.rejected,
            first_at = LEAST(h.first_at, EXCLUDED.first_at);
    END IF;
    RETURN NULL;
END
$$;
