//! The demo shop's HTML: the cart, and the checkout embedded exactly as DESIGN.md
//! *Embedding* tells a merchant to (the loader from the wallet's origin, pinned with SRI).

use serde_json::Value;

use crate::util::html_escape;

/// What one page shows.
pub struct PageData<'a> {
    pub cart_name: &'a str,
    pub cart: &'a Value,
    pub locale: &'a str,
    /// Who collects what the balance does not pay: `sandbox` (the wallet's) or `shop`
    /// (the shop's own card page, then a capture from its server).
    pub rest: &'a str,
    pub wallet: &'a str,
    pub session_id: &'a str,
    pub client_secret: &'a str,
    /// `integrity` of `loader.js` from the wallet's `sri.json`; `None` when the wallet
    /// has no widget built.
    pub loader_integrity: Option<&'a str>,
    /// The shopper linked their own wallet (else the shop pays as `shopper_demo`).
    pub linked: bool,
    /// `?embed=iframe`: the page writes the frame itself (the iframe-first embed), with
    /// the shop's own origin (`shop`) in its fragment; the loader adopts it.
    pub iframe_first: Option<&'a str>,
}

/// Who pays, and the way to link (or unlink) a wallet.
fn account(p: &PageData<'_>) -> String {
    let locale = html_escape(p.locale);
    if p.linked {
        format!(
            r#"<p class="account">Paying with your linked wallet. <a href="/unlink?locale={locale}" id="unlink">Unlink</a></p>"#
        )
    } else {
        format!(
            r#"<p class="account">Paying as the demo shopper. <a href="/link?locale={locale}" id="link-wallet">Link your own wallet</a> (try <code>shopper_new</code>, password <code>654321</code>).</p>"#
        )
    }
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
    let initial: String = line["name"]
        .as_str()
        .unwrap_or("?")
        .chars()
        .take(1)
        .collect();
    format!(
        r#"<li class="product" data-line="{id}"><div class="thumb" aria-hidden="true">{initial}</div>
<div class="info"><h3>{name}</h3><p class="tags">{tags}</p></div>
<div class="price"><span class="qty">× {qty}</span><span class="unit">¥{price}</span>{balance_price}</div></li>"#,
        id = s("id"),
        initial = html_escape(&initial),
        name = s("name"),
        tags = tags.join(" "),
        qty = line["quantity"].as_u64().unwrap_or(1),
        price = s("unit_price"),
    )
}

/// A link to this page with one of `cart`, `locale` or `rest` changed.
fn nav<'a>(p: &PageData<'a>, key: &str, value: &'a str, label: &str) -> String {
    let pick = |k: &str, current: &'a str| -> &'a str {
        if k == key {
            value
        } else {
            current
        }
    };
    let href = format!(
        "/?cart={}&amp;locale={}&amp;rest={}",
        pick("cart", p.cart_name),
        pick("locale", p.locale),
        pick("rest", p.rest)
    );
    let current = match key {
        "cart" => p.cart_name,
        "locale" => p.locale,
        _ => p.rest,
    };
    let class = if value == current {
        " class=\"current\""
    } else {
        ""
    };
    format!(r#"<a{class} href="{href}">{label}</a>"#)
}

/// The `<script>` tag a merchant copies: the wallet's loader, pinned by its hash.
fn loader_tag(p: &PageData<'_>) -> String {
    match p.loader_integrity {
        Some(sri) => format!(
            r#"<script src="{wallet}/balance-checkout/v1/loader.js" integrity="{sri}" crossorigin="anonymous" defer></script>"#,
            wallet = html_escape(p.wallet),
            sri = html_escape(sri),
        ),
        None => String::new(),
    }
}

