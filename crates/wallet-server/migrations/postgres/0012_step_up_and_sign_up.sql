-- Step-up and sign-up (DESIGN.md *The shopper's account*). A wallet session remembers
-- when its shopper last confirmed it was them (a passkey, a one-time code), which lets
-- the session change credentials and make unusual transfers for a few minutes. One-time
-- codes go to a subject: a wallet's id, or for a sign-up the contact being verified. A
-- contact belongs to one wallet at most, so a shopper can sign in with it. Passkey
-- challenges gain the step-up and sign-in ceremonies. Keep in step with
-- ../sqlite/0012_step_up_and_sign_up.sql.
ALTER TABLE wallet_sessions ADD COLUMN stepped_up_at BIGINT;

ALTER TABLE one_time_codes RENAME COLUMN shopper_id TO subject;

CREATE UNIQUE INDEX wallets_by_contact ON wallets (contact);

ALTER TABLE passkey_challenges DROP CONSTRAINT passkey_challenges_purpose_check;
ALTER TABLE passkey_challenges ADD CONSTRAINT passkey_challenges_purpose_check
    CHECK (purpose IN ('registration', 'payment', 'step_up', 'sign_in'));
