//! Shopper consent (DESIGN.md *Shopper consent*): link requests, codes, link tokens and
//! revocation ([`links`]), and the shopper's own side of their links ([`shopper`]). The
//! consent page itself is `crate::pages::consent`.

pub mod links;
pub mod shopper;
