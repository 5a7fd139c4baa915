//! The wallet's embeddable surface under `/balance-checkout/v1/` (DESIGN.md *Embedding*):
//! the frame document of a session, the widget's files with their cache headers, and the
//! Subresource Integrity hashes of those files (`sri.json`).
//!
//! The files are read once, at start, from the widget directory (Trunk's output): what is
//! served is exactly what was hashed, and a file added later is not served by accident.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::compression::CompressionLayer;

use checkout_core::{Choice, Money, SessionStatus};

use crate::checkout::SessionTerms;
use crate::http::state::AppState;
use crate::store::db::rows::SessionRow;

mod assets;
pub mod first_paint;

pub use assets::{integrity, is_hashed, reuses_fetch_preloads, Assets};

/// Where everything of this release lives; a new major version gets a new prefix.
pub const PREFIX: &str = "/balance-checkout/v1";

/// The placeholder in the frame template (`index.html`) that the server replaces with the
/// session merchant's allowed origins, comma-separated.
pub const ORIGINS_TOKEN: &str = "__BC_ALLOWED_ORIGINS__";

/// The placeholder in `index.html`'s body that the server replaces with the session's
/// first paint ([`first_paint`]).
pub const FIRST_PAINT_TOKEN: &str = "__BC_FIRST_PAINT__";
/// The placeholder of `<html lang>`: the first paint's language.
pub const LANG_TOKEN: &str = "__BC_LANG__";

/// Cache lifetime of files whose name does not change with their content (`loader.js`,
/// `sri.json`): a release reaches merchants' pages within five minutes.
const SHORT_CACHE: &str = "public, max-age=300";
/// Files named by their content's hash never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

#[derive(Clone)]
struct FrameState {
    app: AppState,
    assets: Arc<Assets>,
}

/// The routes under [`PREFIX`], with their own state (the files read at start).
pub fn routes(state: &AppState) -> Result<Router<AppState>, String> {
    let assets = Arc::new(Assets::load(&state.config.widget_dir)?);
    Ok(Router::new()
        .route(&format!("{PREFIX}/frame/{{session_id}}"), get(frame))
        .route(&format!("{PREFIX}/sri.json"), get(sri))
        .route(&format!("{PREFIX}/{{*file}}"), get(asset))
        // Every shopper downloads these files: compressed, the wasm is a third of its size.
        .layer(CompressionLayer::new())
        .with_state(FrameState {
            app: state.clone(),
            assets,
        }))
}

fn not_found(what: &str) -> Response {
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; frame-ancestors 'none'",
            ),
        ],
        format!("{what} not found; check the address (it belongs to a Balance Checkout release under {PREFIX}/)"),
    )
        .into_response()
}

async fn asset(
    State(s): State<FrameState>,
    UrlPath(file): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let Some(f) = s.assets.files.get(&file) else {
        return not_found(&format!("{PREFIX}/{file}"));
    };
    let accept = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    // Compressed once per file (the first request waits for it), then from memory.
    let (encoding, body) = tokio::task::block_in_place(|| f.encoded(accept));
    let cache = if is_hashed(&file) {
        IMMUTABLE
    } else {
        SHORT_CACHE
    };
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(f.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
            // Public files: any merchant's page may load them with `crossorigin` and SRI.
            (
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::VARY, HeaderValue::from_static("Accept-Encoding")),
        ],
        encoding.map(|e| [(header::CONTENT_ENCODING, HeaderValue::from_static(e))]),
        body,
    )
        .into_response()
}

async fn sri(State(s): State<FrameState>) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, SHORT_CACHE),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        s.assets.sri_json(),
    )
        .into_response()
}

/// The frame's Content-Security-Policy: our own files and the one inline script whose
/// hash is `script` (`'sha256-…'`, the document's own `frame.js`), no other inline code,
/// and only the merchant's pages may frame it.
#[must_use]
pub fn frame_csp(ancestors: &[String], script: Option<&str>) -> String {
    let ancestors = if ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        ancestors.join(" ")
    };
    let inline = script.map(|hash| format!(" {hash}")).unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{inline}; style-src 'self'; \
         connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
         frame-ancestors {ancestors}"
    )
}

/// The session and the allowed origins of its merchant; `None` for an unknown session.
async fn session_and_origins(
    state: &AppState,
    session_id: &str,
) -> Result<Option<(SessionRow, Vec<String>)>, Response> {
    if session_id.is_empty() || session_id.len() > 64 {
        return Ok(None);
    }
    let row = crate::store::db::rows::load_session(&state.db.pool, session_id)
        .await
        .map_err(|e| crate::error::ServerError::from(e).into_response())?;
    Ok(row.map(|r| {
        let origins = state
            .config
            .merchant_by_id(&r.merchant_id, r.livemode)
            .map(|m| m.allowed_origins.clone())
            .unwrap_or_default();
        (r, origins)
    }))
}

