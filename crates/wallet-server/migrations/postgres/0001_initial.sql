-- Balance Checkout wallet backend, PostgreSQL dialect. Amounts are integer minor units
-- (BIGINT); timestamps are unix seconds. Keep in step with ../sqlite/0001_initial.sql.

CREATE TABLE wallets (
    shopper_id      TEXT PRIMARY KEY,
    currency        TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until    BIGINT,
    created_at      BIGINT NOT NULL
);

-- One row per ledger account. `balance` is kept in the same database transaction as the
-- entries that change it; wallet and merchant accounts can never go below zero.
CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    currency        TEXT NOT NULL,
    may_go_negative BIGINT NOT NULL CHECK (may_go_negative IN (0, 1)),
    balance         BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    CHECK (may_go_negative = 1 OR balance >= 0)
);

CREATE TABLE ledger_transactions (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    reference   TEXT NOT NULL,
    currency    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE ledger_entries (
    id              BIGSERIAL PRIMARY KEY,
    transaction_id  TEXT NOT NULL REFERENCES ledger_transactions (id),
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    amount          BIGINT NOT NULL CHECK (amount <> 0),
    balance_after   BIGINT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX ledger_entries_account ON ledger_entries (account_id, id);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    client_secret TEXT NOT NULL,
    merchant_id   TEXT NOT NULL,
    shopper_id    TEXT NOT NULL,
    currency      TEXT NOT NULL,
    cart          TEXT NOT NULL,
    cart_digest   TEXT NOT NULL,
    policy        TEXT NOT NULL,
    methods       TEXT NOT NULL,
    return_url    TEXT,
    status        TEXT NOT NULL CHECK (status IN ('open', 'awaiting_payment', 'completed', 'expired')),
    expires_at    BIGINT NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE intents (
    id               TEXT PRIMARY KEY,
    session_id       TEXT NOT NULL REFERENCES sessions (id),
    merchant_id      TEXT NOT NULL,
    shopper_id       TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('succeeded', 'requires_action', 'canceled')),
    currency         TEXT NOT NULL,
    total            BIGINT NOT NULL CHECK (total >= 0),
    balance_amount   BIGINT NOT NULL CHECK (balance_amount >= 0),
    other_method     TEXT,
    other_amount     BIGINT NOT NULL CHECK (other_amount >= 0),
    refunded_amount  BIGINT NOT NULL DEFAULT 0,
    quote            TEXT NOT NULL,
    hold_expires_at  BIGINT,
    cancel_reason    TEXT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    CHECK (balance_amount + other_amount = total),
    CHECK (refunded_amount >= 0 AND refunded_amount <= total)
);
CREATE INDEX intents_session ON intents (session_id);
CREATE INDEX intents_pending ON intents (status, hold_expires_at);
-- At most one payment waits for its second method per session.
CREATE UNIQUE INDEX intents_one_pending ON intents (session_id) WHERE status = 'requires_action';
-- At most one payment succeeds per session.
CREATE UNIQUE INDEX intents_one_succeeded ON intents (session_id) WHERE status = 'succeeded';

CREATE TABLE nonces (
    nonce       TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE idempotency_keys (
    scope            TEXT NOT NULL,
    key              TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('running', 'done')),
    response_status  BIGINT,
    response_body    TEXT,
    created_at       BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);

CREATE TABLE refunds (
    id              TEXT PRIMARY KEY,
    intent_id       TEXT NOT NULL REFERENCES intents (id),
    amount          BIGINT NOT NULL CHECK (amount > 0),
    balance_amount  BIGINT NOT NULL CHECK (balance_amount >= 0),
    other_amount    BIGINT NOT NULL CHECK (other_amount >= 0),
    created_at      BIGINT NOT NULL,
    CHECK (balance_amount + other_amount = amount)
);

CREATE TABLE refund_lines (
    refund_id  TEXT NOT NULL REFERENCES refunds (id),
    intent_id  TEXT NOT NULL,
    line_id    TEXT NOT NULL,
    balance    BIGINT NOT NULL CHECK (balance >= 0),
    other      BIGINT NOT NULL CHECK (other >= 0),
    PRIMARY KEY (refund_id, line_id)
);
CREATE INDEX refund_lines_intent ON refund_lines (intent_id, line_id);
