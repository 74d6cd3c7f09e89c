-- Back to bans by e-mail and/or network. A ban by exact address alone cannot be kept
-- in that shape and is dropped; a ban that also names an e-mail or network loses only
-- its address.
CREATE TABLE bans_old (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT,
    network TEXT,
    expires_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    CHECK (email_key IS NOT NULL OR network IS NOT NULL)
);
INSERT INTO bans_old (id, email_key, network, expires_at, note, created_by, created_at, lifted_at)
SELECT id, email_key, network, expires_at, note, created_by, created_at, lifted_at FROM bans
WHERE email_key IS NOT NULL OR network IS NOT NULL;
DROP TABLE bans;
ALTER TABLE bans_old RENAME TO bans;
CREATE INDEX bans_email_key ON bans (email_key);
CREATE INDEX bans_network ON bans (network);
