//! Storage: the pool and its two dialects, the double-entry ledger, the two modes, transactions run again
//! after a lost race, stored values read back as money, and the gauges an operator reads
//! from the database.

pub mod db;
pub mod gauges;
pub mod ledger;
pub mod mode;
pub mod retry;
pub mod sealing;
pub mod stored;
pub mod tags;
