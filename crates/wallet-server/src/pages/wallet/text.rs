//! The wallet pages' words in zh-CN and en, and what an error means for the shopper.

use checkout_core::ErrorCode;

use crate::error::ApiError;
use crate::http::lang::Lang;

/// Every sentence of the wallet pages.
pub struct Text {
    pub wallet: &'static str,
    pub nav: &'static str,
    pub balance: &'static str,
    pub recharge: &'static str,
    pub transfer: &'static str,
    pub security: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
    pub wallet_id: &'static str,
    pub password: &'static str,
    pub login_password: &'static str,
    pub login_password_again: &'static str,
    pub available: &'static str,
    pub held: &'static str,
    pub held_note: &'static str,
    pub history: &'static str,
    pub no_history: &'static str,
    pub older: &'static str,
    pub newest: &'static str,
    pub faq: [&'static str; 3],
    pub paid: &'static str,
    pub paid_with: &'static str,
    pub awaiting: &'static str,
    pub returned: &'static str,
    pub refund_from: &'static str,
    pub recharge_via: &'static str,
    pub recharge_item: &'static str,
    pub transfer_to: &'static str,
    pub transfer_from: &'static str,
    pub reward: &'static str,
    pub other: &'static str,
    pub order: &'static str,
    pub refunded: &'static str,
    pub amount: &'static str,
    pub amount_hint: &'static str,
    pub method: &'static str,
    pub methods: [&'static str; 4],
    pub continue_to_pay: &'static str,
    pub recharge_status: [&'static str; 4],
    pub back_to_wallet: &'static str,
    pub pay_again: &'static str,
    pub recipient: &'static str,
    pub review: &'static str,
    pub confirm_title: &'static str,
    pub confirm: &'static str,
    pub cancel: &'static str,
    pub transferred: &'static str,
    pub transfer_note: &'static str,
    pub change_password: &'static str,
    pub change_login: &'static str,
    pub current_login: &'static str,
    pub new_login: &'static str,
    pub login_changed: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
    pub linked_shops: &'static str,
    pub no_links: &'static str,
    pub linked_since: &'static str,
    pub unlink: &'static str,
    pub unlinked: &'static str,
    pub activate: &'static str,
    pub test_wallet: &'static str,
    pub activate_intro: &'static str,
    pub confirm_password: &'static str,
    pub activated: &'static str,
    pub activation_invalid: &'static str,
    pub passkeys: &'static str,
    pub passkeys_intro: &'static str,
    pub no_passkeys: &'static str,
    pub passkey_name: &'static str,
    pub passkey_default_name: &'static str,
    pub add_passkey: &'static str,
    pub remove: &'static str,
    pub added_on: &'static str,
    pub last_used: &'static str,
    pub passkey_added: &'static str,
    pub passkey_removed: &'static str,
    pub passkeys_off: &'static str,
    pub passkey_confirm: &'static str,
    pub passkey_confirm_lead: &'static str,
    pub continue_: &'static str,
    pub passkey_failed: &'static str,
    pub passkey_unsupported: &'static str,
}

pub const EN: Text = Text {
    wallet: "My wallet",
    nav: "Wallet",
    balance: "Balance",
    recharge: "Recharge",
    transfer: "Transfer",
    security: "Security",
    sign_in: "Sign in",
    sign_out: "Sign out",
    wallet_id: "Wallet ID",
    password: "6-digit payment password",
    login_password: "Password",
    login_password_again: "Type it again",
    available: "Available",
    held: "Held",
    held_note:
        "Held while a payment's second method finishes; it comes back if that payment is canceled.",
    history: "History",
    no_history: "Nothing yet. Recharge to start.",
    older: "Older",
    newest: "Newest",
    faq: [
        "Your balance never expires.",
        "Balance cannot be withdrawn as cash, but you can give it to another wallet.",
        "Some goods cannot be paid with balance: virtual goods, gift cards and top-ups.",
    ],
    paid: "Paid",
    paid_with: "with",
    awaiting: "waiting for",
    returned: "Payment canceled, returned from",
    refund_from: "Refund from",
    recharge_via: "Recharge via",
    recharge_item: "Recharge",
    transfer_to: "Transfer to",
    transfer_from: "Transfer from",
    reward: "Reward",
    other: "Balance change",
    order: "Order",
    refunded: "Refunded",
    amount: "Amount",
    amount_hint: "Choose an amount or enter your own.",
    method: "Pay with",
    methods: ["Bank card", "WeChat Pay", "Alipay", "Digital RMB"],
    continue_to_pay: "Continue to pay",
    recharge_status: [
        "Waiting for the payment.",
        "Done: your balance was credited.",
        "The payment was declined; nothing was charged.",
        "The payment was not finished; nothing was charged.",
    ],
    back_to_wallet: "Back to my wallet",
    pay_again: "Pay this recharge",
    recipient: "Recipient's wallet ID",
    review: "Review",
    confirm_title: "Confirm the transfer",
    confirm: "Transfer now",
    cancel: "Cancel",
    transferred: "Transferred.",
    transfer_note: "A transfer cannot be undone. Check the recipient.",
    change_password: "Change payment password",
    change_login: "Change password",
    current_login: "Current password",
    new_login: "New password (8 characters or more)",
    login_changed: "Your password was changed; your other sign-ins ended.",
    current_password: "Current payment password",
    new_password: "New 6-digit payment password",
    password_changed: "Your payment password was changed.",
    linked_shops: "Linked shops",
    no_links: "No shop is linked to your wallet.",
    linked_since: "linked since",
    unlink: "Unlink",
    unlinked: "The shop was unlinked; it can no longer ask you to pay with balance.",
    activate: "Set your passwords",
    test_wallet: "TEST wallet: its balance is not real money.",
    activate_intro: "Choose the 6 digits you will type to pay with your balance. Keep them to yourself.",
    confirm_password: "Type it again",
    activated: "Your passwords are set. Sign in with your wallet ID and your password.",
    activation_invalid: "This link was already used or has expired. Ask for a new one.",
    passkeys: "Fingerprint payments (passkeys)",
    passkeys_intro: "Pay with your fingerprint or face instead of typing the payment password. The passkey stays on your device; the wallet keeps only its public key.",
    no_passkeys: "No passkey yet.",
    passkey_name: "Name",
    passkey_default_name: "My phone",
    add_passkey: "Add a passkey",
    remove: "Remove",
    added_on: "added",
    last_used: "last used",
    passkey_added: "Passkey added: choose \"Pay with fingerprint\" at checkout.",
    passkey_removed: "Passkey removed.",
    passkeys_off: "Passkeys are not available on this wallet server.",
    passkey_confirm: "Confirm with your fingerprint",
    passkey_confirm_lead: "Tap Continue, then touch the fingerprint sensor (or look at the camera) when your device asks.",
    continue_: "Continue",
    passkey_failed: "The passkey was not added (canceled, or this device cannot verify you). You can try again.",
    passkey_unsupported: "This browser cannot create passkeys; pay with the payment password.",
};

pub const ZH: Text = Text {
    wallet: "我的钱包",
    nav: "钱包",
    balance: "余额",
    recharge: "充值",
    transfer: "转账",
    security: "安全",
    sign_in: "登录",
    sign_out: "退出",
    wallet_id: "钱包账号",
    password: "6 位支付密码",
    login_password: "登录密码",
    login_password_again: "再次输入登录密码",
    available: "可用余额",
    held: "冻结中",
    held_note: "组合支付的另一种方式完成前冻结；该笔付款取消时退回。",
    history: "收支明细",
    no_history: "暂无记录。充值后即可使用余额。",
    older: "更早",
    newest: "最新",
    faq: [
        "余额永久有效。",
        "余额不可提现，但可转给其他钱包用户。",
        "部分商品不支持余额支付：虚拟商品、礼品卡和充值类商品。",
    ],
    paid: "付款给",
    paid_with: "组合",
    awaiting: "等待",
    returned: "付款已取消，退回自",
    refund_from: "退款自",
    recharge_via: "充值 ·",
    recharge_item: "充值",
    transfer_to: "转账给",
    transfer_from: "转账自",
    reward: "奖励",
    other: "余额变动",
    order: "订单",
    refunded: "已退款",
    amount: "金额",
    amount_hint: "选择金额或自行输入。",
    method: "支付方式",
    methods: ["银行卡", "微信支付", "支付宝", "数字人民币"],
    continue_to_pay: "去支付",
    recharge_status: [
        "等待支付。",
        "充值成功，余额已到账。",
        "支付被拒绝，未扣款。",
        "支付未完成，未扣款。",
    ],
    back_to_wallet: "返回我的钱包",
    pay_again: "支付此笔充值",
    recipient: "收款人钱包账号",
    review: "下一步",
    confirm_title: "确认转账",
    confirm: "确认转账",
    cancel: "取消",
    transferred: "转账成功。",
    transfer_note: "转账后无法撤回，请核对收款人。",
    change_password: "修改支付密码",
    change_login: "修改登录密码",
    current_login: "当前登录密码",
    new_login: "新登录密码（至少 8 个字符）",
    login_changed: "登录密码已修改，其他设备上的登录已退出。",
    current_password: "当前支付密码",
    new_password: "新的 6 位支付密码",
    password_changed: "支付密码已修改。",
    linked_shops: "已关联的商户",
    no_links: "暂无关联的商户。",
    linked_since: "关联于",
    unlink: "解除关联",
    unlinked: "已解除关联，该商户不能再请您用余额付款。",
    activate: "设置密码",
    test_wallet: "测试钱包：余额不是真实的钱。",
    activate_intro: "请设置 6 位数字支付密码，用余额付款时输入。请勿告诉他人。",
    confirm_password: "再次输入",
    activated: "密码已设置。请用钱包账号和登录密码登录。",
    activation_invalid: "此链接已使用或已过期，请重新获取。",
    passkeys: "指纹支付（通行密钥）",
    passkeys_intro: "用指纹或面容代替输入支付密码。通行密钥保存在您的设备上，钱包只保存其公钥。",
    no_passkeys: "尚未添加通行密钥。",
    passkey_name: "名称",
    passkey_default_name: "我的手机",
    add_passkey: "添加通行密钥",
    remove: "删除",
    added_on: "添加于",
    last_used: "上次使用",
    passkey_added: "通行密钥已添加，结账时可选择“指纹支付”。",
    passkey_removed: "通行密钥已删除。",
    passkeys_off: "此钱包服务暂不支持通行密钥。",
    passkey_confirm: "验证指纹",
    passkey_confirm_lead: "点击“继续”，然后按设备提示验证指纹或面容。",
    continue_: "继续",
    passkey_failed: "未能添加通行密钥（已取消，或此设备无法验证您的身份），可以重试。",
    passkey_unsupported: "此浏览器不支持通行密钥，请使用支付密码。",
};

#[must_use]
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

impl Text {
    fn is_zh(&self) -> bool {
        std::ptr::eq(self, &ZH)
    }
}

/// What an error means for the shopper, with what to do next; never whether a wallet id
/// exists at sign-in.
#[must_use]
pub fn error(t: &Text, e: &ApiError) -> String {
    let zh = t.is_zh();
    let n = |key: &str| {
        e.extra
            .get(key)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    };
    let path = e
        .extra
        .get("path")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("");
    match (e.code, zh) {
        (ErrorCode::WrongPassword, false) => format!(
            "The payment password is wrong; {} attempts left.",
            n("attempts_left")
        ),
        (ErrorCode::Unauthorized, false) => "The wallet ID or the password is wrong.".to_owned(),
        (ErrorCode::Unauthorized, true) => "钱包账号或登录密码错误。".to_owned(),
        (ErrorCode::RateLimited, false) => format!(
            "Too many tries: wait {} s, then try again.",
            n("retry_after").max(1)
        ),
        (ErrorCode::RateLimited, true) => {
            format!("尝试次数过多，请 {} 秒后再试。", n("retry_after").max(1))
        }
        (ErrorCode::WrongPassword, true) => {
            format!("支付密码错误，还可尝试 {} 次。", n("attempts_left"))
        }
        (ErrorCode::PasswordLocked, false) => format!(
            "Too many wrong passwords: the wallet is locked; try again in {} min.",
            crate::security::lock::minutes_left(e, crate::util::now()).unwrap_or(1)
        ),
        (ErrorCode::PasswordLocked, true) => format!(
            "支付密码错误次数过多，钱包已锁定，{} 分钟后可再试。",
            crate::security::lock::minutes_left(e, crate::util::now()).unwrap_or(1)
        ),
        (ErrorCode::InsufficientBalance, false) => {
            "The amount is more than your available balance.".to_owned()
        }
        (ErrorCode::InsufficientBalance, true) => "金额超过可用余额。".to_owned(),
        (ErrorCode::WalletNotFound, false) => {
            "No wallet has this ID; check the recipient's wallet ID.".to_owned()
        }
        (ErrorCode::WalletNotFound, true) => "没有这个钱包账号，请核对收款人钱包账号。".to_owned(),
        (ErrorCode::ServerBusy, false) => {
            "The wallet is busy; try again in a few seconds.".to_owned()
        }
        (ErrorCode::ServerBusy, true) => "系统繁忙，请稍后几秒再试。".to_owned(),
        (ErrorCode::InvalidRequest, true) => invalid_zh(path, &e.message),
        (ErrorCode::MethodUnavailable, true) => "本服务暂不支持充值。".to_owned(),
        (ErrorCode::PasskeyExpired, false) => {
            "The passkey request expired (2 minutes); try again.".to_owned()
        }
        (ErrorCode::PasskeyExpired, true) => "通行密钥请求已过期（2 分钟），请重试。".to_owned(),
        (_, true) => "操作未完成，请稍后重试。".to_owned(),
        (_, false) => {
            let prefix = format!("{path}: ");
            let m = e.message.strip_prefix(&prefix).unwrap_or(&e.message);
            if path.is_empty() {
                m.to_owned()
            } else {
                format!("{}: {m}", field_name(path))
            }
        }
    }
}

/// What a field's 400 (`path`, and the server's English `message`) means, in Chinese.
fn invalid_zh(path: &str, message: &str) -> String {
    match path {
        "new_password" | "password" if message.contains("too easy") => {
            "支付密码太容易被猜到（连号、重复或常见密码），请换一个没有规律的 6 位数字。".to_owned()
        }
        "new_password" if message.contains("current one") => {
            "新支付密码不能与当前支付密码相同。".to_owned()
        }
        "amount" => "金额无效：请输入大于 0 的金额，最多两位小数。".to_owned(),
        "to" => "收款人无效：不能转给自己，且须为同一币种的钱包。".to_owned(),
        "new_password" | "password" => "支付密码须为 6 位数字。".to_owned(),
        "login_password" => {
            "登录密码太容易被猜到：至少 8 个字符，不要用常见密码，例如三个不相关的词。".to_owned()
        }
        "login_confirm" | "new_login_confirm" => "两次输入的登录密码不一致。".to_owned(),
        "new_login" if message.contains("current one") => {
            "新登录密码不能与当前登录密码相同。".to_owned()
        }
        "new_login" => {
            "新登录密码太容易被猜到：至少 8 个字符，不要用常见密码，例如三个不相关的词。".to_owned()
        }
        "current_login" => "当前登录密码不正确。".to_owned(),
        "confirm" => "两次输入的支付密码不一致。".to_owned(),
        "name" => "请为通行密钥起一个 1 至 40 个字符的名称。".to_owned(),
        "credential" => "未能添加通行密钥，请重试。".to_owned(),
        _ => "输入有误，请检查后重试。".to_owned(),
    }
}

fn field_name(path: &str) -> &str {
    match path {
        "amount" => "Amount",
        "to" => "Recipient",
        "new_password" => "New password",
        "password" => "Payment password",
        "login_password" => "Password",
        "login_confirm" => "Password typed again",
        "current_login" => "Current password",
        "new_login" => "New password",
        "new_login_confirm" => "New password typed again",
        "confirm" => "Typed again",
        "name" => "Name",
        "credential" => "Passkey",
        other => other,
    }
}
