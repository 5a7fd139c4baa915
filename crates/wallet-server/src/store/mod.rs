//! Storage: the pool and its two dialects, the double-entry ledger, transactions run again
//! after a lost race, and stored values read back as money.

pub mod db;
pub mod gauges;
pub mod ledger;
pub mod retry;
pub mod stored;
