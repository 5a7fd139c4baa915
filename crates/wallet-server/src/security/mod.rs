//! Who may open a wallet and move its money: the login password (`login`, the sign-in
//! credential) and its `throttle`, the payment password (Argon2id keyed with the pepper)
//! and the rules for a new one (`pin`), the wallet's lock (attempts counted before they
//! are checked), passkeys, and the wallet pages' sign-in sessions.

pub mod codes;
pub mod lock;
pub mod login;
pub mod passkeys;
pub mod password;
pub mod pin;
pub mod sessions;
pub mod step_up;
pub mod throttle;
