//! Why the server could not start, or stopped with an error.

use crate::config::ConfigError;
use crate::error::ServerError;
use crate::store::db::DbError;

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot listen on {address}; choose another address with --listen")]
    Listen {
        address: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot serve the widget: {0}")]
    Widget(String),
    #[error("cannot seed the demo data")]
    Seed(#[source] ServerError),
    #[error("cannot set up the configured webhook endpoints ([[merchants.webhooks]])")]
    Webhooks(#[source] ServerError),
    #[error("cannot set up the recharge campaigns' budgets ([[recharge_promotions]])")]
    Campaigns(#[source] ServerError),
    #[error("the server stopped with an error")]
    Serve(#[source] std::io::Error),
}
