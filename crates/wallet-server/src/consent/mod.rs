//! Shopper consent (DESIGN.md *Shopper consent*): link requests and their codes ([`requests`]), link
//! tokens and revocation ([`links`]), and the shopper's own side of their links ([`shopper`]). The
//! consent page itself is `crate::pages::consent`.

pub mod links;
pub mod requests;
pub mod shopper;
