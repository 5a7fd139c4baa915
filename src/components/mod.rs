//! The checkout's views: plain functions from props and callbacks to `Html`, holding no
//! state of their own. Plain functions rather than Yew components: each component type
//! adds its own copy of Yew's lifecycle code to the wasm (BENCHMARKS.md), and none of
//! these needs hooks or a scope of its own.

pub mod balance;
pub mod lines;
pub mod methods;
pub mod notice;
pub mod outcome;
pub mod passkey;
pub mod password;
pub mod pay;
pub mod skeleton;
pub mod summary;
pub mod topup;
