//! `/wallet/`: the sign-in form, or the balance, what shoppers ask most, and the history.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use super::text::{text, Text};
use super::{alert, amount, html, layout, session_cookie, sign, token};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::extract::ClientAddress;
use crate::http::lang::PageLanguage;
use crate::http::state::AppState;
use crate::security::sessions;
use crate::util::{html_escape, now, rfc3339};
use crate::views::WalletView;
use crate::wallet::accounts::wallet_view;
use crate::wallet::history::{self, Activity, Item};

/// The sign-in form: the account (a wallet id, phone or e-mail) and the login password;
/// the way to sign up when `signup` is open.
fn sign_in_form(t: &Text, error: Option<&ApiError>, shopper: &str, signup: bool) -> String {
    let a = super::account_text::account_text(t.lang);
    let sign_up = if signup {
        format!(
            r#"<p><a href="/wallet/sign-up">{}</a></p>"#,
            a.no_wallet_yet
        )
    } else {
        String::new()
    };
    format!(
        r#"{alert}<form method="post" action="/wallet/sign-in" class="card">
  <label for="shopper_id">{wallet_id}</label>
  <input id="shopper_id" name="shopper_id" autocomplete="username" required maxlength="254" value="{shopper}">
  <label for="password">{password}</label>
  <input id="password" name="password" type="password" autocomplete="current-password" minlength="8" maxlength="128" required>
  <button class="primary" type="submit">{sign_in}</button>
</form>{sign_up}"#,
        alert = error.map(|e| alert(t, e)).unwrap_or_default(),
        wallet_id = a.account,
        password = t.login_password,
        sign_in = t.sign_in,
        shopper = html_escape(shopper),
    )
}

/// `GET /wallet/[?before=<entry>]`: the balance and history, or the sign-in form.
pub async fn page(
    State(state): State<AppState>,
    PageLanguage { lang, set_lang }: PageLanguage,
    me: Option<SignedIn>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let Some(me) = me else {
        let body = sign_in_form(t, None, "", state.config.accounts.signup.is_some());
        return Ok(html(
            StatusCode::OK,
            layout(t, lang, t.sign_in, &body, false, "/wallet/"),
            set_lang,
        ));
    };
    let wallet = wallet_view(&state.db, me.wallet()).await?;
    let before = query.get("before").and_then(|b| b.parse().ok());
    let page = history::page(&state.db, me.wallet(), wallet.currency, before).await?;
    let mut body = balance_card(t, &wallet);
    body.push_str(&history_list(t, &page, before));
    body.push_str("</section>");
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.balance, &body, true, "/wallet/"),
        set_lang,
    ))
}

