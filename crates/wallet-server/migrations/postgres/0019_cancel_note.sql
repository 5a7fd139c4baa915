-- The merchant's own words when it cancels an intent (`POST /v1/intents/{id}/cancel`
-- `{"reason": …}`, DESIGN.md *Sessions* §5): kept with the intent and shown in its
-- reads, lists and `payment_intent.canceled` event as `cancel_note`. At most 500
-- characters without control characters, checked before it is stored.
ALTER TABLE intents ADD COLUMN cancel_note TEXT;
