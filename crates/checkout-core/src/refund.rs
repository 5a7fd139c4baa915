//! Refunds of a paid intent: how much of each line goes back to the wallet balance and how
//! much to the second method. A line returns its balance share first, then its
//! other-method share; a refund by amount takes the balance shares of all lines first (in
//! line order), then the other-method shares. Never more than is left, per line or in all.
//!
//! Amounts are minor units of the intent's currency (`Money::minor`).

use thiserror::Error;

/// What is left to refund of one paid line: its shares of the paid quote's allocation
/// minus what earlier refunds returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refundable {
    pub id: String,
    pub balance_left: i64,
    pub other_left: i64,
}

impl Refundable {
    #[must_use]
    pub fn left(&self) -> i64 {
        self.balance_left.saturating_add(self.other_left)
    }
}

/// One line's part of a refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundShare {
    pub id: String,
    pub balance: i64,
    pub other: i64,
}

/// The sums of a refund's shares, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RefundTotals {
    /// What returns to the wallet balance.
    pub balance: i64,
    /// What returns through the second method.
    pub other: i64,
    /// Both together: the refund's amount.
    pub total: i64,
}

impl RefundTotals {
    /// Sums the shares. Each share is at most what is left of a paid line, so the sums
    /// stay far inside `i64`; they saturate rather than wrap should a caller pass more.
    #[must_use]
    pub fn of(shares: &[RefundShare]) -> RefundTotals {
        let balance = shares
            .iter()
            .map(|s| s.balance)
            .fold(0i64, i64::saturating_add);
        let other = shares
            .iter()
            .map(|s| s.other)
            .fold(0i64, i64::saturating_add);
        RefundTotals {
            balance,
            other,
            total: balance.saturating_add(other),
        }
    }
}

/// Why a refund cannot be split; `index` is the position in the requested lines.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RefundError {
    #[error("lines[{index}].id: not a line of this payment")]
    UnknownLine { index: usize },
    #[error("lines[{index}].id: appears twice; refund a line once per request")]
    DuplicateLine { index: usize },
    #[error("lines[{index}].amount: must be above zero and at most {left} (minor units left on this line)")]
    LineAmount { index: usize, left: i64 },
    #[error("amount: must be above zero and at most {left} (minor units left to refund)")]
    Amount { left: i64 },
}

/// A refund of the given amount of each named line.
pub fn refund_lines(
    paid: &[Refundable],
    lines: &[(String, i64)],
) -> Result<Vec<RefundShare>, RefundError> {
    let mut out: Vec<RefundShare> = Vec::with_capacity(lines.len());
    for (index, (id, amount)) in lines.iter().enumerate() {
        let Some(p) = paid.iter().find(|p| p.id == *id) else {
            return Err(RefundError::UnknownLine { index });
        };
        if out.iter().any(|s| s.id == *id) {
            return Err(RefundError::DuplicateLine { index });
        }
        if *amount <= 0 || *amount > p.left() {
            return Err(RefundError::LineAmount {
                index,
                left: p.left(),
            });
        }
        let balance = (*amount).min(p.balance_left);
        out.push(RefundShare {
            id: id.clone(),
            balance,
            other: amount - balance,
        });
    }
    Ok(out)
}

/// A refund of `amount` across the payment: balance shares first, then other-method
/// shares. Lines that return nothing are left out.
pub fn refund_amount(paid: &[Refundable], amount: i64) -> Result<Vec<RefundShare>, RefundError> {
    let left = paid
        .iter()
        .map(Refundable::left)
        .fold(0i64, i64::saturating_add);
    if amount <= 0 || amount > left {
        return Err(RefundError::Amount { left });
    }
    let mut rest = amount;
    let mut out: Vec<RefundShare> = paid
        .iter()
        .map(|p| {
            let balance = rest.min(p.balance_left);
            rest -= balance;
            RefundShare {
                id: p.id.clone(),
                balance,
                other: 0,
            }
        })
        .collect();
    for (share, p) in out.iter_mut().zip(paid) {
        share.other = rest.min(p.other_left);
        rest -= share.other;
    }
    out.retain(|s| s.balance + s.other > 0);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid() -> Vec<Refundable> {
        vec![
            Refundable {
                id: "L1".into(),
                balance_left: 1000,
                other_left: 500,
            },
            Refundable {
                id: "L2".into(),
                balance_left: 0,
                other_left: 2000,
            },
            Refundable {
                id: "L3".into(),
                balance_left: 300,
                other_left: 0,
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

    #[test]
    fn a_line_returns_its_balance_share_first() {
        let got = refund_lines(&paid(), &[("L1".into(), 1200), ("L2".into(), 100)]).unwrap();
        assert_eq!(got, [share("L1", 1000, 200), share("L2", 0, 100)]);
    }

    #[test]
    fn bad_lines_are_named_by_position() {
        let p = paid();
        let err = |lines: &[(&str, i64)]| {
            let lines: Vec<(String, i64)> = lines.iter().map(|(i, a)| ((*i).into(), *a)).collect();
            refund_lines(&p, &lines).unwrap_err()
        };
        assert_eq!(err(&[("L9", 1)]), RefundError::UnknownLine { index: 0 });
        assert_eq!(
            err(&[("L1", 1), ("L1", 1)]),
            RefundError::DuplicateLine { index: 1 }
        );
        assert_eq!(
            err(&[("L3", 301)]),
            RefundError::LineAmount {
                index: 0,
                left: 300
            }
        );
        assert_eq!(
            err(&[("L3", 0)]),
            RefundError::LineAmount {
                index: 0,
                left: 300
            }
        );
    }

    #[test]
    fn an_amount_takes_every_balance_share_before_any_other_share() {
        assert_eq!(
            refund_amount(&paid(), 1400).unwrap(),
            [share("L1", 1000, 100), share("L3", 300, 0)]
        );
        assert_eq!(
            refund_amount(&paid(), 3800).unwrap(),
            [
                share("L1", 1000, 500),
                share("L2", 0, 2000),
                share("L3", 300, 0)
            ]
        );
        assert_eq!(
            refund_amount(&paid(), 3801).unwrap_err(),
            RefundError::Amount { left: 3800 }
        );
        assert_eq!(
            refund_amount(&paid(), 0).unwrap_err(),
            RefundError::Amount { left: 3800 }
        );
    }

    #[test]
    fn totals_sum_each_part_and_the_whole() {
        let shares = refund_amount(&paid(), 1400).unwrap();
        assert_eq!(
            RefundTotals::of(&shares),
            RefundTotals {
                balance: 1300,
                other: 100,
                total: 1400
            }
        );
        assert_eq!(RefundTotals::of(&[]), RefundTotals::default());
    }
}
