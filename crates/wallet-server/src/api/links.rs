//! Links (merchant key): `POST /v1/links`, `POST /v1/links/{lr}/token`,
//! `DELETE /v1/links/{lk}` (DESIGN.md *Shopper consent*).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use crate::error::{Reply, ServerError};
use crate::http::auth::MerchantKey;
use crate::http::extract::{parse_json, BaseUrl, RawBody};
use crate::http::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateLink {
    return_url: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Exchange {
    code: String,
}

/// `POST /v1/links`.
pub async fn create(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    BaseUrl(base): BaseUrl,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: CreateLink = parse_json(&headers, &body)?;
    let view =
        crate::consent::requests::create_request(&state.db, &merchant, &input.return_url, &base)
            .await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `POST /v1/links/{lr}/token`.
pub async fn token(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(request): Path<String>,
    headers: HeaderMap,
    RawBody(body): RawBody,
) -> Result<Reply, ServerError> {
    let input: Exchange = parse_json(&headers, &body)?;
    let view = crate::consent::links::exchange(&state.db, &merchant, &request, &input.code).await?;
    Ok(Reply::json(StatusCode::CREATED, &view))
}

/// `DELETE /v1/links/{id}` (or, deprecated, the token: redacted from the access log).
pub async fn revoke(
    State(state): State<AppState>,
    MerchantKey(merchant): MerchantKey,
    Path(link): Path<String>,
) -> Result<Reply, ServerError> {
    let (view, digest) = crate::consent::links::revoke(&state.db, &merchant, &link).await?;
    // Payments waiting for the sandbox's page through this link end with it.
    crate::checkout::second_leg::cancel_for_links(
        &state.db,
        (&[digest], merchant.livemode),
        crate::checkout::second_leg::Outcome::CanceledByMerchant,
        crate::util::now(),
    )
    .await?;
    Ok(Reply::json(StatusCode::OK, &view))
}
