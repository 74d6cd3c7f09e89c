DROP INDEX comments_created;
DROP INDEX comments_ip_created;
