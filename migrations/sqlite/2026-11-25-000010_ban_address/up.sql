-- A ban may name one exact address (as well as, or instead of, an e-mail key or a
-- network): a network ban reaches everyone on the /24 or /64, an office or a mobile
-- carrier, while an address ban reaches only those behind that one address. SQLite
-- cannot change a CHECK, so the table is rebuilt with the same ids (nothing refers to
-- it).
CREATE TABLE bans_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT,
    network TEXT,
    expires_at TIMESTAMP,
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    -- The full address as the app writes it (IPv4-mapped IPv6 as plain IPv4).
    address TEXT,
    CHECK (email_key IS NOT NULL OR network IS NOT NULL OR address IS NOT NULL)
);
INSERT INTO bans_new (id, email_key, network, expires_at, note, created_by, created_at, lifted_at)
SELECT id, email_key, network, expires_at, note, created_by, created_at, lifted_at FROM bans;
DROP TABLE bans;
ALTER TABLE bans_new RENAME TO bans;
CREATE INDEX bans_email_key ON bans (email_key);
CREATE INDEX bans_network ON bans (network);
CREATE INDEX bans_address ON bans (address);
