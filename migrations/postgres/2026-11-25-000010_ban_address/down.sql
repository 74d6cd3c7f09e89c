-- Back to bans by e-mail and/or network. A ban by exact address alone cannot be kept
-- in that shape and is dropped; a ban that also names an e-mail or network loses only
-- its address.
DELETE FROM bans WHERE email_key IS NULL AND network IS NULL;
DROP INDEX bans_address;
ALTER TABLE bans DROP CONSTRAINT bans_check;
ALTER TABLE bans ADD CONSTRAINT bans_check CHECK (email_key IS NOT NULL OR network IS NOT NULL);
ALTER TABLE bans DROP COLUMN address;
