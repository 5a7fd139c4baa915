//! What the wallet's origin serves as pages: the checkout frame, the shopper's wallet
//! pages, the consent page and the documentation.

pub mod consent;
pub mod docs;
pub mod frame;
pub mod passkey_button;
pub mod wallet;
