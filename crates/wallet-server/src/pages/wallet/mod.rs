//! The shopper's wallet pages at `/wallet/` (DESIGN.md *The shopper's wallet*): sign in,
//! balance and history, recharge, transfer, security. Server-rendered HTML forms in both
//! languages, phone first, under a CSP with no script at all: nothing to download before
//! the balance shows, and nothing a page could run (`docs/DESIGN-NOTES.md` *Wallet pages*).
//!
//! Every state-changing request must come from the wallet's own origin: the sign-in
//! cookie is `SameSite=Strict`, and `crate::http::origin::same_origin_only` refuses a POST
//! whose `Origin` is not exactly the wallet's (or, without one, whose `Sec-Fetch-Site` is
//! not `same-origin`): 403 `cross_site_request`. The consent page is held to it too.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use checkout_core::{Currency, Money};

use crate::error::ApiError;
use crate::http::lang::Lang;
use crate::http::state::AppState;
use crate::security::sessions::{COOKIE, IDLE_SECS};
use crate::util::html_escape;

mod account_text;
mod activate;
mod alerts;
mod campaigns;
mod ceremony;
mod entry;
mod home;
mod names;
mod passkeys;
mod recharge;
mod reset;
mod security;
mod sign_in;
mod sign_up;
mod step_up;
mod text;
mod transfer;

use text::Text;

// The page's styles, then dark mode (shared by the wallet's pages).
const CSS: &str = concat!(
    include_str!("../../assets/wallet.css"),
    include_str!("../../assets/dark.css")
);

/// No script, no framing; forms post only to the wallet itself (the sandbox provider's
/// page is on this origin too).
const CSP: &str = "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; \
     connect-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The wallet pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/wallet.css", get(css))
        .route("/wallet", get(|| async { Redirect::permanent("/wallet/") }))
        .route("/wallet/", get(home::page))
        .route("/wallet/entries/{entry}", get(entry::page))
        .route("/wallet/sign-in", post(sign_in::with_password))
        .route("/wallet/sign-in/passkey", post(sign_in::with_passkey))
        .route("/wallet/sign-out", post(sign_in::sign_out))
        .route(
            "/wallet/activate",
            get(activate::form_page).post(activate::complete),
        )
        .route(
            "/wallet/recharge",
            get(recharge::form).post(recharge::start),
        )
        .route("/wallet/recharges/{id}", get(recharge::status))
        .route(
            "/wallet/transfer",
            get(transfer::form).post(transfer::review),
        )
        .route("/wallet/transfer/confirm", post(transfer::confirm))
        .route("/wallet/security", get(security::page))
        .route("/wallet/security/password", post(security::change_password))
        .route("/wallet/security/login", post(security::change_login))
        .route("/wallet/security/name", post(security::set_name))
        .route("/wallet/security/reset/send", post(reset::send))
        .route("/wallet/security/reset", post(reset::reset))
        .route("/wallet/security/links/revoke", post(security::revoke_link))
        .route("/wallet/security/passkeys", post(passkeys::finish))
        .route("/wallet/security/passkeys/new", post(passkeys::start))
        .route("/wallet/security/passkeys/remove", post(passkeys::remove))
        .route("/wallet/passkeys.js", get(passkeys::script))
        .route("/wallet/step-up", get(step_up::page))
        .route("/wallet/step-up/code/send", post(step_up::send_code))
        .route("/wallet/step-up/code", post(step_up::with_code))
        .route("/wallet/step-up/login", post(step_up::with_login))
        .route("/wallet/step-up/passkey/new", post(step_up::passkey_start))
        .route("/wallet/step-up/passkey", post(step_up::with_passkey))
        .route("/wallet/sign-up", get(sign_up::form).post(sign_up::send))
        .route("/wallet/sign-up/complete", post(sign_up::complete))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

/// The sign-in token of the request's cookie.
fn token(headers: &HeaderMap) -> Option<String> {
    crate::http::extract::cookie(headers, COOKIE)
}

/// The `Set-Cookie` value of a sign-in (`None`: signing out).
fn session_cookie(state: &AppState, token: Option<&str>) -> String {
    let mut c = cookie::Cookie::build((COOKIE, token.unwrap_or("").to_owned()))
        .path("/wallet")
        .http_only(true)
        .secure(state.public.secure())
        .same_site(cookie::SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(if token.is_some() {
            IDLE_SECS
        } else {
            0
        }));
    if token.is_none() {
        c = c.expires(cookie::time::OffsetDateTime::UNIX_EPOCH);
    }
    c.build().to_string()
}

