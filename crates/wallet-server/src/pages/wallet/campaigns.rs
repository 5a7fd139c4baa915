//! The recharge page's campaigns (DESIGN.md *Promotions*: "the recharge page shows the
//! campaign before the shopper confirms"): each recharge campaign in force for the
//! wallet's currency, in the shopper's words, or that it has ended once its budget cannot
//! pay a bonus.

use checkout_core::{Method, Money};

use super::amount;
use crate::http::lang::Lang;
use crate::wallet::bonuses::Offer;

/// The method's name as the recharge form shows it.
fn method_name(lang: Lang, method: Method) -> &'static str {
    let i = Method::INSTRUMENTS
        .iter()
        .position(|m| *m == method)
        .unwrap_or(0);
    super::text::text(lang).methods[i]
}

/// `0.05` as `5%`.
fn percent(rate: rust_decimal::Decimal) -> String {
    format!(
        "{}%",
        (rate * rust_decimal::Decimal::ONE_HUNDRED).normalize()
    )
}

/// One campaign's sentence.
fn sentence(lang: Lang, offer: &Offer) -> Option<String> {
    let p = &offer.campaign;
    let c = p.currency;
    let money = |a: checkout_core::Amount| a.in_currency(c).ok().map(amount);
    let (min, cap) = (money(p.min_amount)?, money(p.bonus_cap)?);
    let rate = percent(p.bonus_rate.value());
    let smallest = p
        .bonus(
            p.min_amount.in_currency(c).ok()?,
            p.method.unwrap_or(Method::Ecny),
            Money::zero(c),
        )
        .ok()?;
    let ended = offer.remaining < smallest.minor().max(1);
    let per_wallet = p.per_wallet_cap.and_then(money);
    Some(match lang {
        Lang::Zh => {
            let by = p.method.map_or("", |m| method_name(lang, m));
            let each = per_wallet
                .map(|w| format!("，每个钱包最多 {w}"))
                .unwrap_or_default();
            if ended {
                format!("{by}充值满 {min} 赠 {rate} 活动已结束，本次充值不再赠送。")
            } else {
                format!("{by}充值满 {min} 赠 {rate}，单笔最高 {cap}{each}。确认后随充值一起到账。")
            }
        }
        Lang::En => {
            let by = p
                .method
                .map(|m| format!(" with {}", method_name(lang, m)))
                .unwrap_or_default();
            let each = per_wallet
                .map(|w| format!(", {w} per wallet at most"))
                .unwrap_or_default();
            if ended {
                format!("The {rate} bonus on recharges{by} of {min} or more has ended: this recharge earns none.")
            } else {
                format!("Recharge{by} {min} or more and get {rate} extra, up to {cap} a recharge{each}. It arrives with the recharge.")
            }
        }
    })
}

/// The campaigns' notices for the recharge form (empty without any).
#[must_use]
pub fn notices(lang: Lang, offers: &[Offer]) -> String {
    offers
        .iter()
        .filter_map(|o| sentence(lang, o))
        .map(|s| {
            format!(
                r#"<p class="notice campaign">{}</p>"#,
                crate::util::html_escape(&s)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(remaining: i64) -> Offer {
        Offer {
            campaign: serde_json::from_value(serde_json::json!({
                "id": "ecny", "currency": "CNY", "method": "ecny", "min_amount": "100.00",
                "bonus_rate": "0.05", "bonus_cap": "20.00", "per_wallet_cap": "50.00",
                "budget": "1000.00",
            }))
            .expect("campaign"),
            remaining,
        }
    }

    #[test]
    fn a_campaign_reads_in_both_languages_and_says_when_it_ended() {
        let zh = notices(Lang::Zh, &[offer(100_000)]);
        assert!(
            zh.contains("数字人民币充值满 ¥100.00 赠 5%，单笔最高 ¥20.00，每个钱包最多 ¥50.00"),
            "{zh}"
        );
        let en = notices(Lang::En, &[offer(100_000)]);
        assert!(
            en.contains("Recharge with Digital RMB ¥100.00 or more and get 5% extra, up to ¥20.00"),
            "{en}"
        );
        assert!(notices(Lang::Zh, &[offer(499)]).contains("活动已结束"));
        assert!(notices(Lang::En, &[offer(0)]).contains("has ended"));
    }
}
