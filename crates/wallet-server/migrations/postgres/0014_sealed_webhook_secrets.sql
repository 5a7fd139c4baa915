-- Webhook secrets are stored sealed (AES-256-GCM under a key derived from the password
-- pepper, `security::sealing`) and shown in full only when made: reads show this prefix
-- (`whsec_` and four characters). Rows of earlier releases are sealed, and get their
-- prefix, when the server starts. Keep in step with ../sqlite/0014_sealed_webhook_secrets.sql.
ALTER TABLE webhook_secrets ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
