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

/// A signed amount: a string like `"-12.50"` (or, leniently, a number).
#[track_caller]
fn signed(v: &Value) -> Decimal {
    match v {
        Value::String(s) => s
            .parse::<Decimal>()
            .unwrap_or_else(|e| panic!("{s:?} is not a signed amount: {e}")),
        Value::Number(n) => n.to_string().parse::<Decimal>().expect("number"),
        other => panic!("expected a signed amount, got {other}"),
    }
}

/// What a wallet's ledger says happened to it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Flows {
    /// Money that entered the wallet by top-ups.
    pub top_ups: Decimal,
    /// The sum of every entry on the wallet's own accounts: its balance plus what is held.
    pub net: Decimal,
}

fn account(entry: &Value) -> String {
    entry["account"]
        .as_str()
        .or_else(|| entry["account_id"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn kind(entry: &Value) -> String {
    entry["kind"]
        .as_str()
        .or_else(|| entry["transaction_kind"].as_str())
        .unwrap_or("")
        .to_owned()
}

fn is_wallet_account(account: &str) -> bool {
    account.starts_with("wallet:")
}

/// Sums a wallet's ledger.
#[must_use]
pub fn ledger_flows(ledger: &Value) -> Flows {
    let mut flows = Flows::default();
    for entry in ledger_entries(ledger) {
        let acc = account(&entry);
        if !acc.is_empty() && !is_wallet_account(&acc) {
            continue;
        }
        let amount = signed(&entry["amount"]);
        flows.net += amount;
        if kind(&entry).contains("top") {
            flows.top_ups += amount;
        }
    }
    flows
}

/// Checks a wallet's ledger against its balance: every transaction balances (when the
/// answer shows all of its legs), each account's running balance follows from its
/// entries, and the entries add up to what the wallet shows.
#[track_caller]
pub fn check_wallet_ledger(ledger: &Value, wallet: &Wallet) {
    let entries = ledger_entries(ledger);
    let mut per_transaction: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut running: BTreeMap<String, Decimal> = BTreeMap::new();
    for entry in &entries {
        let amount = signed(&entry["amount"]);
        if let Some(legs) = entry["legs"].as_array() {
            let sum: Decimal = legs.iter().map(|l| signed(&l["amount"])).sum();
            assert_eq!(
                sum,
                Decimal::ZERO,
                "a ledger transaction must sum to zero: {entry}"
            );
        }
        if let Some(txn) = entry["transaction_id"].as_str() {
            *per_transaction.entry(txn.to_owned()).or_default() += amount;
        }
        let acc = account(entry);
        if let Some(after) = entry.get("balance_after").filter(|v| !v.is_null()) {
            let before = running.get(&acc).copied().unwrap_or_default();
            assert_eq!(
                before + amount,
                signed(after),
                "running balance of {acc}: {entry}"
            );
            running.insert(acc.clone(), signed(after));
        }
        assert!(
            running.get(&acc).copied().unwrap_or_default() >= Decimal::ZERO,
            "{acc} went negative: {entry}"
        );
    }
    let flows = ledger_flows(ledger);
    assert_eq!(
        flows.net,
        wallet.balance + wallet.held,
        "the wallet's entries add up to its balance and hold"
    );
}
