-- The idempotency key (scope and key) of the attempt that first used a nonce. A retry of
-- that same attempt (same key, and therefore the same body) after a crash took over its
-- key may use the nonce again; any other request reusing it is a replay.
ALTER TABLE nonces ADD COLUMN attempt TEXT;
