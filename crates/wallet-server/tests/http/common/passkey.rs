//! A shopper's phone with a passkey, as a software authenticator (webauthn-authenticator-rs's
//! `SoftPasskey`, user verification on): enrolled on the wallet's security page, then
//! answering the frame's payment challenges.

use checkout_core::IntentRequest;
use serde_json::{json, Value};
use webauthn_authenticator_rs::softpasskey::SoftPasskey;
use webauthn_authenticator_rs::WebauthnAuthenticator;
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse};

use super::api::{Api, Reply, Session};
use super::server::Server;
use super::shopper::{between, Shopper};

fn origin(server: &Server) -> url::Url {
    url::Url::parse(&server.url).expect("the server's URL")
}

/// Signs `shopper` in, steps up, adds a passkey named `name` on the security page, and
/// answers the authenticator that holds it.
pub async fn enrol(server: &Server, shopper: &str, name: &str) -> SoftPasskey {
    enrol_with_id(server, shopper, name).await.0
}

/// [`enrol`], with the credential's id (base64url).
pub async fn enrol_with_id(server: &Server, shopper: &str, name: &str) -> (SoftPasskey, String) {
    let browser = Shopper::sign_in(server, shopper).await;
    browser.step_up().await;
    let (status, page) = browser
        .post("/wallet/security/passkeys/new", &[("name", name)])
        .await;
    assert_eq!(status, 200, "{page}");
    let json = between(&page, r#"id="bc-passkey-options">"#, "</script>")
        .unwrap_or_else(|| panic!("no options on the page: {page}"));
    let mut options: CreationChallengeResponse = serde_json::from_str(&json).expect("options");
    let selection = options
        .public_key
        .authenticator_selection
        .as_mut()
        .expect("an authenticator selection");
    assert_eq!(
        serde_json::to_value(selection.authenticator_attachment).expect("attachment"),
        json!("platform"),
        "a platform authenticator is asked for"
    );
    // The software key is not a platform one; what a phone's would answer is the same.
    selection.authenticator_attachment = None;
    let mut key = SoftPasskey::new(true);
    let credential = key
        .do_registration(origin(server), options)
        .expect("the software passkey registers");
    let id = serde_json::to_value(&credential).expect("credential JSON")["id"]
        .as_str()
        .expect("a credential id")
        .to_owned();
    let credential = serde_json::to_string(&credential).expect("credential JSON");
    let (status, page) = browser
        .post("/wallet/security/passkeys", &[("credential", &credential)])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("Passkey added"), "{page}");
    assert!(page.contains(name), "the list names it: {page}");
    (key, id)
}

/// The sign-in page's (or the consent page's, at `path`) passkey answer as a phone with a
/// discoverable credential gives it: the options of the page, `key`'s assertion with
/// credential `id` (the software
/// key needs it named; a phone finds it itself), and the user handle `user` (base64url)
/// that a discoverable credential returns.
pub async fn sign_in_answer(
    server: &Server,
    browser: &Shopper,
    key: &mut SoftPasskey,
    path: &str,
    (id, user): (&str, &str),
) -> String {
    let page = browser.page(path).await;
    assert!(
        page.contains(r#"autocomplete="username webauthn""#),
        "{page}"
    );
    let json = between(&page, r#"id="bc-passkey-options">"#, "</script>")
        .unwrap_or_else(|| panic!("no passkey options on the sign-in page: {page}"));
    let mut options: Value = serde_json::from_str(&json).expect("options");
    assert_eq!(options["mediation"], json!("conditional"), "{options}");
    assert!(options["publicKey"]["allowCredentials"]
        .as_array()
        .is_none_or(Vec::is_empty));
    options["publicKey"]["allowCredentials"] = json!([{"type": "public-key", "id": id}]);
    let options: RequestChallengeResponse = serde_json::from_value(options).expect("options");
    let assertion = key
        .do_authentication(origin(server), options)
        .expect("the software passkey asserts");
    let mut answer = serde_json::to_value(&assertion).expect("assertion JSON");
    answer["response"]["userHandle"] = json!(user);
    answer.to_string()
}

/// `POST /v1/sessions/{id}/passkey-challenge` for `request`'s intent.
pub async fn challenge(api: &Api, s: &Session, request: &IntentRequest) -> Reply {
    api.post(
        &format!("/v1/sessions/{}/passkey-challenge", s.id),
        Some(&s.client_secret),
        &json!({ "intent": request.intent }),
    )
    .await
}

/// `request` with `key`'s assertion over `options` instead of a password.
pub fn with_assertion(
    server: &Server,
    key: &mut SoftPasskey,
    request: &IntentRequest,
    options: &Value,
) -> IntentRequest {
    let options: RequestChallengeResponse =
        serde_json::from_value(options.clone()).expect("request options");
    let assertion = key
        .do_authentication(origin(server), options)
        .expect("the software passkey asserts");
    let mut passkey = serde_json::to_value(&assertion).expect("assertion JSON");
    // As the frame writes it: no client extension outputs (none is asked for); the
    // software key's library lists each one as null.
    passkey["extensions"] = json!({});
    IntentRequest {
        intent: request.intent.clone(),
        payment_password: None,
        passkey: Some(passkey),
    }
}

/// What the frame does for "Pay with fingerprint": a challenge for `request`'s intent,
/// then `key`'s assertion over it in place of the password.
pub async fn confirm(
    server: &Server,
    key: &mut SoftPasskey,
    s: &Session,
    request: &IntentRequest,
) -> IntentRequest {
    let options = challenge(&Api::new(server), s, request).await;
    assert_eq!(options.status, 200, "{}", options.body);
    with_assertion(server, key, request, options.ok())
}

/// Confirms it is the shopper of `browser` ("step-up") with `key`: the wallet's ceremony
/// page, the software key's assertion over its options, posted back as the page's script
/// does; the answer's status and `Location` (or page).
pub async fn step_up(server: &Server, browser: &Shopper, key: &mut SoftPasskey) -> (u16, String) {
    let (status, page) = browser
        .post(
            "/wallet/step-up/passkey/new?locale=en",
            &[("next", "/wallet/security")],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(r#"data-ceremony="get""#), "{page}");
    let json = between(&page, r#"id="bc-passkey-options">"#, "</script>")
        .unwrap_or_else(|| panic!("no options on the page: {page}"));
    let options: RequestChallengeResponse = serde_json::from_str(&json).expect("options");
    let assertion = key
        .do_authentication(origin(server), options)
        .expect("the software passkey asserts");
    let credential = serde_json::to_string(&assertion).expect("assertion JSON");
    browser
        .post(
            "/wallet/step-up/passkey",
            &[("credential", &credential), ("next", "/wallet/security")],
        )
        .await
}
