//! The words both sides of the wire use: session and intent statuses and the API's error
//! codes (DESIGN.md *Sessions, intents and signatures*, `docs/DESIGN-NOTES.md`).
//!
//! Each is an enum with `code()` (the wire string), `from_code()` (`None` for a string
//! this version does not know) and `ALL`; serde reads and writes the same strings. The
//! server and the widget match on them exhaustively, so a new code cannot fall through
//! a catch-all unnoticed.

/// Declares a wire enum: variants with their codes, `code()`, `from_code()`, `ALL`, serde
/// as the code, and `Display` as the code.
///
/// Exported so that every crate declares its wire words the same way: the server's own
/// enums come from it as the core's do. Each variant is `Name = "code",` (the trailing
/// comma is required); doc comments and other attributes go on the enum and on each
/// variant; the visibility is the caller's. The enum derives `Debug`, `Clone`, `Copy`,
/// `PartialEq`, `Eq`, `Hash`, `Serialize` and `Deserialize`; the caller's crate needs no
/// serde dependency of its own. It must depend on this crate under its own name,
/// `checkout_core` (serde's derives name the crate by a path written as a string, where
/// `$crate` cannot reach).
///
/// ```
/// checkout_core::wire_enum! {
///     /// How a webhook endpoint was made.
///     pub enum EndpointOrigin {
///         /// With `POST /v1/webhook-endpoints`.
///         Api = "api",
///         /// From the server's configuration file.
///         Config = "config",
///     }
/// }
///
/// assert_eq!(EndpointOrigin::Config.code(), "config");
/// assert_eq!(EndpointOrigin::from_code("api"), Some(EndpointOrigin::Api));
/// assert_eq!(EndpointOrigin::from_code("other"), None);
/// assert_eq!(EndpointOrigin::ALL, &[EndpointOrigin::Api, EndpointOrigin::Config]);
/// assert_eq!(EndpointOrigin::Api.to_string(), "api");
/// assert_eq!(serde_json::to_string(&EndpointOrigin::Api).unwrap(), r#""api""#);
/// ```
#[macro_export]
macro_rules! wire_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::hash::Hash,
            $crate::__private::serde::Serialize,
            $crate::__private::serde::Deserialize,
        )]
        #[serde(crate = "checkout_core::__private::serde")]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The wire string.
            #[must_use]
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)+
                }
            }

            /// The value of a wire string; `None` for a string this version does not know.
            #[must_use]
            pub fn from_code(code: &str) -> ::core::option::Option<$name> {
                match code {
                    $($code => ::core::option::Option::Some($name::$variant),)+
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

wire_enum! {
    /// Where a checkout session is (`GET /v1/sessions/{id}` → `status`).
    pub enum SessionStatus {
        /// Waiting for the shopper to pay; intents are accepted.
        Open = "open",
        /// The balance part is held while the second method runs.
        AwaitingPayment = "awaiting_payment",
        /// Paid; no further intents.
        Completed = "completed",
        /// Past `expires_at` without a payment.
        Expired = "expired",
    }
}

wire_enum! {
    /// Where a payment intent is (`GET /v1/intents/{id}` → `status`).
    pub enum IntentStatus {
        /// The balance part is held; the second method must finish (`next_action`).
        RequiresAction = "requires_action",
        /// Paid in full: the balance part is captured.
        Succeeded = "succeeded",
        /// Ended without payment: any hold was released.
        Canceled = "canceled",
    }
}

wire_enum! {
    /// Why an intent was canceled (stored with it, shown by the sandbox page).
    pub enum CancelReason {
        /// The second method declined.
        Declined = "declined",
        /// The shopper left the second method's page.
        Abandoned = "abandoned",
        /// The hold's time ran out (DESIGN.md: 15 minutes by default).
        Expired = "expired",
        /// The merchant canceled it (`POST /v1/intents/{id}/cancel`).
        RequestedByMerchant = "requested_by_merchant",
        /// The shopper canceled it from the frame (`POST /v1/intents/{id}/cancel` with the
        /// client secret); never a remainder the merchant collects.
        RequestedByShopper = "requested_by_shopper",
    }
}

wire_enum! {
    /// What a promotion of a merchant's policy does (DESIGN.md *Promotions*): its `kind`.
    pub enum PromotionKind {
        /// Money off the balance part once it reaches a threshold ("满199减10").
        BalancePayDiscount = "balance_pay_discount",
    }
}

wire_enum! {
    /// What a webhook event reports (DESIGN.md *Webhooks*): its `type`. The event's
    /// `data.object` is what the API answers for that object.
    pub enum EventType {
        /// An intent is paid in full (`data.object`: the intent).
        PaymentIntentSucceeded = "payment_intent.succeeded",
        /// The balance part is held; the second method must finish (the intent).
        PaymentIntentRequiresAction = "payment_intent.requires_action",
        /// An intent ended unpaid: declined, abandoned, expired or canceled by the
        /// merchant; any hold was released (the intent).
        PaymentIntentCanceled = "payment_intent.canceled",
        /// A refund was made (the refund).
        RefundSucceeded = "refund.succeeded",
        /// A shopper linked their wallet to the merchant (`{link, created_at}`).
        LinkCreated = "link.created",
        /// A link was revoked (`{link, revoked, revoked_at}`).
        LinkRevoked = "link.revoked",
        /// A session passed `expires_at` without a payment (`{id, status, intent_id}`).
        SessionExpired = "session.expired",
    }
}

wire_enum! {
    /// Where the delivery of one event to one webhook endpoint is.
    pub enum DeliveryStatus {
        /// Not delivered yet; tried again at `next_attempt_at`.
        Pending = "pending",
        /// An attempt was answered 2xx.
        Delivered = "delivered",
        /// Every attempt of the retry schedule failed.
        Failed = "failed",
    }
}

wire_enum! {
    /// Where a wallet recharge is (DESIGN.md *The shopper's wallet*): credited exactly once,
    /// on the one move from `pending` to `succeeded`.
    pub enum RechargeStatus {
        /// Waiting for the payment method.
        Pending = "pending",
        /// The method paid; the wallet was credited.
        Succeeded = "succeeded",
        /// The method declined; nothing was credited.
        Failed = "failed",
        /// The shopper left the method's page; nothing was credited.
        Abandoned = "abandoned",
    }
}

wire_enum! {
    /// The `error.code` of an API error body `{"error":{"code","message",…}}`. The codes of
    /// DESIGN.md, plus those `docs/DESIGN-NOTES.md` adds.
    pub enum ErrorCode {
        /// 400 (415 for a body that is not JSON): the request is malformed; `path` names the field.
        InvalidRequest = "invalid_request",
        /// 400: a refund would return more of a line than was paid for it; `line` and
        /// `left` (DESIGN.md *Sessions* §6).
        RefundExceedsPaid = "refund_exceeds_paid",
        /// 401: missing or wrong credentials.
        Unauthorized = "unauthorized",
        /// 401: `Checkout-Signature` missing, malformed or not matching the body.
        SignatureInvalid = "signature_invalid",
        /// 401: `Checkout-Signature` older (or newer) than 300 s.
        SignatureExpired = "signature_expired",
        /// 402: the balance is below the intent's balance part.
        InsufficientBalance = "insufficient_balance",
        /// 403: wrong payment password; `attempts_left`.
        WrongPassword = "wrong_password",
        /// 403: the shopper revoked the merchant's link.
        LinkRevoked = "link_revoked",
        /// 403: a state-changing request to the wallet pages came from another origin.
        CrossSiteRequest = "cross_site_request",
        /// 403: the passkey assertion did not verify (signature, origin, relying party,
        /// user verification, counter, or its challenge was made for another intent);
        /// counted like a wrong password: `attempts_left`.
        PasskeyInvalid = "passkey_invalid",
        /// 403: a change that needs the shopper to confirm it is them first (a passkey or
        /// a one-time code to the verified contact, DESIGN.md *The shopper's account*).
        StepUpRequired = "step_up_required",
        /// 404: no such checkout session.
        SessionNotFound = "session_not_found",
        /// 404: no such payment intent (for this caller).
        IntentNotFound = "intent_not_found",
        /// 404: no wallet for this shopper.
        WalletNotFound = "wallet_not_found",
        /// 404: no such link or link request of this merchant.
        LinkNotFound = "link_not_found",
        /// 404: no such recharge (for this shopper).
        RechargeNotFound = "recharge_not_found",
        /// 404: no such endpoint.
        NotFound = "not_found",
        /// 404: no such webhook endpoint of this merchant.
        WebhookEndpointNotFound = "webhook_endpoint_not_found",
        /// 404: no such event of this merchant.
        EventNotFound = "event_not_found",
        /// 405: the endpoint does not take this method.
        MethodNotAllowed = "method_not_allowed",
        /// 409: the session is already paid.
        SessionCompleted = "session_completed",
        /// 409: the same idempotency key is still running, or the session's payment waits
        /// for its second method (`intent_id`).
        RequestInProgress = "request_in_progress",
        /// 409: the intent's nonce was used before.
        NonceReused = "nonce_reused",
        /// 409: the backend's quote differs; `quote` carries it.
        QuoteMismatch = "quote_mismatch",
        /// 409: the intent's `cart_digest` is not the session's; `cart_digest` carries it.
        CartChanged = "cart_changed",
        /// 409: only a succeeded intent can be refunded; `status`.
        IntentNotRefundable = "intent_not_refundable",
        /// 409: the intent no longer waits for its second method; `status`.
        IntentNotPending = "intent_not_pending",
        /// 409: the intent was canceled; its hold went back to the wallet.
        IntentCanceled = "intent_canceled",
        /// 409: the intent's hold expired (`next_action.expires_at` passed); void the
        /// other payment with your provider.
        HoldExpired = "hold_expired",
        /// 409: the intent already succeeded.
        IntentSucceeded = "intent_succeeded",
        /// 409: a wallet already exists for this shopper.
        WalletExists = "wallet_exists",
        /// 409: the wallet's passwords are already set: no activation link for it.
        WalletActivated = "wallet_activated",
        /// 409: the contact (e-mail or phone) already belongs to another wallet.
        ContactTaken = "contact_taken",
        /// 409: the merchant collects the rest of this payment, and may already hold that
        /// money: only the merchant's server cancels it (DESIGN.md *The second leg*).
        SecondLegPending = "second_leg_pending",
        /// 409: the recharge already ended; `status`.
        RechargeNotPending = "recharge_not_pending",
        /// 409: the wallet has no passkey (or none with this credential id); pay with the
        /// payment password or add a passkey on the wallet's security page.
        PasskeyNotEnrolled = "passkey_not_enrolled",
        /// 409: the webhook endpoint comes from the server's configuration; change it there.
        WebhookEndpointConfigured = "webhook_endpoint_configured",
        /// 409: the secret is the endpoint's only active one; add another first.
        WebhookSecretLast = "webhook_secret_last",
        /// 410: the session expired.
        SessionExpired = "session_expired",
        /// 410: the passkey challenge expired (2 minutes) or was already used; ask for a
        /// new one.
        PasskeyExpired = "passkey_expired",
        /// 413: the body is too large.
        PayloadTooLarge = "payload_too_large",
        /// 422: the idempotency key was used with another body.
        IdempotencyConflict = "idempotency_conflict",
        /// 422: no provider for a second method on this server.
        MethodUnavailable = "method_unavailable",
        /// 422: a capture's `second_leg.amount` is not the intent's remainder; `expected`.
        AmountMismatch = "amount_mismatch",
        /// 423: too many wrong passwords; `locked_until`.
        PasswordLocked = "password_locked",
        /// 429: too many requests; `retry_after` (and the `Retry-After` header).
        RateLimited = "rate_limited",
        /// 500: the server failed; retry with the same idempotency key.
        InternalError = "internal_error",
        /// 503: too much work at once (payment password checks); `retry_after`.
        ServerBusy = "server_busy",
    }
}

impl ErrorCode {
    /// The HTTP status the contract gives this code (`InvalidRequest` may also be 415).
    #[must_use]
    pub const fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidRequest | ErrorCode::RefundExceedsPaid => 400,
            ErrorCode::Unauthorized | ErrorCode::SignatureInvalid | ErrorCode::SignatureExpired => {
                401
            }
            ErrorCode::InsufficientBalance => 402,
            ErrorCode::WrongPassword
            | ErrorCode::LinkRevoked
            | ErrorCode::CrossSiteRequest
            | ErrorCode::PasskeyInvalid
            | ErrorCode::StepUpRequired => 403,
            ErrorCode::SessionNotFound
            | ErrorCode::IntentNotFound
            | ErrorCode::WalletNotFound
            | ErrorCode::LinkNotFound
            | ErrorCode::RechargeNotFound
            | ErrorCode::WebhookEndpointNotFound
            | ErrorCode::EventNotFound
            | ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::SessionCompleted
            | ErrorCode::RequestInProgress
            | ErrorCode::NonceReused
            | ErrorCode::QuoteMismatch
            | ErrorCode::CartChanged
            | ErrorCode::IntentNotRefundable
            | ErrorCode::IntentNotPending
            | ErrorCode::IntentCanceled
            | ErrorCode::HoldExpired
            | ErrorCode::IntentSucceeded
            | ErrorCode::SecondLegPending
            | ErrorCode::WalletExists
            | ErrorCode::WalletActivated
            | ErrorCode::ContactTaken
            | ErrorCode::RechargeNotPending
            | ErrorCode::WebhookEndpointConfigured
            | ErrorCode::WebhookSecretLast
            | ErrorCode::PasskeyNotEnrolled => 409,
            ErrorCode::SessionExpired | ErrorCode::PasskeyExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::IdempotencyConflict
            | ErrorCode::MethodUnavailable
            | ErrorCode::AmountMismatch => 422,
            ErrorCode::PasswordLocked => 423,
            ErrorCode::RateLimited => 429,
            ErrorCode::InternalError => 500,
            ErrorCode::ServerBusy => 503,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{
        CancelReason, DeliveryStatus, ErrorCode, EventType, IntentStatus, RechargeStatus,
        SessionStatus,
    };

    fn round_trips<T>(all: &[T], code: fn(T) -> &'static str, from: fn(&str) -> Option<T>)
    where
        T: Copy + PartialEq + core::fmt::Debug + serde::Serialize + serde::de::DeserializeOwned,
    {
        for &v in all {
            assert_eq!(from(code(v)), Some(v));
            let json = serde_json::to_string(&v).expect("serialize");
            assert_eq!(json, format!("\"{}\"", code(v)), "serde writes the code");
            assert_eq!(serde_json::from_str::<T>(&json).expect("deserialize"), v);
        }
        assert_eq!(from("no_such_code"), None);
    }

    #[test]
    fn every_code_round_trips_through_its_string_and_serde() {
        round_trips(
            SessionStatus::ALL,
            SessionStatus::code,
            SessionStatus::from_code,
        );
        round_trips(
            IntentStatus::ALL,
            IntentStatus::code,
            IntentStatus::from_code,
        );
        round_trips(
            CancelReason::ALL,
            CancelReason::code,
            CancelReason::from_code,
        );
        round_trips(
            RechargeStatus::ALL,
            RechargeStatus::code,
            RechargeStatus::from_code,
        );
        round_trips(ErrorCode::ALL, ErrorCode::code, ErrorCode::from_code);
        round_trips(EventType::ALL, EventType::code, EventType::from_code);
        round_trips(
            DeliveryStatus::ALL,
            DeliveryStatus::code,
            DeliveryStatus::from_code,
        );
    }

    #[test]
    fn codes_are_unique_and_snake_case() {
        let codes: Vec<_> = ErrorCode::ALL.iter().map(|c| c.code()).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
        assert!(codes
            .iter()
            .all(|c| c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
    }

    #[test]
    fn statuses_follow_the_contract() {
        assert_eq!(ErrorCode::QuoteMismatch.http_status(), 409);
        assert_eq!(ErrorCode::PasswordLocked.http_status(), 423);
        assert_eq!(ErrorCode::SessionExpired.http_status(), 410);
        assert_eq!(ErrorCode::InsufficientBalance.http_status(), 402);
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
    }
}
