//! Ids, secrets, clocks and HTML escaping shared by the server's modules (no server types:
//! everything may depend on this module).

use rand::distributions::Alphanumeric;
use rand::Rng;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `prefix` + `len` random base62 characters from the OS-seeded CSPRNG.
#[must_use]
pub fn random_id(prefix: &str, len: usize) -> String {
    let tail: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect();
    format!("{prefix}{tail}")
}

/// Unix seconds now.
#[must_use]
pub fn now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// RFC 3339 UTC (`2026-11-25T13:00:00Z`).
#[must_use]
pub fn rfc3339(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// `unix` seconds as a shopper reads them at `offset`: `2026-12-02 12:56`, to be shown
/// with [`offset_label`] beside it.
#[must_use]
pub fn local_minute(unix: i64, offset: time::UtcOffset) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.to_offset(offset).format(&format).ok())
        .unwrap_or_else(|| unix.to_string())
}

/// The label of an offset: `UTC+08:00`.
#[must_use]
pub fn offset_label(offset: time::UtcOffset) -> String {
    let format = time::macros::format_description!("[offset_hour sign:mandatory]:[offset_minute]");
    format!("UTC{}", offset.format(&format).unwrap_or_default())
}

/// Hex SHA-256 of bytes.
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// Compares two secrets in time independent of where they differ, by digest.
#[must_use]
pub fn secrets_equal(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// Escapes text for HTML element content and double-quoted attributes.
#[must_use]
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The strict Content-Security-Policy of the demo shop and the sandbox page
/// (DESIGN-NOTES.md *Demo shop and the widget under a strict CSP*).
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::{html_escape, random_id, rfc3339, secrets_equal};

    #[test]
    fn ids_have_their_prefix_and_length() {
        let id = random_id("pi_", 24);
        assert!(id.starts_with("pi_") && id.len() == 27);
        assert!(id[3..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(random_id("pi_", 24), id);
    }

    #[test]
    fn it_escapes_html() {
        assert_eq!(
            html_escape(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }

    #[test]
    fn it_formats_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn it_compares_secrets() {
        assert!(secrets_equal("cs_secret_a", "cs_secret_a"));
        assert!(!secrets_equal("cs_secret_a", "cs_secret_b"));
        assert!(!secrets_equal("cs_secret_a", "cs_secret_ab"));
    }
}
