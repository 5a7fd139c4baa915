//! The wallet's embeddable surface under `/balance-checkout/v1/` (DESIGN.md *Embedding*):
//! the frame document of a session, the widget's files with their cache headers, and the
//! Subresource Integrity hashes of those files (`sri.json`).
//!
//! The files are read once, at start, from the widget directory (Trunk's output): what is
//! served is exactly what was hashed, and a file added later is not served by accident.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine as _;
use sha2::{Digest, Sha384};
use tower_http::compression::CompressionLayer;

use crate::http::state::AppState;

/// Where everything of this release lives; a new major version gets a new prefix.
pub const PREFIX: &str = "/balance-checkout/v1";

/// The placeholder in the frame template (`index.html`) that the server replaces with the
/// session merchant's allowed origins, comma-separated.
pub const ORIGINS_TOKEN: &str = "__BC_ALLOWED_ORIGINS__";

/// Cache lifetime of files whose name does not change with their content (`loader.js`,
/// `sri.json`): a release reaches merchants' pages within five minutes.
const SHORT_CACHE: &str = "public, max-age=300";
/// Files named by their content's hash never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One widget file in memory.
#[derive(Debug, Clone)]
struct File {
    bytes: Bytes,
    content_type: &'static str,
    /// `sha384-…`, as an `integrity` attribute takes it.
    integrity: String,
}

/// The widget directory as read at start.
#[derive(Debug, Default)]
pub struct Assets {
    files: BTreeMap<String, File>,
    /// `index.html`: the frame document's template, with the preload links.
    template: Option<FrameTemplate>,
}

/// The frame document's template in its two forms: with the wasm's preload link, and
/// without it for browsers that would download the wasm twice ([`reuses_fetch_preloads`]).
#[derive(Debug)]
struct FrameTemplate {
    with_wasm_preload: String,
    without_wasm_preload: String,
}

/// Whether the browser of this `User-Agent` hands a `<link rel="preload" as="fetch">`
/// response to the page's `fetch()` of the same URL. Chromium and Firefox do. WebKit
/// (Safari, and every browser on iOS, whose user agents carry `AppleWebKit/` without
/// `Chrome/`) does not, not even once the preload has finished: it downloads the file a
/// second time (docs/DESIGN-NOTES.md, *Engines*). Unknown or absent: yes, as before.
#[must_use]
pub fn reuses_fetch_preloads(user_agent: &str) -> bool {
    let webkit = user_agent.contains("AppleWebKit/");
    let chromium = user_agent.contains("Chrome/") || user_agent.contains("Chromium/");
    !webkit || chromium
}

