-- What a merchant reconciles with (issue 27): its own order number and up to 20 string
-- pairs on a session, which its intents, refunds and events show (read through the
-- session, never copied, so they cannot disagree); indexes for the lists
-- (`GET /v1/sessions`, `/v1/intents`, `/v1/refunds`: newest first, by merchant and mode).
-- Keep in step with ../sqlite/0017_records.sql.
ALTER TABLE sessions ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
ALTER TABLE sessions ADD COLUMN merchant_reference TEXT;
CREATE INDEX sessions_by_merchant ON sessions (merchant_id, livemode, created_at);
CREATE INDEX intents_by_merchant ON intents (merchant_id, livemode, created_at);
CREATE INDEX refunds_by_intent ON refunds (intent_id);
