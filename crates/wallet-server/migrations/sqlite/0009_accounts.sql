-- The shopper's account (DESIGN.md *The shopper's account*): the login password, the
-- wallet's sign-in credential (the six-digit payment password is not one), as an Argon2id
-- hash keyed with the pepper like the payment password. Empty: not set yet (the activation
-- link sets it). Keep in step with ../postgres/0009_accounts.sql.
ALTER TABLE wallets ADD COLUMN login_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE wallets ADD COLUMN login_pepper_id TEXT;
