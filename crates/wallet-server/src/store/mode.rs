//! The two modes as the store spells them (DESIGN.md *Test and live mode*): a wallet named
//! with its mode, and `test` / `live` in account ids.

/// A wallet as the books know it: the shopper's id (one namespace across both modes) and
/// the wallet's mode. Every lookup of a wallet goes through one, so a key of one mode
/// never reaches a wallet of the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalletRef<'a> {
    pub shopper: &'a str,
    pub livemode: bool,
}

impl<'a> WalletRef<'a> {
    #[must_use]
    pub fn new(shopper: &'a str, livemode: bool) -> WalletRef<'a> {
        WalletRef { shopper, livemode }
    }
}

/// `test` or `live`, as account ids spell the mode.
#[must_use]
pub fn mode_name(livemode: bool) -> &'static str {
    if livemode {
        "live"
    } else {
        "test"
    }
}
