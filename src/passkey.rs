//! "Pay with fingerprint" (DESIGN.md *Passkeys*): asks the backend for a challenge bound
//! to the intent (`POST /v1/sessions/{id}/passkey-challenge` `{intent}` → `{publicKey}`,
//! W3C WebAuthn Level 3 §5.5 options with binary fields in base64url), asks the device
//! (`navigator.credentials.get()`, user verification required), and answers the
//! assertion as JSON (§5.1 `PublicKeyCredential.toJSON()` shape) for the intent's body.
//! The frame is on the wallet's origin, so the merchant's page never sees the ceremony.

use checkout_core::Intent;
use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

use crate::api::{fetch, into_result, ApiError, Code, Endpoint, RETRY};
use crate::wire;

/// Whether this browser can use a passkey here (`PublicKeyCredential` exists: WebAuthn
/// in a secure context, and the frame was allowed `publickey-credentials-get`).
#[must_use]
pub fn supported() -> bool {
    web_sys::window().is_some_and(|w| {
        Reflect::get(&w, &JsValue::from_str("PublicKeyCredential")).is_ok_and(|v| !v.is_undefined())
    })
}

/// Confirms `intent` with one of the wallet's passkeys; the assertion as a JSON object
/// text, to send as the intent's `passkey`.
///
/// # Errors
/// The backend's (`passkey_not_enrolled`, `method_unavailable`, `session_expired`, …),
/// the network's, or `passkey_canceled` when the device did not confirm (the shopper
/// canceled, verification failed, or no passkey of this wallet is on this device).
pub async fn authorize(endpoint: &Endpoint, intent: &Intent) -> Result<String, ApiError> {
    let url = endpoint.url(&format!(
        "/v1/sessions/{}/passkey-challenge",
        endpoint.session_id
    ));
    let body = format!(r#"{{"intent":{}}}"#, crate::json::intent(intent));
    let headers = [
        ("Authorization", endpoint.authorization()),
        ("Content-Type", "application/json".to_owned()),
    ];
    let options = into_result(fetch("POST", &url, &headers, Some(&body), RETRY.timeout_ms).await)?;
    let bad = |e: String| ApiError::new(Code::InvalidResponse, e);
    let public_key = request_options(&options).map_err(bad)?;
    let credential = ask_device(&public_key)
        .await
        .map_err(|_| ApiError::new(Code::PasskeyCanceled, ""))?;
    assertion_json(&credential).map_err(bad)
}

/// The options with their base64url fields turned into bytes, as `get()` takes them.
fn request_options(json: &str) -> wire::Result<JsValue> {
    let public_key = wire::field(&wire::parse(json)?, "publicKey");
    let challenge = wire::string(&public_key, "challenge")?;
    set(&public_key, "challenge", &bytes(&challenge)?);
    if let Ok(list) = wire::field(&public_key, "allowCredentials").dyn_into::<Array>() {
        for c in list.iter() {
            let id = wire::string(&c, "id")?;
            set(&c, "id", &bytes(&id)?);
        }
    }
    Ok(public_key)
}

async fn ask_device(public_key: &JsValue) -> Result<JsValue, JsValue> {
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let credentials = Reflect::get(&window.navigator(), &JsValue::from_str("credentials"))?;
    let get: Function = Reflect::get(&credentials, &JsValue::from_str("get"))?.dyn_into()?;
    let options = Object::new();
    set(&options, "publicKey", public_key);
    let promise: Promise = get.call1(&credentials, &options)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// `{id, rawId, type, response: {authenticatorData, clientDataJSON, signature,
/// userHandle}, extensions: {}}`, binary fields in base64url without padding.
fn assertion_json(credential: &JsValue) -> wire::Result<String> {
    let response = wire::field(credential, "response");
    let b64 = |v: &JsValue, key: &str| -> wire::Result<JsValue> {
        let buffer = wire::field(v, key);
        if buffer.is_null() || buffer.is_undefined() {
            return Ok(JsValue::NULL);
        }
        Ok(JsValue::from_str(&base64url(
            &Uint8Array::new(&buffer).to_vec(),
        )))
    };
    let out = Object::new();
    set(
        &out,
        "id",
        &JsValue::from_str(&wire::string(credential, "id")?),
    );
    set(&out, "rawId", &b64(credential, "rawId")?);
    set(&out, "type", &JsValue::from_str("public-key"));
    let r = Object::new();
    for key in [
        "authenticatorData",
        "clientDataJSON",
        "signature",
        "userHandle",
    ] {
        set(&r, key, &b64(&response, key)?);
    }
    set(&out, "response", &r);
    set(&out, "extensions", &Object::new());
    js_sys::JSON::stringify(&out)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| "the passkey's answer cannot be written as JSON".to_owned())
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    // Only fails on a frozen object or a proxy, which these are not.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Base64url text (padded or not) as a `Uint8Array`.
fn bytes(text: &str) -> wire::Result<JsValue> {
    let window = web_sys::window().ok_or_else(|| "no window".to_owned())?;
    let mut b64: String = text
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while b64.len() % 4 != 0 {
        b64.push('=');
    }
    let binary = window
        .atob(&b64)
        .map_err(|_| format!("{text:?} is not base64url"))?;
    let data: Vec<u8> = binary
        .chars()
        .map(|c| u8::try_from(c).unwrap_or(0))
        .collect();
    Ok(Uint8Array::from(data.as_slice()).into())
}

/// Base64url without padding (RFC 4648 §5).
#[must_use]
pub fn base64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
            out.push(char::from(ALPHABET[index]));
        }
    }
    out
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn base64url_is_rfc_4648_section_5_without_padding() {
        // RFC 4648 §10's vectors, in the URL-safe alphabet without `=`.
        let cases = [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(super::base64url(plain.as_bytes()), encoded);
        }
        assert_eq!(super::base64url(&[0xfb, 0xff, 0xbf]), "-_-_");
    }
}
