//! The words of the account pages that `super::text` does not hold: stepping up and
//! signing up, in zh-CN and en.

use crate::http::lang::Lang;

/// Every sentence of the step-up and sign-up pages.
pub struct AccountText {
    pub step_up: &'static str,
    pub step_up_intro: &'static str,
    pub step_up_code: &'static str,
    pub step_up_passkey: &'static str,
    pub step_up_login: &'static str,
    pub step_up_confirm: &'static str,
    pub step_up_needed: &'static str,
    pub step_up_held: &'static str,
    pub transfer_step_up: &'static str,
    pub sign_up: &'static str,
    pub sign_up_intro: &'static str,
    pub sign_up_closed: &'static str,
    pub contact: &'static str,
    pub contact_hint: &'static str,
    pub sign_up_code_intro: &'static str,
    pub create_wallet: &'static str,
    pub signed_up: &'static str,
    pub no_wallet_yet: &'static str,
    pub have_wallet: &'static str,
    pub account: &'static str,
    pub sign_in_passkey: &'static str,
    pub passkey_get_failed: &'static str,
    pub passkey_get_unsupported: &'static str,
}

const EN: AccountText = AccountText {
    step_up: "Confirm it's you",
    step_up_intro: "Changing a password or a passkey, and a transfer to someone new or of a large amount, need you to confirm it's you first. It then holds for 10 minutes on this device.",
    step_up_code: "Send a code to",
    step_up_passkey: "Use a passkey (fingerprint or face)",
    step_up_login: "Type your login password again",
    step_up_confirm: "Confirm",
    step_up_needed: "To change passwords or passkeys, confirm it's you first.",
    step_up_held: "Confirmed: you can change these for 10 minutes.",
    transfer_step_up: "You have not paid this wallet before, or the amount is large: confirm it's you, then review the transfer again.",
    sign_up: "Create a wallet",
    sign_up_closed: "This wallet does not open accounts here. Ask its operator for an activation link.",
    sign_up_intro: "Enter your phone number with its country code (e.g. +8613800000000) or your e-mail address. We send a code to it.",
    contact: "Phone or e-mail",
    contact_hint: "You sign in with it, and codes that protect your wallet go to it.",
    sign_up_code_intro: "Enter the code, then choose a login password and a six-digit payment password.",
    create_wallet: "Create my wallet",
    signed_up: "Your wallet is ready. Sign in with your phone or e-mail, or with its wallet ID:",
    no_wallet_yet: "No wallet yet? Create one",
    have_wallet: "Have a wallet? Sign in",
    account: "Wallet ID, phone or e-mail",
    sign_in_passkey: "Sign in with a passkey",
    passkey_get_failed: "The passkey did not confirm (canceled, or this device cannot verify you). Try again, or use your password.",
    passkey_get_unsupported: "This browser cannot use passkeys; use your password.",
};

const ZH: AccountText = AccountText {
    step_up: "验证身份",
    step_up_intro:
        "修改密码或通行密钥，以及向新收款人或大额转账前，需先验证身份。验证后本设备 10 分钟内有效。",
    step_up_code: "发送验证码至",
    step_up_passkey: "使用通行密钥（指纹或面容）",
    step_up_login: "再次输入登录密码",
    step_up_confirm: "确认",
    step_up_needed: "修改密码或通行密钥前，请先验证身份。",
    step_up_held: "已验证：10 分钟内可修改以下设置。",
    transfer_step_up: "您未向该钱包转过账，或金额较大：请先验证身份，再重新确认转账。",
    sign_up: "注册钱包",
    sign_up_closed: "本钱包不在此开放注册，请向钱包运营方索取激活链接。",
    sign_up_intro: "请输入带国家区号的手机号（如 +8613800000000）或电子邮箱，我们会发送验证码。",
    contact: "手机号或邮箱",
    contact_hint: "用于登录，保护钱包的验证码也会发到这里。",
    sign_up_code_intro: "输入验证码，然后设置登录密码和 6 位数字支付密码。",
    create_wallet: "创建钱包",
    signed_up: "钱包已开通。可用手机号、邮箱或钱包 ID 登录：",
    no_wallet_yet: "还没有钱包？立即注册",
    have_wallet: "已有钱包？去登录",
    account: "钱包 ID、手机号或邮箱",
    sign_in_passkey: "使用通行密钥登录",
    passkey_get_failed: "通行密钥未完成验证（已取消，或本设备无法验证）。请重试，或使用密码。",
    passkey_get_unsupported: "此浏览器无法使用通行密钥，请使用密码。",
};

/// The account pages' words in `lang`.
#[must_use]
pub fn account_text(lang: Lang) -> &'static AccountText {
    match lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}
