//! What an error means for the shopper on the wallet pages, in the page's language, with
//! what to do next.

use checkout_core::ErrorCode;

use super::text::Text;
use crate::error::ApiError;

/// What an error means for the shopper, with what to do next; never whether a wallet id
/// exists at sign-in.
#[must_use]
pub fn error(t: &Text, e: &ApiError) -> String {
    let zh = t.is_zh();
    if let Some(said) = fixed(e.code, zh) {
        return said.to_owned();
    }
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
        (ErrorCode::MethodUnavailable, true) => unavailable_zh(&e.message).to_owned(),
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

/// The refusals said in one fixed sentence (step-up, a contact taken, an expired passkey
/// request), in the page's language; `None` for the others.
fn fixed(code: ErrorCode, zh: bool) -> Option<&'static str> {
    Some(match (code, zh) {
        (ErrorCode::PasskeyExpired, false) => "The passkey request expired (2 minutes); try again.",
        (ErrorCode::PasskeyExpired, true) => "通行密钥请求已过期（2 分钟），请重试。",
        (ErrorCode::StepUpRequired, false) => {
            "Confirm it's you first (a passkey or a code to your phone or e-mail), then try again."
        }
        (ErrorCode::StepUpRequired, true) => {
            "请先验证身份（通行密钥，或发到手机、邮箱的验证码），再重试。"
        }
        (ErrorCode::ContactTaken, true) => "该手机号或邮箱已绑定其他钱包，请直接登录，或换一个。",
        _ => return None,
    })
}

/// What a 422 `method_unavailable` means, in Chinese: a recharge or a code that cannot go.
fn unavailable_zh(message: &str) -> &'static str {
    if message.contains("code could not be sent") {
        "验证码发送失败，请稍后再试。"
    } else {
        "本服务暂不支持充值。"
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
        "login_password" if message.contains("not your login password") => {
            "登录密码不正确。".to_owned()
        }
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
        "code" if message.contains("tries left") => "验证码不正确，请核对后重试。".to_owned(),
        "code" => "验证码已过期或已用完，请重新获取。".to_owned(),
        "contact" if message.contains("no verified contact") => {
            "钱包没有已验证的联系方式，无法发送验证码，请联系钱包运营方。".to_owned()
        }
        "contact" => "请输入带国家区号的手机号（如 +8613800000000）或电子邮箱。".to_owned(),
        "display_name" => "名字须为 1 至 20 个字符。".to_owned(),
        "confirm" => "两次输入的支付密码不一致。".to_owned(),
        "name" => "请为通行密钥起一个 1 至 40 个字符的名称。".to_owned(),
        "credential" => "通行密钥未能完成验证，请重试。".to_owned(),
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
        "code" => "Code",
        "contact" => "Contact",
        "display_name" => "Name",
        "confirm" => "Typed again",
        "name" => "Name",
        "credential" => "Passkey",
        other => other,
    }
}
