//! The balance-pay discounts of a merchant's policy (`[[merchants.policy.promotions]]`,
//! DESIGN.md *Promotions*): checked at start, and in force between their `starts_at` and
//! `ends_at`. The core applies the promotions it is given and reads no clock; the server
//! gives it those in force when it quotes (`crate::checkout::SessionTerms::at`).

use checkout_core::{Promotion, RechargePromotion};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::ConfigError;

fn instant(at: Option<&str>) -> Result<Option<i64>, String> {
    at.map(|t| {
        OffsetDateTime::parse(t, &Rfc3339)
            .map(OffsetDateTime::unix_timestamp)
            .map_err(|_| format!("{t:?} is not an RFC 3339 time such as 2026-06-18T00:00:00+08:00"))
    })
    .transpose()
}

/// `starts_at <= now < ends_at`, an absent bound open; a time that does not parse never.
fn open_at(starts_at: Option<&str>, ends_at: Option<&str>, now: i64) -> bool {
    match (instant(starts_at), instant(ends_at)) {
        (Ok(starts), Ok(ends)) => starts.is_none_or(|s| s <= now) && ends.is_none_or(|e| now < e),
        _ => false,
    }
}

/// Both times parse, `starts_at` before `ends_at`; else what to change.
fn window(starts_at: Option<&str>, ends_at: Option<&str>) -> Result<(), String> {
    let starts = instant(starts_at).map_err(|e| format!("starts_at: {e}"))?;
    let ends = instant(ends_at).map_err(|e| format!("ends_at: {e}"))?;
    match (starts, ends) {
        (Some(s), Some(e)) if s >= e => Err("starts_at must be before ends_at".to_owned()),
        _ => Ok(()),
    }
}

/// Whether `p` is in force at `now` (unix seconds): `starts_at <= now < ends_at`, an
/// absent bound open. A time that does not parse (refused at start) is never in force.
#[must_use]
pub fn in_force(p: &Promotion, now: i64) -> bool {
    open_at(p.starts_at.as_deref(), p.ends_at.as_deref(), now)
}

/// A merchant's promotions, each with an id of 1 to 64 characters (unique), `0 < off <
/// threshold`, both labels, and times that parse with `starts_at` before `ends_at`.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the merchant, the promotion and what to change.
pub fn check(merchant: &str, promotions: &[Promotion]) -> Result<(), ConfigError> {
    let bad = |id: &str, why: String| {
        ConfigError::Invalid(format!("merchant {merchant:?}, promotion {id:?}: {why}"))
    };
    for (i, p) in promotions.iter().enumerate() {
        if p.id.is_empty() || p.id.chars().count() > 64 {
            return Err(bad(&p.id, "its id must be 1 to 64 characters".to_owned()));
        }
        if promotions[..i].iter().any(|q| q.id == p.id) {
            return Err(bad(&p.id, "two promotions share this id".to_owned()));
        }
        if p.off.value().is_zero() || p.off >= p.threshold {
            return Err(bad(
                &p.id,
                "off must be above zero and below threshold".to_owned(),
            ));
        }
        if p.label.zh_cn.trim().is_empty() || p.label.en.trim().is_empty() {
            return Err(bad(
                &p.id,
                "label needs both \"zh-CN\" and \"en\"".to_owned(),
            ));
        }
        window(p.starts_at.as_deref(), p.ends_at.as_deref()).map_err(|why| bad(&p.id, why))?;
    }
    Ok(())
}

/// The operator's recharge campaigns, each checked by the core's rule, ids unique, times
/// that parse in order.
///
/// # Errors
/// [`ConfigError::Invalid`] naming the campaign and what to change.
pub fn check_recharge(
    campaigns: Vec<RechargePromotion>,
) -> Result<Vec<RechargePromotion>, ConfigError> {
    for (i, p) in campaigns.iter().enumerate() {
        let bad =
            |why: String| ConfigError::Invalid(format!("recharge_promotions {:?}: {why}", p.id));
        p.check().map_err(|e| bad(e.to_string()))?;
        if campaigns[..i].iter().any(|q| q.id == p.id) {
            return Err(bad("two campaigns share this id".to_owned()));
        }
        window(p.starts_at.as_deref(), p.ends_at.as_deref()).map_err(bad)?;
    }
    Ok(campaigns)
}

/// Whether a recharge campaign is in force at `now` (as [`in_force`]).
#[must_use]
pub fn recharge_in_force(p: &RechargePromotion, now: i64) -> bool {
    open_at(p.starts_at.as_deref(), p.ends_at.as_deref(), now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn promo(starts: Option<&str>, ends: Option<&str>) -> Promotion {
        serde_json::from_value(serde_json::json!({
            "id": "618", "kind": "balance_pay_discount", "threshold": "199.00", "off": "10.00",
            "label": {"zh-CN": "余额支付满199减10", "en": "¥10 off ¥199 paid with balance"},
            "starts_at": starts, "ends_at": ends,
        }))
        .expect("promotion")
    }

    #[test]
    fn a_window_is_closed_at_its_start_and_open_at_its_end() {
        let p = promo(
            Some("2026-06-01T00:00:00+08:00"),
            Some("2026-06-19T00:00:00+08:00"),
        );
        let start = 1_780_243_200; // 2026-06-01T00:00:00+08:00
        assert!(!in_force(&p, start - 1));
        assert!(in_force(&p, start));
        assert!(!in_force(&p, start + 18 * 86_400));
        assert!(in_force(&promo(None, None), 0));
        assert!(check("m", &[p]).is_ok());
    }

    #[test]
    fn bad_promotions_are_refused_at_start() {
        assert!(check("m", &[promo(Some("June"), None)]).is_err());
        let backwards = promo(Some("2026-06-19T00:00:00Z"), Some("2026-06-01T00:00:00Z"));
        assert!(check("m", &[backwards]).is_err());
        assert!(check("m", &[promo(None, None), promo(None, None)]).is_err());
        let mut p = promo(None, None);
        p.off = p.threshold;
        assert!(check("m", &[p]).is_err());
    }
}
