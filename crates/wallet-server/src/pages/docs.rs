//! The wallet's documentation: the API reference at `/docs` (the OpenAPI document
//! `GET /v1/openapi.json` drawn by Redoc, a maintained static renderer, from the widget
//! directory's `docs/redoc.standalone.js`, which Trunk copies from the pinned npm
//! package) and the repository's guides at `/docs/{page}`, rendered from their Markdown
//! with pulldown-cmark at first request. An error's `doc_url` lands on its entry of the
//! merchant guide (`/docs/guide#error-<code>`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::extract::Path as UrlPath;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::util::html_escape;

/// One Markdown file of the repository's `docs/`, served at `/docs/{slug}`.
struct Doc {
    slug: &'static str,
    file: &'static str,
    title: &'static str,
    markdown: &'static str,
}

const DOCS: [Doc; 5] = [
    Doc {
        slug: "guide",
        file: "merchant-guide.md",
        title: "Merchant guide",
        markdown: include_str!("../../../../docs/merchant-guide.md"),
    },
    Doc {
        slug: "widget",
        file: "widget.md",
        title: "Embedding the checkout",
        markdown: include_str!("../../../../docs/widget.md"),
    },
    Doc {
        slug: "webhooks",
        file: "webhooks.md",
        title: "Webhooks",
        markdown: include_str!("../../../../docs/webhooks.md"),
    },
    Doc {
        slug: "design",
        file: "DESIGN.md",
        title: "Product design and contract",
        markdown: include_str!("../../../../docs/DESIGN.md"),
    },
    Doc {
        slug: "design-notes",
        file: "DESIGN-NOTES.md",
        title: "Design notes",
        markdown: include_str!("../../../../docs/DESIGN-NOTES.md"),
    },
];

const CSS: &str = include_str!("../assets/docs.css");

/// The guides: only our own stylesheet, no script.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// Redoc's bundle draws with styled-components (inline styles) and searches in a worker.
const REFERENCE_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
    connect-src 'self'; worker-src blob:; base-uri 'none'; form-action 'none'; \
    frame-ancestors 'none'";

const REFERENCE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Balance Checkout API reference</title></head>
<body><redoc spec-url="/v1/openapi.json"></redoc>
<script src="/docs/redoc.standalone.js"></script></body></html>"#;

/// The renderer's bundle, if the widget directory holds it.
type Renderer = Option<Arc<Vec<u8>>>;

/// `/docs`, `/docs/redoc.standalone.js`, `/docs/docs.css` and `/docs/{page}`; the bundle
/// is read once, from `<widget_dir>/docs/redoc.standalone.js`.
pub fn routes(widget_dir: &Path) -> Router<crate::http::state::AppState> {
    let bundle: Renderer = std::fs::read(widget_dir.join("docs/redoc.standalone.js"))
        .ok()
        .map(Arc::new);
    Router::new()
        .route("/docs", get(reference))
        .route("/docs/docs.css", get(css))
        .route("/docs/{page}", get(page))
        .route(
            "/docs/redoc.standalone.js",
            get(move || renderer(bundle.clone())),
        )
}

