//! Structured logs. Nothing logged here or elsewhere carries a password, client secret,
//! key or signature: request logs name the method, the path and the status only, and a
//! path segment that is a credential (a link token in `DELETE /v1/links/{lk}`, say) is
//! logged as its prefix alone ([`redact_path`]).

use std::borrow::Cow;

use tracing_subscriber::EnvFilter;

/// Logs to stderr, `info` by default; `RUST_LOG` overrides (e.g. `RUST_LOG=wallet_server=debug`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Prefixes of credentials that may appear in a path: link tokens and codes, client
/// secrets, webhook secrets, merchant, admin and metrics keys.
const SECRET_PREFIXES: [&str; 7] = ["lk_", "lc_", "cs_secret_", "whsec_", "sk_", "ak_", "mk_"];

/// `path` with every segment that starts like a credential cut to its prefix and `…`:
/// `/v1/links/lk_AbC…` is logged `/v1/links/lk_…`. Object ids (`cs_…`, `pi_…`) stay.
#[must_use]
pub fn redact_path(path: &str) -> Cow<'_, str> {
    let secret = |seg: &str| SECRET_PREFIXES.into_iter().find(|p| seg.starts_with(p));
    if !path.split('/').any(|seg| secret(seg).is_some()) {
        return Cow::Borrowed(path);
    }
    let segments: Vec<String> = path
        .split('/')
        .map(|seg| secret(seg).map_or_else(|| seg.to_owned(), |p| format!("{p}…")))
        .collect();
    Cow::Owned(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn credentials_in_a_path_are_cut_to_their_prefix() {
        assert_eq!(
            redact_path("/v1/links/lk_0123456789abcdefghijklmnopqrstuv"),
            "/v1/links/lk_…"
        );
        assert_eq!(
            redact_path("/v1/sessions/cs_abc/intents"),
            "/v1/sessions/cs_abc/intents"
        );
        assert_eq!(
            redact_path("/x/cs_secret_abc/y/whsec_k"),
            "/x/cs_secret_…/y/whsec_…"
        );
    }
}
