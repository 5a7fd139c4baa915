//! `/wallet/security`: change the payment password (the current one required, the lock
//! rules apply) and the login password, after a step-up (`super::step_up`), which ends the
//! other sign-ins; the passkeys (listed here; added and removed by `super::passkeys`); the
//! name payers see; and the linked shops, each with unlink.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use super::text::{text, Text};
use super::{alert, html, layout, new_pin_fields};
use crate::checkout::second_leg::Outcome;
use crate::consent::shopper;
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::extract::ClientAddress;
use crate::http::lang::Lang;
use crate::http::state::AppState;
use crate::security::passkeys::store;
use crate::util::{html_escape, now, rfc3339};

async fn render(
    state: &AppState,
    me: &SignedIn,
    t: &Text,
    notice: Option<&str>,
    error: Option<&ApiError>,
) -> Result<String, ServerError> {
    let shops = shopper::linked_shops(&state.db, me.wallet()).await?;
    let links = if shops.is_empty() {
        format!(r#"<p class="note">{}</p>"#, t.no_links)
    } else {
        let items: String = shops
            .iter()
            .map(|s| {
                let m = html_escape(&s.merchant_id);
                let name = html_escape(state.config.merchant_name(&s.merchant_id));
                format!(
                    r#"<li class="row"><span><strong>{name}</strong> <small>{since} {day}</small></span>
<details class="confirm"><summary aria-label="{unlink} {name}">{unlink}</summary><p>{ask}</p>
<form method="post" action="/wallet/security/links/revoke"><input type="hidden" name="merchant_id" value="{m}"><input type="hidden" name="confirm" value="yes"><button type="submit" class="danger">{yes}</button></form></details></li>"#,
                    since = t.linked_since,
                    day = &rfc3339(s.since)[..10],
                    unlink = t.unlink,
                    ask = t.unlink_confirm.replace("{shop}", &name),
                    yes = t.unlink_yes,
                )
            })
            .collect();
        format!(r#"<ul class="links">{items}</ul>"#)
    };
    let body = format!(
        r#"{notice}{alert}{step_up}<section class="card" aria-labelledby="pw"><h2 id="pw">{change}</h2>
<form method="post" action="/wallet/security/password">
  <label for="current">{current}</label>
  <input id="current" name="current" type="password" inputmode="numeric" autocomplete="current-password" pattern="[0-9]{{6}}" maxlength="6" required>
  {pin}
  <button class="primary" type="submit">{change}</button>
</form></section>
{login}
{name}
{reset}
{passkeys}
<section class="card" aria-labelledby="shops"><h2 id="shops">{linked}</h2>{links}</section>"#,
        notice = notice
            .map(|n| format!(r#"<p class="notice" role="status">{n}</p>"#))
            .unwrap_or_default(),
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        step_up = super::step_up::card(me, "/wallet/security", None),
        change = t.change_password,
        current = t.current_password,
        pin = new_pin_fields(t, "new"),
        linked = t.linked_shops,
        login = login_section(t),
        reset = reset_section(t),
        name = name_section(t),
        passkeys = passkeys_section(state, me, t).await?,
    );
    Ok(body)
}

/// The part that starts a forgotten payment password's reset (`super::reset`).
fn reset_section(t: &Text) -> String {
    format!(
        r#"<section class="card" aria-labelledby="forgot"><h2 id="forgot">{title}</h2>
<p class="note">{intro}</p>
<form method="post" action="/wallet/security/reset/send"><button type="submit">{send}</button></form></section>"#,
        title = t.forgot_pin,
        intro = t.forgot_pin_intro,
        send = t.send_code,
    )
}

/// The form that sets the name payers see (`crate::wallet::transfers::masked_name`).
fn name_section(t: &Text) -> String {
    format!(
        r#"<section class="card" aria-labelledby="name"><h2 id="name">{title}</h2>
<form method="post" action="/wallet/security/name">
  <label for="display_name">{title}</label>
  <input id="display_name" name="display_name" maxlength="20" required>
  <p class="note">{hint}</p>
  <button type="submit">{save}</button>
</form></section>"#,
        title = t.display_name,
        hint = t.display_name_hint,
        save = t.save,
    )
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(default)]
    display_name: String,
}

/// `POST /wallet/security/name`.
pub async fn set_name(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<NameForm>,
) -> Result<Response, ServerError> {
    let t = text(me.page.lang);
    let saved =
        crate::wallet::transfers::set_display_name(&state.db, me.wallet(), &form.display_name)
            .await;
    answer_with(
        &state,
        &me,
        me.page.lang,
        saved.map(|()| t.display_name_saved),
    )
    .await
}

/// The form that changes the login password.
fn login_section(t: &Text) -> String {
    format!(
        r#"<section class="card" aria-labelledby="login"><h2 id="login">{change}</h2>
<form method="post" action="/wallet/security/login">
  <label for="current_login">{current}</label>
  <input id="current_login" name="current" type="password" autocomplete="current-password" maxlength="128" required>
  <label for="new_login">{new}</label>
  <input id="new_login" name="new" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
  <label for="new_login_confirm">{again}</label>
  <input id="new_login_confirm" name="confirm" type="password" autocomplete="new-password" minlength="8" maxlength="128" required>
  <button class="primary" type="submit">{change}</button>
</form></section>"#,
        change = t.change_login,
        current = t.current_login,
        new = t.new_login,
        again = t.login_password_again,
    )
}

/// `POST /wallet/security/login`: a new login password; the other sign-ins end.
pub async fn change_login(
    State(state): State<AppState>,
    me: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let changed = match super::step_up::guard(&me) {
        Ok(()) => {
            crate::security::login::change(
                (&state.db, &state.passwords, &state.sign_ins),
                me.wallet(),
                (&form.current, &form.new, &form.confirm),
                address,
                now(),
            )
            .await
        }
        Err(e) => Err(e),
    };
    if changed.is_ok() {
        crate::security::sessions::end_others(&state.db, &me.shopper, &me.token).await?;
    }
    answer_with(&state, &me, lang, changed.map(|()| t.login_changed)).await
}

/// The security page after an action: its `notice`, or the `error` it ended with.
///
/// # Errors
/// The database's.
pub async fn answer(
    state: &AppState,
    me: &SignedIn,
    lang: Lang,
    notice: Option<&str>,
    error: Option<&ApiError>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let body = render(state, me, t, notice, error).await?;
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.security, &body, true, "/wallet/security"),
        None,
    ))
}

