//! A property over random interleavings of test-key and live-key operations on one
//! `serve` (DESIGN.md *Test and live mode*): whatever a test key or test admin key does —
//! paying, refunding, topping up its own wallets, or aiming any route at a live wallet,
//! intent, link or event — no live account's balance and no entry on a live account ever
//! changes. Live operations in between change the live books; the property is checked
//! against the books as the last live operation left them, read from the database.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reqwest::Method;
use serde_json::json;

use crate::common::*;
use crate::live_wallets::{
    claim_balance, config, LIVE_ADMIN, LIVE_KEY, LIVE_SHOPPER, PASSWORD, TEST_ADMIN, TEST_KEY,
};

on_every_backend!(no_test_key_operation_changes_a_live_balance_or_entry);

const TEST_SHOPPER: &str = "w_test_mixer";

/// A test key aimed at a live object.
#[derive(Debug, Clone, Copy)]
enum Probe {
    ReadWallet,
    TopUpWallet,
    ReadLedger,
    SessionOnLiveWallet { right_password: bool },
    ReadIntent,
    RefundIntent,
    CancelIntent,
    RevokeLink,
    SessionWithLink,
    ReadEvent,
    ResendEvent,
}

#[derive(Debug, Clone, Copy)]
enum Op {
    TestTopUp(u32),
    TestPay(u32),
    TestRefund,
    TestProbe(Probe),
    LivePay(u32),
    LiveRefund,
    LiveTopUp(u32),
}

impl Op {
    fn is_live(self) -> bool {
        matches!(self, Op::LivePay(_) | Op::LiveRefund | Op::LiveTopUp(_))
    }
}

const PROBES: [Probe; 12] = [
    Probe::ReadWallet,
    Probe::TopUpWallet,
    Probe::ReadLedger,
    Probe::SessionOnLiveWallet {
        right_password: true,
    },
    Probe::SessionOnLiveWallet {
        right_password: false,
    },
    Probe::ReadIntent,
    Probe::RefundIntent,
    Probe::CancelIntent,
    Probe::RevokeLink,
    Probe::SessionWithLink,
    Probe::ReadEvent,
    Probe::ResendEvent,
];

fn probe() -> impl Strategy<Value = Probe> {
    prop::sample::select(PROBES.to_vec())
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u32..40).prop_map(Op::TestTopUp),
        (1u32..30).prop_map(Op::TestPay),
        Just(Op::TestRefund),
        probe().prop_map(Op::TestProbe),
        probe().prop_map(Op::TestProbe),
        (1u32..30).prop_map(Op::LivePay),
        Just(Op::LiveRefund),
        (1u32..40).prop_map(Op::LiveTopUp),
    ]
}

/// The server and what its live side has made so far.
struct World {
    server: Server,
    test: Api,
    live: Api,
    link: String,
    live_intents: Vec<String>,
    test_intents: Vec<String>,
}

impl World {
    fn last_live_intent(&self) -> String {
        self.live_intents
            .last()
            .cloned()
            .unwrap_or_else(|| "pi_none".to_owned())
    }

    async fn pay(&self, api: &Api, session: &Session, password: &str) -> Option<String> {
        let paid = api.pay(session, true, None, password).await;
        (paid.status / 100 == 2).then(|| paid.body["id"].as_str().unwrap().to_owned())
    }

    async fn live_event(&self) -> String {
        let events = self.live.get("/v1/events", Some(LIVE_KEY)).await;
        events.ok()["data"][0]["id"]
            .as_str()
            .unwrap_or("evt_none")
            .to_owned()
    }

    /// A test key's request, aimed at a live object; its answer does not matter.
    async fn probe(&self, p: Probe) {
        let pi = self.last_live_intent();
        let (method, path, key, body) = match p {
            Probe::ReadWallet => (
                Method::GET,
                format!("/v1/wallets/{LIVE_SHOPPER}"),
                TEST_ADMIN,
                None,
            ),
            Probe::TopUpWallet => (
                Method::POST,
                format!("/v1/wallets/{LIVE_SHOPPER}/topups"),
                TEST_ADMIN,
                Some(json!({"amount": "7.00", "method": "bank_card"})),
            ),
            Probe::ReadLedger => (
                Method::GET,
                format!("/v1/wallets/{LIVE_SHOPPER}/ledger"),
                TEST_ADMIN,
                None,
            ),
            Probe::SessionOnLiveWallet { right_password } => {
                let s = self
                    .test
                    .create_session(LIVE_SHOPPER, &one_item_cart("3.00"))
                    .await;
                let password = if right_password { PASSWORD } else { "000000" };
                // Pay as the frame would with the balance it is shown, or claim one.
                let reply = if self.test.live_balance(&s).await.is_zero() {
                    claim_balance(&self.test, &s, password).await
                } else {
                    self.test.pay(&s, true, None, password).await
                };
                assert!(
                    reply.status >= 400,
                    "a test key paid from a live wallet: {}",
                    reply.body
                );
                return;
            }
            Probe::ReadIntent => (Method::GET, format!("/v1/intents/{pi}"), TEST_KEY, None),
            Probe::RefundIntent => (
                Method::POST,
                format!("/v1/intents/{pi}/refunds"),
                TEST_KEY,
                Some(json!({"amount": "1.00"})),
            ),
            Probe::CancelIntent => (
                Method::POST,
                format!("/v1/intents/{pi}/cancel"),
                TEST_KEY,
                Some(json!({})),
            ),
            Probe::RevokeLink => (
                Method::DELETE,
                format!("/v1/links/{}", self.link),
                TEST_KEY,
                None,
            ),
            Probe::SessionWithLink => (
                Method::POST,
                "/v1/sessions".to_owned(),
                TEST_KEY,
                Some(json!({"link": self.link, "cart": one_item_cart("2.00")})),
            ),
            Probe::ReadEvent => (
                Method::GET,
                format!("/v1/events/{}", self.live_event().await),
                TEST_KEY,
                None,
            ),
            Probe::ResendEvent => (
                Method::POST,
                format!("/v1/events/{}/resend", self.live_event().await),
                TEST_KEY,
                Some(json!({})),
            ),
        };
        let body = body.map(|b| serde_json::to_vec(&b).expect("json"));
        let headers = [("Idempotency-Key", idempotency_key())];
        let reply = self
            .test
            .send(method, &path, Some(key), &headers, body)
            .await;
        assert!(
            reply.status >= 400,
            "a test key reached a live object: {path} {}",
            reply.body
        );
    }

