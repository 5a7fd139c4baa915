//! The demo shop's server learns each payment from the wallet's webhooks (DESIGN.md
//! *Webhooks*, *Demo mode*), as a merchant's server must: a browser reporting success
//! ships nothing.
//!
//! - `POST /webhooks` verifies the Standard Webhooks signature with the `standardwebhooks`
//!   library, ignores an event id it has seen (deliveries are at least once), and records
//!   the order's state from `payment_intent.*` events;
//! - `GET /orders/{session_id}` shows the order as the shop's server knows it: "paid —
//!   confirmed by the wallet" only after the webhook. It reloads itself while waiting.
//!
//! A real shop keeps orders and seen event ids in its database; the demo keeps them in
//! memory.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use checkout_core::{EventType, IntentStatus};
use serde::Deserialize;

use super::page::shop_csp;
use crate::util::html_escape;

/// What the shop's server knows of one order (a checkout session).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderState {
    /// No event yet: whatever the browser says, nothing is confirmed.
    Waiting,
    /// The balance part is held while the second method runs.
    AwaitingSecondMethod,
    /// `payment_intent.succeeded` arrived: ship it.
    Paid,
    /// The last payment attempt was canceled; the shopper may pay again.
    Canceled,
}

/// Orders by session id, and the event ids already handled.
#[derive(Debug, Default)]
pub struct Orders {
    seen: HashSet<String>,
    by_session: HashMap<String, OrderState>,
}

/// Shared between the shop's handlers.
pub type SharedOrders = Arc<Mutex<Orders>>;

/// What the order handlers need: the orders, and the wallet's origin for the page's CSP.
#[derive(Clone)]
pub struct OrderDesk {
    pub orders: SharedOrders,
    pub wallet: Arc<str>,
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: Data,
}

#[derive(Deserialize)]
struct Data {
    object: Intent,
}

#[derive(Deserialize)]
struct Intent {
    #[serde(default)]
    session_id: Option<String>,
    #[serde(default)]
    status: Option<IntentStatus>,
}

impl Orders {
    /// Applies a verified event once; `false` for an id seen before.
    fn apply(&mut self, event: Event) -> bool {
        if !self.seen.insert(event.id) {
            return false;
        }
        let (Some(session), Some(status)) =
            (event.data.object.session_id, event.data.object.status)
        else {
            return true;
        };
        if !EventType::from_code(&event.kind)
            .is_some_and(|k| k.code().starts_with("payment_intent."))
        {
            return true;
        }
        let state = self
            .by_session
            .entry(session)
            .or_insert(OrderState::Waiting);
        // Order is not guaranteed: a paid order stays paid.
        if *state != OrderState::Paid {
            *state = match status {
                IntentStatus::Succeeded => OrderState::Paid,
                IntentStatus::RequiresAction => OrderState::AwaitingSecondMethod,
                IntentStatus::Canceled => OrderState::Canceled,
            };
        }
        true
    }
}

/// `POST /webhooks`: 400 for a bad signature, 200 otherwise (duplicates included).
pub async fn receive(State(s): State<OrderDesk>, headers: HeaderMap, body: Bytes) -> Response {
    let verified = standardwebhooks::Webhook::new(super::super::WEBHOOK_SECRET)
        .and_then(|hook| hook.verify(&body, &headers));
    if let Err(e) = verified {
        tracing::warn!(error = %e, "demo shop: a webhook failed verification");
        return (StatusCode::BAD_REQUEST, "signature not verified").into_response();
    }
    let event: Event = match serde_json::from_slice(&body) {
        Ok(e) => e,
        Err(_) => return (StatusCode::BAD_REQUEST, "not an event").into_response(),
    };
    let fresh = match s.orders.lock() {
        Ok(mut orders) => orders.apply(event),
        Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    let note = if fresh {
        "recorded"
    } else {
        "duplicate ignored"
    };
    (StatusCode::OK, note).into_response()
}

/// The order's line, in the page's language.
fn status_text(state: OrderState, zh: bool) -> &'static str {
    match (state, zh) {
        (OrderState::Paid, false) => "paid — confirmed by the wallet",
        (OrderState::Paid, true) => "已支付 — 钱包已确认",
        (OrderState::AwaitingSecondMethod, false) => {
            "awaiting the second payment method — not paid yet"
        }
        (OrderState::AwaitingSecondMethod, true) => "等待第二种支付方式 — 尚未支付",
        (OrderState::Canceled, false) => "payment canceled — not paid",
        (OrderState::Canceled, true) => "支付已取消 — 未支付",
        (OrderState::Waiting, false) => "waiting for the wallet's confirmation — not paid yet",
        (OrderState::Waiting, true) => "等待钱包确认 — 尚未支付",
    }
}

/// `GET /orders/{session_id}?locale=`.
pub async fn page(
    State(s): State<OrderDesk>,
    Path(session): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let zh = q.get("locale").map(String::as_str) != Some("en");
    let state = s
        .orders
        .lock()
        .ok()
        .and_then(|o| o.by_session.get(&session).copied())
        .unwrap_or(OrderState::Waiting);
    let paid = state == OrderState::Paid;
    let refresh = if paid {
        ""
    } else {
        r#"<meta http-equiv="refresh" content="1">"#
    };
    let (title, back) = if zh {
        ("订单", "返回商店")
    } else {
        ("Order", "Back to the shop")
    };
    let html = format!(
        r#"<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">{refresh}<title>{title} · Demo Shop</title>
<link rel="stylesheet" href="/assets/shop.css"></head><body>
<main class="layout"><section><h2>{title} <code>{session}</code></h2>
<p id="order-status" data-paid="{paid}" role="status">{text}</p>
<p><a href="/?locale={locale}">{back}</a></p></section></main></body></html>"#,
        lang = if zh { "zh-CN" } else { "en" },
        locale = if zh { "zh-CN" } else { "en" },
        session = html_escape(&session),
        text = status_text(state, zh),
    );
    (
        [
            (header::CONTENT_SECURITY_POLICY, shop_csp(&s.wallet)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Html(html),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{Event, OrderState, Orders};

    fn event(id: &str, kind: &str, status: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "type": kind,
            "data": {"object": {"session_id": "cs_1", "status": status}}
        }))
        .expect("event")
    }

    #[test]
    fn a_duplicate_is_ignored_and_a_paid_order_stays_paid() {
        let mut orders = Orders::default();
        assert!(orders.apply(event("evt_1", "payment_intent.succeeded", "succeeded")));
        assert!(!orders.apply(event("evt_1", "payment_intent.succeeded", "succeeded")));
        assert!(orders.apply(event(
            "evt_0",
            "payment_intent.requires_action",
            "requires_action"
        )));
        assert_eq!(orders.by_session.get("cs_1"), Some(&OrderState::Paid));
    }
}
