//! Request building without a server: the signed intent, the idempotency key reused on
//! every retry, the backoff. With `BC_TEST_ENDPOINT` set at compile time, also against a
//! running backend (`wallet-server demo`).
#![cfg(target_arch = "wasm32")]
// Tests fail loudly; clippy's test exemption does not see `wasm_bindgen_test` functions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use balance_checkout::api::{
    intent_headers, into_result, prepare_intent, with_retries, Endpoint, Outcome, RetryPolicy,
    RETRY,
};
use balance_checkout::fixture::demo_session;
use balance_checkout::random;
use checkout_core::signature::verify;
use checkout_core::{quote, Choice, Intent, IntentRequest, Method};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn endpoint() -> Endpoint {
    Endpoint {
        base: "https://wallet.example/".into(),
        session_id: "cs_test".into(),
        client_secret: "cs_secret_test".into(),
    }
}

fn request() -> IntentRequest {
    let s = demo_session();
    let choice = Choice {
        use_balance: true,
        balance_cap: None,
    };
    let q = quote(&s.cart, &s.policy, s.balance, &choice).unwrap();
    let nonce = random::nonce();
    let intent = Intent::for_quote(
        "cs_test",
        &s.cart_digest,
        &choice,
        &q,
        Some(Method::WechatPay),
        &nonce,
    )
    .unwrap();
    IntentRequest::with_password(intent, "123456")
}

fn header<'a>(headers: &'a [(&'static str, String)], name: &str) -> &'a str {
    headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap()
}

#[wasm_bindgen_test]
fn the_signature_covers_the_exact_bytes_sent() {
    let (ep, req) = (endpoint(), request());
    let prepared = prepare_intent(&ep, &req, "key-1", None).unwrap();
    assert_eq!(
        prepared.url,
        "https://wallet.example/v1/sessions/cs_test/intents"
    );
    let now = random::unix_now();
    let headers = intent_headers(&ep, &prepared, now);
    assert_eq!(header(&headers, "Authorization"), "Bearer cs_secret_test");
    assert_eq!(header(&headers, "Content-Type"), "application/json");
    assert_eq!(header(&headers, "Idempotency-Key"), "key-1");
    let sig = header(&headers, "Checkout-Signature");
    assert!(sig.starts_with(&format!("t={now},v1=")), "{sig}");
    assert_eq!(
        verify("cs_secret_test", sig, prepared.body.as_bytes(), now),
        Ok(())
    );
    assert!(verify("other_secret", sig, prepared.body.as_bytes(), now).is_err());
    let tampered = prepared.body.replace("wechat_pay", "alipay");
    assert!(verify("cs_secret_test", sig, tampered.as_bytes(), now).is_err());
    // The body is the request, amounts as strings.
    let back: IntentRequest = serde_json::from_str(&prepared.body).unwrap();
    assert_eq!(back, req);
    assert!(prepared.body.contains("\"other_amount\":\"155.70\""));
}

#[wasm_bindgen_test]
fn nonces_and_idempotency_keys_are_fresh_and_well_formed() {
    let (a, b) = (random::nonce(), random::nonce());
    assert_ne!(a, b);
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    let key = random::uuid_v4();
    assert_ne!(key, random::uuid_v4());
    let parts: Vec<_> = key.split('-').map(str::len).collect();
    assert_eq!(parts, [8, 4, 4, 4, 12]);
    assert_eq!(&key[14..15], "4");
    assert!("89ab".contains(&key[19..20]));
    assert_eq!(
        random::uuid_from_bytes([0xff; 16]),
        "ffffffff-ffff-4fff-bfff-ffffffffffff"
    );
}

const FAST: RetryPolicy = RetryPolicy {
    attempts: 4,
    base_delay_ms: 2,
    max_delay_ms: 10,
    timeout_ms: 1_000,
};

#[wasm_bindgen_test]
async fn retries_resend_the_same_bytes_with_the_same_key() {
    let (ep, req) = (endpoint(), request());
    let prepared = prepare_intent(&ep, &req, &random::uuid_v4(), None).unwrap();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    let outcome = with_retries(FAST, |n| {
        // Each send signs again, as `api::submit` does.
        let headers = intent_headers(&ep, &prepared, random::unix_now());
        log.borrow_mut().push((headers, prepared.body.clone()));
        async move {
            match n {
                0 => Outcome::Network { timed_out: true },
                1 => Outcome::Reply {
                    status: 503,
                    body: String::new(),
                },
                _ => Outcome::Reply {
                    status: 201,
                    body: "{}".into(),
                },
            }
        }
    })
    .await;
    assert_eq!(into_result(outcome), Ok("{}".to_owned()));
    let sent = sent.borrow();
    assert_eq!(sent.len(), 3);
    for (headers, body) in sent.iter() {
        assert_eq!(header(headers, "Idempotency-Key"), prepared.idempotency_key);
        assert_eq!(body, &prepared.body);
        let sig = header(headers, "Checkout-Signature");
        assert_eq!(
            verify("cs_secret_test", sig, body.as_bytes(), random::unix_now()),
            Ok(())
        );
    }
}

#[wasm_bindgen_test]
async fn only_network_errors_and_5xx_are_retried() {
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    let outcome = with_retries(FAST, |_| {
        *c.borrow_mut() += 1;
        async {
            Outcome::Reply {
                status: 403,
                body: r#"{"error":{"code":"wrong_password","message":"wrong","attempts_left":3}}"#
                    .into(),
            }
        }
    })
    .await;
    assert_eq!(*count.borrow(), 1);
    let e = into_result(outcome).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.attempts_left),
        ("wrong_password", Some(3))
    );

    let c = count.clone();
    let outcome = with_retries(FAST, |_| {
        *c.borrow_mut() += 1;
        async { Outcome::Network { timed_out: false } }
    })
    .await;
    assert_eq!(*count.borrow(), 1 + FAST.attempts);
    assert_eq!(
        into_result(outcome).unwrap_err().code.as_str(),
        "network_error"
    );
}

