//! Balance Checkout's rules, shared by the widget (wasm) and the backend (native):
//! money, cart, eligibility policy, the split and its allocation, intents, refunds and
//! signatures.
//!
//! Pure: no IO, no clock, no randomness. Callers pass the time and the nonce in.

// `wire_enum!` names this crate as `checkout_core` (see the macro), here as in its users.
extern crate self as checkout_core;

pub mod allocation;
pub mod cart;
pub mod currency;
pub mod digest;
pub mod display;
pub mod eligibility;
pub mod error;
pub mod intent;
pub mod money;
pub mod policy;
pub mod promotion;
pub mod recharge_bonus;
pub mod refund;
pub mod request;
pub mod signature;
pub mod split;
pub mod vocabulary;

pub use cart::{Cart, CartInput, Category, Line, Merchant, MerchantKind, Shipping};
pub use digest::{canonical_json, cart_digest};
pub use eligibility::Reason;
pub use error::{AmountError, Error};
pub use intent::{
    validate_reference, Authorization, Intent, IntentRequest, Method, Provider, SecondLeg,
};
pub use money::{Amount, Currency, Money};
pub use policy::Policy;
pub use promotion::{Discount, Labels, Promotion};
pub use recharge_bonus::RechargePromotion;
pub use signature::SignatureError;
pub use split::{discount_topup, quote, Choice, DiscountTopUp, Quote, QuoteLine, TopUp};
pub use vocabulary::{
    CancelReason, DeliveryStatus, ErrorCode, EventType, IntentStatus, PromotionKind,
    RechargeStatus, SessionStatus,
};

/// What `wire_enum!` expands to in other crates; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
}
