//! One-time codes to a wallet's verified contact (DESIGN.md *The shopper's account*): six
//! random digits, valid [`CODE_SECS`], [`MAX_TRIES`] tries, single use; only their HMAC
//! under a key derived from the pepper is stored, and a new code replaces the wallet's
//! earlier ones for the same purpose. A test wallet's code goes to the sandbox inbox
//! (`GET /v1/sandbox/messages`); a live wallet's to the operator's message gateway, as a
//! Standard Webhooks-signed POST (the merchant webhooks' signature), never to the inbox.

use checkout_core::ErrorCode;
use rand::Rng as _;

use crate::config::MessageGateway as Gateway;
use crate::error::{ApiError, ServerError};
use crate::security::password::Passwords;
use crate::store::db::Db;
use crate::store::mode::WalletRef;
use crate::util::{random_id, secrets_equal};

/// How long a code works: 10 minutes.
pub const CODE_SECS: i64 = 600;
/// Tries per code.
pub const MAX_TRIES: i64 = 5;
/// Seconds between two codes to one wallet.
pub const RESEND_SECS: i64 = 60;

checkout_core::wire_enum! {
    /// What a code is for (`one_time_codes.purpose`).
    pub enum Purpose {
        /// Setting a new payment password without the old one.
        PinReset = "pin_reset",
        /// Confirming it is the shopper before a sensitive change (`security::step_up`).
        StepUp = "step_up",
        /// Verifying the contact a new wallet signs up with (`wallet::signup`).
        SignUp = "sign_up",
    }
}

/// Whom a code is for (`one_time_codes.subject`): a wallet, by its id, or at sign-up the
/// contact being verified, before there is a wallet. Either way in one mode.
#[derive(Clone, Copy, Debug)]
pub struct Subject<'a> {
    pub id: &'a str,
    pub livemode: bool,
}

impl<'a> From<WalletRef<'a>> for Subject<'a> {
    fn from(wallet: WalletRef<'a>) -> Self {
        Subject {
            id: wallet.shopper,
            livemode: wallet.livemode,
        }
    }
}

/// The wallet's verified contact, shown masked (`sh•••@example.com`, `+86•••••0000`).
#[must_use]
pub fn masked(contact: &str) -> String {
    let chars: Vec<char> = contact.chars().collect();
    let keep_end = contact.find('@').map_or(4, |at| contact.len() - at);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i < 3 || i + keep_end >= chars.len() {
                *c
            } else {
                '•'
            }
        })
        .collect()
}

/// An e-mail address or an international phone number, as the operator gives it.
///
/// # Errors
/// 400 `invalid_request` at `contact`.
pub fn check_contact(contact: &str) -> Result<(), ApiError> {
    let email = contact.len() <= 254
        && contact.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.')
        })
        && !contact.contains(char::is_whitespace);
    let digits = contact.strip_prefix('+').unwrap_or("");
    let phone = (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
    if email || phone {
        Ok(())
    } else {
        Err(ApiError::field(
            "contact",
            "must be an e-mail address or a phone number with its country code, e.g. +8613800000000",
        ))
    }
}

/// 409 `contact_taken`: a contact belongs to one wallet at most (it signs in with it).
#[must_use]
pub fn contact_taken() -> ApiError {
    ApiError::new(
        ErrorCode::ContactTaken,
        "this e-mail address or phone number belongs to another wallet; sign in to that one, or use another",
    )
}

/// The id of the wallet whose verified contact is `contact`, in either mode.
///
/// # Errors
/// The database's.
pub async fn wallet_with_contact(db: &Db, contact: &str) -> Result<Option<String>, ServerError> {
    // Contacts are unique across both modes (`wallets_by_contact`): no mode to name.
    Ok(
        sqlx::query_scalar("SELECT shopper_id FROM wallets WHERE contact = $1")
            .bind(contact)
            .fetch_optional(&db.pool)
            .await?,
    )
}

/// Records the wallet's verified contact (checked by [`check_contact`] first).
///
/// # Errors
/// 400 `invalid_request` at `contact`; 409 `contact_taken` when another wallet has it; the
/// database's.
pub async fn set_contact(db: &Db, wallet: WalletRef<'_>, contact: &str) -> Result<(), ServerError> {
    check_contact(contact)?;
    let updated =
        sqlx::query("UPDATE wallets SET contact = $3 WHERE shopper_id = $1 AND livemode = $2")
            .bind(wallet.shopper)
            .bind(i64::from(wallet.livemode))
            .bind(contact)
            .execute(&db.pool)
            .await;
    match updated {
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(contact_taken().into()),
        other => other.map(|_| ()).map_err(Into::into),
    }
}

