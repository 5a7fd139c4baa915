//! Signing in to the wallet pages (DESIGN.md *The shopper's account*): a passkey first —
//! offered in the account field's autofill where the browser has conditional mediation,
//! and behind a button — or the account (a wallet id, phone or e-mail) with the login
//! password, slowed down per account and per address. Never the payment password.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use webauthn_rs::prelude::RequestChallengeResponse;

use super::account_text::account_text;
use super::text::{text, Text};
use super::{alert, html, html_with, layout, session_cookie, token};
use crate::error::{ApiError, ServerError};
use crate::http::extract::ClientAddress;
use crate::http::lang::{Lang, PageLanguage};
use crate::http::state::AppState;
use crate::pages::passkey_button::{self, Ceremony, Words};
use crate::security::sessions;
use crate::util::{html_escape, now};

/// The login-password form: the account and the password; the way to sign up when
/// `signup` is open. With `passkey`, the account field also offers the device's passkeys.
fn password_form(t: &Text, shopper: &str, signup: bool, passkey: bool) -> String {
    let a = account_text(t.lang);
    let sign_up = if signup {
        format!(
            r#"<p><a href="/wallet/sign-up">{}</a></p>"#,
            a.no_wallet_yet
        )
    } else {
        String::new()
    };
    let autocomplete = if passkey {
        "username webauthn"
    } else {
        "username"
    };
    format!(
        r#"<form method="post" action="/wallet/sign-in" class="card">
  <label for="shopper_id">{account}</label>
  <input id="shopper_id" name="shopper_id" autocomplete="{autocomplete}" required maxlength="254" value="{shopper}">
  <label for="password">{password}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" minlength="8" maxlength="128" required>
  <button class="primary" type="submit">{sign_in}</button>
</form>{sign_up}"#,
        account = a.account,
        password = t.login_password,
        sign_in = t.sign_in,
        shopper = html_escape(shopper),
    )
}

/// The passkey's part of the sign-in page: a fresh challenge, the button, and the form the
/// page's script posts the device's answer with.
fn passkey_part(t: &Text, options: &RequestChallengeResponse) -> String {
    let a = account_text(t.lang);
    let words = Words {
        label: a.sign_in_passkey,
        failed: a.passkey_get_failed,
        unsupported: a.passkey_get_unsupported,
    };
    let section = passkey_button::section(
        options,
        Ceremony::Get { conditional: true },
        &words,
        ("/wallet/sign-in/passkey", &[]),
    );
    format!(r#"<section class="card">{section}</section>"#)
}

/// The sign-in page, with what went wrong and the account typed, when it did.
///
/// # Errors
/// The database's (the passkey challenge).
pub async fn page(
    state: &AppState,
    lang: Lang,
    (error, shopper): (Option<&ApiError>, &str),
    set_lang: Option<String>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let signup = state.config.accounts.signup.is_some();
    let alert = error.map(|e| alert(t, e)).unwrap_or_default();
    let Some(rp) = state.relying_party.as_ref() else {
        let body = format!("{alert}{}", password_form(t, shopper, signup, false));
        let page = layout(t, lang, t.sign_in, &body, false, "/wallet/");
        return Ok(html(StatusCode::OK, page, set_lang));
    };
    let options = crate::security::passkeys::sign_in::challenge(&state.db, rp, now()).await?;
    let body = format!(
        "{alert}{}{}",
        passkey_part(t, &options),
        password_form(t, shopper, signup, true)
    );
    let page = layout(t, lang, t.sign_in, &body, false, "/wallet/");
    Ok(html_with(
        StatusCode::OK,
        page,
        set_lang,
        super::ceremony::CEREMONY_CSP,
    ))
}

/// Signed in: the cookie, and on to the balance.
fn signed_in(state: &AppState, token: &str) -> Response {
    let mut r = Redirect::to("/wallet/").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(state, Some(token))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    shopper_id: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    credential: String,
}

/// `POST /wallet/sign-in` with the login password (never the payment password, and never
/// counted towards the payment lock), slowed down per account and per address.
pub async fn with_password(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SignInForm>,
) -> Result<Response, ServerError> {
    let account = form.shopper_id.trim();
    let checked = crate::security::login::sign_in(
        (&state.db, &state.passwords, &state.sign_ins),
        account,
        &form.password,
        address,
        now(),
    )
    .await;
    match checked {
        Ok((id, _)) => {
            let token = sessions::start(&state.db, &id, now()).await?;
            Ok(signed_in(&state, &token))
        }
        Err(ServerError::Api(e)) => page(&state, lang, (Some(&e), account), None).await,
        Err(other) => Err(other),
    }
}

/// `POST /wallet/sign-in/passkey`: the device's answer to the sign-in page's challenge.
pub async fn with_passkey(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    Form(form): Form<SignInForm>,
) -> Result<Response, ServerError> {
    let verified = match state.relying_party.as_ref() {
        Some(rp) => {
            crate::security::passkeys::sign_in::verify(&state.db, rp, &form.credential, now()).await
        }
        None => Err(crate::security::passkeys::unavailable().into()),
    };
    match verified {
        Ok((id, _)) => {
            let token = sessions::start(&state.db, &id, now()).await?;
            Ok(signed_in(&state, &token))
        }
        Err(ServerError::Api(e)) => page(&state, lang, (Some(&e), ""), None).await,
        Err(other) => Err(other),
    }
}

/// `POST /wallet/sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    if let Some(token) = token(&headers) {
        sessions::end(&state.db, &token).await?;
    }
    let mut r = Redirect::to("/wallet/").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, None)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
