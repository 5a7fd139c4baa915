//! The cart a merchant registers: wire form ([`CartInput`]) and validated form ([`Cart`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::money::{Amount, Currency, Money};

/// At most this many lines in one cart.
pub const MAX_LINES: usize = 10_000;
/// Quantity of a line: 1..=9999.
pub const MAX_QUANTITY: u32 = 9_999;
/// The id of the shipping pseudo-line in quotes and allocations; reserved in carts.
pub const SHIPPING_LINE_ID: &str = "shipping";
const MAX_ID_LEN: usize = 64;
const MAX_NAME_LEN: usize = 256;

/// What kind of goods a line is; the policy may exclude some kinds from balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Physical,
    Virtual,
    GiftCard,
    TopUp,
    Service,
}

/// Who sells the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MerchantKind {
    SelfOperated,
    ThirdParty,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Merchant {
    pub id: String,
    pub kind: MerchantKind,
}

/// A cart as received, amounts not yet checked against the currency.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CartInput {
    pub currency: Currency,
    pub lines: Vec<LineInput>,
    #[serde(default)]
    pub shipping: Option<ShippingInput>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub id: String,
    #[serde(default)]
    pub sku: Option<String>,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Amount,
    #[serde(default)]
    pub balance_price: Option<Amount>,
    pub merchant: Merchant,
    pub category: Category,
    #[serde(default)]
    pub balance_eligible: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShippingInput {
    pub fee: Amount,
}

/// A validated cart: every rule in DESIGN.md *Cart* holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cart {
    pub currency: Currency,
    pub lines: Vec<Line>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping: Option<Shipping>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance_price: Option<Money>,
    pub merchant: Merchant,
    pub category: Category,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balance_eligible: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shipping {
    pub fee: Money,
}

impl Line {
    /// quantity × unit price.
    pub fn amount(&self) -> Result<Money, Error> {
        self.unit_price
            .checked_mul(self.quantity)
            .map_err(|e| Error::amount(format!("line {:?}", self.id), e))
    }

    /// quantity × balance price (or unit price when the line has none).
    pub fn balance_amount(&self) -> Result<Money, Error> {
        self.balance_price
            .unwrap_or(self.unit_price)
            .checked_mul(self.quantity)
            .map_err(|e| Error::amount(format!("line {:?}", self.id), e))
    }
}

impl Cart {
    /// Parses and validates a cart from JSON.
    pub fn from_json(json: &str) -> Result<Cart, Error> {
        crate::error::from_json::<CartInput>(json)?.validate()
    }

    /// The order total at standard prices.
    pub fn standard_total(&self) -> Result<Money, Error> {
        let mut total = self
            .shipping
            .as_ref()
            .map_or(Money::zero(self.currency), |s| s.fee);
        for line in &self.lines {
            total = total
                .checked_add(line.amount()?)
                .map_err(|e| Error::amount("", e))?;
        }
        Ok(total)
    }
}

fn check_text(path: &str, value: &str, max: usize) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::rule(path, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(Error::rule(
            path,
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

impl CartInput {
    /// Checks every cart rule and ties the amounts to the cart's currency.
    pub fn validate(self) -> Result<Cart, Error> {
        let currency = self.currency;
        if self.lines.is_empty() {
            return Err(Error::rule("lines", "a cart needs at least one line"));
        }
        if self.lines.len() > MAX_LINES {
            return Err(Error::rule(
                "lines",
                format!(
                    "a cart has at most {MAX_LINES} lines, got {}",
                    self.lines.len()
                ),
            ));
        }
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.lines.len());
        for (i, line) in self.lines.iter().enumerate() {
            let path = format!("lines[{i}].id");
            check_text(&path, &line.id, MAX_ID_LEN)?;
            if line.id == SHIPPING_LINE_ID {
                return Err(Error::rule(
                    path,
                    "\"shipping\" is reserved for the shipping fee; use another line id",
                ));
            }
            if let Some(first) = seen.insert(&line.id, i) {
                return Err(Error::rule(
                    path,
                    format!("duplicate line id {:?} (also lines[{first}].id)", line.id),
                ));
            }
        }
        let lines = self
            .lines
            .into_iter()
            .enumerate()
            .map(|(i, l)| l.validate(i, currency))
            .collect::<Result<Vec<_>, _>>()?;
        let shipping = self
            .shipping
            .map(|s| {
                s.fee
                    .in_currency(currency)
                    .map(|fee| Shipping { fee })
                    .map_err(|e| Error::amount("shipping.fee", e))
            })
            .transpose()?;
        let cart = Cart {
            currency,
            lines,
            shipping,
        };
        // Every total the split can compute is at most the standard total.
        cart.standard_total()
            .map_err(|e| Error::rule("", format!("the order total is too large: {e}")))?;
        Ok(cart)
    }
}

impl LineInput {
    fn validate(self, i: usize, currency: Currency) -> Result<Line, Error> {
        let at = |field: &str| format!("lines[{i}].{field}");
        if let Some(sku) = &self.sku {
            check_text(&at("sku"), sku, MAX_ID_LEN)?;
        }
        check_text(&at("name"), &self.name, MAX_NAME_LEN)?;
        check_text(&at("merchant.id"), &self.merchant.id, MAX_ID_LEN)?;
        if !(1..=MAX_QUANTITY).contains(&self.quantity) {
            return Err(Error::rule(
                at("quantity"),
                format!(
                    "must be between 1 and {MAX_QUANTITY}, got {}",
                    self.quantity
                ),
            ));
        }
        let unit_price = self
            .unit_price
            .in_currency(currency)
            .map_err(|e| Error::amount(at("unit_price"), e))?;
        let balance_price = match self.balance_price {
            None => None,
            Some(bp) => {
                let bp = bp
                    .in_currency(currency)
                    .map_err(|e| Error::amount(at("balance_price"), e))?;
                if bp.value() >= unit_price.value() {
                    return Err(Error::rule(
                        at("balance_price"),
                        format!("must be below unit_price ({unit_price}), got {bp}"),
                    ));
                }
                // A free balance price would give the item away to any shopper whose
                // eligible total at balance prices is zero, with no balance paid at all.
                if bp.is_zero() {
                    return Err(Error::rule(
                        at("balance_price"),
                        format!("must be above zero, got {bp}; leave it out when the line has no balance-only price"),
                    ));
                }
                Some(bp)
            }
        };
        if self.balance_eligible == Some(true) {
            return Err(Error::rule(
                at("balance_eligible"),
                "may only be false (to exclude a line); leave it out otherwise",
            ));
        }
        let line = Line {
            id: self.id,
            sku: self.sku,
            name: self.name,
            quantity: self.quantity,
            unit_price,
            balance_price,
            merchant: self.merchant,
            category: self.category,
            balance_eligible: self.balance_eligible,
        };
        line.amount()
            .map_err(|e| Error::rule(at("quantity"), format!("line amount too large: {e}")))?;
        Ok(line)
    }
}
