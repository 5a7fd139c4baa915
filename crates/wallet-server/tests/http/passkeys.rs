//! Passkeys (DESIGN.md *Passkeys*) with a software authenticator that registers and
//! asserts as a phone's would (webauthn-authenticator-rs's `SoftPasskey`, user
//! verification on): added on the wallet's security page, then used to pay. An assertion
//! authorises only the intent its challenge was made for, once, within two minutes; a
//! failure counts against the wallet's lock like a wrong password.

use crate::common::passkey::{
    challenge, confirm, enrol, enrol_with_id, sign_in_answer, with_assertion,
};
use crate::common::*;
use checkout_core::{Choice, IntentRequest};
use serde_json::json;

on_every_backend!(
    a_passkey_added_on_the_wallet_page_pays_and_the_ledger_agrees,
    an_assertion_for_one_intent_does_not_authorise_another_amount,
    a_replayed_assertion_is_refused_and_moves_nothing,
    an_expired_challenge_is_refused,
    a_wallet_without_a_passkey_is_told_to_use_its_password,
    a_discoverable_passkey_signs_in_without_an_id_once_and_only_as_its_own_wallet,
    a_passkey_links_a_shop_on_the_consent_page_without_a_password,
);

async fn a_passkey_links_a_shop_on_the_consent_page_without_a_password(backend: Backend) {
    let server = Server::start(backend).await;
    let (mut key, id) = enrol_with_id(&server, DEMO_SHOPPER, "My phone").await;
    let (url, request) = request_link(&server, MERCHANT_KEY).await;
    let path = url
        .strip_prefix(&server.url)
        .expect("on the wallet")
        .to_owned();
    let browser = Shopper::browser(&server, DEMO_SHOPPER);
    let handle = user_handle(DEMO_SHOPPER);
    let answer = sign_in_answer(&server, &browser, &mut key, &path, (&id, &handle)).await;
    let (status, location) = browser
        .post(
            &format!("{path}?locale=en"),
            &[("action", "approve"), ("credential", &answer)],
        )
        .await;
    assert_eq!(status, 303, "{location}");
    let code = query_param(&location, "code").expect("a code for the shop");
    exchange(&server, MERCHANT_KEY, &request, &code).await.ok();
}

/// The user handle of `shopper`'s passkeys, base64url: 16 bytes of a SHA-256 of the id.
fn user_handle(shopper: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest =
        sha2::Sha256::digest([b"balance-checkout passkey user:", shopper.as_bytes()].concat());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..16])
}

async fn a_discoverable_passkey_signs_in_without_an_id_once_and_only_as_its_own_wallet(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let (mut key, id) = enrol_with_id(&server, DEMO_SHOPPER, "My phone").await;
    let browser = Shopper::browser(&server, DEMO_SHOPPER);
    let answer = sign_in_answer(
        &server,
        &browser,
        &mut key,
        "/wallet/?locale=en",
        (&id, &user_handle(DEMO_SHOPPER)),
    )
    .await;
    let (status, location) = browser
        .post("/wallet/sign-in/passkey", &[("credential", &answer)])
        .await;
    assert_eq!((status, location.as_str()), (303, "/wallet/"));
    assert!(browser
        .page("/wallet/?locale=en")
        .await
        .contains("data-available"));

    // The same answer again signs in no one.
    let stranger = Shopper::browser(&server, "nobody");
    let (status, page) = stranger
        .post(
            "/wallet/sign-in/passkey?locale=en",
            &[("credential", &answer)],
        )
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("expired"), "{page}");
    // A user handle naming another wallet does not sign in to it.
    let forged = sign_in_answer(
        &server,
        &stranger,
        &mut key,
        "/wallet/?locale=en",
        (&id, &user_handle("shopper_new")),
    )
    .await;
    let (_, page) = stranger
        .post(
            "/wallet/sign-in/passkey?locale=en",
            &[("credential", &forged)],
        )
        .await;
    assert!(page.contains("did not sign in"), "{page}");
    assert!(!stranger
        .page("/wallet/?locale=en")
        .await
        .contains("data-available"));
}

fn balance_only() -> Choice {
    Choice {
        use_balance: true,
        balance_cap: None,
    }
}

async fn a_passkey_added_on_the_wallet_page_pays_and_the_ledger_agrees(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut key = enrol(&server, DEMO_SHOPPER, "My phone").await;
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("50.00"))
        .await;
    assert_eq!(
        api.get_session(&session).await.ok()["wallet"]["passkey"],
        json!(true)
    );
    let prepared = api
        .prepare(&session, balance_only(), None, DEMO_PASSWORD)
        .await;
    let options = challenge(&api, &session, &prepared.request).await;
    assert_eq!(options.status, 200, "{}", options.body);
    let options = options.ok().clone();
    assert_eq!(options["publicKey"]["userVerification"], json!("required"));
    assert_eq!(options["publicKey"]["rpId"], json!("localhost"));

    let request = with_assertion(&server, &mut key, &prepared.request, &options);
    let reply = api
        .submit(&session, &serde_json::to_vec(&request).unwrap())
        .await;

    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.ok()["status"], json!("succeeded"));
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!((wallet.balance, wallet.held), (d("70.50"), d("0")));
    check_wallet_ledger(&api.ledger(DEMO_SHOPPER).await, &wallet);
    check_ledger_storage(&server).await;
}

