//! What every handler gets: the database, the configuration and the rate limiter.

use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::password::Passwords;
use crate::ratelimit::RateLimiter;

/// The application state, cheap to clone (everything is shared).
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    pub limiter: Arc<RateLimiter>,
    pub passwords: Passwords,
}
