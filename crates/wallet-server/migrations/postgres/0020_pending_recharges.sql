-- The sweeper's look-up of recharges still `pending` past `recharge_ttl_secs`, oldest
-- first (`wallet::abandoned`), without reading every recharge ever made.
CREATE INDEX recharges_by_status_and_age ON recharges (status, created_at);
