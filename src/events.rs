//! DOM events in the frame document: `balancecheckout:*` `CustomEvent`s with JSON
//! details, which `frame.js` relays to the merchant's page. They carry the quote's totals
//! and the outcome, never the password, the balance or the wallet id.

use std::rc::Rc;

use checkout_core::{Currency, Quote};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, EventTarget};

use crate::api::ApiError;
use crate::i18n::Locale;
use crate::json;
use crate::messages::describe;
use crate::session::IntentView;

/// Something to tell the host page, queued in the state's `outbox` by the reducer.
#[derive(Debug, Clone, PartialEq)]
pub enum Emit {
    Ready,
    Change(Rc<Quote>),
    Succeeded(Rc<IntentView>),
    RequiresAction(Rc<IntentView>),
    Failed(ApiError),
    /// The shopper pressed Done on the receipt: `{id}` of the succeeded intent.
    Done(Rc<IntentView>),
}

/// The event's name and its detail as JSON.
#[must_use]
pub fn payload(emit: &Emit, locale: Locale, currency: Option<Currency>) -> (&'static str, String) {
    match emit {
        Emit::Ready => ("balancecheckout:ready", "{}".to_owned()),
        Emit::Change(q) => ("balancecheckout:change", crate::json::quote_totals(q)),
        Emit::Succeeded(i) => ("balancecheckout:succeeded", i.json.clone()),
        Emit::RequiresAction(i) => ("balancecheckout:requires-action", i.json.clone()),
        Emit::Done(i) => {
            let mut detail = String::from("{\"id\":");
            json::push_str(&mut detail, &i.id);
            detail.push('}');
            ("balancecheckout:done", detail)
        }
        Emit::Failed(e) => (
            "balancecheckout:failed",
            failed_detail(e.code.as_str(), &describe(locale, currency, e)),
        ),
    }
}

/// `{"code": …, "message": …}`.
#[must_use]
pub fn failed_detail(code: &str, message: &str) -> String {
    let mut out = String::from("{\"code\":");
    json::push_str(&mut out, code);
    out.push_str(",\"message\":");
    json::push_str(&mut out, message);
    out.push('}');
    out
}

/// Dispatches one event on the host element.
pub fn dispatch(target: &EventTarget, name: &str, detail_json: &str) {
    let detail = js_sys::JSON::parse(detail_json).unwrap_or(JsValue::NULL);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}
