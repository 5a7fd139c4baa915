//! What every handler gets: the database, the configuration and the rate limiter, and
//! the password check the wallet's pages share.

use std::sync::Arc;

use crate::config::Config;
use crate::error::{ApiError, ServerError};
use crate::http::ratelimit::RateLimiter;
use crate::security::password::Passwords;
use crate::store::db::Db;

/// The application state, cheap to clone (everything is shared).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<RateLimiter>,
    pub passwords: Passwords,
    /// Failed sign-ins, slowed down per id and per client address.
    pub sign_ins: Arc<crate::security::throttle::SignInThrottle>,
    /// The wallet as a WebAuthn relying party; `None` when its public URL has no domain
    /// name, and passkeys are off (`crate::security::passkeys`).
    pub relying_party: Option<crate::security::passkeys::RelyingParty>,
    /// `public_url`: the base of every absolute URL, and the origin the pages accept
    /// posts from.
    pub public: Arc<crate::config::PublicUrl>,
    /// Seals and opens the webhook secrets stored in the database.
    pub sealer: crate::store::sealing::Sealer,
}

impl AppState {
    /// A payment password typed into one of the wallet's own pages (a transfer, adding a
    /// passkey): six digits, then checked against the wallet with the attempt counted
    /// (`password::check`, the lock settings of the configuration).
    ///
    /// # Errors
    /// 400 `invalid_request` unless six digits (not counted); those of `password::check`.
    pub async fn check_password(
        &self,
        wallet: crate::store::ledger::WalletRef<'_>,
        password: &str,
    ) -> Result<(), ServerError> {
        checkout_core::intent::validate_payment_password(password)
            .map_err(|e| ServerError::from(ApiError::invalid(&e)))?;
        crate::security::password::check(
            &self.db,
            &self.passwords,
            wallet,
            password,
            crate::util::now(),
            self.config.limits.lockout_secs,
        )
        .await
    }
}
