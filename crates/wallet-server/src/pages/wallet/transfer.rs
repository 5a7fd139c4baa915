//! `/wallet/transfer`: recipient and amount, then a confirmation showing the recipient's
//! wallet id masked, with the payment password; one ledger transaction
//! (`crate::wallet::transfers`). The confirmation carries the transfer's id, so submitting it
//! twice moves the balance once.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use checkout_core::Amount;
use serde::Deserialize;

use super::text::{text, Text};
use super::{alert, amount, html, layout};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::util::{html_escape, now, random_id};
use crate::wallet::transfers::{self, masked, Transfer};

fn form_html(t: &Text, to: &str, value: &str, error: Option<&ApiError>) -> String {
    format!(
        r#"{alert}<form method="post" action="/wallet/transfer" class="card">
  <label for="to">{recipient}</label>
  <input id="to" name="to" autocomplete="off" required maxlength="64" value="{to}">
  <label for="amount">{amount}</label>
  <input id="amount" name="amount" inputmode="decimal" autocomplete="off" required maxlength="20" value="{value}">
  <p class="note">{note}</p>
  <button class="primary" type="submit">{review}</button>
</form>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        recipient = t.recipient,
        amount = t.amount,
        note = t.transfer_note,
        review = t.review,
        to = html_escape(to),
        value = html_escape(value),
    )
}

/// `GET /wallet/transfer[?to=…&amount=…]`: the form, filled in when coming back from a
/// step-up.
pub async fn form(
    me: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let (lang, set_lang) = (me.page.lang, me.page.set_lang);
    let t = text(lang);
    let field = |name: &str| query.get(name).map_or("", String::as_str);
    let body = form_html(t, field("to"), field("amount"), None);
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.transfer, &body, true, "/wallet/transfer"),
        set_lang,
    ))
}

#[derive(Deserialize)]
pub struct TransferForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    amount: String,
}

async fn checked(
    state: &AppState,
    me: &SignedIn,
    to: &str,
    value: &str,
) -> Result<Transfer, ServerError> {
    let value = Amount::parse(value.trim().trim_start_matches(['¥', '$', '€']))
        .map_err(|e| ApiError::field("amount", e.to_string()))?;
    transfers::check(&state.db, me.wallet(), to, value).await
}

fn confirm_html(t: &Text, tr: &Transfer, id: &str, error: Option<&ApiError>) -> String {
    format!(
        r#"{alert}<form method="post" action="/wallet/transfer/confirm" class="card">
  <dl><dt>{recipient}</dt><dd data-recipient>{masked}</dd><dt>{amount_label}</dt><dd class="big">{amount}</dd></dl>
  <p class="note">{note}</p>
  <input type="hidden" name="id" value="{id}"><input type="hidden" name="to" value="{to}"><input type="hidden" name="amount" value="{value}">
  <label for="password">{password}</label>
  <input id="password" name="password" type="password" inputmode="numeric" autocomplete="off" pattern="[0-9]{{6}}" maxlength="6" required>
  <p class="actions"><button class="primary" type="submit">{confirm}</button><a class="button" href="/wallet/transfer">{cancel}</a></p>
</form>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        recipient = t.recipient,
        masked = html_escape(&match &tr.payee_name {
            Some(name) => format!("{} ({})", transfers::masked_name(name), masked(&tr.to)),
            None => masked(&tr.to),
        }),
        amount_label = t.amount,
        amount = amount(tr.amount),
        note = t.transfer_note,
        id = html_escape(id),
        to = html_escape(&tr.to),
        value = tr.amount,
        password = t.password,
        confirm = t.confirm,
        cancel = t.cancel,
    )
}

/// Instead of the confirmation, when the transfer needs a step-up first: why, and the way
/// back to this transfer's form once stepped up.
fn step_up_html(me: &SignedIn, tr: &Transfer) -> String {
    let a = super::account_text::account_text(me.page.lang);
    let next = format!(
        "/wallet/transfer?to={}&amount={}",
        url::form_urlencoded::byte_serialize(tr.to.as_bytes()).collect::<String>(),
        tr.amount
    );
    super::step_up::card(me, &next, Some(a.transfer_step_up))
}

/// `POST /wallet/transfer`: checks the transfer and asks to confirm it (after a step-up
/// for a payee not paid before or a large amount).
pub async fn review(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<TransferForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let ready = async {
        let tr = checked(&state, &me, &form.to, &form.amount).await?;
        transfers::affordable(&state.db, &tr).await?;
        let step_up = !me.stepped_up(now())
            && transfers::needs_step_up(
                &state.db,
                &tr,
                state.config.accounts.transfer_step_up_above,
            )
            .await?;
        Ok::<_, ServerError>((tr, step_up))
    };
    let body = match ready.await {
        Ok((tr, true)) => step_up_html(&me, &tr),
        Ok((tr, false)) => confirm_html(t, &tr, &random_id("tr_", 24), None),
        Err(ServerError::Api(e)) => form_html(t, &form.to, &form.amount, Some(&e)),
        Err(other) => return Err(other),
    };
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.confirm_title, &body, true, "/wallet/transfer"),
        None,
    ))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    id: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    password: String,
}

/// `POST /wallet/transfer/confirm`: the payment password (counted towards the lock), then
/// the transfer, once.
pub async fn confirm(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<ConfirmForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let tr = match checked(&state, &me, &form.to, &form.amount).await {
        Ok(tr) => tr,
        Err(ServerError::Api(e)) => {
            let body = form_html(t, &form.to, &form.amount, Some(&e));
            return Ok(html(
                StatusCode::OK,
                layout(t, lang, t.transfer, &body, true, "/wallet/transfer"),
                None,
            ));
        }
        Err(other) => return Err(other),
    };
    let id = if form.id.starts_with("tr_") && form.id.len() <= 64 {
        form.id.clone()
    } else {
        random_id("tr_", 24)
    };
    let done = async {
        let above = state.config.accounts.transfer_step_up_above;
        if !me.stepped_up(now()) && transfers::needs_step_up(&state.db, &tr, above).await? {
            return Err(crate::security::step_up::required().into());
        }
        state.check_password(me.wallet(), &form.password).await?;
        transfers::execute(&state.db, &id, &tr).await
    };
    let body = match done.await {
        Ok(_) => format!(
            r#"<section class="card"><p class="status" role="status" data-transferred>{done}</p><p class="big">{amount}</p><p>{to_label} {to}</p><p class="actions"><a class="button primary" href="/wallet/">{back}</a></p></section>"#,
            done = t.transferred,
            amount = amount(tr.amount),
            to_label = t.transfer_to,
            to = html_escape(&masked(&tr.to)),
            back = t.back_to_wallet,
        ),
        Err(ServerError::Api(e)) => confirm_html(t, &tr, &id, Some(&e)),
        Err(other) => return Err(other),
    };
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.confirm_title, &body, true, "/wallet/transfer"),
        None,
    ))
}
