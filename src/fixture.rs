//! The built-in demo: a session rendered without a backend (for `trunk serve`, the hosted
//! page and the browser tests) and simulated answers to its payments. Nothing leaves the
//! page in demo mode.

use std::cell::Cell;

use checkout_core::{ErrorCode, IntentRequest, IntentStatus};

use crate::api::ApiError;
use crate::session::{IntentView, Session};

/// The cart of DESIGN.md with a third-party line, and a balance short of the balance
/// prices, so the demo shows every kind of line, a remainder and the top-up hint.
pub const DEMO_SESSION: &str = r#"{
  "id": "cs_demo", "status": "open",
  "cart_digest": "0000000000000000000000000000000000000000000000000000000000000000",
  "cart": {"currency": "CNY", "lines": [
    {"id": "L1", "sku": "100012043978", "name": "Kettle", "quantity": 2,
     "unit_price": "59.90", "balance_price": "55.00",
     "merchant": {"id": "self", "kind": "self_operated"}, "category": "physical"},
    {"id": "L2", "sku": "GC-100", "name": "Game card", "quantity": 1, "unit_price": "100.00",
     "merchant": {"id": "m-778", "kind": "third_party"}, "category": "virtual"},
    {"id": "L3", "name": "Phone case", "quantity": 1, "unit_price": "29.90",
     "merchant": {"id": "m-778", "kind": "third_party"}, "category": "physical"}],
   "shipping": {"fee": "6.00"}},
  "policy": {"excluded_categories": ["virtual", "gift_card", "top_up"],
             "accepting_third_party": [], "shipping_eligible": true,
             "max_balance_per_order": null},
  "wallet": {"currency": "CNY", "balance": "100.00", "password_set": true},
  "methods": ["bank_card", "wechat_pay", "alipay", "ecny"],
  "expires_at": "2099-01-01T00:00:00Z"
}"#;

/// The password the demo accepts, as in the backend's demo mode.
pub const DEMO_PASSWORD: &str = "123456";
const DEMO_ATTEMPTS: u32 = 5;

thread_local! {
    static WRONG_TRIES: Cell<u32> = const { Cell::new(0) };
}

/// The demo session. Its cart digest is a placeholder: demo payments never reach a
/// backend, and computing the real one would ship the canonical-JSON code to every shopper.
#[must_use]
pub fn demo_session() -> Session {
    parse_fixture(DEMO_SESSION)
}

/// A session fixture from JSON. Falls back to the demo when the JSON is not a session
/// (fixtures are written by developers, and the demo is known to be valid).
#[must_use]
pub fn parse_fixture(json: &str) -> Session {
    match Session::from_json(json).or_else(|_| Session::from_json(DEMO_SESSION)) {
        Ok(s) => s,
        Err(e) => unreachable!("the demo session is valid: {e}"),
    }
}

/// The demo's answer, shaped like the backend's; the status comes first so that
/// [`settle`] can change it without searching the text.
fn intent_view(req: &IntentRequest, status: IntentStatus, next_action: &str) -> IntentView {
    let i = &req.intent;
    let method = i
        .other_method
        .map_or_else(|| "null".to_owned(), |m| format!("\"{}\"", m.code()));
    let session = crate::json::string(&i.session_id);
    let json = format!(
        "{{\"status\":\"{}\",\"id\":\"pi_demo\",\"session_id\":{session},\
         \"currency\":\"{}\",\"total\":\"{}\",\"balance_amount\":\"{}\",\
         \"other_method\":{method},\"other_amount\":\"{}\",\"next_action\":{next_action},\
         \"quote\":null,\"created_at\":\"2026-01-01T00:00:00Z\"}}",
        status.code(),
        i.currency,
        i.total,
        i.balance_amount,
        i.other_amount
    );
    IntentView::from_json(&json).unwrap_or_else(|e| unreachable!("demo intent: {e}"))
}

/// What the backend's demo would answer: the demo password pays, others count down; an
/// intent that takes nothing from the balance needs no password.
pub fn submit(req: &IntentRequest) -> Result<IntentView, ApiError> {
    let moves_balance = !req.intent.balance_amount.value().is_zero();
    if moves_balance && req.payment_password.as_deref() != Some(DEMO_PASSWORD) {
        let tries = WRONG_TRIES.with(|t| {
            t.set(t.get().saturating_add(1));
            t.get()
        });
        let mut e = ApiError::new(ErrorCode::WrongPassword, "wrong payment password");
        e.attempts_left = Some(DEMO_ATTEMPTS.saturating_sub(tries));
        return Err(e);
    }
    WRONG_TRIES.with(|t| t.set(0));
    if let Some(method) = req.intent.other_method {
        let action = if method == checkout_core::Method::Merchant {
            format!(
                r#"{{"type":"merchant_collect","amount":"{}","currency":"{}","expires_at":"2099-01-01T00:00:00Z"}}"#,
                req.intent.other_amount, req.intent.currency
            )
        } else {
            r#"{"type":"redirect","url":"about:blank"}"#.to_owned()
        };
        Ok(intent_view(req, IntentStatus::RequiresAction, &action))
    } else {
        Ok(intent_view(req, IntentStatus::Succeeded, "null"))
    }
}

/// The demo's second method always succeeds by the first poll.
#[must_use]
pub fn settle(intent: &IntentView) -> IntentView {
    let mut done = intent.clone();
    done.status = IntentStatus::Succeeded;
    done.next_action = None;
    // The demo's JSON starts with the status (see `intent_view`).
    let pending = format!(r#"{{"status":"{}""#, IntentStatus::RequiresAction);
    if let Some(rest) = done.json.strip_prefix(&pending) {
        done.json = format!(r#"{{"status":"{}"{rest}"#, IntentStatus::Succeeded);
    }
    done
}
