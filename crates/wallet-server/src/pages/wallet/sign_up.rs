//! `/wallet/sign-up` (DESIGN.md *The shopper's account*, "Getting an account"): a contact,
//! a code sent to it, then the login password and the payment password, each typed twice
//! (`crate::wallet::signup`). The new wallet is signed in at once. Open when the server's
//! `signup` setting is `test` or `live`; the demo opens test wallets.

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::account_text::{account_text, AccountText};
use super::text::{text, Text};
use super::{alert, html, layout, new_login_fields, new_pin_fields, session_cookie};
use crate::error::{ApiError, ServerError};
use crate::http::lang::{Lang, PageLanguage};
use crate::http::state::AppState;
use crate::security::sessions;
use crate::util::{html_escape, now};
use crate::wallet::activation::Credentials;
use crate::wallet::signup;

fn contact_form(t: &Text, a: &AccountText, contact: &str, error: Option<&ApiError>) -> String {
    format!(
        r#"{alert}<form method="post" action="/wallet/sign-up" class="card">
  <p class="note">{intro}</p>
  <label for="contact">{label}</label>
  <input id="contact" name="contact" type="text" inputmode="email" autocomplete="username" required maxlength="254" value="{contact}">
  <p class="note">{hint}</p>
  <button class="primary" type="submit">{send}</button>
</form>
<p><a href="/wallet/">{have}</a></p>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        intro = a.sign_up_intro,
        label = a.contact,
        contact = html_escape(contact),
        hint = a.contact_hint,
        send = t.send_code,
        have = a.have_wallet,
    )
}

fn completion_form(t: &Text, a: &AccountText, contact: &str, error: Option<&ApiError>) -> String {
    let notice = match error {
        Some(e) => alert(t, e),
        None => format!(
            r#"<p class="notice" role="status">{} {}</p>"#,
            t.code_sent,
            html_escape(contact)
        ),
    };
    format!(
        r#"{notice}<form method="post" action="/wallet/sign-up/complete" class="card">
  <p class="note">{intro}</p>
  <input type="hidden" name="contact" value="{contact}">
  <label for="code">{code}</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{6}}" maxlength="6" required>
  {login}
  {pin}
  <button class="primary" type="submit">{create}</button>
</form>"#,
        intro = a.sign_up_code_intro,
        contact = html_escape(contact),
        code = t.code,
        login = new_login_fields(t),
        pin = new_pin_fields(t, "password"),
        create = a.create_wallet,
    )
}

fn page(lang: Lang, body: &str, set_lang: Option<String>) -> Response {
    let (t, a) = (text(lang), account_text(lang));
    html(
        StatusCode::OK,
        layout(t, lang, a.sign_up, body, false, "/wallet/sign-up"),
        set_lang,
    )
}

/// The page (404) that says sign-up is closed here (`signup = "off"`).
fn closed(lang: Lang) -> Response {
    let (t, a) = (text(lang), account_text(lang));
    let body = format!(
        r#"<p class="notice" role="status">{}</p><p><a href="/wallet/">{}</a></p>"#,
        a.sign_up_closed, a.have_wallet
    );
    html(
        StatusCode::NOT_FOUND,
        layout(t, lang, a.sign_up, &body, false, "/wallet/sign-up"),
        None,
    )
}

/// `GET /wallet/sign-up`.
pub async fn form(
    State(state): State<AppState>,
    PageLanguage { lang, set_lang }: PageLanguage,
) -> Result<Response, ServerError> {
    if state.config.accounts.signup.is_none() {
        return Ok(closed(lang));
    }
    let body = contact_form(text(lang), account_text(lang), "", None);
    Ok(page(lang, &body, set_lang))
}

#[derive(Deserialize)]
pub struct SignUpForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    login_password: String,
    #[serde(default)]
    login_confirm: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /wallet/sign-up`: a code to the contact, then the form that finishes.
pub async fn send(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    Form(f): Form<SignUpForm>,
) -> Result<Response, ServerError> {
    let Some(livemode) = state.config.accounts.signup else {
        return Ok(closed(lang));
    };
    let (t, a) = (text(lang), account_text(lang));
    let contact = f.contact.trim();
    let deps = (&state.passwords, &state.config.message_gateway);
    let body = match signup::start(&state.db, deps, livemode, contact, now()).await {
        Ok(()) => completion_form(t, a, contact, None),
        Err(ServerError::Api(e)) => contact_form(t, a, contact, Some(&e)),
        Err(other) => return Err(other),
    };
    Ok(page(lang, &body, None))
}

/// `POST /wallet/sign-up/complete`: the wallet is opened and signed in.
pub async fn complete(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    Form(f): Form<SignUpForm>,
) -> Result<Response, ServerError> {
    let Some(livemode) = state.config.accounts.signup else {
        return Ok(closed(lang));
    };
    let (t, a) = (text(lang), account_text(lang));
    let contact = f.contact.trim();
    let typed = Credentials {
        login: &f.login_password,
        login_confirm: &f.login_confirm,
        pin: &f.password,
        pin_confirm: &f.confirm,
    };
    let settings = (livemode, state.config.accounts.signup_currency);
    let opened = signup::complete(
        &state.db,
        &state.passwords,
        settings,
        (contact, &f.code),
        typed,
        now(),
    )
    .await;
    let id = match opened {
        Ok(id) => id,
        Err(ServerError::Api(e)) => {
            let body = completion_form(t, a, contact, Some(&e));
            return Ok(page(lang, &body, None));
        }
        Err(other) => return Err(other),
    };
    let token = sessions::start(&state.db, &id, now()).await?;
    let body = format!(
        r#"<section class="card"><p class="notice" role="status">{done}</p><p class="big" data-wallet-id>{id}</p>
<p><a class="button primary" href="/wallet/">{go}</a></p></section>"#,
        done = a.signed_up,
        id = html_escape(&id),
        go = t.back_to_wallet,
    );
    let mut r = page(lang, &body, None).into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, Some(&token))) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
