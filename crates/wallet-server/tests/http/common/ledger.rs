//! Reading a wallet's ledger (`GET /v1/wallets/{id}/ledger`) and checking it adds up.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde_json::Value;

use super::api::Wallet;

/// The entries of a ledger answer (a list, or `{entries: [...]}`).
#[must_use]
pub fn ledger_entries(ledger: &Value) -> Vec<Value> {
    match ledger {
        Value::Array(items) => items.clone(),
        other => other["entries"].as_array().cloned().unwrap_or_default(),
    }
}

/// An unsigned amount string, signed by the entry's `direction` (`credit` adds).
#[track_caller]
fn signed(entry: &Value) -> Decimal {
    let amount = entry["amount"]
        .as_str()
        .and_then(|s| s.parse::<Decimal>().ok())
        .unwrap_or_else(|| panic!("entry without an amount string: {entry}"));
    assert!(
        amount > Decimal::ZERO,
        "entries move a positive amount: {entry}"
    );
    match entry["direction"].as_str() {
        Some("credit") => amount,
        Some("debit") => -amount,
        _ => panic!("entry without a credit/debit direction: {entry}"),
    }
}

#[track_caller]
fn amount_of(v: &Value) -> Decimal {
    v.as_str()
        .and_then(|s| s.parse::<Decimal>().ok())
        .unwrap_or_else(|| panic!("expected an amount string, got {v}"))
}

/// What a wallet's ledger says happened to it, from its entries' kinds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flows {
    /// Credited from outside the wallet: top-ups, and rewards (a recharge's bonus
    /// included), which the operator's accounts pay.
    pub top_ups: Decimal,
    /// Paid to merchants: balance-only payments and captured holds.
    pub captures: Decimal,
    /// Credited back by refunds.
    pub refunds: Decimal,
    /// The sum of every entry: what the wallet holds, available plus held.
    pub net: Decimal,
}

/// Sums a wallet's ledger by kind.
#[must_use]
pub fn ledger_flows(ledger: &Value) -> Flows {
    let mut flows = Flows::default();
    for entry in ledger_entries(ledger) {
        let amount = signed(&entry);
        flows.net += amount;
        match entry["kind"].as_str().unwrap_or("") {
            "top_up" | "reward" => flows.top_ups += amount,
            "payment" | "capture" => flows.captures -= amount,
            "refund" => flows.refunds += amount,
            _ => {}
        }
    }
    flows
}

/// Checks a wallet's ledger against its balance: each account's running balance follows
/// from its entries and never goes below zero; transactions inside the wallet (hold,
/// release) sum to zero; the entries add up to what the wallet shows, and to top-ups -
/// captures + refunds.
#[track_caller]
pub fn check_wallet_ledger(ledger: &Value, wallet: &Wallet) {
    let entries = ledger_entries(ledger);
    let mut inside: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut running: BTreeMap<String, Decimal> = BTreeMap::new();
    for entry in &entries {
        let amount = signed(entry);
        let account = entry["account"].as_str().unwrap_or("").to_owned();
        assert!(
            account == "available" || account == "held",
            "a wallet ledger shows its own accounts: {entry}"
        );
        let after = amount_of(&entry["balance_after"]);
        let before = running.get(&account).copied().unwrap_or_default();
        assert_eq!(
            before + amount,
            after,
            "running balance of {account}: {entry}"
        );
        assert!(after >= Decimal::ZERO, "{account} went negative: {entry}");
        running.insert(account, after);
        if matches!(entry["kind"].as_str(), Some("hold" | "release")) {
            let txn = entry["transaction_id"].as_str().unwrap_or("").to_owned();
            *inside.entry(txn).or_default() += amount;
        }
    }
    for (txn, sum) in inside {
        assert_eq!(sum, Decimal::ZERO, "transaction {txn} must sum to zero");
    }
    let flows = ledger_flows(ledger);
    assert_eq!(
        flows.net,
        wallet.balance + wallet.held,
        "the wallet's entries add up to its balance and hold"
    );
    assert_eq!(
        flows.net,
        flows.top_ups - flows.captures + flows.refunds,
        "top-ups - captures + refunds: {flows:?}"
    );
    assert_eq!(
        running.get("available").copied().unwrap_or_default(),
        wallet.balance
    );
    assert_eq!(
        running.get("held").copied().unwrap_or_default(),
        wallet.held
    );
}