/// The first paint of an open session ([`first_paint::render`]); empty for one that is
/// paid, expired or waiting for its second method (the widget shows those) or whose
/// stored terms do not read back.
fn first_paint_of(session: &SessionRow, zh: bool) -> String {
    if session.effective_status(crate::util::now()) != SessionStatus::Open {
        return String::new();
    }
    let no_balance = Choice {
        use_balance: false,
        balance_cap: None,
    };
    let Ok(terms) = SessionTerms::of(session) else {
        return String::new();
    };
    match terms.quote(Money::zero(terms.cart.currency), &no_balance) {
        Ok(quote) => first_paint::render(zh, &terms.cart, &quote),
        Err(_) => String::new(),
    }
}

/// The shopper's language for the first paint: `?locale=` (`zh…` is Chinese), else the
/// browser's first `Accept-Language`.
fn is_zh(query: &HashMap<String, String>, headers: &HeaderMap) -> bool {
    let tag = query.get("locale").map(String::as_str).or_else(|| {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
    });
    tag.is_some_and(|t| t.trim_start().to_ascii_lowercase().starts_with("zh"))
}

async fn frame(
    State(s): State<FrameState>,
    UrlPath(session_id): UrlPath<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let (session, origins) = match session_and_origins(&s.app, &session_id).await {
        Ok(Some(found)) => found,
        Ok(None) => return not_found("checkout session"),
        Err(response) => return response,
    };
    let Some(template) = &s.assets.template else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_SECURITY_POLICY, frame_csp(&[], None))],
            "the checkout is not built on this server: run `trunk build --release` and restart it",
        )
            .into_response();
    };
    let list = crate::util::html_escape(&origins.join(","));
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let script = template.script_hash.as_deref();
    let (template, link) = if reuses_fetch_preloads(user_agent) {
        (&template.with_wasm_preload, template.link_with_wasm.clone())
    } else {
        (&template.without_wasm_preload, None)
    };
    let zh = is_zh(&query, &headers);
    let html = template
        .replace(ORIGINS_TOKEN, &list)
        .replace(LANG_TOKEN, if zh { "zh-CN" } else { "en" })
        .replace(FIRST_PAINT_TOKEN, &first_paint_of(&session, zh));
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, frame_csp(&origins, script)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::REFERRER_POLICY, "same-origin".to_owned()),
            (header::VARY, "User-Agent, Accept-Language".to_owned()),
        ],
        link.map(|l| [(header::LINK, l)]),
        html,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::{frame_csp, integrity, is_hashed, reuses_fetch_preloads};

    #[test]
    fn it_knows_trunks_hashed_names() {
        assert!(is_hashed("balance-checkout-0123456789abcdef.js"));
        assert!(is_hashed("balance-checkout-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("widget-0123456789abcdef.css"));
        assert!(!is_hashed("loader.js"));
        assert!(!is_hashed("balance-checkout.d.ts"));
    }

    #[test]
    fn integrity_is_sha384_base64() {
        // echo -n "" | openssl dgst -sha384 -binary | base64
        assert_eq!(
            integrity(b""),
            "sha384-OLBgp1GsljhM2TJ+sbHjaiH9txEUvgdDTAzHv2P24donTt6/529l+9Ua0vFImLlb"
        );
    }

    #[test]
    fn the_frame_may_be_framed_only_by_the_merchant() {
        let csp = frame_csp(&["https://shop.example".to_owned()], None);
        assert!(csp.ends_with("frame-ancestors https://shop.example"));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(frame_csp(&[], None).ends_with("frame-ancestors 'none'"));
        let inline = frame_csp(&[], Some("'sha256-AAAA'"));
        assert!(inline.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-AAAA';"));
        assert!(!inline.contains("unsafe-inline"));
    }

    #[test]
    fn webkit_gets_no_wasm_preload_it_would_not_use() {
        let webkit = [
            // Safari on macOS and iOS, Chrome and Firefox on iOS (WebKit), WebKitGTK.
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/132.0 Mobile/15E148 Safari/605.1.15",
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
        ];
        for ua in webkit {
            assert!(!reuses_fetch_preloads(ua), "{ua}");
        }
        let others = [
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0",
            "",
        ];
        for ua in others {
            assert!(reuses_fetch_preloads(ua), "{ua}");
        }
    }
}
