//! The language of the wallet's own pages (consent, wallet): zh-CN or en, from
//! `?locale=` first, then the wallet pages' `bc_locale` cookie, then `Accept-Language`.

use std::collections::HashMap;
use std::convert::Infallible;

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};

/// A page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

/// The cookie that remembers a language chosen with `?locale=` (wallet pages).
pub const COOKIE: &str = "bc_locale";

impl Lang {
    /// The BCP 47 tag (`zh-CN`, `en`), for `<html lang>` and `?locale=`.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language of a request: `?locale=`, then the cookie, then `Accept-Language`;
    /// anything starting with `zh` is Chinese, everything else English.
    #[must_use]
    pub fn of(query: &HashMap<String, String>, headers: &HeaderMap) -> Lang {
        let cookie = crate::http::extract::cookie(headers, COOKIE);
        let tag = query.get("locale").cloned().or(cookie).unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        });
        if tag.trim_start().to_ascii_lowercase().starts_with("zh") {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// A wallet page's language (an extractor: [`Lang::of`] the request), and the
/// `Set-Cookie` that remembers a `?locale=` choice.
#[derive(Debug, Clone)]
pub struct PageLanguage {
    pub lang: Lang,
    /// `Some` when the request chose its language with `?locale=`.
    pub set_lang: Option<String>,
}

impl PageLanguage {
    /// The language of a request with this query and these headers.
    #[must_use]
    pub fn of(query: &HashMap<String, String>, headers: &HeaderMap) -> PageLanguage {
        let lang = Lang::of(query, headers);
        let set_lang = query.contains_key("locale").then(|| {
            format!(
                "{COOKIE}={}; Path=/wallet; SameSite=Lax; Max-Age=31536000",
                lang.tag()
            )
        });
        PageLanguage { lang, set_lang }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PageLanguage {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Infallible> {
        let query = Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| q)
            .unwrap_or_default();
        Ok(PageLanguage::of(&query, &parts.headers))
    }
}