#[wasm_bindgen_test]
fn backoff_grows_with_jitter_and_is_capped() {
    assert_eq!(RETRY.delay_ms(0, 0), 250);
    assert_eq!(RETRY.delay_ms(0, 255), 500);
    assert_eq!(RETRY.delay_ms(1, 0), 500);
    assert_eq!(RETRY.delay_ms(2, 255), 2_000);
    assert_eq!(RETRY.delay_ms(40, 255), 8_000);
    assert!(RETRY.delay_ms(1, 128) > 500 && RETRY.delay_ms(1, 128) < 1_000);
}

/// What `loader.js` hands over: a promise of the session's `Response`.
fn loader_answer(status: u16, body: &str) -> wasm_bindgen::JsValue {
    let init = web_sys::ResponseInit::new();
    init.set_status(status);
    let response = web_sys::Response::new_with_opt_str_and_init(Some(body), &init).unwrap();
    js_sys::Promise::resolve(&response).into()
}

#[wasm_bindgen_test]
async fn the_loaders_answer_is_used_and_only_a_failed_one_is_sent_again() {
    use balance_checkout::api::load_session;
    use balance_checkout::fixture::DEMO_SESSION;
    // The test runner's own server: it answers 404 without an error document, so a
    // request the widget sends itself shows as `invalid_response` "HTTP 404".
    let here = Endpoint {
        base: gloo::utils::window().location().origin().unwrap(),
        session_id: "cs_test".into(),
        client_secret: "cs_secret_test".into(),
    };
    let s = load_session(&here, Some(&loader_answer(200, DEMO_SESSION)))
        .await
        .unwrap();
    assert_eq!(s.id, "cs_demo");
    let not_found = r#"{"error":{"code":"session_not_found","message":"no such session"}}"#;
    let e = load_session(&here, Some(&loader_answer(404, not_found)))
        .await
        .unwrap_err();
    assert_eq!(
        e.code.as_str(),
        "session_not_found",
        "a final answer is taken as it is"
    );

    let cut: wasm_bindgen::JsValue = js_sys::Promise::reject(&"cut".into()).into();
    for failed in [cut, loader_answer(503, "")] {
        let e = load_session(&here, Some(&failed)).await.unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("invalid_response", "HTTP 404"),
            "a failed answer is sent again by the widget"
        );
    }
}

/// Against `wallet-server demo`. The browser calls the backend cross-origin, so the
/// runner's origin must be allowed: pin it and list it in the backend's configuration,
/// e.g. `allowed_origins = ["http://127.0.0.1:8099"]` in a file passed with `--config`, then
/// `BC_TEST_ENDPOINT=http://127.0.0.1:8080 WASM_BINDGEN_TEST_ADDRESS=127.0.0.1:8099 cargo test …`.
#[wasm_bindgen_test]
async fn against_the_backend_a_session_loads_and_pays() {
    let Some(base) = option_env!("BC_TEST_ENDPOINT") else {
        console_log!("skipped: set BC_TEST_ENDPOINT at compile time to test against a backend");
        return;
    };
    backend::run(base).await;
}

mod backend {
    use super::*;
    use balance_checkout::api::{get_intent, load_session, submit};
    use gloo::net::http::Request;

