//! The demo shop page: its *server side* creates a checkout session for the demo shopper
//! on every load (in-process, the same code as `POST /v1/sessions`) and embeds the widget
//! exactly as DESIGN.md *Embedding* shows, under the strict CSP.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::Value;

use super::carts::preset;
use crate::checkout::sessions::{create_session, CreateSession};
use crate::error::ServerError;
use crate::state::AppState;
use crate::util::{html_escape, STRICT_CSP};

const CSS: &str = include_str!("../assets/shop.css");
const JS: &str = include_str!("../assets/shop.js");
/// The shop's icon, so browsers do not log a 404 for `/favicon.ico` on every load.
const ICON: &str = include_str!("../assets/favicon.svg");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
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

fn line_html(line: &Value) -> String {
    let s = |k: &str| html_escape(line[k].as_str().unwrap_or(""));
    let mut tags = Vec::new();
    match (
        line["merchant"]["kind"].as_str(),
        line["merchant"]["id"].as_str(),
    ) {
        (Some("third_party"), Some("m-partner")) => {
            tags.push(r#"<span class="tag partner">Partner seller · balance accepted</span>"#)
        }
        (Some("third_party"), _) => {
            tags.push(r#"<span class="tag other">Marketplace seller</span>"#)
        }
        _ => tags.push(r#"<span class="tag self">Sold by Demo Shop</span>"#),
    }
    if line["category"] == "virtual" {
        tags.push(r#"<span class="tag virtual">Virtual goods</span>"#);
    }
    let balance_price = line["balance_price"]
        .as_str()
        .map(|p| {
            format!(
                r#"<span class="balance-price">¥{} with balance</span>"#,
                html_escape(p)
            )
        })
        .unwrap_or_default();
    format!(
        r#"<li class="product" data-line="{id}"><div class="thumb" aria-hidden="true">{initial}</div>
<div class="info"><h3>{name}</h3><p class="tags">{tags}</p></div>
<div class="price"><span class="qty">× {qty}</span><span class="unit">¥{price}</span>{balance_price}</div></li>"#,
        id = s("id"),
        initial = html_escape(
            &line["name"]
                .as_str()
                .unwrap_or("?")
                .chars()
                .take(1)
                .collect::<String>()
        ),
        name = s("name"),
        tags = tags.join(" "),
        qty = line["quantity"].as_u64().unwrap_or(1),
        price = s("unit_price"),
    )
}

async fn page(
    State(state): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, ServerError> {
    let (cart_name, cart) = preset(q.get("cart").map_or("mixed", String::as_str));
    let locale = match q.get("locale").map(String::as_str) {
        Some("en") => "en",
        _ => "zh-CN",
    };
    // The page's own origin, not `public_url`: the widget calls the API same-origin.
    let origin = crate::extract::request_origin(&headers);
    let merchant = state
        .config
        .merchant_by_id(super::MERCHANT_ID)
        .ok_or_else(|| ServerError::internal("demo", "the demo merchant is not configured"))?;
    let session = create_session(
        &state.db,
        &state.config,
        &merchant,
        CreateSession {
            shopper_id: super::SHOPPER.to_owned(),
            cart: cart.clone(),
            return_url: Some(format!("{origin}/?cart={cart_name}&locale={locale}")),
        },
    )
    .await?;
    let products: String = cart["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(line_html)
        .collect();
    let shipping = html_escape(cart["shipping"]["fee"].as_str().unwrap_or("0.00"));
    let widget_ready = state.config.widget_dir.join("loader.js").is_file();
    let widget_note = if widget_ready {
        String::new()
    } else {
        format!(
            r#"<div class="notice" role="status"><strong>The checkout widget is not built yet.</strong> Build it from the repository root with <code>trunk build --release</code> (output in <code>{}</code>, or point <code>--widget-dir</code> at it) and reload this page.</div>"#,
            html_escape(&state.config.widget_dir.display().to_string())
        )
    };
    let nav = |key: &str, value: &str, label: &str, current: &str| {
        let (c, l) = if key == "cart" {
            (value, locale)
        } else {
            (cart_name, value)
        };
        let class = if value == current {
            " class=\"current\""
        } else {
            ""
        };
        format!(r#"<a{class} href="/?cart={c}&amp;locale={l}">{label}</a>"#)
    };
    let html = format!(
        r#"<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Shop · Balance Checkout</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/shop.css">
<script src="/balance-checkout/loader.js" defer></script>
<link rel="modulepreload" href="/balance-checkout/balance-checkout.js">
<link rel="preload" href="/balance-checkout/balance-checkout_bg.wasm" as="fetch" crossorigin>
<link rel="preload" href="/balance-checkout/widget.css" as="style">
<script src="/assets/shop.js" defer></script>
</head><body>
<header class="top"><div class="brand">Demo Shop</div>
<nav aria-label="Preset carts">{n1}{n2}{n3}</nav>
<nav aria-label="Language">{l1}{l2}</nav></header>
<main class="layout">
<section class="cart" aria-labelledby="cart-title"><h2 id="cart-title">Your order</h2>
<ul class="products">{products}</ul>
<p class="shipping">Shipping <span>¥{shipping}</span></p>
<p class="hint">Paying as <code>{shopper}</code> (wallet balance ¥{balance} when seeded, payment password <code>{password}</code>).</p>
</section>
<section class="checkout" aria-labelledby="pay-title"><h2 id="pay-title">Checkout</h2>
{widget_note}
<div data-balance-checkout
     data-endpoint="{endpoint}"
     data-session="{session_id}" data-client-secret="{client_secret}"
     data-locale="{locale}"></div>
<h3>Widget events</h3>
<ol id="bc-events" class="events" aria-live="polite"></ol>
<p class="session">Session <code id="bc-session">{session_id}</code></p>
</section></main>
<footer>A demo of Balance Checkout. Sandbox mode: no real money moves.</footer>
</body></html>"#,
        n1 = nav("cart", "mixed", "Mixed cart", cart_name),
        n2 = nav("cart", "basic", "Basic cart", cart_name),
        n3 = nav("cart", "topup", "Top-up cart", cart_name),
        l1 = nav("locale", "zh-CN", "中文", locale),
        l2 = nav("locale", "en", "English", locale),
        shopper = super::SHOPPER,
        balance = super::BALANCE,
        password = super::PASSWORD,
        endpoint = html_escape(&origin),
        session_id = html_escape(&session.id),
        client_secret = html_escape(&session.client_secret),
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