/// The balance, what is held, the actions and the questions shoppers ask; then the
/// history's heading.
fn balance_card(t: &Text, wallet: &WalletView) -> String {
    let c = wallet.currency;
    let money = |d: rust_decimal::Decimal| format!("{}{d}", sign(c));
    let held = if wallet.held.0.is_zero() {
        String::new()
    } else {
        format!(
            r#"<p class="held">{held}: <strong data-held>{amount}</strong></p><p class="note">{note}</p>"#,
            held = t.held,
            amount = money(wallet.held.0),
            note = t.held_note
        )
    };
    let test = if wallet.livemode {
        String::new()
    } else {
        format!(r#"<p class="test-mode" role="note">{}</p>"#, t.test_wallet)
    };
    format!(
        r#"{test}<section class="card balance" aria-labelledby="available"><p id="available">{available}</p>
<p class="big" data-available>{balance}</p>{held}
<p class="actions"><a class="button primary" href="/wallet/recharge">{recharge}</a><a class="button" href="/wallet/transfer">{transfer}</a></p></section>
<ul class="faq">{faq}</ul>
<section aria-labelledby="history"><h2 id="history">{history}</h2>"#,
        available = t.available,
        balance = money(wallet.balance.0),
        recharge = t.recharge,
        transfer = t.transfer,
        history = t.history,
        faq = t
            .faq
            .iter()
            .map(|q| format!("<li>{q}</li>"))
            .collect::<String>(),
    )
}

/// One page of the history, newest first, and the links to older and newest entries.
fn history_list(t: &Text, page: &history::Page, before: Option<i64>) -> String {
    let mut body = String::new();
    if page.items.is_empty() && before.is_none() {
        let _ = write!(body, r#"<p class="note">{}</p>"#, t.no_history);
    } else {
        body.push_str(r#"<ol class="history">"#);
        for item in &page.items {
            body.push_str(&item_html(t, item));
        }
        body.push_str("</ol>");
    }
    let mut pager = String::new();
    if before.is_some() {
        let _ = write!(pager, r#"<a href="/wallet/">{}</a>"#, t.newest);
    }
    if let Some(older) = page.older {
        let _ = write!(
            pager,
            r#"<a rel="next" href="/wallet/?before={older}">{}</a>"#,
            t.older
        );
    }
    if !pager.is_empty() {
        let _ = write!(body, r#"<nav class="pager">{pager}</nav>"#);
    }
    body
}

/// What a movement was, in the shopper's words.
fn title(t: &Text, a: &Activity) -> String {
    let method = |m: checkout_core::Method| {
        let i = checkout_core::Method::ALL
            .iter()
            .position(|x| *x == m)
            .unwrap_or(0);
        t.methods[i]
    };
    match a {
        Activity::Paid {
            merchant,
            with,
            status,
        } => {
            let mut s = format!("{} {}", t.paid, html_escape(merchant));
            if let Some(m) = with {
                let waiting = *status == checkout_core::IntentStatus::RequiresAction;
                let word = if waiting { t.awaiting } else { t.paid_with };
                let _ = write!(s, " · {word} {}", method(*m));
            }
            s
        }
        Activity::Returned { merchant } => format!("{} {}", t.returned, html_escape(merchant)),
        Activity::Refund { merchant } => format!("{} {}", t.refund_from, html_escape(merchant)),
        Activity::Recharge { method: Some(m) } => format!("{} {}", t.recharge_via, method(*m)),
        Activity::Recharge { method: None } => t.recharge_item.to_owned(),
        Activity::TransferOut { to } => format!("{} {}", t.transfer_to, html_escape(to)),
        Activity::TransferIn { from } => format!("{} {}", t.transfer_from, html_escape(from)),
        Activity::Reward => t.reward.to_owned(),
        Activity::Other => t.other.to_owned(),
    }
}

fn item_html(t: &Text, item: &Item) -> String {
    let sign = if item.credit { "+" } else { "−" };
    let class = if item.credit { "credit" } else { "debit" };
    let when = rfc3339(item.at);
    let mut details = String::new();
    if !item.lines.is_empty() {
        let lines: String = item
            .lines
            .iter()
            .map(|l| format!("<li>{} × {}</li>", html_escape(&l.name), l.quantity))
            .collect();
        let refunds: String = item
            .refunds
            .iter()
            .map(|(m, at)| {
                format!(
                    "<li>{} {} · {}</li>",
                    t.refunded,
                    amount(*m),
                    &rfc3339(*at)[..10]
                )
            })
            .collect();
        details = format!(
            r#"<details><summary>{order}</summary><ul>{lines}</ul>{refunds}</details>"#,
            order = t.order,
            refunds = if refunds.is_empty() {
                String::new()
            } else {
                format!("<ul class=\"refunds\">{refunds}</ul>")
            },
        );
    }
    format!(
        r#"<li class="item"><div class="row"><span class="what">{what}</span><span class="amount {class}">{sign}{amount}</span></div><time datetime="{when}">{day}</time>{details}</li>"#,
        what = title(t, &item.activity),
        amount = amount(item.amount),
        day = when.get(..16).unwrap_or(&when).replace('T', " "),
    )
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    shopper_id: String,
    #[serde(default)]
    password: String,
}

/// `POST /wallet/sign-in` with the login password (never the payment password, and never
/// counted towards the payment lock), slowed down per id and per address.
pub async fn sign_in(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let shopper = form.shopper_id.trim();
    let checked = crate::security::login::sign_in(
        (&state.db, &state.passwords, &state.sign_ins),
        shopper,
        &form.password,
        address,
        now(),
    )
    .await;
    match checked {
        Ok((id, _)) => {
            let token = sessions::start(&state.db, &id, now()).await?;
            let mut r = Redirect::to("/wallet/").into_response();
            let cookie = session_cookie(&state, &headers, Some(&token));
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            Ok(r)
        }
        Err(ServerError::Api(e)) => {
            let body = sign_in_form(t, Some(&e), shopper, state.config.accounts.signup.is_some());
            Ok(html(
                StatusCode::OK,
                layout(t, lang, t.sign_in, &body, false, "/wallet/"),
                None,
            ))
        }
        Err(other) => Err(other),
    }
}

/// `POST /wallet/sign-out`.
pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    if let Some(token) = token(&headers) {
        sessions::end(&state.db, &token).await?;
    }
    let mut r = Redirect::to("/wallet/").into_response();
    if let Ok(v) = HeaderValue::from_str(&session_cookie(&state, &headers, None)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
