-- Which configured pepper keyed the payment password's Argon2id hash (a digest of the
-- pepper, never the pepper). NULL: a hash made before peppers, upgraded on next success.
ALTER TABLE wallets ADD COLUMN pepper_id TEXT;
-- Test or live: set from the merchant key that created the session, copied to its
-- intents. The sandbox acts only on test objects (DESIGN.md *Test and live mode*).
ALTER TABLE sessions ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
ALTER TABLE intents ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
