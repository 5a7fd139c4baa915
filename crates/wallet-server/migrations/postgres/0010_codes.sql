-- One-time codes (DESIGN.md *The shopper's account*): a wallet's verified contact (an
-- e-mail address or a phone number, given by the operator), the codes sent to it (their
-- HMAC only, single use, ten minutes, five tries) and the sandbox inbox where test-mode
-- codes go instead of a real gateway (test wallets only: a live wallet's code never lands
-- here). Keep in step with ../sqlite/0010_codes.sql.
ALTER TABLE wallets ADD COLUMN contact TEXT;

CREATE TABLE one_time_codes (
    id          TEXT PRIMARY KEY,
    shopper_id  TEXT NOT NULL,
    livemode    BIGINT NOT NULL,
    purpose     TEXT NOT NULL,
    code_digest TEXT NOT NULL,
    attempts    BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX one_time_codes_by_shopper ON one_time_codes (shopper_id, purpose, created_at);

CREATE TABLE sandbox_messages (
    id         TEXT PRIMARY KEY,
    recipient  TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX sandbox_messages_by_recipient ON sandbox_messages (recipient, created_at);
