-- Two-factor sign-in (issue 18): a staff account's TOTP secret, its recovery codes, and
-- sign-ins waiting for their second step.
CREATE TABLE two_factor (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- Base32, as authenticator apps take it; needed in the clear to compute codes.
    secret TEXT NOT NULL,
    -- False while the member is still setting it up (no code confirmed yet).
    enabled BOOLEAN NOT NULL,
    -- The last 30-second step whose code was accepted: no code is taken twice.
    last_step BIGINT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE recovery_codes (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- SHA-256 of the code, as for session tokens; a used code is deleted.
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recovery_codes_user ON recovery_codes (user_id, code_hash);

CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