fn digest(passwords: &Passwords, id: &str, code: &str) -> String {
    passwords.body_hash(format!("one-time code {id}:{code}").as_bytes())
}

/// 429 `rate_limited` when a code for this purpose went to the wallet less than
/// [`RESEND_SECS`] ago: no flood of messages to the shopper's phone.
async fn too_soon(
    db: &Db,
    subject: Subject<'_>,
    purpose: Purpose,
    now: i64,
) -> Result<(), ServerError> {
    let last: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(created_at) FROM one_time_codes \
         WHERE subject = $1 AND livemode = $2 AND purpose = $3",
    )
    .bind(subject.id)
    .bind(i64::from(subject.livemode))
    .bind(purpose.code())
    .fetch_one(&db.pool)
    .await?;
    if let Some(wait) = last.map(|at| at + RESEND_SECS - now).filter(|w| *w > 0) {
        return Err(ApiError::new(
            ErrorCode::RateLimited,
            format!("a code was sent less than a minute ago; wait {wait} s before asking again"),
        )
        .with("retry_after", wait)
        .into());
    }
    Ok(())
}

/// Sends a new code for `purpose` to the wallet's contact at `now`; answers the contact,
/// masked.
///
/// # Errors
/// 400 `invalid_request` at `contact` when the wallet has none; those of [`send_to`].
pub async fn send(
    db: &Db,
    deps: (&Passwords, &Gateway),
    wallet: WalletRef<'_>,
    purpose: Purpose,
    now: i64,
) -> Result<String, ServerError> {
    let Some(contact) = contact_of(db, wallet).await? else {
        return Err(ApiError::field(
            "contact",
            "this wallet has no verified contact to send a code to; ask the wallet's operator",
        )
        .into());
    };
    send_to(db, deps, (wallet.into(), &contact), purpose, now).await?;
    Ok(masked(&contact))
}

/// The wallet's verified contact, unmasked; `None` when it has none (or is unknown).
///
/// # Errors
/// The database's.
pub async fn contact_of(db: &Db, wallet: WalletRef<'_>) -> Result<Option<String>, ServerError> {
    let contact: Option<Option<String>> =
        sqlx::query_scalar("SELECT contact FROM wallets WHERE shopper_id = $1 AND livemode = $2")
            .bind(wallet.shopper)
            .bind(i64::from(wallet.livemode))
            .fetch_optional(&db.pool)
            .await?;
    Ok(contact.flatten())
}

