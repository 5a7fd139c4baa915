//! Passkeys on the security page (DESIGN.md *Passkeys*, "Enrolment"): the list with
//! remove, and adding one, both after a step-up (`super::step_up`). Adding is a ceremony
//! that needs a script: a page that has no password field runs `/wallet/passkeys.js` (its
//! own origin only) to call `navigator.credentials.create()` and posts the answer back as
//! a form (the page: `super::ceremony`).

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::Deserialize;

use super::ceremony::{ceremony, Ceremony};
use super::security::answer_with;
use super::text::text;
use crate::error::ServerError;
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::security::passkeys::{registration, store};
use crate::util::now;

const SCRIPT: &str = include_str!("../../assets/passkeys.js");

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
}

/// `POST /wallet/security/passkeys/new`: after a step-up, the page that asks the device
/// for a passkey.
pub async fn start(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<AddForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let started = async {
        let rp = relying_party(&state)?;
        super::step_up::guard(&me)?;
        store::check_name(&form.name)?;
        registration::start(&state.db, rp, me.wallet(), &form.name, now()).await
    }
    .await;
    let options = match started {
        Ok(options) => options,
        Err(e) => return answer_with(&state, &me, lang, Err(e)).await,
    };
    Ok(ceremony(
        lang,
        t.passkey_confirm,
        &options,
        (Ceremony::Create, "/wallet/security/passkeys", &[]),
        "/wallet/security",
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
    if done.is_ok() {
        crate::security::sessions::end_others(&state.db, &me.shopper, &me.token).await?;
    }
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
    if let Err(e) = super::step_up::guard(&me) {
        return answer_with(&state, &me, lang, Err(e)).await;
    }
    store::remove(&state.db, &me.shopper, &form.id).await?;
    crate::security::sessions::end_others(&state.db, &me.shopper, &me.token).await?;
    answer_with(&state, &me, lang, Ok(text(lang).passkey_removed)).await
}
