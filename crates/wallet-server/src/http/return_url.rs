//! A merchant's `return_url` (`POST /v1/links`, `POST /v1/sessions`): where a shopper's
//! browser is sent back with the answer in its query (`?link_request=…&code=…`).
//!
//! Parsed with the `url` crate (the WHATWG URL Standard, as browsers parse it), then held
//! to what a redirect carrying a single-use code needs: an absolute `https` URL with a
//! host, no user name or password, no fragment (the code would land after the `#` and
//! never reach the merchant's server) and nothing a header cannot carry. `http` is allowed
//! for loopback hosts with a test key only (a developer's machine). A merchant with
//! `return_origins` configured is held to them.

use url::{Host, Url};

use crate::error::ApiError;

/// The longest `return_url`, in bytes.
pub const MAX_LEN: usize = 2048;

/// `raw` as a URL the wallet may send a shopper back to, normalised (`Url::as_str`).
///
/// `livemode`: the caller's key's mode. `origins`: the merchant's `return_origins` (ASCII
/// serialisations such as `https://shop.example`); empty allows any origin.
///
/// # Errors
/// 400 `invalid_request` at `return_url`, saying which rule the URL breaks.
pub fn parse(raw: &str, livemode: bool, origins: &[String]) -> Result<Url, ApiError> {
    let refuse = |why: &str| Err(ApiError::field("return_url", why.to_owned()));
    if raw.len() > MAX_LEN {
        return refuse("must be at most 2048 characters");
    }
    if let Some(c) = raw.chars().find(|c| !c.is_ascii_graphic()) {
        return refuse(&format!(
            "contains {c:?}: spaces, control characters and non-ASCII must be percent-encoded (and host names written in punycode)"
        ));
    }
    let Ok(url) = Url::parse(raw) else {
        return refuse("must be an absolute URL such as https://shop.example/linked");
    };
    let loopback = match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => return refuse("must name a host, as in https://shop.example/linked"),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback && !livemode => {}
        "http" if loopback => return refuse("must be https with a live key"),
        _ => {
            return refuse("must be https (http only for localhost or 127.0.0.1, with a test key)")
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("must not carry a user name or password");
    }
    if url.fragment().is_some() {
        return refuse(
            "must not have a #fragment: the wallet adds its answer to the query, which a fragment would hide from your server",
        );
    }
    let origin = url.origin().ascii_serialization();
    if !origins.is_empty() && !origins.contains(&origin) {
        return Err(ApiError::field(
            "return_url",
            format!(
                "{origin} is not one of this merchant's return_origins ({})",
                origins.join(", ")
            ),
        ));
    }
    Ok(url)
}

/// A stored `return_url` with the answer's query parameters added
/// (`application/x-www-form-urlencoded`, after any the merchant put there).
///
/// # Errors
/// 400 `invalid_request` at `return_url` for a URL stored before [`parse`] held it to its
/// rules (one made by an earlier release): nothing is recorded before this is known.
pub fn back_to(return_url: &str, params: &[(&str, &str)]) -> Result<String, ApiError> {
    let mut url = Url::parse(return_url)
        .ok()
        .filter(|u| u.fragment().is_none() && u.has_host())
        .ok_or_else(|| {
            ApiError::field(
                "return_url",
                "the shop's return address cannot carry an answer; start again from the shop",
            )
        })?;
    url.query_pairs_mut().extend_pairs(params);
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::{back_to, parse};
    use proptest::prelude::*;

    /// The `return_url` pattern of the OpenAPI document (`POST /v1/links`), for generating.
    fn documented_pattern() -> String {
        let doc: serde_json::Value =
            serde_json::from_str(include_str!("../api/openapi.json")).unwrap();
        let pattern = doc["paths"]["/v1/links"]["post"]["requestBody"]["content"]
            ["application/json"]["schema"]["properties"]["return_url"]["pattern"]
            .as_str()
            .unwrap()
            .to_owned();
        // Unanchored, and each repetition bounded so that the strings stay within the
        // document's `maxLength` (2048) beside the pattern.
        pattern
            .trim_start_matches('^')
            .trim_end_matches('$')
            .replace('+', "{1,8}")
            .replace('*', "{0,8}")
    }

    proptest! {
        /// What the API document admits, the server accepts (a test key): an API fuzzer
        /// holds the server to its document. (It found that a host label may not contain
        /// `--`: `xn--…` is punycode, refused when it does not decode.)
        #[test]
        fn every_url_the_document_admits_is_accepted(
            url in proptest::string::string_regex(&documented_pattern()).unwrap()
        ) {
            prop_assert!(parse(&url, false, &[]).is_ok(), "{url:?}");
        }
    }

    #[test]
    fn an_https_url_with_a_host_is_kept_normalised() {
        let url = parse("HTTPS://Shop.Example/linked?x=1", true, &[]).unwrap();
        assert_eq!(url.as_str(), "https://shop.example/linked?x=1");
    }

    #[test]
    fn what_a_redirect_with_a_code_cannot_use_is_refused() {
        for bad in [
            "https://shop.example/l#top",
            "https://shop.example/l#",
            "https://shop.example/l\r\nSet-Cookie: a=b",
            "https://shop.example/a b",
            "https://shöp.example/",
            "https://",
            "//shop.example/l",
            "/linked",
            "javascript:alert(1)",
            "ftp://shop.example/",
            "http://shop.example/l",
            "https://user:pw@shop.example/",
            "https://shop.example@evil.example/",
        ] {
            assert!(parse(bad, false, &[]).is_err(), "{bad}");
        }
        assert!(parse(
            &format!("https://s.example/{}", "a".repeat(2048)),
            false,
            &[]
        )
        .is_err());
    }

    #[test]
    fn http_is_for_loopback_with_a_test_key() {
        for ok in [
            "http://localhost:8080/x",
            "http://127.0.0.1:9/",
            "http://[::1]:9/",
        ] {
            assert!(parse(ok, false, &[]).is_ok(), "{ok}");
            assert!(parse(ok, true, &[]).is_err(), "{ok} live");
        }
    }

    #[test]
    fn return_origins_hold_a_merchant_to_its_own_sites() {
        let origins = vec!["https://shop.example".to_owned()];
        assert!(parse("https://shop.example/done", true, &origins).is_ok());
        assert!(parse("https://shop.example:8443/done", true, &origins).is_err());
        assert!(parse("https://evil.example/done", true, &origins).is_err());
    }

    #[test]
    fn the_answer_goes_into_the_query() {
        assert_eq!(
            back_to("https://shop.example/l?x=1", &[("error", "declined")]).unwrap(),
            "https://shop.example/l?x=1&error=declined"
        );
        assert_eq!(
            back_to(
                "https://shop.example/l",
                &[("link_request", "lr_1"), ("code", "lc_a b")]
            )
            .unwrap(),
            "https://shop.example/l?link_request=lr_1&code=lc_a+b"
        );
        assert!(back_to("https://shop.example/l#x", &[("a", "b")]).is_err());
    }
}
