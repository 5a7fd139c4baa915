//! Every string the shopper reads, in English and Simplified Chinese.

use checkout_core::{Category, Method, Reason};

/// The widget's languages. Anything not Chinese falls back to English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    En,
    ZhCn,
}

impl Locale {
    /// `zh`, `zh-CN`, `zh-Hans…` → Chinese; anything else → English.
    #[must_use]
    pub fn from_tag(tag: Option<&str>) -> Locale {
        match tag {
            Some(t) if t.to_ascii_lowercase().starts_with("zh") => Locale::ZhCn,
            _ => Locale::En,
        }
    }

    /// The BCP 47 tag for the `lang` attribute.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// A merchant's words in this locale (a promotion's label).
    #[must_use]
    pub fn label(self, label: &checkout_core::Labels) -> String {
        match self {
            Locale::En => label.en.clone(),
            Locale::ZhCn => label.zh_cn.clone(),
        }
    }

    #[must_use]
    pub fn text(self) -> &'static Text {
        match self {
            Locale::En => &EN,
            Locale::ZhCn => &ZH,
        }
    }
}

/// The strings of one locale. Templates hold `{placeholders}` for
/// [`crate::format::fill`].
pub struct Text {
    pub title: &'static str,
    pub loading: &'static str,
    pub demo: &'static str,
    pub items: &'static str,
    pub shipping: &'static str,
    pub show_all: &'static str,
    pub show_fewer: &'static str,
    pub quantity: &'static str,
    pub balance_price: &'static str,
    pub eligible: &'static str,
    pub ineligible: &'static str,
    pub reason_item: &'static str,
    pub reason_virtual: &'static str,
    pub reason_gift_card: &'static str,
    pub reason_top_up: &'static str,
    pub reason_category: &'static str,
    pub reason_merchant: &'static str,
    pub reason_shipping: &'static str,
    pub balance_available: &'static str,
    pub use_balance: &'static str,
    pub cap_label: &'static str,
    pub cap_hint: &'static str,
    pub cap_malformed: &'static str,
    pub cap_decimals: &'static str,
    pub cap_too_large: &'static str,
    pub total: &'static str,
    pub from_balance: &'static str,
    pub remaining: &'static str,
    pub savings: &'static str,
    /// A balance-pay discount applied: its amount (the label is the merchant's).
    pub discount_amount: &'static str,
    pub topup: &'static str,
    /// The top-up that would unlock a balance-pay discount (`{label}` the merchant's).
    pub topup_discount: &'static str,
    /// The top-up's button, naming the method it pays with.
    pub topup_action: &'static str,
    /// The Pay button while the remainder's method is not chosen yet.
    pub choose_method: &'static str,
    /// The heading with the balance switched off.
    pub title_without_balance: &'static str,
    pub topup_pay: &'static str,
    pub topup_waiting: &'static str,
    pub topup_failed: &'static str,
    pub method_legend: &'static str,
    pub bank_card: &'static str,
    pub wechat_pay: &'static str,
    pub alipay: &'static str,
    pub ecny: &'static str,
    /// The remainder the shop collects itself ([`Method::Merchant`]), as the Pay button
    /// names it.
    pub merchant: &'static str,
    /// Instead of a method list when the shop collects the remainder itself.
    pub merchant_next_step: &'static str,
    pub merchant_next_hint: &'static str,
    /// When nothing here can pay a remainder: only the balance can pay, and why.
    pub balance_only: &'static str,
    /// After Pay, while the shop's page collects the remainder.
    pub merchant_waiting: &'static str,
    /// The shop canceled a payment whose remainder it was collecting.
    pub merchant_canceled: &'static str,
    /// The receipt after a payment: what the balance left, the transaction and its time,
    /// the rest paid to a shop that collected it, and Done.
    pub balance_left: &'static str,
    pub transaction_no: &'static str,
    pub paid_at: &'static str,
    pub paid_at_shop: &'static str,
    pub done: &'static str,
    /// Under the lock's message: where a forgotten payment password is reset.
    pub forgot_password: &'static str,
    /// Cancels a payment waiting for its second method; the hold goes back.
    pub cancel_payment: &'static str,
    /// Money held for unfinished payments, under the balance.
    pub held_note: &'static str,
    pub password_label: &'static str,
    pub password_hint: &'static str,
    /// The password field left out letters, spaces or symbols.
    pub password_not_digits: &'static str,
    /// The password field kept the first six of more digits.
    pub password_too_long: &'static str,
    pub password_not_set: &'static str,
    pub pay: &'static str,
    pub pay_split: &'static str,
    pub paying: &'static str,
    pub succeeded: &'static str,
    pub paid: &'static str,
    pub action_title: &'static str,
    pub action_link: &'static str,
    pub action_waiting: &'static str,
    pub canceled: &'static str,
    pub retry: &'static str,
    pub err_wrong_password: &'static str,
    pub pay_with_passkey: &'static str,
    pub or_password: &'static str,
    pub err_passkey_invalid: &'static str,
    pub err_passkey_expired: &'static str,
    pub err_passkey_not_enrolled: &'static str,
    pub err_passkey_canceled: &'static str,
    pub err_locked: &'static str,
    pub err_quote_changed: &'static str,
    pub err_completed: &'static str,
    pub err_expired: &'static str,
    pub err_not_found: &'static str,
    pub err_unauthorized: &'static str,
    pub err_network: &'static str,
    pub err_timeout: &'static str,
    pub err_rate_limited: &'static str,
    pub err_clock: &'static str,
    pub err_in_progress: &'static str,
    pub err_awaiting: &'static str,
    pub err_missing: &'static str,
    pub err_other: &'static str,
}

