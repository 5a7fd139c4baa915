//! Recharge bonuses (DESIGN.md *Promotions*): the demo's e-CNY campaign (5 % of ¥100 or
//! more, ¥20 a recharge, ¥50 a wallet) shown before the shopper confirms and credited
//! with the recharge as its own line; and a small budget under parallel recharges, never
//! overspent, given back by a declined recharge, with the ledger adding up; and a
//! recharge nobody finished, abandoned by the sweeper, its reservation back in the budget.

use crate::common::*;
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(
    an_ecny_recharge_earns_its_bonus_within_the_wallet_cap,
    parallel_recharges_never_overspend_the_budget,
    a_bonus_past_the_wallets_maximum_goes_back_and_the_books_balance,
    an_unfinished_recharge_is_abandoned_and_its_bonus_goes_back,
);

const ADMIN: &str = "ak_test_bonus_0123456789abcdefghijklmnop";
const MERCHANT: &str = "sk_test_bonus_0123456789abcdefghijklmnop";

/// A server whose one campaign pays 5 % of a CNY recharge of ¥100 or more, at most ¥20,
/// from `budget`; `limits` are top-level settings (TOML lines).
async fn campaign_server(backend: Backend, budget: &str, limits: &str) -> (Server, Api) {
    let config = format!(
        "admin_keys = [\"{ADMIN}\"]\npassword_pepper = \"bonus-test-pepper-0123456789abcdefghijkl\"\n\
         sandbox = true\n{limits}\
         [[merchants]]\nid = \"shop\"\nsecret_key = \"{MERCHANT}\"\n\
         [[recharge_promotions]]\nid = \"tiny\"\ncurrency = \"CNY\"\nmin_amount = \"100.00\"\n\
         bonus_rate = \"0.05\"\nbonus_cap = \"20.00\"\nbudget = \"{budget}\"\n"
    );
    let server = Server::serve_with(backend, &config, &[]).await;
    let api = Api::new(&server).with_keys(MERCHANT, ADMIN);
    (server, api)
}

async fn settle(server: &Server, id: &str, action: &str) {
    Api::new(server)
        .post(
            &format!("/v1/sandbox/recharges/{id}/{action}"),
            None,
            &json!({}),
        )
        .await
        .ok();
}