/// Sends a new code for `purpose` about `subject` to `contact` at `now`: to the sandbox
/// inbox in test mode, to the operator's gateway in live mode. The subject's earlier
/// codes for the purpose stop working.
///
/// # Errors
/// 429 `rate_limited` with `retry_after` within [`RESEND_SECS`] of the last code; 422
/// `method_unavailable` in live mode without a gateway, or when the gateway does not
/// take the message.
pub async fn send_to(
    db: &Db,
    (passwords, gateway): (&Passwords, &Gateway),
    (subject, contact): (Subject<'_>, &str),
    purpose: Purpose,
    now: i64,
) -> Result<(), ServerError> {
    too_soon(db, subject, purpose, now).await?;
    let code = format!("{:06}", rand::thread_rng().gen_range(0..1_000_000));
    let id = random_id("oc_", 24);
    let text = format!(
        "余额钱包验证码 {code}，10 分钟内有效，请勿告诉任何人。 / Your wallet code is {code}; it works for 10 minutes. Never share it."
    );
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE one_time_codes SET used_at = $4 \
         WHERE subject = $1 AND livemode = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(subject.id)
    .bind(i64::from(subject.livemode))
    .bind(purpose.code())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO one_time_codes (id, subject, livemode, purpose, code_digest, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&id)
    .bind(subject.id)
    .bind(i64::from(subject.livemode))
    .bind(purpose.code())
    .bind(digest(passwords, &id, &code))
    .bind(now)
    .bind(now + CODE_SECS)
    .execute(&mut *tx)
    .await?;
    if subject.livemode {
        tx.commit().await?;
        deliver(gateway, &id, contact, &text).await?;
    } else {
        sqlx::query(
            "INSERT INTO sandbox_messages (id, recipient, body, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(contact)
        .bind(&text)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }
    tracing::info!(purpose = purpose.code(), code = %id, "one-time code sent");
    Ok(())
}

/// Pauses before the gateway's second and third tries.
const GATEWAY_RETRIES_MS: [u64; 2] = [500, 1500];

/// A live wallet's message to the operator's gateway: a signed POST, 5 s at most, tried
/// again twice (after [`GATEWAY_RETRIES_MS`]) when it could not connect or answered 429
/// or 5xx, with the same `webhook-id` so that the gateway sends one message.
async fn deliver(gateway: &Gateway, id: &str, to: &str, text: &str) -> Result<(), ServerError> {
    let unavailable = |why: &str| {
        ServerError::from(ApiError::new(
            ErrorCode::MethodUnavailable,
            format!("the code could not be sent ({why}); try again later"),
        ))
    };
    let (Some(url), Some(secret)) = (&gateway.url, &gateway.secret) else {
        return Err(unavailable("no message gateway is configured"));
    };
    let payload = serde_json::json!({"id": id, "to": to, "text": text}).to_string();
    let timestamp = crate::util::now();
    let signature = crate::webhooks::transport::signature(
        std::slice::from_ref(secret),
        id,
        timestamp,
        &payload,
    )
    .map_err(|e| ServerError::internal("message gateway secret", e))?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| ServerError::internal("message gateway client", e))?;
    for pause in std::iter::once(0).chain(GATEWAY_RETRIES_MS) {
        tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
        let sent = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(standardwebhooks::HEADER_WEBHOOK_ID, id)
            .header(standardwebhooks::HEADER_WEBHOOK_TIMESTAMP, timestamp)
            .header(standardwebhooks::HEADER_WEBHOOK_SIGNATURE, &signature)
            .body(payload.clone())
            .send()
            .await;
        match sent {
            Ok(reply) if reply.status().is_success() => return Ok(()),
            Ok(reply) if !(reply.status().is_server_error() || reply.status() == 429) => break,
            _ => {}
        }
    }
    Err(unavailable("the message gateway did not take it"))
}

/// Uses the subject's newest code for `purpose` at `now`: the try is counted first, and a
/// right code is spent.
///
/// # Errors
/// 400 `invalid_request` at `code` when it is wrong (with the tries left) or there is no
/// usable code (expired, used or out of tries).
pub async fn redeem(
    db: &Db,
    passwords: &Passwords,
    subject: impl Into<Subject<'_>>,
    (purpose, code): (Purpose, &str),
    now: i64,
) -> Result<(), ServerError> {
    let subject = subject.into();
    let counted: Option<(String, String, i64)> = sqlx::query_as(
        "UPDATE one_time_codes SET attempts = attempts + 1 WHERE id = (\
           SELECT id FROM one_time_codes WHERE subject = $1 AND livemode = $2 AND purpose = $3 \
           AND used_at IS NULL AND expires_at > $4 AND attempts < $5 \
           ORDER BY created_at DESC LIMIT 1) \
         RETURNING id, code_digest, attempts",
    )
    .bind(subject.id)
    .bind(i64::from(subject.livemode))
    .bind(purpose.code())
    .bind(now)
    .bind(MAX_TRIES)
    .fetch_optional(&db.pool)
    .await?;
    let Some((id, stored, attempts)) = counted else {
        return Err(ApiError::field("code", "has expired or was used up; send a new one").into());
    };
    if !secrets_equal(&stored, &digest(passwords, &id, code.trim())) {
        let left = MAX_TRIES - attempts;
        return Err(ApiError::field(
            "code",
            format!("is not the code we sent; {left} tries left"),
        )
        .with("tries_left", left)
        .into());
    }
    let spent = sqlx::query(
        "UPDATE one_time_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND livemode = $3",
    )
    .bind(&id)
    .bind(now)
    .bind(i64::from(subject.livemode))
    .execute(&db.pool)
    .await?
    .rows_affected();
    if spent == 0 {
        return Err(ApiError::field("code", "was used already; send a new one").into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check_contact, masked};

    #[test]
    fn contacts_are_an_email_or_an_international_number_and_show_masked() {
        for good in ["shopper@example.com", "+8613800000000", "+12025550123"] {
            assert!(check_contact(good).is_ok(), "{good}");
        }
        for bad in [
            "13800000000",
            "no-at-sign",
            "a@b",
            "+12",
            "x @example.com",
            "@example.com",
        ] {
            assert!(check_contact(bad).is_err(), "{bad}");
        }
        assert_eq!(masked("shopper@example.com"), "sho••••@example.com");
        assert_eq!(masked("+8613800000000"), "+86•••••••0000");
    }
}
