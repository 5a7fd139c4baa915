//! The demo shop: a merchant site on an origin of its own (DESIGN.md *Demo mode*), served
//! by its own listener in the demo process. Like any merchant, its server side talks to
//! the wallet only over HTTP: on every page load it creates a checkout session for the
//! demo shopper with its secret key, and it pins the wallet's `loader.js` with the hash
//! the wallet publishes in `sri.json`. Its page runs under a strict CSP that allows the
//! wallet's origin for scripts and frames and has no `'wasm-unsafe-eval'`: the
//! WebAssembly runs in the wallet's frame, under the wallet's CSP.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use super::carts::preset;
use crate::config::{Config, WebhookFile};
use crate::http::state::AppState;
use orders::SharedOrders;
use page::{render, shop_csp, PageData};
use state::{wallet_failed, ShopState};

mod collect;
mod link;
mod orders;
mod page;
mod state;

const CSS: &str = include_str!("../../assets/shop.css");
const JS: &str = include_str!("../../assets/shop.js");
/// The shop's icon, so browsers do not log a 404 for `/favicon.ico` on every load.
const ICON: &str = include_str!("../../assets/favicon.svg");

/// The shop's listener, bound before the wallet starts serving.
pub struct Shop {
    listener: TcpListener,
    /// `http://host:port` of the shop.
    pub origin: String,
}

/// Binds the shop's address and makes its origin the demo merchant's allowed origin (with
/// those of `--allow-origin`, the only pages that may frame the checkout of its sessions).
///
/// # Errors
/// The address cannot be bound (in use, not local).
pub async fn bind(config: &mut Config) -> std::io::Result<Shop> {
    let listener = TcpListener::bind(&config.shop_listen).await?;
    let addr = listener.local_addr()?;
    let origin = format!("http://{addr}");
    let endpoint = WebhookFile {
        url: format!("{origin}/webhooks"),
        secrets: vec![super::WEBHOOK_SECRET.to_owned()],
    };
    let extra = config.demo_origins.clone();
    for merchant in config.merchants.values_mut() {
        if merchant.id == super::MERCHANT_ID && !merchant.allowed_origins.contains(&origin) {
            let merchant = Arc::make_mut(merchant);
            merchant.allowed_origins.push(origin.clone());
            // `--allow-origin`: a developer's own page embeds the demo merchant's checkout.
            merchant.allowed_origins.extend(extra.iter().cloned());
            // The shop's server receives the wallet's webhooks (DESIGN.md *Demo mode*).
            merchant.webhooks.push(endpoint.clone());
        }
    }
    // The one private destination webhooks may go to: the demo's own shop.
    config.webhooks.private_origins.push(origin.clone());
    config.shop_origin = Some(origin.clone());
    Ok(Shop { listener, origin })
}

impl Shop {
    /// Serves the shop until the process ends; `wallet` is the wallet's origin.
    #[must_use]
    pub fn serve(self, wallet: &str) -> JoinHandle<()> {
        let state = ShopState {
            wallet: Arc::from(wallet),
            origin: Arc::from(self.origin.as_str()),
            http: reqwest::Client::new(),
            orders: SharedOrders::default(),
        };
        let app = Router::new()
            .route("/", get(page))
            .route("/link", get(link::link))
            .route("/linked", get(link::linked))
            .route("/unlink", get(link::unlink))
            .route("/webhooks", post(orders::receive))
            .route("/collect", post(collect::collect))
            .route("/orders/{session_id}", get(orders::page))
            .route(
                "/assets/shop.css",
                get(|| async { asset("text/css; charset=utf-8", CSS) }),
            )
            .route(
                "/assets/shop.js",
                get(|| async { asset("text/javascript; charset=utf-8", JS) }),
            )
            .route(
                "/assets/favicon.svg",
                get(|| async { asset("image/svg+xml", ICON) }),
            )
            .with_state(state);
        tokio::spawn(async move {
            if let Err(e) = axum::serve(self.listener, app).await {
                tracing::error!(error = %e, "the demo shop stopped");
            }
        })
    }
}

