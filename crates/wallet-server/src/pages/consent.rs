//! The consent page (DESIGN.md *Shopper consent*): top-level on the wallet's origin, in
//! both locales, phone first. It names the merchant and what it will be able to do; the
//! shopper signs in as on the wallet pages — with a passkey (autofill or a button; the one
//! script, the wallet's own `/wallet/passkeys.js`) or the account and the login password,
//! throttled the same way; the payment password is not a sign-in credential and no
//! attempt here touches the payment lock — and approves or declines. HTML forms under a
//! strict CSP that forbids framing.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use webauthn_rs::prelude::RequestChallengeResponse;

use super::passkey_button::{self, Ceremony, Words};
use crate::consent::requests::{load_request, LinkRequest, RequestStatus};
use crate::error::{ApiError, ServerError};
use crate::http::extract::ClientAddress;
use crate::http::lang::Lang;
use crate::http::state::AppState;
use crate::util::{html_escape, now};

// The page's styles, then dark mode (shared by the wallet's pages).
const CSS: &str = concat!(
    include_str!("../assets/consent.css"),
    include_str!("../assets/dark.css")
);

/// `GET` and `POST /wallet/link/{lr}`, and its stylesheet.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/wallet/consent.css", get(css))
        .route("/wallet/link/{id}", get(page).post(answer))
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

struct Text {
    title: &'static str,
    asks: &'static str,
    can: &'static str,
    wallet_id: &'static str,
    password: &'static str,
    approve: &'static str,
    decline: &'static str,
    closed: &'static str,
    passkey: &'static str,
    passkey_failed: &'static str,
    passkey_unsupported: &'static str,
}

const EN: Text = Text {
    title: "Link your wallet",
    asks: "wants to connect to your wallet.",
    can: "It will be able to show your balance at its checkout and ask you to pay with it. Every payment still needs your payment password or fingerprint. You can unlink it at any time.",
    wallet_id: "Wallet ID, phone or e-mail",
    password: "Password",
    approve: "Link wallet",
    decline: "Not now",
    closed: "This link request was already answered or has expired. Go back to the shop and start again.",
    passkey: "Link with a passkey",
    passkey_failed: "The passkey did not confirm (canceled, or this device cannot verify you). Try again, or use your password.",
    passkey_unsupported: "This browser cannot use passkeys; use your password.",
};

const ZH: Text = Text {
    title: "关联钱包",
    asks: "申请关联您的钱包。",
    can: "关联后，该商户可在结算时显示您的余额，并请您用余额付款；每笔付款仍需您的支付密码或指纹确认。您可随时解除关联。",
    wallet_id: "钱包 ID、手机号或邮箱",
    password: "登录密码",
    approve: "确认关联",
    decline: "暂不关联",
    closed: "该关联申请已处理或已过期，请返回商户重新发起。",
    passkey: "使用通行密钥关联",
    passkey_failed: "通行密钥未完成验证（已取消，或本设备无法验证）。请重试，或使用密码。",
    passkey_unsupported: "此浏览器无法使用通行密钥，请使用密码。",
};

fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// The passkey's part of the page: the sign-in challenge, the button, and the form the
/// script posts the device's answer with, as an approval.
fn passkey_part(
    t: &Text,
    request: &LinkRequest,
    locale: &str,
    options: &RequestChallengeResponse,
) -> String {
    let words = Words {
        label: t.passkey,
        failed: t.passkey_failed,
        unsupported: t.passkey_unsupported,
    };
    let action = format!("/wallet/link/{}?locale={locale}", request.id);
    let section = passkey_button::section(
        options,
        Ceremony::Get { conditional: true },
        &words,
        (&action, &[("action", "approve")]),
    );
    format!(r#"<section class="passkey">{section}</section>"#)
}

/// The open request's form: the passkey first when `passkey` carries its challenge, then
/// the account and the login password, with approve and decline.
fn open_form(
    t: &Text,
    (request, merchant): (&LinkRequest, &str),
    (locale, error, shopper): (&str, Option<&str>, &str),
    passkey: Option<&RequestChallengeResponse>,
) -> String {
    let alert = error.map_or_else(String::new, |e| {
        format!(r#"<p class="error" role="alert">{}</p>"#, html_escape(e))
    });
    format!(
        r#"<p class="asks"><strong>{merchant}</strong> {asks}</p>
<p class="note">{can}</p>
{alert}{passkey}
<form method="post" action="/wallet/link/{id}?locale={locale}">
  <label for="shopper_id">{wallet_id}</label>
  <input id="shopper_id" name="shopper_id" autocomplete="{autocomplete}" required maxlength="254" value="{shopper}">
  <label for="password">{password}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" minlength="8" maxlength="128" required>
  <div class="actions">
    <button class="approve" type="submit" name="action" value="approve">{approve}</button>
    <button type="submit" name="action" value="decline" formnovalidate>{decline}</button>
  </div>
</form>"#,
        merchant = html_escape(merchant),
        asks = t.asks,
        can = t.can,
        id = html_escape(&request.id),
        wallet_id = t.wallet_id,
        password = t.password,
        approve = t.approve,
        decline = t.decline,
        shopper = html_escape(shopper),
        passkey = passkey
            .map(|o| passkey_part(t, request, locale, o))
            .unwrap_or_default(),
        autocomplete = if passkey.is_some() {
            "username webauthn"
        } else {
            "username"
        },
    )
}

fn render(
    (request, merchant): (&LinkRequest, &str),
    lang: Lang,
    (error, shopper): (Option<&str>, &str),
    passkey: Option<&RequestChallengeResponse>,
) -> Response {
    let t = text(lang);
    let html_lang = lang.tag();
    let open = request.status == RequestStatus::Pending && request.expires_at > now();
    let body = if open {
        open_form(
            t,
            (request, merchant),
            (lang.tag(), error, shopper),
            passkey,
        )
    } else {
        format!(r#"<p class="note" role="alert">{}</p>"#, t.closed)
    };
    let html = format!(
        r#"<!doctype html>
<html lang="{html_lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="/wallet/consent.css"></head>
<body><main class="card"><h1>{title}</h1>
{body}
</main></body></html>"#,
        title = t.title,
    );
    (
        [
            (
                header::CONTENT_SECURITY_POLICY,
                consent_csp(&request.return_url, passkey.is_some()),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
        Html(html),
    )
        .into_response()
}

/// No script but the wallet's own passkey script (`script`: when the page offers a
/// passkey), never framed; the form may post here and be redirected back to the
/// merchant's `return_url` (browsers apply `form-action` to that redirect too).
fn consent_csp(return_url: &str, script: bool) -> String {
    let back = return_url
        .find("://")
        .map(|i| {
            let rest = &return_url[i + 3..];
            let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            &return_url[..i + 3 + end]
        })
        // Host and port characters only: nothing that could end the directive.
        .filter(|o| {
            o.bytes()
                .skip(o.find("://").map_or(0, |i| i + 3))
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
        })
        .unwrap_or("'none'");
    let script = if script { "'self'" } else { "'none'" };
    format!(
        "default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; \
         connect-src 'none'; base-uri 'none'; form-action 'self' {back}; frame-ancestors 'none'"
    )
}

async fn request_or_404(state: &AppState, id: &str) -> Result<LinkRequest, ServerError> {
    load_request(&state.db, id).await?.ok_or_else(|| {
        ApiError::new(
            checkout_core::ErrorCode::LinkNotFound,
            "no link request has this id; start again from the shop",
        )
        .into()
    })
}

async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    let request = request_or_404(&state, &id).await?;
    show(&state, &request, Lang::of(&query, &headers), (None, "")).await
}

/// The page, with a fresh passkey challenge when it is open and passkeys are on.
async fn show(
    state: &AppState,
    request: &LinkRequest,
    lang: Lang,
    failed: (Option<&str>, &str),
) -> Result<Response, ServerError> {
    let open = request.status == RequestStatus::Pending && request.expires_at > now();
    let options = match state.relying_party.as_ref().filter(|_| open) {
        Some(rp) => {
            Some(crate::security::passkeys::sign_in::challenge(&state.db, rp, now()).await?)
        }
        None => None,
    };
    // The shop by the name shoppers read, not its id.
    let merchant = state.config.merchant_name(&request.merchant_id);
    Ok(render((request, merchant), lang, failed, options.as_ref()))
}

/// The consent form.
#[derive(Deserialize)]
struct Answer {
    action: String,
    #[serde(default)]
    shopper_id: String,
    #[serde(default)]
    password: String,
    /// A passkey's answer to the page's challenge, instead of the account and password.
    #[serde(default)]
    credential: String,
}

async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<Answer>,
) -> Result<Response, ServerError> {
    let request = request_or_404(&state, &id).await?;
    let lang = Lang::of(&query, &headers);
    if request.status != RequestStatus::Pending || request.expires_at <= now() {
        return show(&state, &request, lang, (None, "")).await;
    }
    if form.action != "approve" {
        let url = crate::consent::requests::decline(&state.db, &request).await?;
        return Ok(Redirect::to(&url).into_response());
    }
    let shopper = form.shopper_id.trim();
    let signed_in = match state.relying_party.as_ref() {
        Some(rp) if !form.credential.is_empty() => {
            crate::security::passkeys::sign_in::verify(&state.db, rp, &form.credential, now()).await
        }
        _ => {
            crate::security::login::sign_in(
                (&state.db, &state.passwords, &state.sign_ins),
                shopper,
                &form.password,
                address,
                now(),
            )
            .await
        }
    }
    // A wallet of the other mode answers as an unknown id.
    .and_then(|(id, livemode)| {
        (livemode == request.livemode)
            .then_some(id)
            .ok_or_else(|| crate::security::login::wrong().into())
    });
    match signed_in {
        Ok(id) => {
            let url = crate::consent::requests::approve(&state.db, &request, &id).await?;
            Ok(Redirect::to(&url).into_response())
        }
        Err(ServerError::Api(e)) => {
            show(
                &state,
                &request,
                lang,
                (Some(&sign_in_error(lang, &e)), shopper),
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// What the shopper reads after a failed sign-in: never whether the wallet id exists.
fn sign_in_error(lang: Lang, e: &ApiError) -> String {
    let wait = e
        .extra
        .get("retry_after")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(1);
    let passkey = e.code == checkout_core::ErrorCode::PasskeyExpired
        || e.extra.get("path").and_then(serde_json::Value::as_str) == Some("credential");
    if passkey {
        return text(lang).passkey_failed.to_owned();
    }
    match (e.code, lang) {
        (checkout_core::ErrorCode::RateLimited, Lang::En) => {
            format!("Too many tries: wait {wait} s, then try again.")
        }
        (checkout_core::ErrorCode::RateLimited, Lang::Zh) => {
            format!("尝试次数过多，请 {wait} 秒后再试。")
        }
        (_, Lang::En) => "The wallet ID or the password is wrong.".to_owned(),
        (_, Lang::Zh) => "钱包账号或登录密码错误。".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::consent_csp;

    #[test]
    fn the_form_may_go_back_to_the_merchant_only() {
        let csp = consent_csp("https://shop.example:8443/linked?x=1", false);
        assert!(
            csp.contains("form-action 'self' https://shop.example:8443;"),
            "{csp}"
        );
        assert!(csp.contains("script-src 'none'") && csp.contains("frame-ancestors 'none'"));
        let hostile = consent_csp("https://a;script-src *;/x", true);
        assert!(hostile.contains("form-action 'self' 'none';"), "{hostile}");
    }
}
