//! A thin HTTP client for the API of DESIGN.md, with the widget's signing done by the core.

use checkout_core::signature::sign;
use checkout_core::{quote, Cart, Choice, Currency, Intent, IntentRequest, Method, Money, Quote};
use reqwest::header::HeaderMap;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::fixtures::{core_cart, dec, demo_policy, ADMIN_KEY, MERCHANT_KEY};
use super::server::Server;

/// An HTTP answer: status, headers, the raw body and the body as JSON (`Null` if not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub raw: Vec<u8>,
    pub body: Value,
}

impl Reply {
    /// The `error.code`, or "" when the body is not an error.
    #[must_use]
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// Asserts a JSON error with this status and code and a non-empty message; returns
    /// the `error` object for checking its extras.
    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "expected {status} {code}, got {} {}",
            self.status,
            String::from_utf8_lossy(&self.raw)
        );
        let message = self.body["error"]["message"].as_str().unwrap_or("");
        assert!(
            message.trim().len() >= 10,
            "{code} needs a message a shopper or merchant can act on, got {message:?}"
        );
        &self.body["error"]
    }

    /// Asserts a 2xx answer and returns its body.
    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            String::from_utf8_lossy(&self.raw)
        );
        &self.body
    }

    /// The error message.
    #[must_use]
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or("")
    }
}

/// A session as the merchant's server created it.
#[derive(Debug, Clone)]
pub struct Session {
    pub id: String,
    pub client_secret: String,
    pub cart_digest: String,
    pub cart: Cart,
    pub shopper_id: String,
}

/// A wallet as `GET /v1/wallets/{shopper_id}` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wallet {
    pub balance: Decimal,
    pub held: Decimal,
}

/// A prepared payment: the intent the widget would sign and the quote it comes from.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub request: IntentRequest,
    pub quote: Quote,
}

impl Prepared {
    /// The exact bytes the widget posts.
    #[must_use]
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&self.request).expect("intent request serializes")
    }
}

#[must_use]
pub fn now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970");
    i64::try_from(since.as_secs()).expect("seconds fit in i64")
}

/// 32 fresh hex digits.
#[must_use]
pub fn nonce() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A fresh Idempotency-Key (a UUID, as the widget makes one per attempt).
#[must_use]
pub fn idempotency_key() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The HTTP API of one server.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    http: reqwest::Client,
    /// The merchant's secret key (the demo's unless [`Api::with_keys`]).
    pub merchant_key: String,
    /// The admin key (the demo's unless [`Api::with_keys`]).
    pub admin_key: String,
}

impl Api {
    #[must_use]
    pub fn new(server: &Server) -> Api {
        Api::at(&server.url)
    }

    #[must_use]
    pub fn at(base: &str) -> Api {
        Api::from_address(base, None)
    }

