-- Recharge bonuses (DESIGN.md *Promotions*): each campaign of the operator's
-- `recharge_promotions` has a budget per mode, held in its own ledger account (never
-- below zero); `remaining` is that budget less what was credited and what pending
-- recharges reserved, so a reservation that fits it can always be paid. A recharge keeps
-- the bonus it reserved when the shopper confirmed (0: none).
-- Keep in step with ../sqlite/0018_recharge_bonuses.sql.
CREATE TABLE recharge_campaigns (
    id         TEXT NOT NULL,
    livemode   BIGINT NOT NULL,
    currency   TEXT NOT NULL,
    budget     BIGINT NOT NULL CHECK (budget >= 0),
    remaining  BIGINT NOT NULL CHECK (remaining >= 0),
    PRIMARY KEY (id, livemode)
);
ALTER TABLE recharges ADD COLUMN campaign_id TEXT;
ALTER TABLE recharges ADD COLUMN bonus BIGINT NOT NULL DEFAULT 0 CHECK (bonus >= 0);
CREATE INDEX recharges_by_campaign ON recharges (campaign_id, shopper_id);