/// `sha384-<base64>` of bytes, the form of an `integrity` attribute.
#[must_use]
pub fn integrity(bytes: &[u8]) -> String {
    let digest = Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Trunk's `filehash` names: `name-<16 hex>.ext` or `name-<16 hex>_bg.wasm`.
#[must_use]
pub fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl Assets {
    /// Reads the widget directory's top-level files. A missing directory gives no files
    /// (the demo says how to build them); an unreadable file is an error.
    pub fn load(dir: &Path) -> Result<Assets, String> {
        let mut assets = Assets::default();
        let mut template = None;
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Ok(assets);
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else {
                continue;
            };
            if !path.is_file() {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|e| {
                format!(
                    "cannot read the widget file {}: {e}; rebuild it with `trunk build --release`",
                    path.display()
                )
            })?;
            if name == "index.html" {
                let text = String::from_utf8(bytes)
                    .map_err(|_| format!("{} is not UTF-8; rebuild the widget", path.display()))?;
                if text.contains(ORIGINS_TOKEN) {
                    template = Some(text);
                } else {
                    // An old build: the frame answers 503 until the widget is rebuilt.
                    tracing::warn!(
                        "{} has no {ORIGINS_TOKEN} placeholder: it is not the frame template of this server version; rebuild the widget with `trunk build --release`",
                        path.display()
                    );
                }
                continue;
            }
            let file = File {
                integrity: integrity(&bytes),
                content_type: content_type(&name),
                bytes: Bytes::from(bytes),
            };
            assets.files.insert(name, file);
        }
        assets.template = template.and_then(|t| assets.with_preloads(&t));
        Ok(assets)
    }

    /// The template with the preload links of the glue and the wasm (hashed names, with
    /// their integrity) before `</head>`: the parser starts both downloads at once, and
    /// `frame.js` finds the files through these links (the wasm's address is also on the
    /// glue's link, `data-wasm`, for the form without the wasm's preload). Trunk writes
    /// none when told not to inject its inline script, so the server, which hashed the
    /// files, writes them.
    fn with_preloads(&self, template: &str) -> Option<FrameTemplate> {
        let find = |suffix: &str| {
            self.files.iter().find(|(name, _)| {
                name.starts_with("balance-checkout-") && name.ends_with(suffix) && is_hashed(name)
            })
        };
        let (Some((glue, g)), Some((wasm, _))) = (find(".js"), find("_bg.wasm")) else {
            tracing::warn!("the widget directory has no hashed glue and wasm (balance-checkout-<hash>.js and _bg.wasm); rebuild it with `trunk build --release`");
            return None;
        };
        // No `integrity` on the wasm's preload: Chromium ignores it for `as="fetch"` and
        // says so in the console; the file is same-origin, served from memory.
        let glue_link = format!(
            r#"<link rel="modulepreload" href="{PREFIX}/{glue}" integrity="{}" crossorigin="anonymous" data-wasm="{PREFIX}/{wasm}">"#,
            g.integrity
        );
        let wasm_link = format!(
            r#"<link rel="preload" href="{PREFIX}/{wasm}" as="fetch" type="application/wasm" crossorigin="anonymous">"#
        );
        let Some(at) = template.find("</head>") else {
            tracing::warn!("the frame template has no </head>; rebuild the widget");
            return None;
        };
        let (head, rest) = template.split_at(at);
        Some(FrameTemplate {
            with_wasm_preload: format!("{head}{glue_link}{wasm_link}{rest}"),
            without_wasm_preload: format!("{head}{glue_link}{rest}"),
        })
    }

    /// `{"loader.js": "sha384-…", …}` for every served file.
    #[must_use]
    pub fn sri_json(&self) -> String {
        let map: BTreeMap<&str, &str> = self
            .files
            .iter()
            .map(|(name, f)| (name.as_str(), f.integrity.as_str()))
            .collect();
        serde_json::to_string_pretty(&map).unwrap_or_else(|_| "{}".to_owned())
    }
}

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

async fn asset(State(s): State<FrameState>, UrlPath(file): UrlPath<String>) -> Response {
    let Some(f) = s.assets.files.get(&file) else {
        return not_found(&format!("{PREFIX}/{file}"));
    };
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
        ],
        f.bytes.clone(),
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

/// The frame's Content-Security-Policy: our own files only, no inline code, and only
/// the merchant's pages may frame it.
#[must_use]
pub fn frame_csp(ancestors: &[String]) -> String {
    let ancestors = if ancestors.is_empty() {
        "'none'".to_owned()
    } else {
        ancestors.join(" ")
    };
    format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; \
         frame-ancestors {ancestors}"
    )
}

/// The allowed origins of the session's merchant; `None` for an unknown session.
async fn merchant_origins(
    state: &AppState,
    session_id: &str,
) -> Result<Option<Vec<String>>, Response> {
    if session_id.is_empty() || session_id.len() > 64 {
        return Ok(None);
    }
    let row = crate::store::db::rows::load_session(&state.db.pool, session_id)
        .await
        .map_err(|e| crate::error::ServerError::from(e).into_response())?;
    Ok(row.map(|r| {
        state
            .config
            .merchant_by_id(&r.merchant_id, r.livemode)
            .map(|m| m.allowed_origins.clone())
            .unwrap_or_default()
    }))
}

async fn frame(
    State(s): State<FrameState>,
    UrlPath(session_id): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let origins = match merchant_origins(&s.app, &session_id).await {
        Ok(Some(origins)) => origins,
        Ok(None) => return not_found("checkout session"),
        Err(response) => return response,
    };
    let Some(template) = &s.assets.template else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_SECURITY_POLICY, frame_csp(&[]))],
            "the checkout is not built on this server: run `trunk build --release` and restart it",
        )
            .into_response();
    };
    let list = crate::util::html_escape(&origins.join(","));
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let template = if reuses_fetch_preloads(user_agent) {
        &template.with_wasm_preload
    } else {
        &template.without_wasm_preload
    };
    let html = template.replace(ORIGINS_TOKEN, &list);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::CONTENT_SECURITY_POLICY, frame_csp(&origins)),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::REFERRER_POLICY, "same-origin".to_owned()),
            (header::VARY, "User-Agent".to_owned()),
        ],
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
        let csp = frame_csp(&["https://shop.example".to_owned()]);
        assert!(csp.ends_with("frame-ancestors https://shop.example"));
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval';"));
        assert!(frame_csp(&[]).ends_with("frame-ancestors 'none'"));
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