    /// A client whose connections come from `local` (any 127.x.y.z works on Linux), to
    /// look like another shopper's address.
    #[must_use]
    pub fn from_address(base: &str, local: Option<std::net::IpAddr>) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .local_address(local)
            .build()
            .expect("http client");
        Api {
            base: base.to_owned(),
            http,
            merchant_key: MERCHANT_KEY.to_owned(),
            admin_key: ADMIN_KEY.to_owned(),
        }
    }

    /// The same client with another merchant key and admin key (a `serve` configuration).
    #[must_use]
    pub fn with_keys(mut self, merchant_key: &str, admin_key: &str) -> Api {
        merchant_key.clone_into(&mut self.merchant_key);
        admin_key.clone_into(&mut self.admin_key);
        self
    }

    /// Sends a request; `body` is sent as is, with `Content-Type: application/json`.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Reply {
        match self.try_send(method, path, bearer, headers, body).await {
            Ok(reply) => reply,
            Err(e) => panic!("request to {}{path} failed: {e}", self.base),
        }
    }

    /// [`Api::send`] that reports a failed connection instead of panicking (for a server
    /// killed mid-request).
    pub async fn try_send(
        &self,
        method: reqwest::Method,
        path: &str,
        bearer: Option<&str>,
        headers: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Reply, reqwest::Error> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = bearer {
            req = req.bearer_auth(token);
        }
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        if let Some(body) = body {
            req = req.header("content-type", "application/json").body(body);
        }
        let resp = req.send().await?;
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let raw = resp.bytes().await?.to_vec();
        let body = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        Ok(Reply {
            status,
            headers,
            raw,
            body,
        })
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Reply {
        self.send(reqwest::Method::GET, path, bearer, &[], None)
            .await
    }

    pub async fn post(&self, path: &str, bearer: Option<&str>, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        self.send(reqwest::Method::POST, path, bearer, &[], Some(bytes))
            .await
    }

    // --- merchant -------------------------------------------------------------------

    /// `POST /v1/sessions` as `demo-shop`; panics unless it succeeds.
    pub async fn create_session(&self, shopper_id: &str, cart: &Value) -> Session {
        let body = json!({"shopper_id": shopper_id, "cart": cart});
        self.open_session(body, cart, shopper_id).await
    }

    /// `POST /v1/sessions` with a link the shopper granted (`shopper_id` is theirs, for
    /// the caller's checks); panics unless it succeeds.
    pub async fn create_linked_session(
        &self,
        link: &str,
        shopper_id: &str,
        cart: &Value,
    ) -> Session {
        let body = json!({"link": link, "cart": cart});
        self.open_session(body, cart, shopper_id).await
    }

    /// `POST /v1/sessions` with this body (its `cart` is `cart`, its shopper
    /// `shopper_id`); panics unless it succeeds.
    pub async fn open_session(&self, request: Value, cart: &Value, shopper_id: &str) -> Session {
        let reply = self
            .post("/v1/sessions", Some(&self.merchant_key), &request)
            .await;
        let body = reply.ok();
        let text = |k: &str| {
            body[k]
                .as_str()
                .unwrap_or_else(|| panic!("session without {k}: {body}"))
                .to_owned()
        };
        Session {
            id: text("id"),
            client_secret: text("client_secret"),
            cart_digest: text("cart_digest"),
            cart: core_cart(cart),
            shopper_id: shopper_id.to_owned(),
        }
    }

    pub async fn get_session(&self, s: &Session) -> Reply {
        self.get(&format!("/v1/sessions/{}", s.id), Some(&s.client_secret))
            .await
    }

    pub async fn quote(&self, s: &Session, choice: &Value) -> Reply {
        self.post(
            &format!("/v1/sessions/{}/quote", s.id),
            Some(&s.client_secret),
            choice,
        )
        .await
    }

    pub async fn get_intent(&self, intent_id: &str) -> Reply {
        self.get(
            &format!("/v1/intents/{intent_id}"),
            Some(&self.merchant_key),
        )
        .await
    }

    pub async fn refund(&self, intent_id: &str, body: &Value) -> Reply {
        self.post(
            &format!("/v1/intents/{intent_id}/refunds"),
            Some(&self.merchant_key),
            body,
        )
        .await
    }

    /// `POST /v1/intents/{id}/capture` with the merchant's key under `key`.
    pub async fn capture(&self, intent_id: &str, key: &str, body: &Value) -> Reply {
        let bytes = serde_json::to_vec(body).expect("json");
        self.send(
            reqwest::Method::POST,
            &format!("/v1/intents/{intent_id}/capture"),
            Some(&self.merchant_key),
            &[("Idempotency-Key", key.to_owned())],
            Some(bytes),
        )
        .await
    }

    pub async fn sandbox(&self, intent_id: &str, action: &str) -> Reply {
        self.post(
            &format!("/v1/sandbox/intents/{intent_id}/{action}"),
            None,
            &json!({}),
        )
        .await
    }

    // --- wallets (admin) ------------------------------------------------------------

    /// Creates a CNY wallet and tops it up with `balance` (when not zero).
    pub async fn create_wallet(&self, shopper_id: &str, password: &str, balance: &str) {
        self.post(
            "/v1/wallets",
            Some(&self.admin_key),
            &json!({"shopper_id": shopper_id, "currency": "CNY", "payment_password": password,
                    "login_password": super::fixtures::LOGIN_PASSWORD}),
        )
        .await
        .ok();
        if dec(&json!(balance)) > Decimal::ZERO {
            self.top_up(shopper_id, balance).await.ok();
        }
    }

    pub async fn top_up(&self, shopper_id: &str, amount: &str) -> Reply {
        self.post(
            &format!("/v1/wallets/{shopper_id}/topups"),
            Some(&self.admin_key),
            &json!({"amount": amount, "method": "bank_card"}),
        )
        .await
    }

    pub async fn wallet(&self, shopper_id: &str) -> Wallet {
        let reply = self
            .get(&format!("/v1/wallets/{shopper_id}"), Some(&self.admin_key))
            .await;
        let body = reply.ok();
        assert_eq!(body["shopper_id"], json!(shopper_id), "{body}");
        Wallet {
            balance: dec(&body["balance"]),
            held: dec(&body["held"]),
        }
    }

    pub async fn ledger(&self, shopper_id: &str) -> Value {
        self.get(
            &format!("/v1/wallets/{shopper_id}/ledger"),
            Some(&self.admin_key),
        )
        .await
        .ok()
        .clone()
    }

    // --- intents (widget) -----------------------------------------------------------

    /// The balance the widget is shown for this session (`wallet.balance`).
    pub async fn live_balance(&self, s: &Session) -> Money {
        let reply = self.get_session(s).await;
        let body = reply.ok();
        let balance = body["wallet"]["balance"]
            .as_str()
            .unwrap_or_else(|| panic!("session without wallet.balance: {body}"));
        Money::parse(balance, Currency::CNY).expect("balance in CNY digits")
    }

    /// What the widget would post for this choice: the core's quote on the live balance,
    /// turned into an intent with a fresh nonce.
    pub async fn prepare(
        &self,
        s: &Session,
        choice: Choice,
        method: Option<Method>,
        password: &str,
    ) -> Prepared {
        let balance = self.live_balance(s).await;
        prepare_with_balance(s, balance, choice, method, password)
    }

    /// Posts `body` signed now with the session's secret under a fresh Idempotency-Key.
    pub async fn submit(&self, s: &Session, body: &[u8]) -> Reply {
        let signature = sign(&s.client_secret, now(), body);
        self.submit_raw(s, body, &idempotency_key(), &signature)
            .await
    }

    /// Posts exactly these bytes with these headers.
    pub async fn submit_raw(&self, s: &Session, body: &[u8], key: &str, signature: &str) -> Reply {
        match self.try_submit_raw(s, body, key, signature).await {
            Ok(reply) => reply,
            Err(e) => panic!("posting an intent to {}: {e}", self.base),
        }
    }

    /// [`Api::submit_raw`] that reports a failed connection instead of panicking.
    pub async fn try_submit_raw(
        &self,
        s: &Session,
        body: &[u8],
        key: &str,
        signature: &str,
    ) -> Result<Reply, reqwest::Error> {
        self.try_send(
            reqwest::Method::POST,
            &format!("/v1/sessions/{}/intents", s.id),
            Some(&s.client_secret),
            &[
                ("Idempotency-Key", key.to_owned()),
                ("Checkout-Signature", signature.to_owned()),
            ],
            Some(body.to_vec()),
        )
        .await
    }

    /// Prepares and submits in one go: what a shopper pressing "Pay" does.
    pub async fn pay(
        &self,
        s: &Session,
        use_balance: bool,
        method: Option<Method>,
        password: &str,
    ) -> Reply {
        let choice = Choice {
            use_balance,
            balance_cap: None,
        };
        let prepared = self.prepare(s, choice, method, password).await;
        self.submit(s, &prepared.body()).await
    }
}

/// The intent for a quote computed by the core on `balance`.
#[must_use]
pub fn prepare_with_balance(
    s: &Session,
    balance: Money,
    choice: Choice,
    method: Option<Method>,
    password: &str,
) -> Prepared {
    // The server's rule: only promotions that fit the cart's currency (all are in force).
    let mut policy = demo_policy();
    policy
        .promotions
        .retain(|p| p.amounts(s.cart.currency).is_ok());
    let quote = quote(&s.cart, &policy, balance, &choice).expect("core quote");
    let intent = Intent::for_quote(&s.id, &s.cart_digest, &choice, &quote, method, &nonce())
        .expect("intent for quote");
    Prepared {
        request: IntentRequest::with_password(intent, password),
        quote,
    }
}