fn d(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

async fn an_ecny_recharge_earns_its_bonus_within_the_wallet_cap(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("bob", "135790", "0.00").await;
    let bob = Shopper::sign_in(&server, "bob").await;
    let page = bob.page("/wallet/recharge?locale=zh-CN").await;
    assert!(
        page.contains("数字人民币充值满 ¥100.00 赠 5%"),
        "the campaign before confirming"
    );
    for (amount, method, balance) in [
        ("400.00", "ecny", "420.00"),   // 5 % of 400 is 20: the cap
        ("99.99", "ecny", "519.99"),    // under the minimum
        ("100.00", "alipay", "619.99"), // another method
        ("400.00", "ecny", "1039.99"),  // 20 more: 40 in all
        ("400.00", "ecny", "1449.99"),  // the wallet's 50 leave 10
        ("400.00", "ecny", "1849.99"),  // nothing left for this wallet
    ] {
        let id = bob.recharge(amount, method).await;
        settle(&server, &id, "approve").await;
        assert_eq!(
            api.wallet("bob").await.balance,
            d(balance),
            "{amount} by {method}"
        );
    }
    let history = bob.page("/wallet/?locale=zh-CN").await;
    assert_eq!(
        history.matches("充值赠送").count(),
        3,
        "each bonus is its own line"
    );
    let wallet = api.wallet("bob").await;
    check_wallet_ledger(&api.ledger("bob").await, &wallet);
    check_ledger_storage(&server).await;
}

async fn parallel_recharges_never_overspend_the_budget(backend: Backend) {
    let (server, api) = campaign_server(backend, "30.00", "").await;
    let mut shoppers = Vec::new();
    for i in 0..6 {
        let id = format!("saver{i}");
        api.create_wallet(&id, "135790", "0.00").await;
        shoppers.push(Shopper::sign_in(&server, &id).await);
    }
    // Six recharges of 200.00 (a 10.00 bonus each) race for a 30.00 budget.
    let mut started = tokio::task::JoinSet::new();
    for s in shoppers.clone() {
        started.spawn(async move { s.recharge("200.00", "wechat_pay").await });
    }
    let ids: Vec<String> = started.join_all().await;
    // One declined: its reservation goes back, and a later recharge may use it.
    settle(&server, &ids[0], "decline").await;
    for id in &ids[1..] {
        settle(&server, id, "approve").await;
    }
    let mut bonuses = Decimal::ZERO;
    for i in 1..6 {
        bonuses += api.wallet(&format!("saver{i}")).await.balance - d("200.00");
    }
    assert!(
        bonuses <= d("30.00"),
        "the budget is never overspent: {bonuses}"
    );
    let later = shoppers[0].recharge("200.00", "wechat_pay").await;
    settle(&server, &later, "approve").await;
    bonuses += api.wallet("saver0").await.balance - d("200.00");
    assert_eq!(
        bonuses,
        d("30.00"),
        "the declined reservation came back and was paid"
    );
    // Spent: a further recharge earns nothing.
    let before = api.wallet("saver1").await.balance;
    let more = shoppers[1].recharge("200.00", "wechat_pay").await;
    settle(&server, &more, "approve").await;
    assert_eq!(api.wallet("saver1").await.balance, before + d("200.00"));
    check_ledger_storage(&server).await;
}

async fn a_bonus_past_the_wallets_maximum_goes_back_and_the_books_balance(backend: Backend) {
    let server = Server::start(backend).await;
    let api = Api::new(&server);
    api.create_wallet("whale", "135790", "0.00").await;
    let whale = Shopper::sign_in(&server, "whale").await;
    // Exactly the most a wallet may hold: the recharge fits, its 20.00 bonus does not.
    let id = whale.recharge("10000000000000.00", "ecny").await;
    let approved = Api::new(&server)
        .post(
            &format!("/v1/sandbox/recharges/{id}/approve"),
            None,
            &json!({}),
        )
        .await;
    assert_eq!(approved.ok()["status"], "succeeded", "{}", approved.body);
    assert_eq!(approved.body["bonus"], "0.00", "the bonus went back");
    assert_eq!(api.wallet("whale").await.balance, d("10000000000000.00"));
    check_ledger_storage(&server).await;
    // The budget got it back: another wallet's bonus is still paid in full.
    api.create_wallet("minnow", "135790", "0.00").await;
    let minnow = Shopper::sign_in(&server, "minnow").await;
    let id = minnow.recharge("400.00", "ecny").await;
    settle(&server, &id, "approve").await;
    assert_eq!(api.wallet("minnow").await.balance, d("420.00"));
    check_ledger_storage(&server).await;
}

async fn an_unfinished_recharge_is_abandoned_and_its_bonus_goes_back(backend: Backend) {
    let limits = "recharge_ttl_secs = 1\nsweep_interval_secs = 1\n";
    let (server, api) = campaign_server(backend, "10.00", limits).await;
    api.create_wallet("quitter", "135790", "0.00").await;
    api.create_wallet("finisher", "135790", "0.00").await;
    let quitter = Shopper::sign_in(&server, "quitter").await;
    let finisher = Shopper::sign_in(&server, "finisher").await;
    // It reserves the whole budget, then the shopper closes the method's page.
    let id = quitter.recharge("200.00", "wechat_pay").await;
    let page = format!("/v1/sandbox/recharges/{id}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !quitter.page(&page).await.contains("Abandoned:") {
        assert!(
            std::time::Instant::now() < deadline,
            "the sweeper abandons a recharge left pending past recharge_ttl_secs"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    // The method answering late credits nothing.
    let late = api.post(&format!("{page}/approve"), None, &json!({})).await;
    assert_eq!(
        late.error(409, "recharge_not_pending")["status"],
        "abandoned"
    );
    assert_eq!(api.wallet("quitter").await.balance, d("0.00"));
    // The reservation is back: the next shopper's bonus is paid in full.
    let id = finisher.recharge("200.00", "wechat_pay").await;
    settle(&server, &id, "approve").await;
    assert_eq!(api.wallet("finisher").await.balance, d("210.00"));
    check_ledger_storage(&server).await;
}