async fn an_assertion_for_one_intent_does_not_authorise_another_amount(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut key = enrol(&server, DEMO_SHOPPER, "My phone").await;
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("50.00"))
        .await;
    // The challenge is asked for a balance cap of 10.00 ...
    let capped = Choice {
        use_balance: true,
        balance_cap: Some(checkout_core::Amount::parse("10.00").unwrap()),
    };
    let small = api
        .prepare(
            &session,
            capped,
            Some(checkout_core::Method::Alipay),
            DEMO_PASSWORD,
        )
        .await;
    let signed = confirm(&server, &mut key, &session, &small.request).await;
    // ... and its assertion is sent with the whole 50.00 from balance.
    let all = api
        .prepare(&session, balance_only(), None, DEMO_PASSWORD)
        .await;
    let forged = IntentRequest {
        intent: all.request.intent.clone(),
        payment_password: None,
        passkey: signed.passkey.clone(),
    };
    let reply = api
        .submit(&session, &serde_json::to_vec(&forged).unwrap())
        .await;

    let e = reply.error(403, "passkey_invalid");
    assert_eq!(
        e["attempts_left"],
        json!(4),
        "counted like a wrong password"
    );
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(
        (wallet.balance, wallet.held),
        (d("120.50"), d("0")),
        "nothing moved"
    );
    // The password still pays, and its success clears the count.
    let reply = api.pay(&session, true, None, DEMO_PASSWORD).await;
    assert_eq!(reply.status, 201, "{}", reply.body);
}

async fn a_replayed_assertion_is_refused_and_moves_nothing(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut key = enrol(&server, DEMO_SHOPPER, "My phone").await;
    let first = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api
        .prepare(&first, balance_only(), None, DEMO_PASSWORD)
        .await;
    let request = confirm(&server, &mut key, &first, &prepared.request).await;
    let body = serde_json::to_vec(&request).unwrap();
    assert_eq!(api.submit(&first, &body).await.status, 201);

    // The same assertion again, under a new idempotency key and a new nonce.
    let mut again = request.clone();
    again.intent.nonce = nonce();
    let reply = api
        .submit(&first, &serde_json::to_vec(&again).unwrap())
        .await;
    assert!(
        reply.status == 409 || reply.status == 410,
        "a paid session or a used challenge: {}",
        reply.body
    );
    // On a second, open session of the same wallet.
    let second = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let mut replay = api
        .prepare(&second, balance_only(), None, DEMO_PASSWORD)
        .await
        .request;
    replay.payment_password = None;
    replay.passkey = request.passkey.clone();
    let reply = api
        .submit(&second, &serde_json::to_vec(&replay).unwrap())
        .await;
    reply.error(410, "passkey_expired");
    let wallet = api.wallet(DEMO_SHOPPER).await;
    assert_eq!(wallet.balance, d("110.50"), "paid once");
}

async fn an_expired_challenge_is_refused(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let mut key = enrol(&server, DEMO_SHOPPER, "My phone").await;
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    let prepared = api
        .prepare(&session, balance_only(), None, DEMO_PASSWORD)
        .await;
    let request = confirm(&server, &mut key, &session, &prepared.request).await;
    // Two minutes pass (the clock of the stored challenge is moved back instead).
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(server.database_url()).await.unwrap();
    sqlx::query("UPDATE passkey_challenges SET expires_at = expires_at - 121")
        .execute(&db)
        .await
        .unwrap();
    db.close().await;

    let reply = api
        .submit(&session, &serde_json::to_vec(&request).unwrap())
        .await;

    reply.error(410, "passkey_expired");
    assert_eq!(api.wallet(DEMO_SHOPPER).await.balance, d("120.50"));
}

async fn a_wallet_without_a_passkey_is_told_to_use_its_password(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    let session = api
        .create_session(DEMO_SHOPPER, &one_item_cart("10.00"))
        .await;
    assert_eq!(
        api.get_session(&session).await.ok()["wallet"]["passkey"],
        json!(false)
    );
    let prepared = api
        .prepare(&session, balance_only(), None, DEMO_PASSWORD)
        .await;
    challenge(&api, &session, &prepared.request)
        .await
        .error(409, "passkey_not_enrolled");
    // Neither or both authorisations: a clear 400 naming the field.
    let mut neither = prepared.request.clone();
    neither.payment_password = None;
    let reply = api
        .submit(&session, &serde_json::to_vec(&neither).unwrap())
        .await;
    let e = reply.error(400, "invalid_request");
    assert_eq!(e["path"], json!("payment_password"), "{e}");
    // A field the assertion does not have: refused, like any unknown field.
    let mut odd = prepared.request.clone();
    odd.payment_password = None;
    odd.passkey = Some(json!({"id": "a", "rawId": "YQ", "type": "public-key",
        "response": {"authenticatorData": "", "clientDataJSON": "", "signature": "", "debug": true}}));
    let reply = api
        .submit(&session, &serde_json::to_vec(&odd).unwrap())
        .await;
    let e = reply.error(400, "invalid_request");
    assert_eq!(e["path"], json!("passkey.response.debug"), "{e}");
}