/// The security page after an action that answers its notice or failed: an API error is
/// shown on the page, anything else is the server's.
///
/// # Errors
/// `done`'s when it is not an API error; the database's.
pub async fn answer_with(
    state: &AppState,
    me: &SignedIn,
    lang: Lang,
    done: Result<&str, ServerError>,
) -> Result<Response, ServerError> {
    match done {
        Ok(notice) => answer(state, me, lang, Some(notice), None).await,
        Err(ServerError::Api(e)) => answer(state, me, lang, None, Some(&e)).await,
        Err(other) => Err(other),
    }
}

/// The security page's passkey card: the wallet's passkeys, each with remove, and the
/// form that adds one (name and payment password).
async fn passkeys_section(
    state: &AppState,
    me: &SignedIn,
    t: &Text,
) -> Result<String, ServerError> {
    if state.relying_party.is_none() {
        return Ok(format!(
            r#"<section class="card" aria-labelledby="pk"><h2 id="pk">{}</h2><p class="note">{}</p></section>"#,
            t.passkeys, t.passkeys_off
        ));
    }
    let keys = store::list(&state.db, me.wallet()).await?;
    let list = if keys.is_empty() {
        format!(r#"<p class="note">{}</p>"#, t.no_passkeys)
    } else {
        let items: String = keys
            .iter()
            .map(|k| {
                let used = k
                    .last_used_at
                    .map(|u| format!(" · {} {}", t.last_used, &rfc3339(u)[..10]))
                    .unwrap_or_default();
                format!(
                    r#"<li class="row"><span><strong>{name}</strong> <small>{added} {day}{used}</small></span>
<form method="post" action="/wallet/security/passkeys/remove"><input type="hidden" name="id" value="{id}"><button type="submit" aria-label="{remove} {name}">{remove}</button></form></li>"#,
                    name = html_escape(&k.name),
                    added = t.added_on,
                    day = &rfc3339(k.created_at)[..10],
                    id = html_escape(&k.id),
                    remove = t.remove,
                )
            })
            .collect();
        format!(r#"<ul class="links passkeys">{items}</ul>"#)
    };
    Ok(format!(
        r#"<section class="card" aria-labelledby="pk"><h2 id="pk">{title}</h2><p class="note">{intro}</p>{list}
<form method="post" action="/wallet/security/passkeys/new">
  <label for="pk-name">{name}</label>
  <input id="pk-name" name="name" type="text" maxlength="{max}" value="{default}" required>
  <button class="primary" type="submit">{add}</button>
</form></section>"#,
        title = t.passkeys,
        intro = t.passkeys_intro,
        name = t.passkey_name,
        max = store::MAX_NAME_CHARS,
        default = t.passkey_default_name,
        add = t.add_passkey,
    ))
}

/// `GET /wallet/security`.
pub async fn page(State(state): State<AppState>, me: SignedIn) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let set_lang = me.page.set_lang.clone();
    let t = text(lang);
    let body = render(&state, &me, t, None, None).await?;
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.security, &body, true, "/wallet/security"),
        set_lang,
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /wallet/security/password`.
pub async fn change_password(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<PasswordForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let changed = match super::step_up::guard(&me) {
        Ok(()) => {
            crate::wallet::accounts::change_password(
                &state.db,
                &state.passwords,
                me.wallet(),
                (&form.current, &form.new, &form.confirm),
                state.config.limits.lockout_secs,
            )
            .await
        }
        Err(e) => Err(e),
    };
    if changed.is_ok() {
        crate::security::sessions::end_others(&state.db, &me.shopper, &me.token).await?;
    }
    answer_with(&state, &me, lang, changed.map(|()| t.password_changed)).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    merchant_id: String,
    /// `yes` from the confirmation under "Unlink": one tap never unlinks a shop.
    #[serde(default)]
    confirm: String,
}

/// `POST /wallet/security/links/revoke`: the shop's sessions stop at once.
pub async fn revoke_link(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<RevokeForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    if form.confirm != "yes" {
        return answer(&state, &me, lang, Some(t.unlink_unconfirmed), None).await;
    }
    let now = now();
    let revoked = shopper::revoke(&state.db, me.wallet(), &form.merchant_id, now).await?;
    let links = (revoked.as_slice(), me.livemode);
    crate::checkout::second_leg::cancel_for_links(
        &state.db,
        links,
        Outcome::CanceledByShopper,
        now,
    )
    .await?;
    answer(&state, &me, lang, Some(t.unlinked), None).await
}
