//! The sandbox's page for a second method, in the shopper's language (`?locale=`, else
//! `Accept-Language`): what is paid, what is held, and Approve / Decline / Abandon as plain
//! HTML forms under the strict CSP. It fits 320 px.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use checkout_core::{CancelReason, IntentStatus, Method};

use crate::error::ServerError;
use crate::http::lang::{Lang, PageLanguage};
use crate::http::state::AppState;
use crate::store::db::rows::{load_session, IntentRow};
use crate::store::stored::money;
use crate::util::{html_escape, STRICT_CSP};

/// The page's words in one language.
struct Words {
    lang: &'static str,
    badge: &'static str,
    heading: &'static str,
    intent: &'static str,
    method: &'static str,
    to_pay: &'static str,
    held: &'static str,
    total: &'static str,
    status: &'static str,
    /// `[approve, decline, abandon]`.
    buttons: [&'static str; 3],
    back: &'static str,
    /// The names of `Method::INSTRUMENTS`, in their order.
    methods: [&'static str; 4],
    /// `[waiting, succeeded, expired, abandoned, by the shop, at the checkout, declined]`.
    states: [&'static str; 7],
}

const EN: Words = Words {
    lang: "en",
    badge: "Sandbox · no real money moves",
    heading: "Second payment method",
    intent: "Payment",
    method: "Method",
    to_pay: "To pay with this method",
    held: "Held from the wallet balance",
    total: "Order total",
    status: "Status",
    buttons: ["Approve", "Decline", "Abandon"],
    back: "Back to the shop",
    methods: ["Bank card", "WeChat Pay", "Alipay", "Digital RMB"],
    states: [
        "Waiting for you to approve or decline this payment.",
        "Approved: the payment succeeded. You can close this page.",
        "The hold expired before approval; the balance was returned to the wallet.",
        "Abandoned: nothing was charged and the balance was returned to the wallet.",
        "Canceled by the shop: nothing was charged and the balance was returned to the wallet.",
        "Canceled at the checkout: nothing was charged and the balance was returned to the wallet.",
        "Declined: nothing was charged and the balance was returned to the wallet.",
    ],
};

const ZH: Words = Words {
    lang: "zh-CN",
    badge: "沙箱 · 不涉及真实资金",
    heading: "第二种支付方式",
    intent: "支付单",
    method: "支付方式",
    to_pay: "需用此方式付款",
    held: "余额冻结",
    total: "订单总额",
    status: "状态",
    buttons: ["确认付款", "拒绝", "放弃"],
    back: "返回商店",
    methods: ["银行卡", "微信支付", "支付宝", "数字人民币"],
    states: [
        "等待你确认或拒绝这笔付款。",
        "已确认：付款成功，可以关闭此页。",
        "冻结已在确认前到期，余额已退回钱包。",
        "已放弃：未扣款，余额已退回钱包。",
        "商家已取消：未扣款，余额已退回钱包。",
        "已在收银台取消：未扣款，余额已退回钱包。",
        "已拒绝：未扣款，余额已退回钱包。",
    ],
};

fn status_text(w: &Words, row: &IntentRow) -> &'static str {
    let i = match (row.status, row.cancel_reason) {
        (IntentStatus::RequiresAction, _) => 0,
        (IntentStatus::Succeeded, _) => 1,
        (IntentStatus::Canceled, Some(CancelReason::Expired)) => 2,
        (IntentStatus::Canceled, Some(CancelReason::Abandoned)) => 3,
        (IntentStatus::Canceled, Some(CancelReason::RequestedByMerchant)) => 4,
        (IntentStatus::Canceled, Some(CancelReason::RequestedByShopper)) => 5,
        (IntentStatus::Canceled, Some(CancelReason::Declined) | None) => 6,
    };
    w.states[i]
}

fn method_name(w: &Words, m: Option<Method>) -> &'static str {
    m.and_then(|m| Method::INSTRUMENTS.iter().position(|x| *x == m))
        .map_or("-", |i| w.methods[i])
}

/// The three buttons while the payment waits, each a form that keeps the language.
fn actions(w: &Words, row: &IntentRow) -> String {
    if row.status != IntentStatus::RequiresAction {
        return String::new();
    }
    let id = html_escape(&row.id);
    let form = |action: &str, label: &str| {
        format!(
            r#"<form method="post" action="/v1/sandbox/intents/{id}/{action}?locale={lang}"><button class="{action}" type="submit">{label}</button></form>"#,
            lang = w.lang
        )
    };
    format!(
        r#"<div class="actions">{}{}{}</div>"#,
        form("approve", w.buttons[0]),
        form("decline", w.buttons[1]),
        form("abandon", w.buttons[2]),
    )
}

/// `GET /v1/sandbox/intents/{id}[?locale=]`.
pub async fn page(
    State(state): State<AppState>,
    PageLanguage { lang, .. }: PageLanguage,
    Path(id): Path<String>,
) -> Result<Response, ServerError> {
    let w = if lang == Lang::Zh { &ZH } else { &EN };
    let row = super::test_intent(&state, &id).await?;
    let c = row.currency;
    let return_url = load_session(&state.db.pool, &row.session_id)
        .await?
        .and_then(|s| s.return_url);
    let back = return_url
        .map(|u| {
            format!(
                r#"<p><a class="back" href="{}">{}</a></p>"#,
                html_escape(&u),
                w.back
            )
        })
        .unwrap_or_default();
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title><link rel="stylesheet" href="/v1/sandbox/sandbox.css"></head>
<body><main class="card">
<p class="badge">{badge}</p>
<h1>{heading}</h1>
<dl>
  <dt>{l_intent}</dt><dd><code>{id}</code></dd>
  <dt>{l_method}</dt><dd>{method}</dd>
  <dt>{l_to_pay}</dt><dd class="amount">{c} {other}</dd>
  <dt>{l_held}</dt><dd>{c} {balance}</dd>
  <dt>{l_total}</dt><dd>{c} {total}</dd>
  <dt>{l_status}</dt><dd class="status status-{status}" data-status="{status}">{text}</dd>
</dl>
{actions}
{back}
</main></body></html>"#,
        lang = w.lang,
        badge = w.badge,
        heading = w.heading,
        l_intent = w.intent,
        l_method = w.method,
        l_to_pay = w.to_pay,
        l_held = w.held,
        l_total = w.total,
        l_status = w.status,
        id = html_escape(&row.id),
        method = method_name(w, row.other_method),
        other = money(row.other_amount, c)?,
        balance = money(row.balance_amount, c)?,
        total = money(row.total, c)?,
        status = row.status,
        text = status_text(w, &row),
        actions = actions(w, &row),
    );
    Ok((
        [
            (header::CONTENT_SECURITY_POLICY, STRICT_CSP),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Html(html),
    )
        .into_response())
}
