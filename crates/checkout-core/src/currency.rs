//! The currencies the product supports and the bounds every amount keeps.
//!
//! At the bottom of the core: it names no other module, so that both the money types
//! and the errors (which carry a currency) can name it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The largest amount anything may reach, in major units: 10^13.
pub const MAX_MAJOR_UNITS: i64 = 10_000_000_000_000;

/// The most minor digits any supported currency has (KWD, BHD).
pub const MAX_EXPONENT: u32 = 3;

/// ISO 4217 currencies the product supports, each with its number of minor digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Currency {
    CNY,
    USD,
    EUR,
    HKD,
    JPY,
    KRW,
    KWD,
    BHD,
}

impl Currency {
    /// Every supported currency, in a stable order.
    pub const ALL: [Currency; 8] = [
        Currency::CNY,
        Currency::USD,
        Currency::EUR,
        Currency::HKD,
        Currency::JPY,
        Currency::KRW,
        Currency::KWD,
        Currency::BHD,
    ];

    /// Number of digits after the decimal point (the ISO 4217 exponent).
    #[must_use]
    pub const fn exponent(self) -> u32 {
        match self {
            Currency::CNY | Currency::USD | Currency::EUR | Currency::HKD => 2,
            Currency::JPY | Currency::KRW => 0,
            Currency::KWD | Currency::BHD => 3,
        }
    }

    /// The ISO 4217 code, e.g. `"CNY"`.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Currency::CNY => "CNY",
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::HKD => "HKD",
            Currency::JPY => "JPY",
            Currency::KRW => "KRW",
            Currency::KWD => "KWD",
            Currency::BHD => "BHD",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
