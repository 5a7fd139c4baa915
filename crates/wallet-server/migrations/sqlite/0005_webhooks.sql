-- Webhooks (DESIGN.md *Webhooks*, docs/webhooks.md): an outbox of events written in the
-- same transaction as the change they report, one delivery row per event and endpoint,
-- and every attempt. Times in these tables are unix milliseconds (`_ms`) or seconds.
CREATE TABLE webhook_endpoints (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL,
    url         TEXT NOT NULL,
    livemode    BIGINT NOT NULL,
    -- `api` (POST /v1/webhook-endpoints) or `config` (the configuration file, synced at start).
    source      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    deleted_at  BIGINT
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id);

-- The signing secrets of an endpoint; every one not retired signs each delivery (rotation).
CREATE TABLE webhook_secrets (
    id          TEXT PRIMARY KEY,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (id),
    secret      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);
CREATE INDEX webhook_secrets_by_endpoint ON webhook_secrets (endpoint_id);

CREATE TABLE events (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    merchant_id TEXT NOT NULL,
    type        TEXT NOT NULL,
    livemode    BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    -- The whole envelope as sent, byte for byte: {id, type, created_at, data: {object}}.
    payload     TEXT NOT NULL,
    created_ms  BIGINT NOT NULL
);
CREATE INDEX events_by_merchant ON events (merchant_id, seq);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    event_id        TEXT NOT NULL REFERENCES events (id),
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints (id),
    status          TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    -- When the next attempt is due; while one runs, when its lease ends (a crash mid-send
    -- leaves the row to be claimed again then).
    next_attempt_ms BIGINT NOT NULL,
    delivered_ms    BIGINT,
    created_ms      BIGINT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_ms);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     TEXT NOT NULL REFERENCES webhook_deliveries (id),
    attempted_ms    BIGINT NOT NULL,
    duration_ms     BIGINT NOT NULL,
    -- The HTTP status of the answer; NULL when none came (refused, timed out).
    response_status BIGINT,
    accepted        BIGINT NOT NULL,
    error           TEXT
);
CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, id);
