//! The shopper's wallet: accounts (create, balance, top-up, reward, password change),
//! recharges through a method (their campaigns' bonuses, and abandoning the unfinished), transfers between wallets, and the history in a shopper's
//! words.

pub mod abandoned;
pub mod accounts;
pub mod activation;
pub mod bonuses;
pub mod history;
pub mod recharges;
pub mod signup;
pub mod transfers;
