//! The page that runs one passkey ceremony on the wallet pages (adding a passkey, a
//! step-up): nothing on it but the device's prompt, the wallet's one script
//! (`/wallet/passkeys.js`) and the form that posts the answer.

use axum::http::StatusCode;
use axum::response::Response;

use super::account_text::account_text;
use super::text::text;
use super::{html_with, layout};
pub(super) use crate::pages::passkey_button::Ceremony;
use crate::pages::passkey_button::{self, Words};

/// The ceremony page runs only the wallet's own script, and posts only to itself.
pub(super) const CEREMONY_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'self'; \
     frame-ancestors 'none'";

/// The page that runs one passkey ceremony with the server's `options`, then posts the
/// device's answer as `credential`, with `hidden` fields, to `action`.
pub(super) fn ceremony(
    lang: crate::http::lang::Lang,
    title: &str,
    options: &impl serde::Serialize,
    (ceremony, action, hidden): (Ceremony, &str, &[(&str, &str)]),
    cancel_href: &str,
) -> Response {
    let t = text(lang);
    let a = account_text(lang);
    let (failed, unsupported) = match ceremony {
        Ceremony::Get { .. } => (a.passkey_get_failed, a.passkey_get_unsupported),
        Ceremony::Create => (t.passkey_failed, t.passkey_unsupported),
    };
    let words = Words {
        label: t.continue_,
        failed,
        unsupported,
    };
    let body = format!(
        r#"<section class="card"><p>{lead}</p>
{section}
<p><a href="{cancel_href}">{cancel}</a></p></section>"#,
        lead = t.passkey_confirm_lead,
        section = passkey_button::section(options, ceremony, &words, (action, hidden)),
        cancel = t.cancel,
    );
    html_with(
        StatusCode::OK,
        layout(t, lang, title, &body, true, cancel_href),
        None,
        CEREMONY_CSP,
    )
}
