//! The body of a cancel (`POST /v1/intents/{id}/cancel`, DESIGN.md *Sessions* §5): the
//! merchant may say why in its own words, kept with the intent as `cancel_note` and shown
//! in its reads, lists and `payment_intent.canceled` event. The frame's cancel says
//! nothing: the wallet never shows a merchant's free text inside its own frame, where it
//! would read as the wallet's words (docs/DESIGN-NOTES.md *Canceling an intent*).

use checkout_core::CancelReason;
use serde::Deserialize;

use crate::error::ApiError;

/// The longest `reason`, in characters (Unicode scalar values).
pub const MAX_NOTE_CHARS: usize = 500;

/// `{"reason"?: string}`; an empty body is the same as `{}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

impl CancelRequest {
    /// The note to keep for a cancel `by` the merchant or the shopper: `None` without a
    /// `reason`.
    ///
    /// # Errors
    /// 400 `invalid_request` at `reason`: empty, longer than [`MAX_NOTE_CHARS`]
    /// characters, holding a control character or a line or paragraph separator
    /// (U+2028, U+2029), or given with
    /// the client secret (only the merchant's key gives a reason).
    pub fn note(self, by: CancelReason) -> Result<Option<String>, ApiError> {
        let Some(reason) = self.reason else {
            return Ok(None);
        };
        if by != CancelReason::RequestedByMerchant {
            return Err(ApiError::field(
                "reason",
                "only the merchant's key gives a reason; cancel from the frame without one",
            ));
        }
        let chars = reason.chars().count();
        let breaks = |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}');
        if chars == 0 || chars > MAX_NOTE_CHARS || reason.chars().any(breaks) {
            return Err(ApiError::field(
                "reason",
                format!("write 1 to {MAX_NOTE_CHARS} characters on one line, without control characters, or leave it out"),
            ));
        }
        Ok(Some(reason))
    }
}

#[cfg(test)]
mod tests {
    use super::{CancelRequest, MAX_NOTE_CHARS};
    use checkout_core::CancelReason::{RequestedByMerchant, RequestedByShopper};

    fn note(reason: Option<&str>, by: checkout_core::CancelReason) -> Result<Option<String>, ()> {
        let req = CancelRequest {
            reason: reason.map(str::to_owned),
        };
        req.note(by).map_err(|_| ())
    }

    #[test]
    fn a_merchant_may_say_why_in_up_to_500_characters_on_one_line() {
        assert_eq!(note(None, RequestedByMerchant), Ok(None));
        assert_eq!(note(None, RequestedByShopper), Ok(None));
        let most = "缺".repeat(MAX_NOTE_CHARS);
        assert_eq!(
            note(Some(&most), RequestedByMerchant),
            Ok(Some(most.clone()))
        );
        let over = format!("{most}a");
        for bad in [
            "",
            "two\nlines",
            "tab\there",
            "line\u{2028}separator",
            &over,
        ] {
            assert_eq!(note(Some(bad), RequestedByMerchant), Err(()), "{bad:?}");
        }
        assert_eq!(note(Some("out of stock"), RequestedByShopper), Err(()));
    }
}
