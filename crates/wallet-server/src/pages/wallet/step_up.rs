//! `/wallet/step-up`: the shopper confirms it is them (`crate::security::step_up`) with a
//! passkey, a one-time code to the verified contact, or, for a wallet with neither, the
//! login password again; then goes back to the page that asked (`next`, a wallet page).
//! [`guard`] refuses a sensitive change without a fresh step-up; [`card`] says on a page
//! which state the sign-in is in.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::account_text::{account_text, AccountText};
use super::text::{text, Text};
use super::{alert, html, layout};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::extract::ClientAddress;
use crate::http::state::AppState;
use crate::security::step_up;
use crate::util::{html_escape, now};

/// Where a step-up returns: a wallet page's path (and query), else the security page.
fn next_path(next: Option<&str>) -> String {
    next.filter(|n| {
        n.starts_with("/wallet/")
            && !n.contains("//")
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-.?=&%+".contains(c))
            && n.len() <= 300
    })
    .unwrap_or("/wallet/security")
    .to_owned()
}

/// 403 `step_up_required` unless the sign-in stepped up less than 10 minutes ago.
///
/// # Errors
/// That one.
pub fn guard(me: &SignedIn) -> Result<(), ServerError> {
    if me.stepped_up(now()) {
        Ok(())
    } else {
        Err(step_up::required().into())
    }
}

