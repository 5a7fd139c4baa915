//! What a merchant tags a session with to reconcile it (issue 27): its own order number
//! (`merchant_reference`) and up to [`MAX_KEYS`] string pairs (`metadata`), stored on the
//! session and shown on the session, its intents, its refunds and their events.
//!
//! The limits are Stripe's for `metadata` (50 keys there, 40-character keys, 500-character
//! values), with 20 keys: enough for an order, an invoice and a customer id, too few to
//! carry the cart twice.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// The most keys `metadata` holds.
pub const MAX_KEYS: usize = 20;
/// The longest key, in characters.
pub const MAX_KEY_CHARS: usize = 40;
/// The longest value, in characters.
pub const MAX_VALUE_CHARS: usize = 500;
/// The longest `merchant_reference`, in characters.
pub const MAX_REFERENCE_CHARS: usize = 100;

/// `merchant_reference` and `metadata` as the API shows them (`null` and `{}` when none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tags {
    pub merchant_reference: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

impl Tags {
    /// The tags a session is created with, checked.
    ///
    /// # Errors
    /// 400 `invalid_request` at `metadata`, `metadata.<key>` or `merchant_reference`: more
    /// than 20 keys, an empty or longer than 40-character key, a value longer than 500
    /// characters, a reference empty or longer than 100, or control characters anywhere.
    pub fn checked(
        merchant_reference: Option<String>,
        metadata: Option<BTreeMap<String, String>>,
    ) -> Result<Tags, ApiError> {
        let metadata = metadata.unwrap_or_default();
        if metadata.len() > MAX_KEYS {
            return Err(ApiError::field(
                "metadata",
                format!("holds {} keys; at most {MAX_KEYS}", metadata.len()),
            ));
        }
        for (key, value) in &metadata {
            let chars = key.chars().count();
            if chars == 0 || chars > MAX_KEY_CHARS || has_control(key) {
                return Err(ApiError::field(
                    "metadata",
                    format!("keys are 1 to {MAX_KEY_CHARS} characters without control characters; {key:?} is not"),
                ));
            }
            if value.chars().count() > MAX_VALUE_CHARS || has_control(value) {
                return Err(ApiError::field(
                    &format!("metadata.{key}"),
                    format!("values are at most {MAX_VALUE_CHARS} characters without control characters"),
                ));
            }
        }
        if let Some(reference) = &merchant_reference {
            let chars = reference.chars().count();
            if chars == 0 || chars > MAX_REFERENCE_CHARS || has_control(reference) {
                return Err(ApiError::field(
                    "merchant_reference",
                    format!("must be 1 to {MAX_REFERENCE_CHARS} characters without control characters (your order number)"),
                ));
            }
        }
        Ok(Tags {
            merchant_reference,
            metadata,
        })
    }

    /// `metadata` as stored (JSON text).
    #[must_use]
    pub fn metadata_json(&self) -> String {
        serde_json::to_string(&self.metadata).unwrap_or_else(|_| "{}".to_owned())
    }

    /// The tags read back from the stored columns.
    ///
    /// # Errors
    /// A decode error when the stored metadata is not a JSON object of strings.
    pub fn stored(
        merchant_reference: Option<String>,
        metadata: Option<&str>,
    ) -> Result<Tags, sqlx::Error> {
        let metadata = serde_json::from_str(metadata.unwrap_or("{}")).map_err(|e| {
            sqlx::Error::ColumnDecode {
                index: "metadata".to_owned(),
                source: Box::new(e),
            }
        })?;
        Ok(Tags {
            merchant_reference,
            metadata,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(n: usize) -> BTreeMap<String, String> {
        (0..n).map(|i| (format!("k{i}"), "v".to_owned())).collect()
    }

    #[test]
    fn twenty_keys_pass_and_twenty_one_do_not() {
        assert!(Tags::checked(None, Some(pairs(20))).is_ok());
        let err = Tags::checked(None, Some(pairs(21))).expect_err("21 keys");
        assert_eq!(err.extra["path"], "metadata");
    }

    #[test]
    fn keys_values_and_references_are_bounded_in_characters() {
        let long_key = BTreeMap::from([("鍵".repeat(40), String::new())]);
        assert!(Tags::checked(None, Some(long_key)).is_ok());
        let too_long = BTreeMap::from([("k".repeat(41), String::new())]);
        assert!(Tags::checked(None, Some(too_long)).is_err());
        let value = BTreeMap::from([("k".to_owned(), "值".repeat(501))]);
        let err = Tags::checked(None, Some(value)).expect_err("long value");
        assert_eq!(err.extra["path"], "metadata.k");
        assert!(Tags::checked(Some("A-1".into()), None).is_ok());
        assert!(Tags::checked(Some(String::new()), None).is_err());
        assert!(Tags::checked(Some("a\nb".into()), None).is_err());
        assert!(Tags::checked(Some("x".repeat(101)), None).is_err());
    }

    #[test]
    fn stored_tags_read_back_as_written() {
        let tags = Tags::checked(Some("order-7".into()), Some(pairs(2))).expect("tags");
        let back = Tags::stored(tags.merchant_reference.clone(), Some(&tags.metadata_json()))
            .expect("read");
        assert_eq!(back, tags);
        assert!(Tags::stored(None, Some("[1]")).is_err());
    }
}
