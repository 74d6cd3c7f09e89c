DROP INDEX posts_flood_closed;
