//! `/wallet/activate?token=wa_…`: the shopper sets the login password and the payment
//! password of a wallet made without them, through its single-use activation link
//! (`crate::wallet::activation`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::text::{text, Text};
use super::{alert, html, layout, new_login_fields, new_pin_fields};
use crate::error::{ApiError, ServerError};
use crate::http::lang::{Lang, PageLanguage};
use crate::http::state::AppState;
use crate::util::{html_escape, now};
use crate::wallet::activation;

/// A token as links spell it (`wa_` and letters or digits), else nothing: it goes back
/// into the page.
fn well_formed(token: Option<&String>) -> Option<&str> {
    token.map(String::as_str).filter(|t| {
        t.strip_prefix("wa_")
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric()))
    })
}

fn form(t: &Text, token: &str, error: Option<&ApiError>) -> String {
    format!(
        r#"{alert}<form method="post" action="/wallet/activate" class="card">
  <p class="note">{intro}</p>
  <input type="hidden" name="token" value="{token}">
  {login}
  {pin}
  <button class="primary" type="submit">{activate}</button>
</form>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        intro = t.activate_intro,
        token = html_escape(token),
        login = new_login_fields(t),
        pin = new_pin_fields(t, "password"),
        activate = t.activate,
    )
}

fn page(t: &Text, lang: Lang, token: &str, body: &str, set_lang: Option<String>) -> Response {
    let path = format!("/wallet/activate?token={token}");
    html(
        StatusCode::OK,
        layout(t, lang, t.activate, body, false, &path),
        set_lang,
    )
}

fn ended(t: &Text) -> String {
    format!(
        r#"<p class="error" role="alert">{}</p><p><a href="/wallet/">{}</a></p>"#,
        t.activation_invalid, t.back_to_wallet
    )
}

/// `GET /wallet/activate?token=…`: the form, or why the link no longer works.
pub async fn form_page(
    State(state): State<AppState>,
    PageLanguage { lang, set_lang }: PageLanguage,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let token = well_formed(query.get("token")).unwrap_or("");
    let open = !token.is_empty()
        && activation::pending(&state.db, token, now())
            .await?
            .is_some();
    let body = if open { form(t, token, None) } else { ended(t) };
    Ok(page(t, lang, token, &body, set_lang))
}

#[derive(Deserialize)]
pub struct ActivateForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    login_password: String,
    #[serde(default)]
    login_confirm: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /wallet/activate`: sets the password and spends the link.
pub async fn complete(
    State(state): State<AppState>,
    PageLanguage { lang, set_lang }: PageLanguage,
    Form(f): Form<ActivateForm>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let token = well_formed(Some(&f.token)).unwrap_or("");
    let done = activation::complete(
        &state.db,
        &state.passwords,
        token,
        activation::Credentials {
            login: &f.login_password,
            login_confirm: &f.login_confirm,
            pin: &f.password,
            pin_confirm: &f.confirm,
        },
        now(),
    )
    .await;
    let body = match done {
        Ok(_) => format!(
            r#"<p class="notice" role="status">{}</p><p><a class="button" href="/wallet/">{}</a></p>"#,
            t.activated, t.sign_in
        ),
        Err(ServerError::Api(e)) if e.code == checkout_core::ErrorCode::InvalidRequest => {
            form(t, token, Some(&e))
        }
        Err(ServerError::Api(_)) => ended(t),
        Err(other) => return Err(other),
    };
    Ok(page(t, lang, token, &body, set_lang))
}
