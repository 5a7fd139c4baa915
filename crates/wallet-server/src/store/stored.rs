//! Stored values back to typed ones: a stored value that does not read back is corrupt
//! data, answered as an internal error (never shown to the client).

use checkout_core::{Currency, Money};
use rust_decimal::Decimal;

use crate::error::ServerError;

/// A stored currency code back to a currency.
///
/// # Errors
/// Internal: a stored code that is no currency is corrupt data.
pub fn currency(code: &str) -> Result<Currency, ServerError> {
    code.parse()
        .map_err(|e| ServerError::internal("stored currency code", e))
}

/// Stored minor units back to money.
///
/// # Errors
/// Internal: a stored value outside the money bounds is corrupt data.
pub fn money(minor: i64, currency: Currency) -> Result<Money, ServerError> {
    Money::from_minor(minor, currency).map_err(|e| ServerError::internal("stored amount", e))
}

/// A wallet account's stored balance (minor units) as a decimal in the currency's digits.
/// Unlike [`money`] it may pass the money bound: a refund owed back after a top-up can take
/// a wallet past 10^13 major units, and it must still be shown.
///
/// # Errors
/// Internal: a negative stored balance is corrupt data.
pub fn wallet_balance(minor: i64, currency: Currency) -> Result<Decimal, ServerError> {
    if minor < 0 {
        return Err(ServerError::internal(
            "stored wallet balance",
            format!("{minor} is below zero"),
        ));
    }
    Ok(Decimal::new(minor, currency.exponent()))
}
