//! `GET /wallet/entries/{entry}`: one movement of the balance in full — what it was, the
//! amount, when (in the operator's zone, labelled), its id, and for a payment the order's
//! lines, both parts of a split payment, the other payment's reference and the refunds.

use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use checkout_core::ErrorCode;

use super::home::{name_merchants, title};
use super::text::text;
use super::{amount, html, layout};
use crate::error::{ApiError, ServerError};
use crate::http::auth::SignedIn;
use crate::http::state::AppState;
use crate::util::{html_escape, local_minute, offset_label};
use crate::wallet::accounts::wallet_view;
use crate::wallet::history::{self, Activity, Item, Page};

fn not_found() -> ServerError {
    ApiError::new(
        ErrorCode::NotFound,
        "no movement of this wallet has this id",
    )
    .into()
}

/// `GET /wallet/entries/{entry}` (the signed-in wallet's own entries only).
pub async fn page(
    State(state): State<AppState>,
    me: SignedIn,
    Path(entry): Path<String>,
) -> Result<Response, ServerError> {
    let lang = me.page.lang;
    let set_lang = me.page.set_lang.clone();
    let t = text(lang);
    let id: i64 = entry.parse().map_err(|_| not_found())?;
    let wallet = wallet_view(&state.db, me.wallet()).await?;
    let item = history::entry(&state.db, me.wallet(), wallet.currency, id)
        .await?
        .ok_or_else(not_found)?;
    let mut named = Page {
        items: vec![item],
        older: None,
    };
    name_merchants(&mut named, &state.config);
    let item = &named.items[0];
    let body = details(t, item, state.config.accounts.display_offset);
    Ok(html(
        StatusCode::OK,
        layout(t, lang, t.history, &body, true, "/wallet/"),
        set_lang,
    ))
}

fn details(t: &super::text::Text, item: &Item, offset: time::UtcOffset) -> String {
    let sign = if item.credit { "+" } else { "−" };
    let mut rows = format!(
        "<dt>{}</dt><dd>{} ({})</dd><dt>{}</dt><dd><code>{}</code></dd>",
        t.when,
        local_minute(item.at, offset),
        offset_label(offset),
        t.entry_id,
        html_escape(&item.reference),
    );
    if let Activity::Paid {
        split: Some(split), ..
    } = &item.activity
    {
        let _ = write!(
            rows,
            "<dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd>",
            t.order_total,
            amount(split.total),
            t.balance_part,
            amount(split.balance),
            t.other_part,
            amount(split.other),
        );
        if let Some(reference) = &split.reference {
            let _ = write!(
                rows,
                "<dt>{}</dt><dd><code>{}</code></dd>",
                t.reference,
                html_escape(reference)
            );
        }
    }
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
                local_minute(*at, offset)
            )
        })
        .collect();
    let list = |title: &str, items: String| {
        if items.is_empty() {
            String::new()
        } else {
            format!("<h2>{title}</h2><ul>{items}</ul>")
        }
    };
    format!(
        r#"<section class="card entry"><h1>{what}</h1><p class="big">{sign}{amount}</p>
<dl>{rows}</dl>{lines}{refunds}
<p class="actions"><a class="button" href="/wallet/">{back}</a></p></section>"#,
        what = title(t, &item.activity),
        amount = amount(item.amount),
        lines = list(t.order, lines),
        refunds = list(t.refunded, refunds),
        back = t.back_to_wallet,
    )
}
