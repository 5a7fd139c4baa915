//! The body of `POST /v1/intents/{id}/refunds` and its split by the core's rule
//! (`checkout_core::refund`), with what a refund that cannot be split answers (DESIGN.md
//! *Sessions* §6): the request's field, and for asking more than is left, 400
//! `refund_exceeds_paid` with what is left.

use checkout_core::refund::{refund_amount, refund_lines, RefundError, RefundShare, Refundable};
use checkout_core::{Amount, Currency, ErrorCode, Money};
use serde::Deserialize;

use crate::error::{ApiError, ServerError};
use crate::store::stored::money;

/// The body of `POST /v1/intents/{id}/refunds`: `{lines:[{id, amount}]}` or `{amount}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundRequest {
    #[serde(default)]
    pub lines: Option<Vec<RefundLine>>,
    #[serde(default)]
    pub amount: Option<Amount>,
}

/// One line to refund, in major units.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefundLine {
    pub id: String,
    pub amount: Amount,
}

/// The request in minor units, split by the core's refund rule; its errors name the
/// request's fields, with amounts in the currency.
pub fn split(
    req: &RefundRequest,
    paid: &[Refundable],
    c: Currency,
) -> Result<Vec<RefundShare>, ServerError> {
    let minor = |a: Amount, path: &str| {
        a.in_currency(c)
            .map(Money::minor)
            .map_err(|e| ApiError::field(path, e.to_string()))
    };
    let result = match (&req.lines, req.amount) {
        (Some(lines), None) if !lines.is_empty() => {
            let mut wanted = Vec::with_capacity(lines.len());
            for (i, l) in lines.iter().enumerate() {
                wanted.push((l.id.clone(), minor(l.amount, &format!("lines[{i}].amount"))?));
            }
            refund_lines(paid, &wanted)
        }
        (None, Some(amount)) => refund_amount(paid, minor(amount, "amount")?),
        _ => {
            return Err(ApiError::new(
                ErrorCode::InvalidRequest,
                "send either {\"lines\":[{\"id\",\"amount\"}]} with at least one line, or {\"amount\"}, not both",
            )
            .into())
        }
    };
    result.map_err(|e| refund_error(req, e, c))
}

/// The answer to a refund the core's rule refused, naming the request's field, amounts
/// in the currency.
fn refund_error(req: &RefundRequest, e: RefundError, c: Currency) -> ServerError {
    let left = |minor: i64| money(minor, c);
    let asked_above_zero =
        |amount: Option<Amount>| amount.is_some_and(|a| a.value() > Default::default());
    let err = match e {
        RefundError::UnknownLine { index } => {
            let id = line_id(req, index);
            ApiError::field(
                &format!("lines[{index}].id"),
                format!("{id:?} is not a line of this payment"),
            )
        }
        RefundError::DuplicateLine { index } => ApiError::field(
            &format!("lines[{index}].id"),
            "appears twice; refund a line once per request",
        ),
        RefundError::LineAmount { index, left: l } => {
            let l = match left(l) {
                Ok(l) => l,
                Err(e) => return e,
            };
            let asked = req
                .lines
                .as_deref()
                .and_then(|ls| ls.get(index))
                .map(|l| l.amount);
            if asked_above_zero(asked) {
                exceeds_paid(
                    &format!("lines[{index}].amount"),
                    Some(line_id(req, index)),
                    l,
                )
            } else {
                ApiError::field(&format!("lines[{index}].amount"), "must be above zero")
            }
        }
        RefundError::Amount { left: l } => {
            let l = match left(l) {
                Ok(l) => l,
                Err(e) => return e,
            };
            if asked_above_zero(req.amount) {
                exceeds_paid("amount", None, l)
            } else {
                ApiError::field("amount", "must be above zero")
            }
        }
    };
    err.into()
}

fn line_id(req: &RefundRequest, index: usize) -> &str {
    req.lines
        .as_deref()
        .and_then(|l| l.get(index))
        .map_or("", |l| l.id.as_str())
}

/// 400 `refund_exceeds_paid`: per line (or in all), what is refunded — to the wallet and
/// as `other_refund_due` — never passes what was paid (DESIGN.md *Sessions* §6).
fn exceeds_paid(path: &str, line: Option<&str>, left: Money) -> ApiError {
    let whose = line.map_or_else(|| "this payment".to_owned(), |id| format!("line {id:?}"));
    let mut e = ApiError::new(
        ErrorCode::RefundExceedsPaid,
        format!("{path}: the refunds would return more than was paid for {whose}; at most {left} is left to refund"),
    )
    .with("path", path)
    .with("left", left);
    if let Some(id) = line {
        e = e.with("line", id);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::{split, RefundLine, RefundRequest, ServerError};
    use checkout_core::refund::{RefundShare, Refundable};
    use checkout_core::{Amount, Currency};

    fn paid() -> Vec<Refundable> {
        vec![
            Refundable {
                id: "L1".into(),
                balance_left: 5500,
                other_left: 0,
            },
            Refundable {
                id: "L2".into(),
                balance_left: 0,
                other_left: 10000,
            },
            Refundable {
                id: "shipping".into(),
                balance_left: 300,
                other_left: 300,
            },
        ]
    }

    fn share(id: &str, balance: i64, other: i64) -> RefundShare {
        RefundShare {
            id: id.into(),
            balance,
            other,
        }
    }

    fn amount(s: &str) -> Amount {
        Amount::parse(s).expect("amount")
    }

    #[test]
    fn a_line_refund_returns_the_balance_share_first() {
        let req = RefundRequest {
            lines: Some(vec![RefundLine {
                id: "shipping".into(),
                amount: amount("4.00"),
            }]),
            amount: None,
        };
        let shares = split(&req, &paid(), Currency::CNY).expect("split");
        assert_eq!(shares, vec![share("shipping", 300, 100)]);
    }

    #[test]
    fn an_amount_refund_takes_all_balance_shares_before_other_shares() {
        let req = RefundRequest {
            lines: None,
            amount: Some(amount("60.00")),
        };
        let shares = split(&req, &paid(), Currency::CNY).expect("split");
        assert_eq!(
            shares,
            vec![
                share("L1", 5500, 0),
                share("L2", 0, 200),
                share("shipping", 300, 0)
            ]
        );
    }

    #[test]
    fn it_refuses_more_than_is_left_on_a_line_or_in_total() {
        let line = RefundRequest {
            lines: Some(vec![RefundLine {
                id: "L1".into(),
                amount: amount("55.01"),
            }]),
            amount: None,
        };
        let Err(ServerError::Api(err)) = split(&line, &paid(), Currency::CNY) else {
            panic!("too much must be refused");
        };
        assert_eq!(err.extra["path"], "lines[0].amount");
        assert!(err.message.contains("55.00"), "{}", err.message);
        let total = RefundRequest {
            lines: None,
            amount: Some(amount("161.01")),
        };
        assert!(split(&total, &paid(), Currency::CNY).is_err());
        let both = RefundRequest {
            lines: Some(vec![]),
            amount: Some(amount("1.00")),
        };
        assert!(split(&both, &paid(), Currency::CNY).is_err());
    }
}
