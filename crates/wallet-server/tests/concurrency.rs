//! 500 intents in parallel over 5 wallets, many of them more than the balance left: no
//! wallet goes negative, nothing is paid twice, and the ledger adds up. On PostgreSQL the
//! same again at `SERIALIZABLE` (`BC_DB_ISOLATION`), where transactions that lose a race
//! fail with SQLSTATE 40001 and run again: the run must have seen some, or it did not
//! exercise the retries.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use checkout_core::{Choice, Currency, Money};
use common::*;
use rust_decimal::Decimal;
use serde_json::json;

on_every_backend!(five_hundred_parallel_intents_over_five_wallets_keep_the_ledger_consistent);

const WALLETS: usize = 5;
const INTENTS: usize = 500;
const IN_FLIGHT: usize = 32;
const PASSWORD: &str = "246810";

fn shopper(i: usize) -> String {
    format!("load_{i}")
}

/// Prices from 1.01 to 50.99: 100 intents per wallet want far more than its 300.00.
fn price(n: usize) -> String {
    format!("{}.{:02}", n * 37 % 50 + 1, (n * 53 % 99) + 1)
}

async fn five_hundred_parallel_intents_over_five_wallets_keep_the_ledger_consistent(
    backend: Backend,
) {
    pay_five_hundred(&Server::start(backend).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn at_serializable_lost_races_are_retried_and_the_ledger_still_adds_up() {
    if postgres_admin_url().is_none() {
        eprintln!("skipped: set BC_TEST_POSTGRES_URL (scripts/pg-start.sh) to run on PostgreSQL");
        return;
    }
    let env = [("BC_DB_ISOLATION", "serializable")];
    let server = Server::start_with(Backend::Postgres, &env).await;
    pay_five_hundred(&server).await;
    let log = server.log();
    assert!(
        log.contains("isolation=Serializable"),
        "the server ran at SERIALIZABLE"
    );
    let retried = log.matches("transaction lost a race").count();
    let sqlstate_40001 = log.matches("code=\"40001\"").count();
    eprintln!("{retried} transactions ran again, {sqlstate_40001} after SQLSTATE 40001");
    assert!(
        sqlstate_40001 > 0,
        "no serialization failure: the retries went untested"
    );
}

async fn pay_five_hundred(server: &Server) {
    let api = Api::new(server);
    let mut topped_up: BTreeMap<String, Decimal> = BTreeMap::new();
    for i in 0..WALLETS {
        api.create_wallet(&shopper(i), PASSWORD, "100.00").await;
        api.top_up(&shopper(i), "150.00").await.ok();
        api.top_up(&shopper(i), &format!("{}.00", 50 + i))
            .await
            .ok();
        topped_up.insert(shopper(i), d("250.00") + Decimal::from(50 + i));
    }

    let mut sessions = Vec::with_capacity(INTENTS);
    for n in 0..INTENTS {
        let owner = shopper(n % WALLETS);
        let session = api.create_session(&owner, &one_item_cart(&price(n))).await;
        // Each widget quoted on the balance it saw when the page loaded.
        let seen = Money::parse(&topped_up[&owner].to_string(), Currency::CNY).unwrap();
        let prepared = prepare_with_balance(
            &session,
            seen,
            Choice {
                use_balance: true,
                balance_cap: None,
            },
            None,
            PASSWORD,
        );
        sessions.push((session, prepared.body()));
    }

    let limit = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
    let mut tasks = tokio::task::JoinSet::new();
    for (session, body) in sessions {
        let (api, limit) = (api.clone(), limit.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            let reply = api.submit(&session, &body).await;
            (session, reply)
        });
    }
    let results = tasks.join_all().await;

    let mut spent: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut succeeded = Vec::new();
    let mut refused = 0;
    for (session, reply) in &results {
        match (reply.status, reply.code()) {
            (201, _) => {
                assert_eq!(reply.body["status"], json!("succeeded"), "{}", reply.body);
                *spent.entry(session.shopper_id.clone()).or_default() +=
                    dec(&reply.body["balance_amount"]);
                succeeded.push((session.shopper_id.clone(), reply.body.clone()));
            }
            (402, "insufficient_balance") | (409, "quote_mismatch") => {
                reply.error(reply.status, reply.code());
                refused += 1;
            }
            _ => panic!("unexpected answer {} {}", reply.status, reply.body),
        }
    }
    eprintln!(
        "{} intents succeeded, {refused} refused for want of balance",
        succeeded.len()
    );
    assert!(refused > 0, "the load was meant to exceed the balances");
    assert!(succeeded.len() >= WALLETS, "every wallet paid something");

    // Refund every fourth success in full: its balance part comes back.
    let mut refunded: BTreeMap<String, Decimal> = BTreeMap::new();
    for (owner, intent) in succeeded.iter().step_by(4) {
        let id = intent["id"].as_str().unwrap();
        api.refund(id, &json!({"amount": intent["total"]}))
            .await
            .ok();
        *refunded.entry(owner.clone()).or_default() += dec(&intent["balance_amount"]);
    }

    for i in 0..WALLETS {
        let owner = shopper(i);
        let wallet = api.wallet(&owner).await;
        assert!(wallet.balance >= Decimal::ZERO && wallet.held == Decimal::ZERO);
        let expected = topped_up[&owner] - spent.get(&owner).copied().unwrap_or_default()
            + refunded.get(&owner).copied().unwrap_or_default();
        assert_eq!(
            wallet.balance, expected,
            "{owner}: top-ups - captures + refunds"
        );
        let ledger = api.ledger(&owner).await;
        check_wallet_ledger(&ledger, &wallet);
        let flows = ledger_flows(&ledger);
        assert_eq!(
            flows.top_ups, topped_up[&owner],
            "{owner}: top-ups in the ledger"
        );
        assert_eq!(
            flows.captures,
            spent.get(&owner).copied().unwrap_or_default(),
            "{owner}: captures in the ledger are the succeeded intents"
        );
        assert_eq!(
            flows.refunds,
            refunded.get(&owner).copied().unwrap_or_default(),
            "{owner}: refunds in the ledger"
        );
    }
    check_ledger_storage(server).await;
}
