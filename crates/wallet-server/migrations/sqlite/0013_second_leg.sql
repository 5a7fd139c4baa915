-- The second leg a merchant collects itself (DESIGN.md *The second leg*): the intent keeps
-- the merchant's record of the other payment, set by POST /v1/intents/{id}/capture; the
-- wallet's history names the provider and the entry's page shows the reference. Keep in
-- step with ../postgres/0013_second_leg.sql.
ALTER TABLE intents ADD COLUMN second_leg_provider TEXT;
ALTER TABLE intents ADD COLUMN second_leg_reference TEXT;