    const CART: &str = r#"{"currency":"CNY","lines":[
        {"id":"L1","name":"Kettle","quantity":1,"unit_price":"59.90",
         "merchant":{"id":"self","kind":"self_operated"},"category":"physical"},
        {"id":"L2","name":"Game card","quantity":1,"unit_price":"10.00",
         "merchant":{"id":"self","kind":"self_operated"},"category":"virtual"}]}"#;

    pub async fn run(base: &str) {
        let body = format!(r#"{{"shopper_id":"shopper_demo","cart":{CART}}}"#);
        let created = Request::post(&format!("{base}/v1/sessions"))
            .header("Authorization", "Bearer sk_test_demo")
            .header("Content-Type", "application/json")
            .body(body)
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
        let created: serde_json::Value = created.json().await.unwrap();
        let ep = Endpoint {
            base: base.to_owned(),
            session_id: created["id"].as_str().unwrap().to_owned(),
            client_secret: created["client_secret"].as_str().unwrap().to_owned(),
        };
        let session = load_session(&ep, None).await.unwrap();
        assert_eq!(
            session.cart_digest,
            created["cart_digest"].as_str().unwrap()
        );

        // The virtual line remains for a second method: the balance part is only held,
        // and the sandbox declines it afterwards so the demo wallet is left as it was.
        let choice = Choice {
            use_balance: true,
            balance_cap: None,
        };
        let q = quote(&session.cart, &session.policy, session.balance, &choice).unwrap();
        let intent = Intent::for_quote(
            &session.id,
            &session.cart_digest,
            &choice,
            &q,
            Some(Method::Alipay),
            &random::nonce(),
        )
        .unwrap();
        let req = IntentRequest::with_password(intent, "123456");
        let prepared = prepare_intent(&ep, &req, &random::uuid_v4(), None).unwrap();
        let first = submit(&ep, &prepared).await.unwrap();
        assert_eq!(
            first.next_action.as_ref().map(|a| a.kind.as_str()),
            Some("redirect")
        );
        // A retry of the same attempt gets the stored answer, not a second charge.
        let again = submit(&ep, &prepared).await.unwrap();
        assert_eq!(again.id, first.id);

        let declined = Request::post(&format!("{base}/v1/sandbox/intents/{}/decline", first.id))
            .send()
            .await
            .unwrap();
        assert!(declined.ok(), "decline: {}", declined.status());
        let after = get_intent(&ep, &first.id).await.unwrap();
        assert_eq!(after.status, checkout_core::IntentStatus::Canceled);
    }
}

#[wasm_bindgen_test]
fn answers_are_read_strictly() {
    use balance_checkout::fixture::DEMO_SESSION;
    use balance_checkout::session::Session;

    let ok = Session::from_json(DEMO_SESSION).unwrap();
    assert_eq!(ok.cart.lines[0].quantity, 2);
    assert_eq!(ok.policy, checkout_core::Policy::default());
    assert_eq!(ok.balance.to_string(), "100.00");
    // A JSON number where an amount belongs is rejected, as everywhere in the product.
    let number = DEMO_SESSION.replace("\"balance\": \"100.00\"", "\"balance\": 100");
    let e = Session::from_json(&number).unwrap_err();
    assert!(e.starts_with("wallet.balance"), "{e}");
    let fraction = DEMO_SESSION.replace("\"quantity\": 2", "\"quantity\": 2.5");
    let e = Session::from_json(&fraction).unwrap_err();
    assert!(e.starts_with("cart.lines[0].quantity"), "{e}");
    let digits = DEMO_SESSION.replace("\"59.90\"", "\"59.901\"");
    let e = Session::from_json(&digits).unwrap_err();
    assert!(e.contains("lines[0].unit_price"), "{e}");
    // Absent policy fields keep the contract's defaults.
    let partial = DEMO_SESSION.replace("\"shipping_eligible\": true,", "");
    assert!(
        Session::from_json(&partial)
            .unwrap()
            .policy
            .shipping_eligible
    );

    let mismatch = Outcome::Reply {
        status: 409,
        body: r#"{"error":{"code":"quote_mismatch","message":"m","quote":
            {"total":"1.00","balance_amount":"0.50","other_amount":"0.50"}}}"#
            .into(),
    };
    let e = into_result(mismatch).unwrap_err();
    assert_eq!(e.quote.unwrap().balance_amount.to_string(), "0.50");
    let locked = Outcome::Reply {
        status: 423,
        body: r#"{"error":{"code":"password_locked","message":"m","locked_until":"2026-11-25T14:00:00Z"}}"#.into(),
    };
    let e = into_result(locked).unwrap_err();
    assert_eq!(e.locked_until.as_deref(), Some("2026-11-25T14:00:00Z"));
    let proxy = Outcome::Reply {
        status: 502,
        body: "<html>Bad gateway</html>".into(),
    };
    assert_eq!(
        into_result(proxy).unwrap_err().code.as_str(),
        "invalid_response"
    );
}
