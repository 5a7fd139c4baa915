-- Test and live are two worlds that never touch (DESIGN.md *Test and live mode*): every
-- object carries its mode. Rows made before this migration get theirs from what they were
-- used with; everything the demo made is test. Keep in step with ../sqlite/0008_modes.sql
-- (the same statements: both dialects run them as written).

-- A wallet is live when a live session, link, link request or recharge named it.
ALTER TABLE wallets ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
UPDATE wallets SET livemode = 1 WHERE
    shopper_id IN (SELECT shopper_id FROM sessions WHERE livemode = 1)
    OR shopper_id IN (SELECT shopper_id FROM links WHERE livemode = 1)
    OR shopper_id IN (SELECT shopper_id FROM link_requests
                      WHERE livemode = 1 AND shopper_id IS NOT NULL)
    OR shopper_id IN (SELECT shopper_id FROM recharges WHERE livemode = 1);

ALTER TABLE refunds ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
UPDATE refunds SET livemode = 1
    WHERE intent_id IN (SELECT id FROM intents WHERE livemode = 1);

ALTER TABLE transfers ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
UPDATE transfers SET livemode = 1
    WHERE from_id IN (SELECT shopper_id FROM wallets WHERE livemode = 1);

-- Challenges live two minutes: those in flight are given the mode of their wallet.
ALTER TABLE passkey_challenges ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
UPDATE passkey_challenges SET livemode = 1
    WHERE shopper_id IN (SELECT shopper_id FROM wallets WHERE livemode = 1);

-- Ledger accounts: a wallet's take the wallet's mode.
ALTER TABLE accounts ADD COLUMN livemode BIGINT NOT NULL DEFAULT 0;
UPDATE accounts SET livemode = 1 WHERE kind IN ('wallet_available', 'wallet_held') AND EXISTS (
    SELECT 1 FROM wallets w WHERE w.livemode = 1
    AND (accounts.id = 'wallet:' || w.shopper_id || ':available'
         OR accounts.id = 'wallet:' || w.shopper_id || ':held'));

-- The others get the mode in their id (`merchant:<id>:<cur>` → `merchant:test:<id>:<cur>`
-- and `merchant:live:<id>:<cur>`; `external:…` and `operator:…` alike: each prefix is eight
-- letters), their entries split by the mode of their transaction: live when it moved a
-- live wallet's balance or was for a live intent or refund. A transaction's entries thus
-- stay in one mode, and each mode's accounts sum to zero; an account left without entries
-- is dropped.
CREATE TABLE account_moves (
    old_id   TEXT NOT NULL,
    livemode BIGINT NOT NULL,
    new_id   TEXT NOT NULL,
    PRIMARY KEY (old_id, livemode)
);
INSERT INTO account_moves (old_id, livemode, new_id)
    SELECT a.id, m.livemode,
        substr(a.id, 1, 8) || ':' || (CASE WHEN m.livemode = 1 THEN 'live' ELSE 'test' END)
        || substr(a.id, 9)
    FROM accounts a CROSS JOIN (SELECT 0 AS livemode UNION ALL SELECT 1) m
    WHERE a.kind IN ('merchant_settlement', 'external');
INSERT INTO accounts (id, kind, currency, may_go_negative, balance, created_at, livemode)
    SELECT m.new_id, a.kind, a.currency, a.may_go_negative, 0, a.created_at,
        CASE WHEN substr(m.new_id, 10, 4) = 'live' THEN 1 ELSE 0 END
    FROM account_moves m JOIN accounts a ON a.id = m.old_id;
UPDATE ledger_entries SET account_id = (
    SELECT m.new_id FROM account_moves m
    WHERE m.old_id = ledger_entries.account_id
    AND m.livemode = (CASE WHEN EXISTS (
            SELECT 1 FROM ledger_entries e JOIN accounts w ON w.id = e.account_id
            WHERE e.transaction_id = ledger_entries.transaction_id AND w.livemode = 1)
        OR EXISTS (
            SELECT 1 FROM ledger_transactions t
            WHERE t.id = ledger_entries.transaction_id
            AND (t.reference IN (SELECT id FROM intents WHERE livemode = 1)
                 OR t.reference IN (SELECT id FROM refunds WHERE livemode = 1)))
        THEN 1 ELSE 0 END))
    WHERE account_id IN (SELECT old_id FROM account_moves);
UPDATE accounts SET balance = (
    SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.account_id = accounts.id)
    WHERE id IN (SELECT new_id FROM account_moves);
DELETE FROM accounts WHERE id IN (SELECT old_id FROM account_moves);
DELETE FROM accounts WHERE id IN (SELECT new_id FROM account_moves)
    AND NOT EXISTS (SELECT 1 FROM ledger_entries e WHERE e.account_id = accounts.id);
DROP TABLE account_moves;

-- Activation links: a wallet made without a payment password (every live one) gets a
-- single-use link where its shopper sets it. Only the token's SHA-256 is kept.
CREATE TABLE wallet_activations (
    token_digest TEXT PRIMARY KEY,
    shopper_id   TEXT NOT NULL,
    livemode     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT
);
CREATE INDEX wallet_activations_by_shopper ON wallet_activations (shopper_id);
