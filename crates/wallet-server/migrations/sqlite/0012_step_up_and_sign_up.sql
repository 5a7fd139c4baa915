-- Step-up and sign-up (DESIGN.md *The shopper's account*). A wallet session remembers
-- when its shopper last confirmed it was them (a passkey, a one-time code), which lets
-- the session change credentials and make unusual transfers for a few minutes. One-time
-- codes go to a subject: a wallet's id, or for a sign-up the contact being verified. A
-- contact belongs to one wallet at most, so a shopper can sign in with it. Passkey
-- challenges gain the step-up and sign-in ceremonies. Keep in step with
-- ../postgres/0012_step_up_and_sign_up.sql.
ALTER TABLE wallet_sessions ADD COLUMN stepped_up_at BIGINT;

ALTER TABLE one_time_codes RENAME COLUMN shopper_id TO subject;

CREATE UNIQUE INDEX wallets_by_contact ON wallets (contact);

-- SQLite changes a CHECK constraint only by building the table again; challenges live
-- two minutes, and those in flight are kept.
CREATE TABLE passkey_challenges_next (
    challenge     TEXT PRIMARY KEY,
    purpose       TEXT NOT NULL
                  CHECK (purpose IN ('registration', 'payment', 'step_up', 'sign_in')),
    shopper_id    TEXT NOT NULL,
    session_id    TEXT,
    intent_sha256 TEXT,
    state         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT,
    livemode      BIGINT NOT NULL DEFAULT 0
);
INSERT INTO passkey_challenges_next
    (challenge, purpose, shopper_id, session_id, intent_sha256, state, created_at,
     expires_at, used_at, livemode)
SELECT challenge, purpose, shopper_id, session_id, intent_sha256, state, created_at,
       expires_at, used_at, livemode
FROM passkey_challenges;
DROP TABLE passkey_challenges;
ALTER TABLE passkey_challenges_next RENAME TO passkey_challenges;
CREATE INDEX passkey_challenges_by_expiry ON passkey_challenges (expires_at);
