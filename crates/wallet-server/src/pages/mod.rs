//! What the wallet's origin serves as pages: the checkout frame, the shopper's wallet
//! pages and the consent page.

pub mod consent;
pub mod frame;
pub mod passkey_button;
pub mod wallet;
