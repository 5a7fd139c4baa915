-- The checkout session that started a recharge (a top-up inside checkout); NULL for one
-- started on the wallet's pages. Only that session, while it is open, reads it back with
-- its client secret: another session of the same shopper, or a closed one, does not.
-- Keep in step with ../sqlite/0015_recharge_session.sql.
ALTER TABLE recharges ADD COLUMN session_id TEXT;
