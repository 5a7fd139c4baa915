//! The wallet's own address (`public_url`).
//!
//! Every absolute URL the server hands out (a link request's page, the sandbox's page, a
//! recharge's) is built from it, never from a request's `Host` header: behind a TLS proxy
//! on the same host, `Host: evil.example` would otherwise put a consent page on another
//! site (DESIGN.md *Security model*). The pages' CSRF check compares `Origin` with it
//! (`crate::http::origin`).

use url::Url;

/// `public_url`, parsed once at start.
#[derive(Debug, Clone)]
pub struct PublicUrl {
    /// `https://wallet.example` (no trailing slash): the base of every absolute URL.
    base: String,
    /// Its origin as browsers send it in `Origin` (RFC 6454 serialisation).
    origin: String,
    secure: bool,
}

impl PublicUrl {
    /// `url`: an absolute `http(s)` URL with a host and no path, query or fragment
    /// (`config::checks::public_url` has refused anything else before the server starts).
    ///
    /// # Errors
    /// A sentence naming what is wrong with `url`.
    pub fn parse(url: &str) -> Result<PublicUrl, String> {
        let parsed =
            Url::parse(url).map_err(|e| format!("public_url {url:?} is not a URL: {e}"))?;
        let scheme_ok = matches!(parsed.scheme(), "http" | "https");
        if !scheme_ok || !parsed.has_host() || parsed.path() != "/" || parsed.query().is_some() {
            return Err(format!(
                "public_url {url:?} must be scheme, host and port only, like \"https://wallet.example\""
            ));
        }
        let origin = parsed.origin().ascii_serialization();
        Ok(PublicUrl {
            base: origin.clone(),
            secure: parsed.scheme() == "https",
            origin,
        })
    }

    /// The base of absolute URLs, without a trailing slash.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Whether the wallet is reached over TLS: its cookies are then `Secure`.
    #[must_use]
    pub fn secure(&self) -> bool {
        self.secure
    }

    /// Whether `origin` (an `Origin` header's value) is exactly this wallet's: scheme,
    /// host and port.
    #[must_use]
    pub fn is(&self, origin: &str) -> bool {
        origin == self.origin
    }
}

#[cfg(test)]
mod tests {
    use super::PublicUrl;

    #[test]
    fn the_public_url_is_an_origin() {
        let p = PublicUrl::parse("HTTPS://Wallet.Example:443/").unwrap();
        assert_eq!(p.base(), "https://wallet.example");
        assert!(p.secure());
        assert!(p.is("https://wallet.example"));
        assert!(!p.is("http://wallet.example"), "the scheme counts");
        assert!(!p.is("https://wallet.example:8443"), "the port counts");
        let local = PublicUrl::parse("http://localhost:8080").unwrap();
        assert!(!local.secure());
        assert!(local.is("http://localhost:8080"));
        for bad in [
            "wallet.example",
            "https://w.example/pay",
            "https://w.example/?a=1",
            "ftp://w.example",
        ] {
            assert!(PublicUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