/// A card saying the sign-in is confirmed, or saying `why` (the security page's reason
/// when `None`) and offering to confirm it and come back to `next`.
#[must_use]
pub fn card(me: &SignedIn, next: &str, why: Option<&str>) -> String {
    let a = account_text(me.page.lang);
    if me.stepped_up(now()) {
        return format!(r#"<p class="note" data-stepped-up>{}</p>"#, a.step_up_held);
    }
    format!(
        r#"<section class="card" aria-labelledby="step-up" data-step-up-required><h2 id="step-up">{title}</h2><p class="note">{needed}</p>
<p><a class="button primary" href="/wallet/step-up?next={next}">{title}</a></p></section>"#,
        title = a.step_up,
        needed = why.unwrap_or(a.step_up_needed),
        next = html_escape(&url_encode(next)),
    )
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One form per way this wallet can step up, each carrying `next_field`.
fn ways_forms(a: &AccountText, ways: &step_up::Ways, next_field: &str) -> String {
    let mut forms = String::new();
    if ways.passkey {
        forms.push_str(&format!(
            r#"<form method="post" action="/wallet/step-up/passkey/new" class="card">{next_field}<button class="primary" type="submit">{}</button></form>"#,
            a.step_up_passkey
        ));
    }
    if let Some(contact) = &ways.contact {
        forms.push_str(&format!(
            r#"<form method="post" action="/wallet/step-up/code/send" class="card">{next_field}<button type="submit">{} {}</button></form>"#,
            a.step_up_code,
            html_escape(contact)
        ));
    }
    if ways.login_password {
        forms.push_str(&format!(
            r#"<form method="post" action="/wallet/step-up/login" class="card">{next_field}
  <label for="login_password">{label}</label>
  <input id="login_password" name="login_password" type="password" autocomplete="current-password" maxlength="128" required>
  <button class="primary" type="submit">{confirm}</button></form>"#,
            label = a.step_up_login,
            confirm = a.step_up_confirm,
        ));
    }
    forms
}

/// The field for a code just sent.
fn code_form(t: &Text, a: &AccountText, next_field: &str) -> String {
    format!(
        r#"<form method="post" action="/wallet/step-up/code" class="card">{next_field}
  <label for="code">{code}</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{6}}" maxlength="6" required>
  <button class="primary" type="submit">{confirm}</button></form>"#,
        code = t.code,
        confirm = a.step_up_confirm,
    )
}

/// The step-up page: the ways this wallet has, after the code's field when one was just
/// sent (`sent_to`, masked) or a wrong code was typed.
async fn ways_page(
    state: &AppState,
    me: &SignedIn,
    next: &str,
    (sent_to, error): (Option<&str>, Option<&ApiError>),
) -> Result<Response, ServerError> {
    let (t, a) = (text(me.page.lang), account_text(me.page.lang));
    let ways = step_up::ways(&state.db, state.relying_party.as_ref(), me.wallet()).await?;
    let next_field = format!(
        r#"<input type="hidden" name="next" value="{}">"#,
        html_escape(next)
    );
    let notice = sent_to
        .map(|to| {
            let to = html_escape(to);
            format!(
                r#"<p class="notice" role="status">{} {to}</p>"#,
                t.code_sent
            )
        })
        .unwrap_or_default();
    let retry = error.is_some_and(|e| e.extra.contains_key("tries_left"));
    let code = if sent_to.is_some() || retry {
        code_form(t, a, &next_field)
    } else {
        String::new()
    };
    let body = format!(
        r#"{notice}{alert}{code}<p class="note">{intro}</p>{forms}<p><a href="{back}">{cancel}</a></p>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        intro = a.step_up_intro,
        forms = ways_forms(a, &ways, &next_field),
        back = html_escape(next),
        cancel = t.cancel,
    );
    let path = format!("/wallet/step-up?next={}", url_encode(next));
    let page = layout(t, me.page.lang, a.step_up, &body, true, &path);
    Ok(html(StatusCode::OK, page, me.page.set_lang.clone()))
}

/// Back to `next` once stepped up, or the step-up page with what went wrong.
async fn done(
    state: &AppState,
    me: &SignedIn,
    next: &str,
    stepped: Result<(), ServerError>,
) -> Result<Response, ServerError> {
    match stepped {
        Ok(()) => Ok(Redirect::to(next).into_response()),
        Err(ServerError::Api(e)) => ways_page(state, me, next, (None, Some(&e))).await,
        Err(other) => Err(other),
    }
}

/// `GET /wallet/step-up?next=…`.
pub async fn page(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let next = next_path(query.get("next").map(String::as_str));
    ways_page(&state, &me, &next, (None, None)).await
}

#[derive(Deserialize)]
pub struct StepUpForm {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    code: String,
    #[serde(default)]
    login_password: String,
    #[serde(default)]
    credential: String,
}

/// `POST /wallet/step-up/code/send`: a code to the verified contact, then its field.
pub async fn send_code(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<StepUpForm>,
) -> Result<Response, ServerError> {
    let next = next_path(form.next.as_deref());
    let deps = (&state.passwords, &state.config.message_gateway);
    match step_up::send_code(&state.db, deps, me.wallet(), now()).await {
        Ok(to) => ways_page(&state, &me, &next, (Some(&to), None)).await,
        Err(ServerError::Api(e)) => ways_page(&state, &me, &next, (None, Some(&e))).await,
        Err(other) => Err(other),
    }
}

/// `POST /wallet/step-up/code`.
pub async fn with_code(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<StepUpForm>,
) -> Result<Response, ServerError> {
    let next = next_path(form.next.as_deref());
    let stepped = step_up::with_code(
        &state.db,
        &state.passwords,
        (me.wallet(), &me.token),
        &form.code,
        now(),
    )
    .await;
    done(&state, &me, &next, stepped).await
}

/// `POST /wallet/step-up/login`: for a wallet with neither a passkey nor a contact.
pub async fn with_login(
    State(state): State<AppState>,
    me: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<StepUpForm>,
) -> Result<Response, ServerError> {
    let next = next_path(form.next.as_deref());
    let stepped = step_up::with_login(
        (&state.db, &state.passwords, &state.sign_ins),
        state.relying_party.as_ref(),
        (me.wallet(), &me.token),
        (&form.login_password, address),
        now(),
    )
    .await;
    done(&state, &me, &next, stepped).await
}

/// `POST /wallet/step-up/passkey/new`: the page that asks the device for one of the
/// wallet's passkeys.
pub async fn passkey_start(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<StepUpForm>,
) -> Result<Response, ServerError> {
    let next = next_path(form.next.as_deref());
    let Some(rp) = state.relying_party.as_ref() else {
        let off = crate::security::passkeys::unavailable();
        return ways_page(&state, &me, &next, (None, Some(&off))).await;
    };
    let challenge = crate::security::passkeys::step_up::challenge(
        &state.db,
        rp,
        (me.wallet(), &me.token),
        now(),
    )
    .await;
    match challenge {
        Ok(options) => Ok(super::ceremony::ceremony(
            me.page.lang,
            account_text(me.page.lang).step_up,
            &options,
            (
                super::ceremony::Ceremony::Get { conditional: false },
                "/wallet/step-up/passkey",
                &[("next", &next)],
            ),
            &next,
        )),
        Err(e) => done(&state, &me, &next, Err(e)).await,
    }
}

/// `POST /wallet/step-up/passkey`: the device's answer.
pub async fn with_passkey(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<StepUpForm>,
) -> Result<Response, ServerError> {
    let next = next_path(form.next.as_deref());
    let stepped = match state.relying_party.as_ref() {
        Some(rp) => {
            step_up::with_passkey(
                &state.db,
                rp,
                (me.wallet(), &me.token),
                &form.credential,
                now(),
            )
            .await
        }
        None => Err(crate::security::passkeys::unavailable().into()),
    };
    done(&state, &me, &next, stepped).await
}

#[cfg(test)]
mod tests {
    use super::next_path;

    #[test]
    fn a_step_up_returns_only_to_a_wallet_page() {
        assert_eq!(
            next_path(Some("/wallet/transfer?to=dave&amount=20.00")),
            "/wallet/transfer?to=dave&amount=20.00"
        );
        for away in [
            "https://evil.example/",
            "//evil.example/wallet/",
            "/wallet//evil.example",
            "/v1/wallets",
            "/wallet/\"><script>",
            "javascript:alert(1)",
        ] {
            assert_eq!(next_path(Some(away)), "/wallet/security", "{away}");
        }
        assert_eq!(next_path(None), "/wallet/security");
    }
}
