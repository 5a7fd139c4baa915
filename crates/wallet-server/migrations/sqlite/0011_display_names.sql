-- The name a wallet's owner shows to people who give them money (DESIGN.md *The
-- shopper's account*): a payer sees it masked before confirming a transfer. NULL: none set.
-- Keep in step with ../postgres/0011_display_names.sql.
ALTER TABLE wallets ADD COLUMN display_name TEXT;
