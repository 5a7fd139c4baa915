//! The names the wallet pages give payment methods and providers, in the page's language.

use super::text::Text;

impl Text {
    /// A second method's name: an instrument's, or the shop's own payment.
    #[must_use]
    pub fn method_name(&self, m: checkout_core::Method) -> &'static str {
        checkout_core::Method::INSTRUMENTS
            .iter()
            .position(|x| *x == m)
            .map_or(self.shop_payment, |i| self.methods[i])
    }

    /// A provider's name, followed by "via the shop".
    #[must_use]
    pub fn provider_via_shop(&self, p: checkout_core::Provider) -> String {
        let i = checkout_core::Provider::ALL
            .iter()
            .position(|x| *x == p)
            .unwrap_or(0);
        let space = if self.is_zh() { "" } else { " " };
        format!("{}{space}{}", self.providers[i], self.via_shop)
    }
}
