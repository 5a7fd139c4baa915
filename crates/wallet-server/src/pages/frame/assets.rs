//! The widget's files as read at start: their bytes, types and integrity hashes, and the
//! frame document's template with the preload links of the glue and the wasm and
//! `frame.js` inline (its CSP hash beside it).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;
use std::sync::OnceLock;

use axum::body::Bytes;
use base64::Engine as _;
use sha2::{Digest, Sha256, Sha384};

use super::{ORIGINS_TOKEN, PREFIX};

/// One widget file in memory.
#[derive(Debug, Clone)]
pub(super) struct File {
    pub(super) bytes: Bytes,
    pub(super) content_type: &'static str,
    /// `sha384-…`, as an `integrity` attribute takes it.
    integrity: String,
    /// Brotli (quality 11) and gzip (level 9) of `bytes`, made on the first request that
    /// accepts them: every shopper downloads these files, the server compresses each once.
    br: OnceLock<Bytes>,
    gz: OnceLock<Bytes>,
}

/// Whether an `Accept-Encoding` value accepts `coding` (listed, with no `q=0`).
fn accepts(accept: &str, coding: &str) -> bool {
    accept.split(',').any(|part| {
        let mut it = part.split(';');
        let name = it.next().unwrap_or("").trim();
        let q = it
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        name.eq_ignore_ascii_case(coding) && q > 0.0
    })
}

impl File {
    /// The body for a request whose `Accept-Encoding` is `accept`: brotli, else gzip, else
    /// the bytes; with its `Content-Encoding`. Only text and wasm are compressed.
    pub(super) fn encoded(&self, accept: &str) -> (Option<&'static str>, Bytes) {
        let compressible = self.content_type.starts_with("text/")
            || matches!(
                self.content_type,
                "application/wasm" | "application/json" | "image/svg+xml"
            );
        if compressible && accepts(accept, "br") {
            let br = self.br.get_or_init(|| {
                let mut out = Vec::new();
                let params = brotli::enc::BrotliEncoderParams {
                    quality: 11,
                    ..Default::default()
                };
                match brotli::BrotliCompress(&mut &self.bytes[..], &mut out, &params) {
                    Ok(_) => Bytes::from(out),
                    Err(_) => Bytes::new(),
                }
            });
            if !br.is_empty() {
                return (Some("br"), br.clone());
            }
        }
        if compressible && accepts(accept, "gzip") {
            let gz = self.gz.get_or_init(|| {
                let mut enc =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                match enc.write_all(&self.bytes).and_then(|()| enc.finish()) {
                    Ok(out) => Bytes::from(out),
                    Err(_) => Bytes::new(),
                }
            });
            if !gz.is_empty() {
                return (Some("gzip"), gz.clone());
            }
        }
        (None, self.bytes.clone())
    }
}

/// A file with its name.
type Named<'a> = (&'a String, &'a File);

/// The widget directory as read at start.
#[derive(Debug, Default)]
pub struct Assets {
    pub(super) files: BTreeMap<String, File>,
    /// `index.html`: the frame document's template, with the preload links.
    pub(super) template: Option<FrameTemplate>,
}

