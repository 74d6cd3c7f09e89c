-- A ban may name one exact address (as well as, or instead of, an e-mail key or a
-- network): a network ban reaches everyone on the /24 or /64, an office or a mobile
-- carrier, while an address ban reaches only those behind that one address.
-- The full address as the app writes it (IPv4-mapped IPv6 as plain IPv4).
ALTER TABLE bans ADD COLUMN address TEXT;
ALTER TABLE bans DROP CONSTRAINT bans_check;
ALTER TABLE bans ADD CONSTRAINT bans_check
    CHECK (email_key IS NOT NULL OR network IS NOT NULL OR address IS NOT NULL);
CREATE INDEX bans_address ON bans (address);