impl Text {
    /// Why a line may not be paid with balance, in plain words.
    #[must_use]
    pub fn reason(&self, reason: Reason, category: Option<Category>) -> &'static str {
        match (reason, category) {
            (Reason::ItemExcluded, _) => self.reason_item,
            (Reason::CategoryExcluded, Some(Category::Virtual)) => self.reason_virtual,
            (Reason::CategoryExcluded, Some(Category::GiftCard)) => self.reason_gift_card,
            (Reason::CategoryExcluded, Some(Category::TopUp)) => self.reason_top_up,
            (Reason::CategoryExcluded, _) => self.reason_category,
            (Reason::MerchantNotAccepting, _) => self.reason_merchant,
            (Reason::ShippingExcluded, _) => self.reason_shipping,
        }
    }

    #[must_use]
    pub fn method(&self, method: Method) -> &'static str {
        match method {
            Method::BankCard => self.bank_card,
            Method::WechatPay => self.wechat_pay,
            Method::Alipay => self.alipay,
            Method::Ecny => self.ecny,
            Method::Merchant => self.merchant,
        }
    }
}

pub static EN: Text = Text {
    title: "Pay with balance",
    loading: "Loading your order…",
    demo: "Demo order: nothing is charged.",
    items: "Your order",
    shipping: "Shipping",
    show_all: "Show all {n} items",
    show_fewer: "Show fewer items",
    quantity: "{qty} × {price}",
    balance_price: "{price} with balance",
    eligible: "Balance OK",
    ineligible: "No balance",
    reason_item: "This item can't be paid with balance",
    reason_virtual: "Virtual goods can't be paid with balance",
    reason_gift_card: "Gift cards can't be paid with balance",
    reason_top_up: "Top-ups can't be paid with balance",
    reason_category: "This kind of item can't be paid with balance",
    reason_merchant: "This seller doesn't accept balance",
    reason_shipping: "Shipping can't be paid with balance",
    balance_available: "Balance available",
    use_balance: "Use balance",
    cap_label: "Use at most (optional)",
    cap_hint: "Leave empty to use as much as possible.",
    cap_malformed: "Enter an amount like 50.00",
    cap_decimals: "{currency} amounts have at most {digits} decimals",
    cap_too_large: "That amount is too large",
    total: "Order total",
    from_balance: "From balance",
    remaining: "Remaining to pay",
    savings: "Saved with balance prices",
    discount_amount: "{amount} off",
    topup: "Top up {amount} to save {savings}",
    topup_discount: "Top up {amount} to get {label}",
    topup_action: "Top up {amount} with {method}",
    choose_method: "Choose how to pay the remaining {amount}",
    title_without_balance: "Pay",
    topup_pay: "Pay {amount} with {method}",
    topup_waiting: "Waiting for the top-up. Balance prices apply as soon as it arrives.",
    topup_failed: "The top-up was not paid; nothing was charged.",
    method_legend: "Pay the remaining {amount} with",
    bank_card: "Bank card",
    wechat_pay: "WeChat Pay",
    alipay: "Alipay",
    ecny: "Digital RMB",
    merchant: "on the shop's next step",
    merchant_next_step: "Pay the remaining {amount} on the next step",
    merchant_next_hint: "The shop asks for it after you confirm here. Your balance part is held, not charged, until the shop confirms.",
    balance_only: "Only your balance can pay at this shop: it takes no second payment method here. Top up your balance or remove an item to pay the remaining {amount}.",
    merchant_waiting: "Finish paying on the shop's page. Your balance part is held, not charged yet.",
    forgot_password: "Forgot your payment password? Reset it in your wallet",
    balance_left: "Balance left",
    transaction_no: "Transaction no.",
    paid_at: "Time",
    paid_at_shop: "Paid to the shop",
    done: "Done",
    cancel_payment: "Cancel this payment",
    held_note: "{amount} is held for an unfinished payment: it is not spent, and it comes back if that payment is not completed within 15 minutes.",
    merchant_canceled: "The shop did not complete the rest of this payment. Nothing was charged and your balance is released. You can pay again.",
    password_label: "Payment password (6 digits)",
    password_hint: "Digits only. Paste works.",
    password_not_digits: "Only the digits 0–9 count: letters, spaces and symbols were left out.",
    password_too_long: "The payment password has 6 digits: only the first 6 were kept.",
    password_not_set: "Set a payment password in your wallet before paying with it.",
    pay: "Pay {total}",
    pay_split: "Pay {total}: {balance} balance + {other} {method}",
    paying: "Paying…",
    succeeded: "Payment complete",
    paid: "Paid {total}. Thank you!",
    action_title: "Finish paying {other} with {method}",
    action_link: "Continue to {method}",
    action_waiting: "Waiting for {method} to confirm… Your balance part is held, not charged yet.",
    canceled: "The {method} payment wasn't completed. Nothing was charged and your balance is released. You can pay again.",
    retry: "Try again",
    err_wrong_password: "Wrong payment password. {n} attempts left.",
    pay_with_passkey: "Pay {total} with fingerprint",
    or_password: "Or enter your 6-digit payment password",
    err_passkey_invalid: "The fingerprint didn't confirm this payment. {n} attempts left.",
    err_passkey_expired: "The fingerprint request timed out. Try again.",
    err_passkey_not_enrolled: "Fingerprint payment isn't set up for this wallet. Enter your payment password.",
    err_passkey_canceled: "Fingerprint not confirmed. Try again, or enter your payment password.",
    err_locked: "Too many wrong passwords. Paying with balance is locked until {time}. You can still switch the balance off and pay another way.",
    err_quote_changed: "Your balance changed. New split: {balance} from balance, {other} remaining. Check it and pay again.",
    err_completed: "This order is already paid. Return to the shop.",
    err_expired: "This checkout has expired. Return to the shop to start again.",
    err_not_found: "We couldn't find this checkout. Return to the shop and try again.",
    err_unauthorized: "This checkout link isn't valid. Return to the shop and try again.",
    err_network: "Can't reach the wallet. Check your connection and try again.",
    err_timeout: "The wallet took too long to answer. Try again.",
    err_rate_limited: "Too many attempts. Wait {n} seconds, then try again.",
    err_clock: "Your device's clock seems wrong. Correct it, then try again.",
    err_in_progress: "This payment is still being processed. Wait a moment, then try again.",
    err_awaiting: "A payment for this order is waiting for its second method to finish.",
    err_missing: "This checkout has no session. The shop must pass a session id and client secret.",
    err_other: "Something went wrong ({code}). Try again.",
};

