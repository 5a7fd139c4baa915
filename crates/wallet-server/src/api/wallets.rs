//! Wallet endpoints, admin key only (checked by `super::admin_only` before the body is
//! read): create, read, top up ("recharge"), reward (a promotion), ledger entries. Each
//! sees only wallets of its key's mode: a wallet of the other mode is an unknown id.

use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use checkout_core::{Amount, Currency, Method};
use serde::Deserialize;

use crate::error::ApiError;
use crate::error::{Reply, ServerError};
use crate::http::auth::AdminKey;
use crate::http::extract::{parse_json, present, BaseUrl, RawBody};
use crate::http::state::AppState;
use crate::store::ledger::{mode_name, WalletRef};
use crate::views::{ActivationView, CreatedWallet};
use crate::wallet::accounts::{
    create_wallet, credit, ledger_view, reward, wallet_view, TopUpSource,
};
use crate::wallet::activation;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateWallet {
    shopper_id: String,
    currency: Currency,
    /// Test wallets only.
    #[serde(default, deserialize_with = "present")]
    payment_password: Option<String>,
    /// Test wallets only: the sign-in credential (else set through the activation link).
    #[serde(default, deserialize_with = "present")]
    login_password: Option<String>,
    /// The shopper's e-mail address or phone number, verified by the operator: where
    /// one-time codes go.
    #[serde(default, deserialize_with = "present")]
    contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TopUp {
    amount: Amount,
    method: Method,
    /// Why the operator funds a live wallet (required in live mode, at most 200 characters).
    #[serde(default, deserialize_with = "present")]
    reason: Option<String>,
}

impl TopUp {
    fn source(self, livemode: bool) -> Result<TopUpSource, ApiError> {
        crate::wallet::recharges::instrument("method", self.method)?;
        let fits = |r: &String| !r.trim().is_empty() && r.chars().count() <= 200;
        match (livemode, self.reason) {
            (false, None) => Ok(TopUpSource::Test(self.method)),
            (false, Some(reason)) if fits(&reason) => Ok(TopUpSource::Test(self.method)),
            (true, Some(reason)) if fits(&reason) => Ok(TopUpSource::Live {
                method: self.method,
                reason,
            }),
            (_, _) => Err(ApiError::field(
                "reason",
                "a live top-up comes from the operator's funding account and needs a reason of 1 to 200 characters, e.g. \"goodwill credit for order 1234\"",
            )),
        }
    }
}

/// `POST /v1/wallets`: a wallet of the admin key's mode, with its activation link when
/// no payment password was given.
pub async fn create(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: CreateWallet = parse_json(&headers, &body)?;
    let wallet = WalletRef::new(&input.shopper_id, admin.livemode);
    let password = input.payment_password.as_deref();
    let typed = (password, input.login_password.as_deref());
    if let Some(contact) = &input.contact {
        crate::security::codes::check_contact(contact)?;
        if crate::security::codes::wallet_with_contact(&state.db, contact)
            .await?
            .is_some()
        {
            return Err(crate::security::codes::contact_taken().into());
        }
    }
    create_wallet(&state.db, &state.passwords, wallet, input.currency, typed).await?;
    if let Some(contact) = &input.contact {
        crate::security::codes::set_contact(&state.db, wallet, contact).await?;
    }
    let activation = match password {
        Some(_) => None,
        None => Some(activation_view(&state, wallet, &base).await?),
    };
    let view = CreatedWallet {
        wallet: wallet_view(&state.db, wallet).await?,
        activation,
    };
    Ok(Reply::json(StatusCode::CREATED, &view))
}

async fn activation_view(
    state: &AppState,
    wallet: WalletRef<'_>,
    base: &str,
) -> Result<ActivationView, ServerError> {
    let link = activation::issue(&state.db, wallet, crate::util::now()).await?;
    Ok(ActivationView {
        url: link.url(base),
        expires_at: crate::util::rfc3339(link.expires_at),
    })
}

/// `POST /v1/wallets/{shopper_id}/activation`: a new activation link for a wallet whose
/// payment password is not set yet (the last one expired or was lost).
pub async fn activate(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    BaseUrl(base): BaseUrl,
    Path(shopper): Path<String>,
) -> Result<Reply, ServerError> {
    let wallet = WalletRef::new(&shopper, admin.livemode);
    let view = activation_view(&state, wallet, &base).await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `GET /v1/wallets/{shopper_id}`.
pub async fn read(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    Path(shopper): Path<String>,
) -> Result<Reply, ServerError> {
    let view = wallet_view(&state.db, WalletRef::new(&shopper, admin.livemode)).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}

/// `POST /v1/wallets/{shopper_id}/topups`, under an optional idempotency key.
pub async fn top_up(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let key = crate::http::idempotency::key(&headers, false)?;
    let scope = format!("topup:{}:{shopper}", mode_name(admin.livemode));
    let wallet = WalletRef::new(&shopper, admin.livemode);
    let work = async {
        let run = async {
            let input: TopUp = parse_json(&headers, &body)?;
            let amount = input.amount;
            let source = input.source(admin.livemode)?;
            let view = credit(&state.db, wallet, amount, &source).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Reward {
    amount: Amount,
}

/// `POST /v1/wallets/{shopper_id}/rewards` (a promotion), under an optional idempotency key.
pub async fn rewards(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    Path(shopper): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let key = crate::http::idempotency::key(&headers, false)?;
    let scope = format!("reward:{}:{shopper}", mode_name(admin.livemode));
    let wallet = WalletRef::new(&shopper, admin.livemode);
    let work = async {
        let run = async {
            let input: Reward = parse_json(&headers, &body)?;
            let view = reward(&state.db, wallet, input.amount).await?;
            Ok::<_, ServerError>(Reply::json(StatusCode::CREATED, &view))
        };
        run.await.unwrap_or_else(Reply::from)
    };
    crate::http::idempotency::run(&state, &scope, key.as_deref(), &body, work).await
}

/// `GET /v1/wallets/{shopper_id}/ledger`.
pub async fn ledger(
    State(state): State<AppState>,
    Extension(admin): Extension<AdminKey>,
    Path(shopper): Path<String>,
) -> Result<Reply, ServerError> {
    let view = ledger_view(&state.db, WalletRef::new(&shopper, admin.livemode)).await?;
    Ok(Reply::json(StatusCode::OK, &view))
}
