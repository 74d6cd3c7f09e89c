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
        SET first_at = (SELECT MIN(created_at) FROM comments WHERE email_key = OLD.email_key)
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