    async fn run(&mut self, op: Op) {
        let yuan = |n: u32| format!("{n}.00");
        match op {
            Op::TestTopUp(n) => drop(self.test.top_up(TEST_SHOPPER, &yuan(n)).await),
            Op::TestPay(n) => {
                let s = self
                    .test
                    .create_session(TEST_SHOPPER, &one_item_cart(&yuan(n)))
                    .await;
                let paid = self.pay(&self.test, &s, PASSWORD).await;
                self.test_intents.extend(paid);
            }
            Op::TestRefund => {
                if let Some(pi) = self.test_intents.last() {
                    drop(self.test.refund(pi, &json!({"amount": "0.50"})).await);
                }
            }
            Op::TestProbe(p) => self.probe(p).await,
            Op::LivePay(n) => {
                let cart = one_item_cart(&yuan(n));
                let s = self
                    .live
                    .create_linked_session(&self.link, LIVE_SHOPPER, &cart)
                    .await;
                let paid = self.pay(&self.live, &s, PASSWORD).await;
                self.live_intents.extend(paid);
            }
            Op::LiveRefund => {
                if let Some(pi) = self.live_intents.last() {
                    drop(self.live.refund(pi, &json!({"amount": "0.50"})).await);
                }
            }
            Op::LiveTopUp(n) => {
                let body =
                    json!({"amount": yuan(n), "method": "bank_card", "reason": "property test"});
                let path = format!("/v1/wallets/{LIVE_SHOPPER}/topups");
                drop(self.live.post(&path, Some(LIVE_ADMIN), &body).await);
            }
        }
    }
}

async fn interleave(world: &mut World, ops: Vec<Op>) {
    let mut books = live_books(&world.server).await;
    for op in ops {
        world.run(op).await;
        let now = live_books(&world.server).await;
        if op.is_live() {
            books = now;
        } else {
            assert_eq!(now, books, "{op:?} changed the live books");
        }
    }
}

async fn no_test_key_operation_changes_a_live_balance_or_entry(backend: Backend) {
    let server = Server::serve_with(backend, &config(), &[]).await;
    let live = Api::new(&server).with_keys(LIVE_KEY, LIVE_ADMIN);
    let test = Api::new(&server).with_keys(TEST_KEY, TEST_ADMIN);
    create_live_wallet(&live, LIVE_SHOPPER, PASSWORD, "300.00").await;
    test.create_wallet(TEST_SHOPPER, PASSWORD, "300.00").await;
    let link = link(&server, LIVE_KEY, LIVE_SHOPPER).await;
    let mut world = World {
        server,
        test,
        live,
        link,
        live_intents: Vec::new(),
        test_intents: Vec::new(),
    };
    // Every probe once, around a live payment, then random interleavings.
    let mut every = vec![Op::LivePay(5)];
    every.extend(PROBES.iter().map(|p| Op::TestProbe(*p)));
    every.push(Op::LiveRefund);
    every.extend(PROBES.iter().map(|p| Op::TestProbe(*p)));
    interleave(&mut world, every).await;
    let mut runner = TestRunner::new(Config {
        cases: 6,
        failure_persistence: None,
        ..Config::default()
    });
    let handle = tokio::runtime::Handle::current();
    let world = std::sync::Mutex::new(&mut world);
    runner
        .run(&prop::collection::vec(op(), 8..16), |ops| {
            let mut world = world
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // A bound, so a lost server or a stuck connection fails the test instead of
            // hanging the suite (it hung once, on a machine loaded with other builds).
            let bounded = tokio::time::timeout(
                std::time::Duration::from_secs(180),
                interleave(&mut world, ops),
            );
            tokio::task::block_in_place(|| handle.block_on(bounded))
                .unwrap_or_else(|_| panic!("one interleaving took over 180 s"));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let world = world
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    check_ledger_storage(&world.server).await;
}