/// `¥106.00`: the currency's sign and the amount with its digits.
fn amount(m: Money) -> String {
    format!("{}{m}", sign(m.currency()))
}

/// The currency's sign as shoppers read it (`¥`, `HK$`).
const fn sign(c: Currency) -> &'static str {
    match c {
        Currency::CNY => "¥",
        Currency::USD => "$",
        Currency::EUR => "€",
        Currency::HKD => "HK$",
        Currency::JPY => "JP¥",
        Currency::KRW => "₩",
        Currency::KWD => "KWD ",
        Currency::BHD => "BHD ",
    }
}

/// The page around `body`: header, navigation, the language switch and sign-out.
fn layout(t: &Text, lang: Lang, title: &str, body: &str, signed: bool, path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    let path = html_escape(path);
    let other = match lang {
        Lang::Zh => (Lang::En, "English"),
        Lang::En => (Lang::Zh, "中文"),
    };
    let nav = if signed {
        format!(
            r#"<nav aria-label="{nav}"><a href="/wallet/">{home}</a><a href="/wallet/recharge">{recharge}</a><a href="/wallet/transfer">{transfer}</a><a href="/wallet/security">{security}</a></nav>"#,
            nav = t.nav,
            home = t.balance,
            recharge = t.recharge,
            transfer = t.transfer,
            security = t.security,
        )
    } else {
        String::new()
    };
    let sign_out = if signed {
        format!(
            r#"<form method="post" action="/wallet/sign-out" class="sign-out"><button type="submit">{}</button></form>"#,
            t.sign_out
        )
    } else {
        String::new()
    };
    format!(
        r#"<!doctype html>
<html lang="{tag}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · {wallet}</title><link rel="stylesheet" href="/wallet/wallet.css"></head>
<body><header><p class="brand">{wallet}</p><a class="lang" href="{path}{sep}locale={other_tag}" lang="{other_tag}">{other_name}</a>{sign_out}</header>
{nav}
<main><h1>{title}</h1>
{body}
</main></body></html>"#,
        tag = lang.tag(),
        wallet = t.wallet,
        other_tag = other.0.tag(),
        other_name = other.1,
    )
}

/// An HTML answer with the pages' headers (and a language cookie when one was chosen).
fn html(status: StatusCode, page: String, set_lang: Option<String>) -> Response {
    html_with(status, page, set_lang, CSP)
}

/// [`html`] under another content security policy.
fn html_with(
    status: StatusCode,
    page: String,
    set_lang: Option<String>,
    csp: &'static str,
) -> Response {
    let mut r = (status, Html(page)).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Not `no-referrer`: browsers then send `Origin: null` with a form, which the CSRF
    // check must refuse.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if let Some(c) = set_lang.and_then(|c| HeaderValue::from_str(&c).ok()) {
        h.append(header::SET_COOKIE, c);
    }
    r
}

/// A new payment password's two fields: `name` (the form's field for the new one) and
/// `confirm`, six digits each.
fn new_pin_fields(t: &Text, name: &str) -> String {
    let digits = r#"type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{6}" maxlength="6" required"#;
    format!(
        r#"<label for="{name}">{new}</label>
  <input id="{name}" name="{name}" {digits}>
  <label for="confirm">{again}</label>
  <input id="confirm" name="confirm" {digits}>"#,
        new = t.new_password,
        again = t.confirm_password,
    )
}

/// A new login password's two fields, `login_password` and `login_confirm`.
fn new_login_fields(t: &Text) -> String {
    let field =
        r#"type="password" autocomplete="new-password" minlength="8" maxlength="128" required"#;
    format!(
        r#"<label for="login_password">{login}</label>
  <input id="login_password" name="login_password" {field}>
  <label for="login_confirm">{again}</label>
  <input id="login_confirm" name="login_confirm" {field}>"#,
        login = t.login_password,
        again = t.login_password_again,
    )
}

/// An alert paragraph for an error, in the page's language.
fn alert(t: &Text, e: &ApiError) -> String {
    format!(
        r#"<p class="error" role="alert">{}</p>"#,
        html_escape(&alerts::error(t, e))
    )
}
