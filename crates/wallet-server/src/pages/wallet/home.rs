//! `/wallet/`: the sign-in page (`super::sign_in`), or the balance, what shoppers ask most, and the history.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::text::{text, Text};
use super::{amount, html, layout, sign};
use crate::error::ServerError;
use crate::http::auth::SignedIn;
use crate::http::lang::PageLanguage;
use crate::http::state::AppState;
use crate::util::{html_escape, rfc3339};
use crate::views::WalletView;
use crate::wallet::accounts::wallet_view;
use crate::wallet::history::{self, Activity, Item};

/// `GET /wallet/[?before=<entry>]`: the balance and history, or the sign-in form.
pub async fn page(
    State(state): State<AppState>,
    PageLanguage { lang, set_lang }: PageLanguage,
    me: Option<SignedIn>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ServerError> {
    let t = text(lang);
    let Some(me) = me else {
        return super::sign_in::page(&state, lang, (None, ""), set_lang).await;
    };
    let wallet = wallet_view(&state.db, me.wallet()).await?;
    let before = query.get("before").and_then(|b| b.parse().ok());
    let mut page = history::page(&state.db, me.wallet(), wallet.currency, before).await?;
    name_merchants(&mut page, &state.config);
    let offset = state.config.accounts.display_offset;
    let mut body = balance_card(t, &wallet);
    let _ = write!(
        body,
        r#"<p class="note" data-time-zone>{} {}</p>"#,
        t.times_in,
        crate::util::offset_label(offset)
    );
    body.push_str(&history_list(t, &page, before, offset));
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
fn history_list(
    t: &Text,
    page: &history::Page,
    before: Option<i64>,
    offset: time::UtcOffset,
) -> String {
    let mut body = String::new();
    if page.items.is_empty() && before.is_none() {
        let _ = write!(body, r#"<p class="note">{}</p>"#, t.no_history);
    } else {
        body.push_str(r#"<ol class="history">"#);
        for item in &page.items {
            body.push_str(&item_html(t, item, offset));
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

/// Each merchant by the name shoppers read (`[[merchants]] name`), not its id.
pub(super) fn name_merchants(page: &mut history::Page, config: &crate::config::Config) {
    for item in &mut page.items {
        if let Activity::Paid { merchant, .. }
        | Activity::Returned { merchant }
        | Activity::Refund { merchant } = &mut item.activity
        {
            *merchant = config.merchant_name(merchant).to_owned();
        }
    }
}

/// What a movement was, in the shopper's words.
pub(super) fn title(t: &Text, a: &Activity) -> String {
    match a {
        Activity::Paid {
            merchant,
            with,
            status,
            split,
        } => {
            let mut s = format!("{} {}", t.paid, html_escape(merchant));
            let waiting = *status == checkout_core::IntentStatus::RequiresAction;
            match (with, split) {
                (Some(m), Some(split)) => {
                    let other = match split.provider {
                        Some(p) => t.provider_via_shop(p),
                        None if waiting => format!("{} {}", t.awaiting, t.method_name(*m)),
                        None => t.method_name(*m).to_owned(),
                    };
                    let colon = if t.is_zh() { "：" } else { ": " };
                    let _ = write!(
                        s,
                        " {}{colon}{} {} + {other} {}",
                        amount(split.total),
                        t.balance_part,
                        amount(split.balance),
                        amount(split.other),
                    );
                }
                (Some(m), None) => {
                    let word = if waiting { t.awaiting } else { t.paid_with };
                    let _ = write!(s, " · {word} {}", t.method_name(*m));
                }
                (None, _) => {}
            }
            s
        }
        Activity::Returned { merchant } => format!("{} {}", t.returned, html_escape(merchant)),
        Activity::Refund { merchant } => format!("{} {}", t.refund_from, html_escape(merchant)),
        Activity::Recharge { method: Some(m) } => {
            format!("{} {}", t.recharge_via, t.method_name(*m))
        }
        Activity::Recharge { method: None } => t.recharge_item.to_owned(),
        Activity::TransferOut { to } => format!("{} {}", t.transfer_to, html_escape(to)),
        Activity::TransferIn { from } => format!("{} {}", t.transfer_from, html_escape(from)),
        Activity::Reward => t.reward.to_owned(),
        Activity::RechargeBonus => t.recharge_bonus.to_owned(),
        Activity::Other => t.other.to_owned(),
    }
}

fn item_html(t: &Text, item: &Item, offset: time::UtcOffset) -> String {
    let sign = if item.credit { "+" } else { "−" };
    let class = if item.credit { "credit" } else { "debit" };
    let when = rfc3339(item.at);
    format!(
        r#"<li class="item"><div class="row"><a class="what" href="/wallet/entries/{entry}">{what}</a><span class="amount {class}">{sign}{amount}</span></div><time datetime="{when}">{day}</time></li>"#,
        what = title(t, &item.activity),
        entry = item.entry,
        amount = amount(item.amount),
        day = crate::util::local_minute(item.at, offset),
    )
}
