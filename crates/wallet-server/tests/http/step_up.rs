//! Step-up (DESIGN.md *The shopper's account*): adding or removing a passkey, changing a
//! password, a transfer to a payee not paid before and one above
//! `transfer_step_up_above` each need the shopper to confirm it is them first — with a
//! one-time code to the verified contact or a passkey; a wallet with neither types its
//! login password again. A step-up holds in its own sign-in only, and the payment
//! password is never one.

use crate::common::passkey;
use crate::common::*;
use serde_json::json;

on_every_backend!(
    credential_changes_wait_for_a_step_up_that_holds_in_its_own_sign_in,
    a_new_payee_and_a_large_amount_wait_for_a_step_up_and_move_nothing_before,
    a_passkey_steps_up_and_a_code_for_another_purpose_does_not,
);

const CONTACT: &str = "+8613800000002";

/// The alert on a page, or the page.
fn alert(page: &str) -> String {
    between(page, r#"role="alert">"#, "</p>").unwrap_or_else(|| page.to_owned())
}

async fn credential_changes_wait_for_a_step_up_that_holds_in_its_own_sign_in(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.post(
        "/v1/wallets",
        Some(ADMIN_KEY),
        &json!({"shopper_id": "uma", "currency": "CNY", "payment_password": "402719",
                "login_password": LOGIN_PASSWORD, "contact": CONTACT}),
    )
    .await
    .ok();
    let uma = Shopper::sign_in(&server, "uma").await;
    let other_tab = Shopper::sign_in(&server, "uma").await;
    let change = [
        ("current", "402719"),
        ("new", "864213"),
        ("confirm", "864213"),
    ];
    for (path, form) in [
        ("/wallet/security/password?locale=en", &change[..]),
        (
            "/wallet/security/passkeys/new?locale=en",
            &[("name", "Phone")][..],
        ),
        (
            "/wallet/security/passkeys/remove?locale=en",
            &[("id", "pk_x")][..],
        ),
    ] {
        let (_, page) = uma.post(path, form).await;
        assert!(alert(&page).contains("you first"), "{path}: {page}");
    }
    // The payment password is no step-up, and with a contact the login password is none.
    let (_, page) = uma
        .post(
            "/wallet/step-up/login?locale=en",
            &[("login_password", LOGIN_PASSWORD)],
        )
        .await;
    assert!(alert(&page).contains("you first"), "{page}");
    let (_, page) = uma.post("/wallet/step-up/code/send?locale=en", &[]).await;
    assert!(
        page.contains("+86•••"),
        "the code goes to the contact: {page}"
    );
    let (_, page) = uma
        .post("/wallet/step-up/code?locale=en", &[("code", "000000")])
        .await;
    assert!(alert(&page).contains("tries left"), "{page}");
    uma.step_up().await;
    let (_, page) = uma
        .post("/wallet/security/password?locale=en", &change)
        .await;
    assert!(page.contains("was changed"), "{page}");
    // The other tab never stepped up, and the change signed it out anyway.
    let (status, location) = other_tab
        .post("/wallet/security/password?locale=en", &change)
        .await;
    assert_eq!((status, location.as_str()), (303, "/wallet/"), "signed out");
}

async fn a_new_payee_and_a_large_amount_wait_for_a_step_up_and_move_nothing_before(
    backend: Backend,
) {
    let server = Server::start_with(backend, &[("BC_TRANSFER_STEP_UP_ABOVE", "50.00")]).await;
    let api = Api::new(&server);
    api.create_wallet("vera", "402719", "100.00").await;
    api.create_wallet("walt", "402719", "0").await;
    let vera = Shopper::sign_in(&server, "vera").await;
    let form = [("to", "walt"), ("amount", "10.00")];
    let (_, page) = vera.post("/wallet/transfer?locale=en", &form).await;
    assert!(
        page.contains("data-step-up-required") && !page.contains(r#"name="password""#),
        "no confirmation before a step-up: {page}"
    );
    // A forged confirmation with the right payment password moves nothing.
    let (_, page) = vera
        .post(
            "/wallet/transfer/confirm?locale=en",
            &[
                ("id", "tr_forged000000000000000000"),
                ("to", "walt"),
                ("amount", "10.00"),
                ("password", "402719"),
            ],
        )
        .await;
    assert!(alert(&page).contains("you first"), "{page}");
    assert_eq!(api.wallet("walt").await.balance, d("0"));
    vera.step_up().await;
    let id = vera.review("walt", "10.00").await;
    assert!(vera
        .confirm(&id, "walt", "10.00", "402719")
        .await
        .contains("data-transferred"));

    // Walt is paid before now: a small amount needs no step-up in a new sign-in, a large one does.
    let again = Shopper::sign_in(&server, "vera").await;
    let id = again.review("walt", "5.00").await;
    assert!(again
        .confirm(&id, "walt", "5.00", "402719")
        .await
        .contains("data-transferred"));
    let (_, page) = again
        .post(
            "/wallet/transfer?locale=en",
            &[("to", "walt"), ("amount", "50.01")],
        )
        .await;
    assert!(page.contains("data-step-up-required"), "{page}");
    assert_eq!(api.wallet("walt").await.balance, d("15.00"));
    check_ledger_storage(&server).await;
}

async fn a_passkey_steps_up_and_a_code_for_another_purpose_does_not(backend: Backend) {
    let server = Server::start(backend).await;
    let mut key = passkey::enrol(&server, DEMO_SHOPPER, "My phone").await;
    let browser = Shopper::sign_in(&server, DEMO_SHOPPER).await;
    // A forgotten-PIN code is not a step-up code.
    browser
        .post("/wallet/security/reset/send?locale=en", &[])
        .await;
    let code = browser.newest_code().await;
    let (_, page) = browser
        .post("/wallet/step-up/code?locale=en", &[("code", &code)])
        .await;
    assert!(alert(&page).contains("expired or was used up"), "{page}");
    let (status, location) = passkey::step_up(&server, &browser, &mut key).await;
    assert_eq!((status, location.as_str()), (303, "/wallet/security"));
    assert!(browser
        .page("/wallet/security?locale=en")
        .await
        .contains("data-stepped-up"));
}
