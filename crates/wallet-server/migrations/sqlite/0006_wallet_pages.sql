-- The shopper's wallet pages (DESIGN.md *The shopper's wallet*): signed-in sessions (the
-- cookie's token stored as a SHA-256 digest only), recharges through a payment method
-- (credited once, when the method succeeds) and transfers between wallets. Keep in step
-- with ../postgres/0006_wallet_pages.sql.
CREATE TABLE wallet_sessions (
    token_digest TEXT PRIMARY KEY,
    shopper_id   TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX wallet_sessions_by_shopper ON wallet_sessions (shopper_id);

CREATE TABLE recharges (
    id          TEXT PRIMARY KEY,
    shopper_id  TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'abandoned')),
    livemode    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX recharges_by_shopper ON recharges (shopper_id, created_at);

CREATE TABLE transfers (
    id          TEXT PRIMARY KEY,
    from_id     TEXT NOT NULL,
    to_id       TEXT NOT NULL,
    currency    TEXT NOT NULL,
    amount      BIGINT NOT NULL CHECK (amount > 0),
    created_at  BIGINT NOT NULL
);
