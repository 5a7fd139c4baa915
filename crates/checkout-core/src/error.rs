//! The core's errors. Each message says what is wrong and what a valid value looks like.

use thiserror::Error;

use crate::currency::{Currency, MAX_EXPONENT, MAX_MAJOR_UNITS};
use crate::vocabulary::ErrorCode;

/// Why an amount string (or a computed amount) is not valid money.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AmountError {
    #[error("amount is empty; write it as a string like \"12.50\"")]
    Empty,
    #[error("amount {0:?} contains whitespace; write it as digits only, like \"12.50\"")]
    Whitespace(String),
    #[error("amount {0:?} is negative; amounts are never below zero")]
    Negative(String),
    #[error("amount {0:?} uses an exponent; write it out in full, like \"1000.00\"")]
    Exponent(String),
    #[error("amount {0:?} is not a decimal number; write it like \"12.50\" (digits, one optional point, no sign or leading zeros)")]
    Malformed(String),
    #[error("amount {0} is above the maximum of {max} major units", max = MAX_MAJOR_UNITS)]
    TooLarge(String),
    #[error("amount {0:?} has more decimals than any currency allows (at most {max})", max = MAX_EXPONENT)]
    TooPrecise(String),
    #[error("{currency} allows {allowed} decimals, got {got:?}")]
    TooManyDecimals {
        currency: Currency,
        allowed: u32,
        got: String,
    },
    #[error("unknown currency {0:?}; supported: CNY, USD, EUR, HKD, JPY, KRW, KWD, BHD")]
    UnknownCurrency(String),
    #[error("currency mismatch: expected {expected}, got {got}")]
    CurrencyMismatch { expected: Currency, got: Currency },
}

/// Everything the core can reject. `path` names the offending field (`lines[2].unit_price`).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// A field holds an invalid amount.
    #[error("{}{source}", at(path))]
    Amount {
        path: String,
        #[source]
        source: AmountError,
    },
    /// The document is not valid JSON or does not have the expected shape.
    #[error("{}{message}", at(path))]
    Shape { path: String, message: String },
    /// A cart or policy rule is broken.
    #[error("{}{message}", at(path))]
    Rule { path: String, message: String },
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

impl Error {
    pub(crate) fn amount(path: impl Into<String>, source: AmountError) -> Error {
        Error::Amount {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn rule(path: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Rule {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same error with its path placed under `parent` (`policy` + `shipping_eligible`
    /// → `policy.shipping_eligible`).
    #[must_use]
    pub fn under(self, parent: &str) -> Error {
        let join = |path: String| {
            if path.is_empty() {
                parent.to_owned()
            } else if path.starts_with('[') {
                format!("{parent}{path}")
            } else {
                format!("{parent}.{path}")
            }
        };
        match self {
            Error::Amount { path, source } => Error::Amount {
                path: join(path),
                source,
            },
            Error::Shape { path, message } => Error::Shape {
                path: join(path),
                message,
            },
            Error::Rule { path, message } => Error::Rule {
                path: join(path),
                message,
            },
        }
    }

    /// The API error code for this error: always [`ErrorCode::InvalidRequest`]. Its wire
    /// string is `.code().code()`.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidRequest
    }

    /// The path of the offending field, if any (`""` means the whole document).
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Error::Amount { path, .. } | Error::Shape { path, .. } | Error::Rule { path, .. } => {
                path
            }
        }
    }
}

/// Parses JSON into `T`, reporting the path of the first offending field.
pub fn from_json<'de, T: serde::Deserialize<'de>>(json: &'de str) -> Result<T, Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        if e.inner().is_syntax() || e.inner().is_eof() {
            Error::Shape {
                path: String::new(),
                message: format!("not valid JSON: {}", e.inner()),
            }
        } else {
            shape_error(e)
        }
    })?;
    de.end().map_err(|e| Error::Shape {
        path: String::new(),
        message: format!("unexpected characters after the JSON document ({e})"),
    })?;
    Ok(value)
}

/// Parses a JSON value into `T`, reporting the path of the first offending field.
pub fn from_value<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(shape_error)
}

fn shape_error<E: std::fmt::Display>(e: serde_path_to_error::Error<E>) -> Error {
    let path = e.path().to_string();
    let path = if path == "." { String::new() } else { path };
    // serde_json appends " at line 1 column 40"; the path says where already.
    let message = e.inner().to_string();
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message,
    };
    Error::Shape { path, message }
}
