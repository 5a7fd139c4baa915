//! Passkeys on the security page (DESIGN.md *Passkeys*, "Enrolment"): the list with
//! remove, and adding one, both after a step-up (`super::step_up`). Adding is a ceremony
//! that needs a script: a page that has no password field runs `/wallet/passkeys.js` (its
//! own origin only) to call `navigator.credentials.create()` and posts the answer back as
//! a form; [`ceremony`] makes that page, for the step-up's `get()` too.

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
pub(super) use crate::pages::passkey_button::Ceremony;
use crate::pages::passkey_button::{self, Words};
use crate::security::passkeys::{registration, store};
use crate::util::now;

const SCRIPT: &str = include_str!("../../assets/passkeys.js");

/// The ceremony page runs only the wallet's own script, and posts only to itself.
pub(super) const CEREMONY_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
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

/// The page that runs one passkey ceremony with the server's `options`, then posts the
/// device's answer as `credential`, with `hidden` fields, to `action`.
pub(super) fn ceremony(
    lang: crate::http::lang::Lang,
    title: &str,
    options: &impl serde::Serialize,
    (ceremony, action, hidden): (Ceremony, &str, &[(&str, &str)]),
    cancel_href: &str,
) -> Response {
    let t = text(lang);
    let a = super::account_text::account_text(lang);
    let (failed, unsupported) = match ceremony {
        Ceremony::Get { .. } => (a.passkey_get_failed, a.passkey_get_unsupported),
        Ceremony::Create => (t.passkey_failed, t.passkey_unsupported),
    };
    let words = Words {
        label: t.continue_,
        failed,
        unsupported,
    };
    let body = format!(
        r#"<section class="card"><p>{lead}</p>
{section}
<p><a href="{cancel_href}">{cancel}</a></p></section>"#,
        lead = t.passkey_confirm_lead,
        section = passkey_button::section(options, ceremony, &words, (action, hidden)),
        cancel = t.cancel,
    );
    html_with(
        StatusCode::OK,
        layout(t, lang, title, &body, true, cancel_href),
        None,
        CEREMONY_CSP,
    )
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
