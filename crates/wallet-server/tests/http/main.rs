//! The server's black-box tests, one binary: every file is a module that starts its own
//! `wallet-server` processes (on SQLite and, with `BC_TEST_POSTGRES_URL`, PostgreSQL) and
//! talks to them over HTTP. One binary compiles and links the shared harness (`common`)
//! once instead of once per file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod common;

mod accounts;
mod ceiling;
mod concurrency;
mod crash_recovery;
mod currencies;
mod hardening;
mod idempotency;
mod invalid_requests;
mod large_orders;
mod links;
mod listen;
mod live_wallets;
mod memory;
mod merchant_leg;
mod metrics;
mod migrations;
mod mode_isolation;
mod modes;
mod passkeys;
mod password_security;
mod passwords;
mod payments;
mod promotions;
mod public_url;
mod races;
mod rate_limits;
mod recharge_bonus;
mod records;
mod refunds;
mod replicas;
mod reset;
mod resume;
mod return_urls;
mod sessions;
mod sign_up;
mod signatures;
mod step_up;
mod test_and_live;
mod wallet_pages;
mod wallets;
mod webhook_api;
mod webhook_crash;
mod webhooks;