/// The frame document's template in its two forms: with the wasm's preload link, and
/// without it for browsers that would download the wasm twice ([`reuses_fetch_preloads`]).
#[derive(Debug)]
pub(super) struct FrameTemplate {
    pub(super) with_wasm_preload: String,
    pub(super) without_wasm_preload: String,
    /// The wasm's preload as a `Link` header (RFC 8288), for the form that preloads it: the
    /// browser starts the largest download from the response's headers, before it parses
    /// the document. Not the glue's: a header cannot carry its `integrity`, and a preload
    /// whose integrity differs from the document's is not reused (measured: the glue
    /// downloaded twice).
    pub(super) link_with_wasm: Option<String>,
    /// `'sha256-…'` of the inline `frame.js`, for the CSP's `script-src`; `None` when the
    /// template keeps `frame.js` as a file (a template without its script tag).
    pub(super) script_hash: Option<String>,
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
                br: OnceLock::new(),
                gz: OnceLock::new(),
            };
            assets.files.insert(name, file);
        }
        assets.template = template.and_then(|t| assets.with_preloads(&t));
        Ok(assets)
    }

    /// The glue's and the wasm's hashed names and files (`balance-checkout-<hash>.js`,
    /// `…_bg.wasm`).
    fn glue_and_wasm(&self) -> Option<(Named<'_>, Named<'_>)> {
        let find = |suffix: &str| {
            self.files.iter().find(|(name, _)| {
                name.starts_with("balance-checkout-") && name.ends_with(suffix) && is_hashed(name)
            })
        };
        find(".js").zip(find("_bg.wasm"))
    }

    /// The template without its `<script … frame.js …></script>`, split where the preload
    /// links and `frame.js` itself (`<script>…</script>`) go: before the first `<link>` (the
    /// stylesheet), since an inline script waits for the stylesheets above it. And the CSP
    /// source of that inline script. The frame's script then starts as the document
    /// arrives (the session's request) instead of one round trip later.
    fn inline_frame_js(&self, template: &str) -> Option<(String, String, String, String)> {
        // The HTML parser turns CR LF into LF before the browser hashes the script: so here.
        let js = std::str::from_utf8(&self.files.get("frame.js")?.bytes)
            .ok()?
            .replace("\r\n", "\n");
        if js.contains("</script") {
            return None;
        }
        let at = template.find("frame.js")?;
        let start = template[..at].rfind("<script")?;
        let end = at + template[at..].find("</script>")? + "</script>".len();
        let rest = format!("{}{}", &template[..start], &template[end..]);
        let split = rest.find("<link")?;
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&js));
        Some((
            rest[..split].to_owned(),
            format!("<script>{js}</script>"),
            rest[split..].to_owned(),
            format!("'sha256-{hash}'"),
        ))
    }

    /// The template with the preload links of the glue and the wasm (hashed names, with
    /// their integrity) and `frame.js` inline, before the stylesheet (or, without an inline
    /// script, before `</head>`): the parser starts both downloads at once, and
    /// `frame.js` finds the files through these links (the wasm's address is also on the
    /// glue's link, `data-wasm`, for the form without the wasm's preload). Trunk writes
    /// none when told not to inject its inline script, so the server, which hashed the
    /// files, writes them.
    fn with_preloads(&self, template: &str) -> Option<FrameTemplate> {
        let Some(((glue, g), (wasm, _))) = self.glue_and_wasm() else {
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
        // The links go before `frame.js` (inline, it runs where it stands and reads them);
        // without an inline script, before `</head>`.
        let (head, script, rest, script_hash) = match self.inline_frame_js(template) {
            Some((head, script, rest, hash)) => (head, script, rest, Some(hash)),
            None => {
                let Some(at) = template.find("</head>") else {
                    tracing::warn!("the frame template has no </head>; rebuild the widget");
                    return None;
                };
                let (head, rest) = template.split_at(at);
                (head.to_owned(), String::new(), rest.to_owned(), None)
            }
        };
        let wasm_header = format!(
            "<{PREFIX}/{wasm}>; rel=preload; as=fetch; type=application/wasm; crossorigin=anonymous"
        );
        Some(FrameTemplate {
            with_wasm_preload: format!("{head}{glue_link}{wasm_link}{script}{rest}"),
            without_wasm_preload: format!("{head}{glue_link}{script}{rest}"),
            link_with_wasm: Some(wasm_header),
            script_hash,
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

#[cfg(test)]
mod tests {
    use std::io::Read as _;
    use std::sync::OnceLock;

    use axum::body::Bytes;

    use super::{accepts, Assets, File};

    #[test]
    fn a_coding_is_accepted_unless_its_weight_is_zero() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("br;q=0.5, gzip", "br"));
        assert!(!accepts("br;q=0, gzip", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(!accepts("", "gzip"));
    }

    #[test]
    fn the_wasm_is_sent_brotli_or_gzip_compressed_once_and_text_the_same() {
        let bytes = Bytes::from(b"(module) ".repeat(2000));
        let file = File {
            bytes: bytes.clone(),
            content_type: "application/wasm",
            integrity: String::new(),
            br: OnceLock::new(),
            gz: OnceLock::new(),
        };
        let (coding, br) = file.encoded("gzip, br");
        assert_eq!(coding, Some("br"));
        assert!(br.len() < bytes.len() / 10);
        let mut plain = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, bytes);
        let (coding, gz) = file.encoded("gzip");
        assert_eq!(coding, Some("gzip"));
        let mut plain = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut plain)
            .unwrap();
        assert_eq!(plain, bytes);
        assert_eq!(file.encoded("identity"), (None, bytes));
    }

    /// A widget directory as Trunk writes it: the template (minified), the glue, the wasm,
    /// the CSS and `frame.js`.
    fn widget_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tmp");
        let files = [
            ("index.html", "<!doctype html><html lang=__BC_LANG__><meta content=__BC_ALLOWED_ORIGINS__ name=bc-allowed-origins><title>T</title><link href=/balance-checkout/v1/widget-0123456789abcdef.css rel=stylesheet><script defer src=/balance-checkout/v1/frame.js></script></head><body>__BC_FIRST_PAINT__<div id=bc-root></div></body></html>"),
            ("balance-checkout-0123456789abcdef.js", "export default function(){}"),
            ("balance-checkout-0123456789abcdef_bg.wasm", "\0asm\u{1}\0\0\0"),
            ("widget-0123456789abcdef.css", "body{}"),
            ("frame.js", "(function(){ var q = location.search; })();"),
        ];
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn frame_js_is_inline_before_the_stylesheet_under_its_csp_hash() {
        let dir = widget_dir();
        let assets = Assets::load(dir.path()).expect("load");
        let t = assets.template.expect("template");
        let js = "(function(){ var q = location.search; })();";
        for html in [&t.with_wasm_preload, &t.without_wasm_preload] {
            assert!(
                !html.contains("src=/balance-checkout/v1/frame.js"),
                "{html}"
            );
            let script = html
                .find(&format!("<script>{js}</script>"))
                .expect("inline");
            let glue = html.find("rel=\"modulepreload\"").expect("glue link");
            let css = html.find("rel=stylesheet").expect("css");
            assert!(
                glue < script && script < css,
                "links, then the script, then the CSS"
            );
        }
        assert!(!t.without_wasm_preload.contains("rel=\"preload\""));
        let digest = <sha2::Sha256 as sha2::Digest>::digest(js);
        let expected = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, digest);
        assert_eq!(t.script_hash, Some(format!("'sha256-{expected}'")));
    }
}
