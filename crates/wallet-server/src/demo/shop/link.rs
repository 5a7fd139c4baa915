//! The demo shop's side of shopper consent (DESIGN.md *Shopper consent*), done as a
//! merchant's server does it, over the wallet's HTTP API with the shop's key:
//!
//! - `GET /link` asks the wallet for a link request and sends the browser (top-level) to
//!   the wallet's consent page;
//! - `GET /linked?link_request=…&code=…` exchanges the code for the link token and keeps
//!   it in an `HttpOnly` cookie of the shop (a real shop keeps it with the account);
//! - `GET /unlink` revokes the link and forgets it.
//!
//! Without a link cookie the shop pays through `shopper_demo`'s seeded link, so an unlink
//! in the wallet shows in the shop as it would in a live one.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use serde_json::json;

use super::state::{call, wallet_failed, ShopState};

/// The shop's cookie holding the link token.
const COOKIE: &str = "bc_link";
/// The link's id (`ln_…`), to revoke it by.
const ID_COOKIE: &str = "bc_link_id";

/// The link token the shopper's browser carries, if any.
#[must_use]
pub fn link_of(headers: &HeaderMap) -> Option<String> {
    crate::http::extract::cookie(headers, COOKIE).filter(|v| v.starts_with("lk_"))
}

fn locale_of(q: &HashMap<String, String>) -> &'static str {
    match q.get("locale").map(String::as_str) {
        Some("en") => "en",
        _ => "zh-CN",
    }
}

/// `GET /link`: to the wallet's consent page.
pub async fn link(
    State(s): State<ShopState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let locale = locale_of(&q);
    let return_url = format!("{}/linked?locale={locale}", s.origin);
    match call(
        &s,
        reqwest::Method::POST,
        "/v1/links",
        Some(json!({"return_url": return_url})),
    )
    .await
    {
        Ok(v) => {
            let url = v["url"].as_str().unwrap_or_default();
            Redirect::to(&format!("{url}?locale={locale}")).into_response()
        }
        Err(e) => wallet_failed("ask the wallet for a link", e),
    }
}

/// `GET /linked`: the wallet sent the shopper back.
pub async fn linked(
    State(s): State<ShopState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let locale = locale_of(&q);
    let (Some(request), Some(code)) = (q.get("link_request"), q.get("code")) else {
        return Redirect::to(&format!("/?locale={locale}&linked=declined")).into_response();
    };
    let path = format!("/v1/links/{request}/token");
    match call(
        &s,
        reqwest::Method::POST,
        &path,
        Some(json!({"code": code})),
    )
    .await
    {
        Ok(v) => {
            // As a merchant's server keeps both: the token to open sessions with, the id
            // to revoke by.
            let token = v["link"].as_str().unwrap_or_default();
            let id = v["id"].as_str().unwrap_or_default();
            let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax");
            let id_cookie = format!("{ID_COOKIE}={id}; Path=/; HttpOnly; SameSite=Lax");
            (
                // Appended: an array of headers keeps only the last `Set-Cookie`.
                AppendHeaders([
                    (header::SET_COOKIE, cookie),
                    (header::SET_COOKIE, id_cookie),
                ]),
                Redirect::to(&format!("/?locale={locale}&linked=yes")),
            )
                .into_response()
        }
        Err(e) => wallet_failed("exchange the link code", e),
    }
}

/// `GET /unlink`: revoke the link and forget it.
pub async fn unlink(
    State(s): State<ShopState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    // By the link's id; a cookie from an earlier release holds only the token.
    let id = crate::http::extract::cookie(&headers, ID_COOKIE).filter(|v| !v.is_empty());
    if let Some(link) = id.or_else(|| link_of(&headers)) {
        if let Err(e) = call(
            &s,
            reqwest::Method::DELETE,
            &format!("/v1/links/{link}"),
            None,
        )
        .await
        {
            tracing::warn!(error = %e, "demo shop: revoking a link");
        }
    }
    let clear = |name| format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    (
        AppendHeaders([
            (header::SET_COOKIE, clear(COOKIE)),
            (header::SET_COOKIE, clear(ID_COOKIE)),
        ]),
        Redirect::to(&format!("/?locale={}", locale_of(&q))),
    )
        .into_response()
}
