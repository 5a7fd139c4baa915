//! The merchant's eligibility policy.

use serde::{Deserialize, Serialize};

use crate::cart::Category;
use crate::money::Amount;
use crate::promotion::Promotion;

/// Which parts of a cart the wallet balance may pay for. Held by the backend per merchant
/// and sent to the widget with the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    pub excluded_categories: Vec<Category>,
    pub accepting_third_party: Vec<String>,
    pub shipping_eligible: bool,
    pub max_balance_per_order: Option<Amount>,
    /// Balance-pay discounts (DESIGN.md *Promotions*); the server passes only those in
    /// force when it quotes. Left out of the JSON when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub promotions: Vec<Promotion>,
}

impl Default for Policy {
    /// `{"excluded_categories": ["virtual","gift_card","top_up"], "accepting_third_party": [],
    ///   "shipping_eligible": true, "max_balance_per_order": null}`
    fn default() -> Policy {
        Policy {
            excluded_categories: vec![Category::Virtual, Category::GiftCard, Category::TopUp],
            accepting_third_party: Vec::new(),
            shipping_eligible: true,
            max_balance_per_order: None,
            promotions: Vec::new(),
        }
    }
}
