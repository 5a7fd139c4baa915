-- A link's id (`ln_…`), beside its token: `DELETE /v1/links/{id}` revokes by it, so no
-- secret travels in a URL or a log (DESIGN.md *Shopper consent*, step 5). Derived from the
-- token's SHA-256, which webhooks already carry (`link_sha256`): it reveals nothing of the
-- token. Keep in step with ../sqlite/0016_link_ids.sql.
ALTER TABLE links ADD COLUMN id TEXT;
UPDATE links SET id = 'ln_' || substr(token_digest, 1, 24);
CREATE UNIQUE INDEX links_by_id ON links (id);
