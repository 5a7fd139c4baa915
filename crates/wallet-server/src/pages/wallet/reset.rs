//! A forgotten payment password (DESIGN.md *The shopper's account*): from a signed-in
//! session, a one-time code to the wallet's verified contact is the step-up; with it the
//! shopper sets a new payment password (typed twice), which lifts the lock and ends the
//! other sign-ins. The old password is not asked for: that is what was forgotten.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::security::answer_with;
use super::text::{text, Text};
use super::{alert, html, layout, new_pin_fields};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::security::codes::{self, Purpose};
use crate::util::now;

fn form(t: &Text, sent_to: Option<&str>, error: Option<&ApiError>) -> String {
    let notice = sent_to
        .map(|to| {
            format!(
                r#"<p class="notice" role="status">{} {to}</p>"#,
                t.code_sent
            )
        })
        .unwrap_or_default();
    format!(
        r#"{notice}{alert}<form method="post" action="/wallet/security/reset" class="card">
  <label for="code">{code}</label>
  <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{{6}}" maxlength="6" required>
  {pin}
  <button class="primary" type="submit">{reset}</button>
</form>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        code = t.code,
        pin = new_pin_fields(t, "new"),
        reset = t.reset_pin,
    )
}

fn page(t: &Text, me: &SignedIn, body: &str) -> Response {
    html(
        StatusCode::OK,
        layout(
            t,
            me.page.lang,
            t.forgot_pin,
            body,
            true,
            "/wallet/security",
        ),
        None,
    )
}

/// `POST /wallet/security/reset/send`: a code to the wallet's contact, then its form.
pub async fn send(State(state): State<AppState>, me: SignedIn) -> Result<Response, ServerError> {
    let t = text(me.page.lang);
    let deps = (&state.passwords, &state.config.message_gateway);
    match codes::send(&state.db, deps, me.wallet(), Purpose::PinReset, now()).await {
        Ok(to) => Ok(page(t, &me, &form(t, Some(&to), None))),
        Err(e) => answer_with(&state, &me, me.page.lang, Err(e)).await,
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /wallet/security/reset`: the code, then the new payment password.
pub async fn reset(
    State(state): State<AppState>,
    me: SignedIn,
    Form(f): Form<ResetForm>,
) -> Result<Response, ServerError> {
    let t = text(me.page.lang);
    let wallet = me.wallet();
    let done = async {
        crate::security::pin::check_new(&f.new, &f.confirm, None, wallet.livemode, "new_password")?;
        codes::redeem(
            &state.db,
            &state.passwords,
            wallet,
            (Purpose::PinReset, &f.code),
            now(),
        )
        .await?;
        crate::security::pin::reset(&state.db, &state.passwords, wallet, &f.new).await?;
        crate::security::sessions::end_others(&state.db, &me.shopper, &me.token).await
    };
    match done.await {
        Ok(()) => answer_with(&state, &me, me.page.lang, Ok(t.pin_reset_done)).await,
        Err(ServerError::Api(e)) => Ok(page(t, &me, &form(t, None, Some(&e)))),
        Err(other) => Err(other),
    }
}
