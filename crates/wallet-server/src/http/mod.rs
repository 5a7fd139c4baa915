//! The HTTP edge every handler shares: the application state, body limits and strict JSON,
//! bearer credentials, the client's address, the page's language, rate limits and
//! idempotency keys.

pub mod auth;
pub mod client;
pub mod extract;
pub mod idempotency;
pub mod lang;
pub mod ratelimit;
pub mod state;
