-- Shopper consent (DESIGN.md *Shopper consent*): a merchant asks (link request), the
-- shopper approves on the wallet's page, the merchant exchanges a single-use code for a
-- link token. Codes and tokens are stored as SHA-256 digests only.
CREATE TABLE link_requests (
    id              TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL,
    livemode        BIGINT NOT NULL,
    return_url      TEXT NOT NULL,
    status          TEXT NOT NULL,
    shopper_id      TEXT,
    code_digest     TEXT,
    code_expires_at BIGINT,
    expires_at      BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);

CREATE TABLE links (
    token_digest TEXT PRIMARY KEY,
    merchant_id  TEXT NOT NULL,
    shopper_id   TEXT NOT NULL,
    livemode     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX links_by_shopper ON links (shopper_id);

-- The link a session was opened with (its digest); NULL for test-mode `shopper_id`.
ALTER TABLE sessions ADD COLUMN link_digest TEXT;
