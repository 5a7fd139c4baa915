//! The reference wallet backend of Balance Checkout: checkout sessions, signed intents,
//! a double-entry ledger, refunds, a sandbox second method and the demo shop.
//!
//! Every money rule (split, eligibility, allocation, digest, signature) comes from
//! `checkout-core`; this crate stores, authorises and moves money. Each folder is one
//! room of the server (see the crate's README, *Layout*).

pub mod api;
pub mod checkout;
pub mod config;
pub mod consent;
pub mod demo;
pub mod error;
pub mod http;
pub mod pages;
pub mod sandbox;
pub mod security;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod util;
pub mod views;
pub mod wallet;
pub mod webhooks;
