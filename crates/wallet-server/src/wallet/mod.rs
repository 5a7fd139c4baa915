//! The shopper's wallet: accounts (create, balance, top-up, reward, password change),
//! recharges through a method (and their campaigns' bonuses), transfers between wallets, and the history in a shopper's
//! words.

pub mod accounts;
pub mod activation;
pub mod bonuses;
pub mod history;
pub mod recharges;
pub mod signup;
pub mod transfers;
