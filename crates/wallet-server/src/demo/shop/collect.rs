//! The demo shop collecting the rest itself (DESIGN.md *The second leg*, `merchant`): its
//! page shows a card form of its own, standing in for the card provider a real shop
//! already has, and its server then captures the wallet's hold — the production path,
//! beside the sandbox's.
//!
//! `POST /collect` `{intent, card}` (from `shop.js`): the shop's server reads the intent
//! from the wallet (it must be `merchant_collect`), "authorises" the card (16 digits;
//! `4000 0000 0000 0002` declines, as test cards do), then captures exactly the remainder
//! with `Idempotency-Key: demo-collect-<intent>-<last four>` — or cancels the intent when the card is
//! declined, so the hold goes back to the shopper at once.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::state::{call, call_with_key, ShopState};

/// The test card that declines.
const DECLINED: &str = "4000000000000002";

#[derive(Deserialize)]
pub struct CollectForm {
    intent: String,
    card: String,
}

fn answer(status: StatusCode, outcome: &str, message: String) -> Response {
    (
        status,
        Json(json!({"outcome": outcome, "message": message})),
    )
        .into_response()
}

/// `POST /collect`: `{outcome: "paid" | "card_declined" | "refused", message}`.
pub async fn collect(State(s): State<ShopState>, Json(form): Json<CollectForm>) -> Response {
    let card: String = form.card.chars().filter(|c| !c.is_whitespace()).collect();
    if card.len() != 16 || !card.bytes().all(|b| b.is_ascii_digit()) {
        let why = "Enter the card's 16 digits (try 4242 4242 4242 4242).".to_owned();
        return answer(StatusCode::BAD_REQUEST, "refused", why);
    }
    let id: String = form
        .intent
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let path = format!("/v1/intents/{id}?view=summary");
    let intent = match call(&s, reqwest::Method::GET, &path, None).await {
        Ok(v) => v,
        Err(e) => return answer(StatusCode::BAD_GATEWAY, "refused", e),
    };
    let next = &intent["next_action"];
    if next["type"] != "merchant_collect" {
        let why = format!("This payment is {}: nothing to collect.", intent["status"]);
        return answer(StatusCode::CONFLICT, "refused", why);
    }
    if card == DECLINED {
        let path = format!("/v1/intents/{id}/cancel");
        let body = Some(json!({}));
        return match call(&s, reqwest::Method::POST, &path, body).await {
            Ok(_) => answer(
                StatusCode::OK,
                "card_declined",
                "The card was declined; nothing was charged and the balance part was released."
                    .to_owned(),
            ),
            Err(e) => answer(StatusCode::BAD_GATEWAY, "refused", e),
        };
    }
    capture(&s, &id, &next["amount"], &card).await
}

/// Captures the hold for what the card paid (the shop would capture with its provider
/// only after this succeeds).
async fn capture(s: &ShopState, id: &str, amount: &Value, card: &str) -> Response {
    let body = json!({"second_leg": {
        "amount": amount,
        "provider": "card",
        "reference": format!("demo_card_{}_{}", &card[12..], id.trim_start_matches("pi_")),
    }});
    let path = format!("/v1/intents/{id}/capture");
    // One capture per intent and card: another card is another attempt.
    let key = format!("demo-collect-{id}-{}", &card[12..]);
    match call_with_key(s, reqwest::Method::POST, &path, Some(body), Some(&key)).await {
        Ok(_) => answer(
            StatusCode::OK,
            "paid",
            format!(
                "Paid ¥{} by card. The wallet captured the balance part.",
                amount.as_str().unwrap_or("")
            ),
        ),
        Err(e) => answer(StatusCode::BAD_GATEWAY, "refused", e),
    }
}
