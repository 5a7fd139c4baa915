//! The markup that runs one passkey ceremony on a page (the wallet pages and the consent
//! page): the server's options as JSON, the button `/wallet/passkeys.js` wires up, where
//! it says what went wrong, and the form it posts the device's answer with.

use crate::util::html_escape;

/// What the page says on the button and when the device does not answer.
pub struct Words<'a> {
    pub label: &'a str,
    pub failed: &'a str,
    pub unsupported: &'a str,
}

/// What the button asks the device: `create` (a new passkey) or `get` (an assertion; with
/// `conditional`, also offered in the account field's autofill).
#[derive(Clone, Copy)]
pub enum Ceremony {
    Create,
    Get { conditional: bool },
}

/// The section for `options` (any of webauthn-rs's challenge responses): the answer goes
/// as the field `credential`, with the `hidden` fields, to `action`.
#[must_use]
pub fn section(
    options: &impl serde::Serialize,
    ceremony: Ceremony,
    words: &Words<'_>,
    (action, hidden): (&str, &[(&str, &str)]),
) -> String {
    // Inside a <script> element only `<` could end it early.
    let json = serde_json::to_string(options)
        .unwrap_or_default()
        .replace('<', "\\u003c");
    let (kind, conditional) = match ceremony {
        Ceremony::Create => ("create", ""),
        Ceremony::Get { conditional: false } => ("get", ""),
        Ceremony::Get { conditional: true } => ("get", r#" data-conditional="true""#),
    };
    let hidden: String = hidden
        .iter()
        .map(|(name, value)| {
            format!(
                r#"<input type="hidden" name="{name}" value="{}">"#,
                html_escape(value)
            )
        })
        .collect();
    format!(
        r#"<script type="application/json" id="bc-passkey-options">{json}</script>
<p class="error" role="alert" id="bc-passkey-status" hidden></p>
<button class="primary" type="button" id="bc-passkey-continue" data-ceremony="{kind}"{conditional} data-failed="{failed}" data-unsupported="{unsupported}">{label}</button>
<form method="post" action="{action}" id="bc-passkey-finish"><input type="hidden" name="credential">{hidden}</form>
<script src="/wallet/passkeys.js"></script>"#,
        failed = html_escape(words.failed),
        unsupported = html_escape(words.unsupported),
        label = words.label,
        action = html_escape(action),
    )
}