/// The wallet's `/` in demo mode: the shop is on its own origin now, send people there.
pub fn wallet_home(config: &Config) -> Router<AppState> {
    let target = config.shop_origin.clone().map(|o| format!("{o}/"));
    Router::new().route(
        "/",
        get(move || async move {
            match target {
                Some(t) => Redirect::to(&t).into_response(),
                None => (StatusCode::NOT_FOUND, "no demo shop").into_response(),
            }
        }),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// `POST /v1/sessions` on the wallet with the shop's key, as a merchant's server does:
/// through the link of the shopper who linked their wallet here, or `shopper_demo`'s
/// seeded one; the rest paid
/// in the wallet's sandbox, or (`shop_collects`) collected by the shop itself.
async fn create_session(
    s: &ShopState,
    cart: &Value,
    return_url: String,
    link: Option<&str>,
    shop_collects: bool,
) -> Result<Value, String> {
    // Through the shopper's link, as a live shop must: the demo shopper's seeded one
    // unless this browser linked another wallet. So an unlink in the wallet shows here.
    let link = link.unwrap_or(super::LINK);
    let mut body = json!({"link": link, "cart": cart, "return_url": return_url});
    if shop_collects {
        body["second_leg"] = json!("merchant");
    }
    state::call(s, reqwest::Method::POST, "/v1/sessions", Some(body)).await
}

/// The `integrity` of the wallet's `loader.js`, from its `sri.json`.
async fn loader_integrity(s: &ShopState) -> Option<String> {
    let url = format!("{}/balance-checkout/v1/sri.json", s.wallet);
    let reply = s.http.get(url).send().await.ok()?;
    let sri: Value = reply.error_for_status().ok()?.json().await.ok()?;
    sri["loader.js"].as_str().map(str::to_owned)
}

async fn page(
    State(s): State<ShopState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (cart_name, cart) = preset(q.get("cart").map_or("mixed", String::as_str));
    let locale = match q.get("locale").map(String::as_str) {
        Some("en") => "en",
        _ => "zh-CN",
    };
    let rest = match q.get("rest").map(String::as_str) {
        Some("shop") => "shop",
        _ => "sandbox",
    };
    // Back to this page (the shop's own origin) after the second method.
    let return_url = format!("{}/?cart={cart_name}&locale={locale}&rest={rest}", s.origin);
    let link = link::link_of(&headers);
    let (session, integrity) = tokio::join!(
        create_session(&s, &cart, return_url, link.as_deref(), rest == "shop"),
        loader_integrity(&s)
    );
    let session = match session {
        Ok(v) => v,
        // The shopper unlinked this shop in their wallet: no checkout until they link again.
        Err(e) if e.contains(checkout_core::ErrorCode::LinkRevoked.code()) => json!({}),
        Err(e) => return wallet_failed("create a checkout session", e),
    };
    let html = render(&PageData {
        cart_name,
        cart: &cart,
        locale,
        rest,
        wallet: &s.wallet,
        session_id: session["id"].as_str().unwrap_or(""),
        client_secret: session["client_secret"].as_str().unwrap_or(""),
        loader_integrity: integrity.as_deref(),
        linked: link.is_some(),
        iframe_first: (q.get("embed").map(String::as_str) == Some("iframe")).then_some(&*s.origin),
    });
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
    use super::page::shop_csp;

    #[test]
    fn the_shop_csp_needs_no_wasm_unsafe_eval() {
        let csp = shop_csp("http://127.0.0.1:8080");
        assert!(!csp.contains("wasm-unsafe-eval"));
        assert!(csp.contains("script-src 'self' http://127.0.0.1:8080;"));
        assert!(csp.contains("frame-src http://127.0.0.1:8080;"));
    }
}
