//! `/wallet/recharge` (充值): amount (presets or the shopper's own, the currency's digits)
//! and method, then the method's page (the sandbox provider's in test mode); the wallet
//! is credited once, when the method succeeds (`crate::wallet::recharges`).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use checkout_core::{Amount, ErrorCode, Method, RechargeStatus};
use serde::Deserialize;

use super::text::{text, Text};
use super::{alert, amount, html, layout, sign};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::util::html_escape;
use crate::wallet::accounts::wallet_currency;
use crate::wallet::recharges;

/// The preset amounts, in major units.
const PRESETS: [&str; 4] = ["20", "50", "100", "200"];

fn form_html(t: &Text, currency_sign: &str, prefill: &str, error: Option<&ApiError>) -> String {
    let custom = if PRESETS.contains(&prefill) {
        ""
    } else {
        prefill
    };
    let presets: String = PRESETS
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let checked = if *p == prefill || (prefill.is_empty() && i == 1) { " checked" } else { "" };
            format!(
                r#"<label class="choice"><input type="radio" name="preset" value="{p}"{checked}> {currency_sign}{p}</label>"#
            )
        })
        .collect();
    let methods: String = Method::INSTRUMENTS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let checked = if *m == Method::WechatPay { " checked" } else { "" };
            format!(
                r#"<label class="choice"><input type="radio" name="method" value="{code}"{checked}> {name}</label>"#,
                code = m.code(),
                name = t.methods[i],
            )
        })
        .collect();
    format!(
        r#"{alert}<form method="post" action="/wallet/recharge" class="card">
<fieldset><legend>{amount}</legend><div class="choices">{presets}</div>
<label for="custom">{hint}</label>
<input id="custom" name="custom" inputmode="decimal" autocomplete="off" maxlength="20" value="{custom}" placeholder="{currency_sign}0.00"></fieldset>
<fieldset><legend>{method}</legend><div class="choices">{methods}</div></fieldset>
<button class="primary" type="submit">{go}</button>
</form>"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        amount = t.amount,
        hint = t.amount_hint,
        method = t.method,
        go = t.continue_to_pay,
        custom = html_escape(custom),
    )
}

/// `GET /wallet/recharge[?amount=16.00]` (the amount prefilled, as the checkout's top-up
/// hint does).
pub async fn form(
    State(state): State<AppState>,
    me: SignedIn,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let set_lang = me.page.set_lang.clone();
    let t = text(lang);
    let c = wallet_currency(&state.db, me.wallet())
        .await?
        .unwrap_or(checkout_core::Currency::CNY);
    let prefill = query.get("amount").map_or("", |a| a.trim());
    let campaigns = &state.config.recharge_promotions;
    let offers = crate::wallet::bonuses::offers(&state.db, campaigns, c, me.livemode).await?;
    let body = format!(
        "{}{}",
        super::campaigns::notices(lang, &offers),
        form_html(t, sign(c), prefill, None)
    );
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.recharge, &body, true, "/wallet/recharge"),
        set_lang,
    ))
}

#[derive(Deserialize)]
pub struct RechargeForm {
    #[serde(default)]
    preset: String,
    #[serde(default)]
    custom: String,
    #[serde(default)]
    method: String,
}

/// `POST /wallet/recharge`: starts the recharge and sends the shopper to the method's page.
pub async fn start(
    State(state): State<AppState>,
    me: SignedIn,
    Form(form): Form<RechargeForm>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let t = text(lang);
    let chosen = if form.custom.trim().is_empty() {
        form.preset.trim()
    } else {
        form.custom.trim()
    };
    let started = async {
        if !state.config.sandbox {
            return Err(ApiError::new(
                ErrorCode::MethodUnavailable,
                "this wallet has no payment provider for recharges",
            )
            .into());
        }
        let method = Method::from_code(&form.method)
            .ok_or_else(|| ApiError::field("method", "choose a payment method"))?;
        let value = Amount::parse(chosen.trim_start_matches(['¥', '$', '€']))
            .map_err(|e| ApiError::field("amount", e.to_string()))?;
        recharges::create(
            (&state.db, &state.config.recharge_promotions),
            (me.wallet(), None),
            value,
            method,
        )
        .await
    };
    match started.await {
        Ok(r) => Ok(Redirect::to(&recharges::method_page("", &r.id)).into_response()),
        Err(ServerError::Api(e)) => {
            let c = wallet_currency(&state.db, me.wallet())
                .await?
                .unwrap_or(checkout_core::Currency::CNY);
            let body = form_html(t, sign(c), chosen, Some(&e));
            Ok(html(
                StatusCode::OK,
                layout(t, lang, t.recharge, &body, true, "/wallet/recharge"),
                None,
            ))
        }
        Err(other) => Err(other),
    }
}

/// `GET /wallet/recharges/{id}`: where the recharge is (the shopper's own only).
pub async fn status(
    State(state): State<AppState>,
    me: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let set_lang = me.page.set_lang.clone();
    let t = text(lang);
    let r = recharges::find(&state.db, &id, me.livemode).await?;
    if r.shopper_id != me.shopper {
        return Err(ApiError::new(
            ErrorCode::RechargeNotFound,
            "no recharge of this wallet has this id",
        )
        .into());
    }
    let i = RechargeStatus::ALL
        .iter()
        .position(|s| *s == r.status)
        .unwrap_or(0);
    let pay = if r.status == RechargeStatus::Pending {
        format!(
            r#"<a class="button" href="{}">{}</a>"#,
            recharges::method_page("", &r.id),
            t.pay_again
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<section class="card"><p class="big">{amount}</p>
<p class="status" data-status="{status}" role="status">{text}</p>
<p class="actions">{pay}<a class="button primary" href="/wallet/">{back}</a></p></section>"#,
        amount = amount(r.amount),
        status = r.status,
        text = t.recharge_status[i],
        back = t.back_to_wallet,
    );
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.recharge, &body, true, "/wallet/"),
        set_lang,
    ))
}
