//! The reference wallet backend of Balance Checkout: checkout sessions, signed intents,
//! a double-entry ledger, refunds, a sandbox second method and the demo shop.
//!
//! Every money rule (split, eligibility, allocation, digest, signature) comes from
//! `checkout-core`; this crate stores, authorises and moves money.

pub mod app;
pub mod auth;
pub mod checkout;
pub mod config;
pub mod consent;
pub mod db;
pub mod demo;
pub mod error;
pub mod extract;
pub mod frame;
pub mod history;
pub mod idempotency;
pub mod lang;
pub mod ledger;
pub mod links;
pub mod lock;
pub mod metrics;
pub mod openapi;
pub mod passkeys;
pub mod password;
pub mod payments;
pub mod ratelimit;
pub mod recharges;
pub mod refunds;
pub mod retry;
pub mod routes;
pub mod sandbox;
pub mod serve;
pub mod shopper_links;
pub mod state;
pub mod stored;
pub mod sweeper;
pub mod telemetry;
pub mod transfers;
pub mod util;
pub mod views;
pub mod wallet_pages;
pub mod wallet_sessions;
pub mod wallets;
pub mod webhooks;
