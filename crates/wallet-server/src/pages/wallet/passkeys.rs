//! Passkeys on the security page (DESIGN.md *Passkeys*, "Enrolment"): the list with
//! remove, and adding one. Adding is the one ceremony that needs a script: the shopper
//! confirms with the payment password on the script-free security page, then a page that
//! has no password field runs `/wallet/passkeys.js` (its own origin only) to call
//! `navigator.credentials.create()` and posts the answer back as a form.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::security::answer_with;
use super::text::text;
use super::{html_with, layout};
use crate::error::ServerError;
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::security::passkeys::{registration, store};
use crate::util::now;

const SCRIPT: &str = include_str!("../../assets/passkeys.js");

/// The ceremony page runs only the wallet's own script, and posts only to itself.
const CEREMONY_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The wallet's relying party, or why passkeys are off.
fn relying_party(
    state: &AppState,
) -> Result<&crate::security::passkeys::RelyingParty, ServerError> {
    state
        .relying_party
        .as_ref()
        .ok_or_else(|| crate::security::passkeys::unavailable().into())
}

/// `GET /wallet/passkeys.js`.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

/// `POST /wallet/security/passkeys/new`: the payment password (counted), then the page
/// that asks the device for a passkey.
pub async fn start(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<AddForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let started = async {
        let rp = relying_party(&state)?;
        store::check_name(&form.name)?;
        state.check_password(me.wallet(), &form.password).await?;
        registration::start(&state.db, rp, me.wallet(), &form.name, now()).await
    }
    .await;
    let options = match started {
        Ok(options) => options,
        Err(e) => return answer_with(&state, &me, lang, Err(e)).await,
    };
    let json = serde_json::to_string(&options)
        .map_err(|e| ServerError::internal("passkey options", e))?
        .replace('<', "\\u003c");
    let body = format!(
        r#"<section class="card"><p>{lead}</p>
<script type="application/json" id="bc-passkey-options">{json}</script>
<p class="error" role="alert" id="bc-passkey-status" hidden></p>
<button class="primary" type="button" id="bc-passkey-continue" data-failed="{failed}" data-unsupported="{unsupported}">{go}</button>
<form method="post" action="/wallet/security/passkeys" id="bc-passkey-finish"><input type="hidden" name="credential"></form>
<p><a href="/wallet/security">{cancel}</a></p></section>
<script src="/wallet/passkeys.js"></script>"#,
        lead = t.passkey_confirm_lead,
        failed = t.passkey_failed,
        unsupported = t.passkey_unsupported,
        go = t.continue_,
        cancel = t.cancel,
    );
    Ok(html_with(
        StatusCode::OK,
        layout(t, lang, t.passkey_confirm, &body, true, "/wallet/security"),
        None,
        CEREMONY_CSP,
    ))
}

#[derive(Deserialize)]
pub struct FinishForm {
    #[serde(default)]
    credential: String,
}

/// `POST /wallet/security/passkeys`: the device's answer; the passkey is stored.
pub async fn finish(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<FinishForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let done = match relying_party(&state) {
        Ok(rp) => registration::finish(&state.db, rp, me.wallet(), &form.credential, now())
            .await
            .map(|_| text(lang).passkey_added),
        Err(e) => Err(e),
    };
    answer_with(&state, &me, lang, done).await
}

#[derive(Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    id: String,
}

/// `POST /wallet/security/passkeys/remove`: another wallet's passkey id changes nothing.
pub async fn remove(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<RemoveForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    store::remove(&state.db, &me.shopper, &form.id).await?;
    answer_with(&state, &me, lang, Ok(text(lang).passkey_removed)).await
}
