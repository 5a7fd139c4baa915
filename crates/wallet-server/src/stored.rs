//! Stored values back to typed ones: a stored value that does not read back is corrupt
//! data, answered as an internal error (never shown to the client).

use checkout_core::{Currency, Money};

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
