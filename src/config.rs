//! What the widget is mounted with: where the session comes from, the locale, and the host
//! element for events. Read by the root (`app.rs`) and by the hooks (`hooks.rs`), so it
//! lives apart from both.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::EventTarget;

use crate::api::Endpoint;
use crate::i18n::Locale;
use crate::session::Session;

/// Where the session comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// Loaded from the backend with the client secret.
    Remote(Endpoint),
    /// Already loaded (the demo, tests): payments are simulated.
    Fixture(Rc<Session>),
    /// The host gave neither a session nor `demo`.
    Missing,
}

/// One mount's options, as `frame.js` (or a test) gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub source: Source,
    pub locale: Locale,
    /// Where `balancecheckout:*` events are dispatched (the merchant's element).
    pub host: Option<EventTarget>,
    /// The session's `GET`, started by `frame.js` before the wasm ran (a promise of its
    /// `Response`), for the first load of a remote session only.
    pub fetched_session: Option<JsValue>,
}
