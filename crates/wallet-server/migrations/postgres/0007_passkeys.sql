-- Passkeys (DESIGN.md *Passkeys*): a wallet's WebAuthn credentials, and the ceremonies
-- in flight (a registration on the wallet page, a payment in the frame). A credential
-- is a public key and a signature counter (webauthn-rs's `Passkey`, as JSON): nothing
-- here authorises a payment without the shopper's authenticator. Keep in step with
-- ../sqlite/0007_passkeys.sql.
CREATE TABLE passkeys (
    id            TEXT PRIMARY KEY,
    shopper_id    TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    credential    TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT
);
CREATE INDEX passkeys_by_shopper ON passkeys (shopper_id);

-- One row per challenge: single use (used_at), two minutes (expires_at). A payment's
-- challenge is bound to the SHA-256 of the intent it was asked for (intent_sha256).
CREATE TABLE passkey_challenges (
    challenge     TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL CHECK (purpose IN ('registration', 'payment')),
    shopper_id    TEXT NOT NULL,
    session_id    TEXT,
    intent_sha256 TEXT,
    state         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX passkey_challenges_by_expiry ON passkey_challenges (expires_at);
