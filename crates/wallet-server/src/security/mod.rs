//! Who may move a wallet's money: the payment password (Argon2id keyed with the pepper),
//! the wallet's lock (attempts counted before they are checked), passkeys, and the
//! wallet pages' sign-in sessions.

pub mod lock;
pub mod passkeys;
pub mod password;
pub mod sessions;