fn widget_note(p: &PageData<'_>) -> &'static str {
    if p.loader_integrity.is_some() {
        ""
    } else {
        r#"<div class="notice" role="status"><strong>The checkout widget is not built yet.</strong> Build it from the repository root with <code>trunk build --release</code>, restart the demo and reload this page.</div>"#
    }
}

/// The shop's own card page for the rest (`rest=shop`), shown by `shop.js` when the
/// checkout emits `requires-action` with `merchant_collect`: a stand-in for the card
/// provider a real shop already has.
fn collect_form(p: &PageData<'_>) -> &'static str {
    if p.rest != "shop" {
        return "";
    }
    r#"<form id="collect" class="collect" hidden>
<h3>Demo card provider</h3>
<p>Pay the remaining <strong>¥<span id="collect-amount"></span></strong> by card. The wallet holds your balance part until the shop's server captures it.</p>
<label for="collect-card">Card number</label>
<input id="collect-card" name="card" inputmode="numeric" autocomplete="cc-number" value="4242 4242 4242 4242">
<p class="hint">4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined.</p>
<button id="collect-pay" type="submit">Pay by card</button>
<p id="collect-result" role="status"></p>
</form>"#
}

/// The whole page.
#[must_use]
pub fn render(p: &PageData<'_>) -> String {
    let products: String = p.cart["lines"]
        .as_array()
        .into_iter()
        .flatten()
        .map(line_html)
        .collect();
    let shipping = html_escape(p.cart["shipping"]["fee"].as_str().unwrap_or("0.00"));
    format!(
        r#"<!doctype html>
<html lang="{locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo Shop · Balance Checkout</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/shop.css">
{loader}
<script src="/assets/shop.js" defer></script>
</head><body>
<header class="top"><div class="brand">Demo Shop</div>
<nav aria-label="Preset carts">{n1}{n2}{n3}{n4}</nav>
<nav aria-label="Language">{l1}{l2}</nav>
<nav aria-label="Who collects the rest">{r1}{r2}</nav></header>
<main class="layout">
<section class="cart" aria-labelledby="cart-title"><h2 id="cart-title">Your order</h2>
<ul class="products">{products}</ul>
<p class="shipping">Shipping <span>¥{shipping}</span></p>
<p class="hint">The checkout below is a frame from the wallet at <code>{wallet}</code>: this shop never sees the shopper's password, balance or wallet id. Demo payment password: <code>{password}</code>.</p>
</section>
<section class="checkout" aria-labelledby="pay-title"><h2 id="pay-title">Checkout</h2>
{account}
{note}
{checkout}
{collect}
<h3>Widget events</h3>
<ol id="bc-events" class="events" aria-live="polite"></ol>
<p class="session">Session <code id="bc-session">{session_id}</code></p>
<p class="order"><a id="order-link" href="/orders/{session_id}?locale={locale}">{order_label}</a></p>
</section></main>
<footer>A demo of Balance Checkout. Sandbox mode: no real money moves.</footer>
</body></html>"#,
        locale = p.locale,
        loader = loader_tag(p),
        n1 = nav(p, "cart", "mixed", "Mixed cart"),
        n2 = nav(p, "cart", "basic", "Basic cart"),
        n3 = nav(p, "cart", "topup", "Top-up cart"),
        n4 = nav(p, "cart", "festival", "618 cart"),
        l1 = nav(p, "locale", "zh-CN", "中文"),
        l2 = nav(p, "locale", "en", "English"),
        r1 = nav(p, "rest", "sandbox", "Rest: wallet sandbox"),
        r2 = nav(p, "rest", "shop", "Rest: the shop's card page"),
        collect = collect_form(p),
        note = widget_note(p),
        account = account(p),
        password = super::super::PASSWORD,
        wallet = html_escape(p.wallet),
        session_id = html_escape(p.session_id),
        order_label = if p.locale == "en" {
            "Your order, as the shop's server knows it"
        } else {
            "查看订单（以商店服务器收到的通知为准）"
        },
        checkout = checkout(p),
    )
}

/// The embedded checkout, or, when the shopper unlinked this shop in their wallet (no
/// session could be made), why there is none and the way to link again.
fn checkout(p: &PageData<'_>) -> String {
    if p.session_id.is_empty() {
        return format!(
            r#"<div class="notice" role="status" id="unlinked"><strong>This wallet is no longer linked to Demo Shop.</strong> It was unlinked in the wallet, so the shop cannot ask it to pay. <a href="/link?locale={locale}">Link a wallet</a> to pay.</div>"#,
            locale = html_escape(p.locale)
        );
    }
    if let Some(shop) = p.iframe_first {
        let origin =
            percent_encoding::utf8_percent_encode(shop, percent_encoding::NON_ALPHANUMERIC);
        let src = format!(
            "{wallet}/balance-checkout/v1/frame/{session}?locale={locale}#client_secret={secret}&origin={origin}",
            wallet = p.wallet,
            session = p.session_id,
            locale = p.locale,
            secret = p.client_secret,
        );
        return format!(
            r#"<div data-balance-checkout><iframe src="{src}" title="{title}" width="100%" height="600" frameborder="0" allow="publickey-credentials-get {wallet}; payment {wallet}"></iframe></div>"#,
            src = html_escape(&src),
            title = if p.locale == "en" {
                "Pay with wallet balance"
            } else {
                "余额支付"
            },
            wallet = html_escape(p.wallet),
        );
    }
    format!(
        r#"<div data-balance-checkout
     data-session="{session_id}" data-client-secret="{client_secret}"
     data-locale="{locale}"></div>"#,
        session_id = html_escape(p.session_id),
        client_secret = html_escape(p.client_secret),
        locale = p.locale,
    )
}

/// The shop's own strict CSP: the wallet's origin for the loader and the frame only.
#[must_use]
pub fn shop_csp(wallet: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' {wallet}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; frame-src {wallet}; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
}