fn with_csp(mut response: Response, csp: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(csp),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

async fn reference() -> Response {
    with_csp(Html(REFERENCE).into_response(), REFERENCE_CSP)
}

async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

async fn renderer(bundle: Renderer) -> Response {
    match bundle {
        Some(bytes) => {
            let content_type = "text/javascript; charset=utf-8";
            ([(header::CONTENT_TYPE, content_type)], bytes.to_vec()).into_response()
        }
        None => (
            StatusCode::NOT_FOUND,
            "The API reference's renderer is not in the widget directory: run scripts/setup.sh, then trunk build --release. The OpenAPI document is at /v1/openapi.json.",
        )
            .into_response(),
    }
}

async fn page(UrlPath(slug): UrlPath<String>) -> Response {
    static RENDERED: OnceLock<Vec<String>> = OnceLock::new();
    let rendered = RENDERED.get_or_init(|| DOCS.iter().map(render_page).collect());
    match DOCS.iter().position(|d| d.slug == slug) {
        Some(i) => with_csp(Html(rendered[i].clone()).into_response(), PAGE_CSP),
        None => crate::error::route_not_found().await.into_response(),
    }
}

fn render_page(doc: &Doc) -> String {
    let nav: String = DOCS
        .iter()
        .map(|d| format!(r#"<a href="/docs/{}">{}</a>"#, d.slug, html_escape(d.title)))
        .collect::<Vec<_>>()
        .join(" · ");
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Balance Checkout</title><link rel="stylesheet" href="/docs/docs.css"></head>
<body><nav><a href="/docs">API reference</a> · {nav}</nav><main>{body}</main></body></html>"#,
        title = html_escape(doc.title),
        body = render(doc.markdown),
    )
}

/// GitHub's heading anchors: lower case, letters, digits, `-` and `_` kept, spaces to `-`,
/// the rest dropped; a repeated one gets `-1`, `-2`, ….
fn slug(text: &str, seen: &mut HashMap<String, usize>) -> String {
    let base: String = text
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect();
    let n = seen.entry(base.clone()).or_insert(0);
    let slug = if *n == 0 {
        base.clone()
    } else {
        format!("{base}-{n}")
    };
    *n += 1;
    slug
}

/// A link between the repository's docs, to their pages here (`widget.md#x` →
/// `/docs/widget#x`); any other link as written.
fn link(dest: &str) -> Option<String> {
    let (file, fragment) = dest
        .split_once('#')
        .map_or((dest, None), |(f, x)| (f, Some(x)));
    let file = file.trim_start_matches("./").trim_start_matches("docs/");
    let doc = DOCS.iter().find(|d| d.file == file)?;
    Some(match fragment {
        Some(x) => format!("/docs/{}#{x}", doc.slug),
        None => format!("/docs/{}", doc.slug),
    })
}

/// The Markdown as HTML (tables on), headings with GitHub's anchors, links between the
/// docs pointed at their pages. The Markdown is the repository's own: its raw HTML (the
/// guide's `<a id="error-…">` anchors) passes through.
fn render(markdown: &str) -> String {
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut seen = HashMap::new();
    let mut out = Vec::with_capacity(events.len());
    for (i, event) in events.iter().enumerate() {
        out.push(match event {
            Event::Start(Tag::Heading {
                level,
                id: None,
                classes,
                attrs,
            }) => {
                let text: String = events[i + 1..]
                    .iter()
                    .take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_))))
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(slug(&text, &mut seen))),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type: *link_type,
                dest_url: link(dest_url).map_or_else(|| dest_url.clone(), CowStr::from),
                title: title.clone(),
                id: id.clone(),
            }),
            other => other.clone(),
        });
    }
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_code_has_its_entry_in_the_guide() {
        let guide = render(DOCS[0].markdown);
        for code in checkout_core::ErrorCode::ALL {
            let anchor = format!(r#"id="error-{}""#, code.code());
            assert!(
                guide.contains(&anchor),
                "docs/merchant-guide.md lacks {anchor}"
            );
        }
    }

    #[test]
    fn headings_get_githubs_anchors_and_doc_links_their_pages() {
        let html = render("# Sessions\n\n## From test to live\n\n## Sessions\n\n[w](widget.md#events) [x](https://example.com/a.md)");
        assert!(html.contains(r#"<h1 id="sessions">"#), "{html}");
        assert!(html.contains(r#"<h2 id="from-test-to-live">"#), "{html}");
        assert!(html.contains(r#"<h2 id="sessions-1">"#), "{html}");
        assert!(html.contains(r#"href="/docs/widget#events""#), "{html}");
        assert!(
            html.contains(r#"href="https://example.com/a.md""#),
            "{html}"
        );
    }
}