pub static ZH: Text = Text {
    title: "余额支付",
    loading: "正在加载订单…",
    demo: "演示订单：不会扣款。",
    items: "订单商品",
    shipping: "运费",
    show_all: "显示全部 {n} 件商品",
    show_fewer: "收起商品",
    quantity: "{qty} × {price}",
    balance_price: "余额价 {price}",
    eligible: "支持余额支付",
    ineligible: "不支持余额支付",
    reason_item: "该商品不支持余额支付",
    reason_virtual: "虚拟商品不支持余额支付",
    reason_gift_card: "礼品卡不支持余额支付",
    reason_top_up: "充值类商品不支持余额支付",
    reason_category: "该类商品不支持余额支付",
    reason_merchant: "该商家不接受余额支付",
    reason_shipping: "运费不支持余额支付",
    balance_available: "可用余额",
    use_balance: "使用余额",
    cap_label: "最多使用（可选）",
    cap_hint: "留空则尽量多用余额。",
    cap_malformed: "请输入金额，例如 50.00",
    cap_decimals: "{currency} 金额最多 {digits} 位小数",
    cap_too_large: "金额过大",
    total: "订单总额",
    from_balance: "余额支付",
    remaining: "还需支付",
    savings: "余额价优惠",
    discount_amount: "已减 {amount}",
    topup: "充值 {amount} 可省 {savings}",
    topup_discount: "充值 {amount} 可享{label}",
    topup_action: "用{method}充值 {amount}",
    choose_method: "请选择剩余 {amount} 的付款方式",
    title_without_balance: "付款",
    topup_pay: "{method}付款 {amount}",
    topup_waiting: "等待充值到账，到账后即享余额价。",
    topup_failed: "充值未完成，未扣款。",
    method_legend: "剩余 {amount} 的支付方式",
    bank_card: "银行卡",
    wechat_pay: "微信支付",
    alipay: "支付宝",
    ecny: "数字人民币",
    merchant: "由商家下一步收取",
    merchant_next_step: "剩余 {amount} 请在下一步支付",
    merchant_next_hint: "在此确认后，商家会请你付清剩余部分。商家确认前，余额部分只冻结、不扣款。",
    balance_only: "此商家这里只支持余额支付，没有其他支付方式。请充值余额或移除部分商品，再付清剩余的 {amount}。",
    merchant_waiting: "请在商家页面完成支付。余额部分已冻结，尚未扣款。",
    forgot_password: "忘记支付密码？去钱包重设",
    balance_left: "余额剩余",
    transaction_no: "交易单号",
    paid_at: "支付时间",
    paid_at_shop: "商家收款",
    done: "完成",
    cancel_payment: "取消这笔支付",
    held_note: "另有 {amount} 因一笔未完成的支付被冻结：尚未扣款，若该支付 15 分钟内未完成将退回余额。",
    merchant_canceled: "商家未完成剩余部分的收款，未扣款，余额已释放，可重新支付。",
    password_label: "支付密码（6 位数字）",
    password_hint: "请输入 6 位数字，支持粘贴。",
    password_not_digits: "只能输入数字 0–9，字母、空格和符号已略去。",
    password_too_long: "支付密码为 6 位数字，只保留了前 6 位。",
    password_not_set: "请先在钱包中设置支付密码。",
    pay: "支付 {total}",
    pay_split: "支付 {total}：余额 {balance} + {method} {other}",
    paying: "支付中…",
    succeeded: "支付成功",
    paid: "已支付 {total}，谢谢！",
    action_title: "还需用{method}付款 {other}",
    action_link: "去{method}付款",
    action_waiting: "等待{method}确认… 余额部分已冻结，尚未扣款。",
    canceled: "{method}支付未完成，未扣款，余额已释放，可重新支付。",
    retry: "重试",
    err_wrong_password: "支付密码错误，还可尝试 {n} 次。",
    pay_with_passkey: "指纹支付 {total}",
    or_password: "或输入 6 位支付密码",
    err_passkey_invalid: "指纹未能确认本次支付，还可尝试 {n} 次。",
    err_passkey_expired: "指纹验证已超时，请重试。",
    err_passkey_not_enrolled: "此钱包未开通指纹支付，请输入支付密码。",
    err_passkey_canceled: "指纹未验证，请重试或输入支付密码。",
    err_locked: "密码错误次数过多，余额支付已锁定至 {time}。你仍可关闭余额支付，改用其他方式付款。",
    err_quote_changed: "余额已变动。新的拆分：余额 {balance}，还需支付 {other}。请确认后重新支付。",
    err_completed: "该订单已支付，请返回商店。",
    err_expired: "支付已过期，请返回商店重新下单。",
    err_not_found: "找不到该支付，请返回商店重试。",
    err_unauthorized: "支付链接无效，请返回商店重试。",
    err_network: "无法连接钱包，请检查网络后重试。",
    err_timeout: "钱包响应超时，请重试。",
    err_rate_limited: "操作过于频繁，请 {n} 秒后重试。",
    err_clock: "设备时间似乎不准确，请校准后重试。",
    err_in_progress: "该支付仍在处理中，请稍后重试。",
    err_awaiting: "该订单有一笔支付正在等待第二种方式完成。",
    err_missing: "缺少支付会话：商店需要提供会话 ID 和客户端密钥。",
    err_other: "出现问题（{code}），请重试。",
};

#[cfg(test)]
mod tests {
    use crate::format::fill;

    #[test]
    fn it_fills_every_placeholder_and_leaves_unknown_ones() {
        let t = "Pay {total}: {balance} balance + {other} {method}";
        let values = [
            ("total", "¥1"),
            ("balance", "¥2"),
            ("other", "¥3"),
            ("method", "Alipay"),
        ];
        assert_eq!(fill(t, &values), "Pay ¥1: ¥2 balance + ¥3 Alipay");
        assert_eq!(fill("{n} of {n}", &[("n", "2")]), "2 of 2");
        assert_eq!(fill("{x} {n", &[("n", "2")]), "{x} {n");
        assert_eq!(fill("余额 {balance}。", &[("balance", "¥5")]), "余额 ¥5。");
        assert_eq!(fill("{}{", &[]), "{}{");
    }
}
