//! Which lines the balance may pay for, and why not.

use crate::cart::{Cart, Line, MerchantKind};
use crate::policy::Policy;

crate::wire_enum! {
    /// Why a line (or shipping) may not be paid with balance. The first matching rule wins.
    pub enum Reason {
        /// The line itself says `balance_eligible: false`.
        ItemExcluded = "item_excluded",
        /// The line's category is in the policy's `excluded_categories`.
        CategoryExcluded = "category_excluded",
        /// A third-party seller not in the policy's `accepting_third_party`.
        MerchantNotAccepting = "merchant_not_accepting",
        /// The policy says `shipping_eligible: false`.
        ShippingExcluded = "shipping_excluded",
    }
}

/// `None` when the balance may pay for the line, else the first reason it may not.
#[must_use]
pub fn line_ineligibility(line: &Line, policy: &Policy) -> Option<Reason> {
    if line.balance_eligible == Some(false) {
        return Some(Reason::ItemExcluded);
    }
    if policy.excluded_categories.contains(&line.category) {
        return Some(Reason::CategoryExcluded);
    }
    if line.merchant.kind == MerchantKind::ThirdParty
        && !policy.accepting_third_party.contains(&line.merchant.id)
    {
        return Some(Reason::MerchantNotAccepting);
    }
    None
}

/// `None` when the balance may pay for shipping, else [`Reason::ShippingExcluded`].
#[must_use]
pub fn shipping_ineligibility(policy: &Policy) -> Option<Reason> {
    (!policy.shipping_eligible).then_some(Reason::ShippingExcluded)
}

/// The ineligibility of every line of the cart, in cart order.
#[must_use]
pub fn cart_ineligibility(cart: &Cart, policy: &Policy) -> Vec<Option<Reason>> {
    cart.lines
        .iter()
        .map(|l| line_ineligibility(l, policy))
        .collect()
}
