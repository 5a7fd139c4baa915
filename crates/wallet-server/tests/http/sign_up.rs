//! Signing up on `/wallet/sign-up` (DESIGN.md *The shopper's account*, "Getting an
//! account"): a contact proven with a code from the sandbox inbox, then the login password
//! and the payment password, each typed twice. The new wallet is signed in, signs in again
//! with its contact, and pays with its payment password. Asking for a code answers the
//! same for a contact that already has a wallet; `serve` opens no sign-up unless told.

use crate::common::*;

on_every_backend!(
    a_shopper_signs_up_with_a_phone_signs_in_with_it_and_pays,
    a_contact_with_a_wallet_gets_the_same_answer_and_cannot_open_another,
    serve_opens_no_sign_up_unless_told,
);

const PHONE: &str = "+8613912345678";

fn alert(page: &str) -> String {
    between(page, r#"role="alert">"#, "</p>").unwrap_or_else(|| page.to_owned())
}

/// The completion form: the code, the login password and the payment password 402719.
fn completion<'a>(contact: &'a str, code: &'a str, login: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("contact", contact),
        ("code", code),
        ("login_password", login),
        ("login_confirm", login),
        ("password", "402719"),
        ("confirm", "402719"),
    ]
}

async fn a_shopper_signs_up_with_a_phone_signs_in_with_it_and_pays(backend: Backend) {
    let server = Server::start(backend).await;
    let browser = Shopper::browser(&server, PHONE);
    assert!(browser
        .page("/wallet/?locale=en")
        .await
        .contains(r#"href="/wallet/sign-up""#));
    let (_, page) = browser
        .post("/wallet/sign-up?locale=en", &[("contact", "13912345678")])
        .await;
    assert!(alert(&page).contains("country code"), "{page}");
    let (status, page) = browser
        .post("/wallet/sign-up?locale=en", &[("contact", PHONE)])
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("We sent a code to"), "{page}");
    let code = browser.newest_code().await;
    // A tester reads the same inbox as a page.
    let page = browser
        .http
        .get(format!("{}/v1/sandbox/messages", server.url))
        .header("accept", "text/html")
        .send()
        .await
        .expect("inbox page");
    assert!(page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'none'"));
    let page = page.text().await.expect("body");
    assert!(page.contains(PHONE) && page.contains(&code), "{page}");
    // A weak login password is refused before the code is spent.
    let (_, page) = browser
        .post(
            "/wallet/sign-up/complete?locale=en",
            &completion(PHONE, &code, "password1"),
        )
        .await;
    assert!(alert(&page).contains("easy to guess"), "{page}");
    let (_, page) = browser
        .post(
            "/wallet/sign-up/complete?locale=en",
            &completion(PHONE, &code, LOGIN_PASSWORD),
        )
        .await;
    let id = between(&page, "data-wallet-id>", "</p>").unwrap_or_else(|| panic!("{page}"));
    assert!(id.starts_with("w_"), "{id}");
    assert!(
        browser
            .page("/wallet/?locale=en")
            .await
            .contains("data-available"),
        "signed in"
    );
    // The code is spent: the same form opens nothing more.
    let (_, page) = browser
        .post(
            "/wallet/sign-up/complete?locale=en",
            &completion(PHONE, &code, LOGIN_PASSWORD),
        )
        .await;
    assert!(alert(&page).contains("expired or was used up"), "{page}");

    let again = Shopper::sign_in_with(&server, PHONE, LOGIN_PASSWORD).await;
    assert!(again
        .page("/wallet/?locale=en")
        .await
        .contains("data-available"));
    let api = Api::new(&server);
    api.top_up(&id, "20.00").await.ok();
    let session = api.create_session(&id, &one_item_cart("12.00")).await;
    api.pay(&session, true, None, "402719").await.ok();
    assert_eq!(api.wallet(&id).await.balance, d("8.00"));
    check_ledger_storage(&server).await;
}

async fn a_contact_with_a_wallet_gets_the_same_answer_and_cannot_open_another(backend: Backend) {
    let server = Server::start(backend).await;
    let taken = "+8613800000000"; // the demo shopper's
    let fresh = "+8613800009999";
    let answer = |contact: &'static str| {
        let server = &server;
        async move {
            let browser = Shopper::browser(server, contact);
            let (status, page) = browser
                .post("/wallet/sign-up?locale=en", &[("contact", contact)])
                .await;
            (status, page.replace(contact, "CONTACT"), browser)
        }
    };
    let (status_a, page_a, browser) = answer(taken).await;
    let (status_b, page_b, _) = answer(fresh).await;
    assert_eq!(
        (status_a, &page_a),
        (status_b, &page_b),
        "one answer for both"
    );
    let code = browser.newest_code_to(taken).await;
    let (_, page) = browser
        .post(
            "/wallet/sign-up/complete?locale=en",
            &completion(taken, &code, LOGIN_PASSWORD),
        )
        .await;
    assert!(alert(&page).contains("belongs to another wallet"), "{page}");
    // Asked again at once, the contact gets no second message.
    let (_, page) = browser
        .post("/wallet/sign-up?locale=en", &[("contact", taken)])
        .await;
    assert!(alert(&page).contains("wait"), "{page}");
}

async fn serve_opens_no_sign_up_unless_told(backend: Backend) {
    let server = Server::serve_with(backend, &crate::live_wallets::config(), &[]).await;
    let reply = reqwest::get(format!("{}/wallet/sign-up", server.url))
        .await
        .expect("answer");
    assert_eq!(reply.status(), 404);
}
