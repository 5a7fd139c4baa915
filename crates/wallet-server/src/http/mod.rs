//! The HTTP edge every handler shares: the application state, body limits and strict JSON,
//! bearer credentials, the wallet's public origin (and the same-origin check of its pages), the client's address, the page's language, rate limits,
//! idempotency keys, request ids and the merchants' return URLs.

pub mod auth;
pub mod client;
pub mod deadline;
pub mod extract;
pub mod idempotency;
pub mod lang;
pub mod origin;
pub mod ratelimit;
pub mod request_id;
pub mod return_url;
pub mod state;
