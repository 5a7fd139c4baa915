//! Balance Checkout widget: a Yew app compiled to WebAssembly.
//!
//! It runs in the frame document the wallet server serves at
//! `/balance-checkout/v1/frame/{session_id}` (on the wallet's origin, never on the
//! merchant's page): `static/frame.js` calls [`mount`] there. It talks only to the origin
//! it was served from. Everything about money comes from `checkout-core`, so the widget
//! shows exactly what the backend will charge.

pub mod actions;
pub mod api;
pub mod app;
pub mod components;
pub mod config;
pub mod events;
pub mod fixture;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod messages;
pub mod passkey;
pub mod password;
pub mod random;
pub mod session;
pub mod state;
pub mod topup;
pub mod wire;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, EventTarget};
use yew::AppHandle;

use crate::app::{Root, RootProps};
use crate::config::{Config, Source};
use crate::i18n::Locale;

/// The options `frame.js` passes to [`mount`]. There is deliberately no endpoint: the
/// widget sends every request to the origin of the frame document (relative URLs), so
/// nothing in a URL, an attribute or a message can send the password elsewhere.
#[derive(Debug, Default)]
struct MountOptions {
    session_id: Option<String>,
    client_secret: Option<String>,
    locale: Option<String>,
    /// Set by `frame.js` on the first mount only: its promise of the session's `GET`,
    /// sent while the wasm was still downloading.
    fetched_session: Option<JsValue>,
}

impl MountOptions {
    /// Reads the options object; unknown keys (such as `theme`, applied by `frame.js`)
    /// are ignored.
    fn parse(options: &JsValue) -> Result<MountOptions, JsValue> {
        let text = |key| wire::opt_string(options, key).map_err(|e| JsValue::from_str(&e));
        Ok(MountOptions {
            session_id: text("sessionId")?,
            client_secret: text("clientSecret")?,
            locale: text("locale")?,
            fetched_session: Some(wire::field(options, "fetchedSession"))
                .filter(|v| !v.is_undefined() && !v.is_null()),
        })
    }

    fn config(self, host: EventTarget) -> Config {
        let source = match (self.session_id, self.client_secret) {
            (Some(session_id), Some(client_secret)) => Source::Remote(api::Endpoint {
                // Same origin as the frame document: relative URLs.
                base: String::new(),
                session_id,
                client_secret,
            }),
            _ => Source::Missing,
        };
        Config {
            source,
            locale: Locale::from_tag(self.locale.as_deref()),
            host: Some(host),
            fetched_session: self.fetched_session,
        }
    }
}

/// A mounted widget, returned to JavaScript by [`mount`].
#[wasm_bindgen]
pub struct WidgetHandle {
    app: Option<AppHandle<Root>>,
    host: EventTarget,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Re-renders with new options (another locale, another session).
    pub fn update(&mut self, options: JsValue) -> Result<(), JsValue> {
        let config = MountOptions::parse(&options)?.config(self.host.clone());
        if let Some(app) = self.app.as_mut() {
            app.update(RootProps {
                config: Rc::new(config),
            });
        }
        Ok(())
    }

    /// Unmounts the app; its hooks' clean-ups stop timers, polls and requests.
    pub fn destroy(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
    }
}

/// Renders the widget into `root` (in the frame document); events are dispatched on
/// `host`, where `frame.js` relays them to the merchant's page.
#[wasm_bindgen]
pub fn mount(root: Element, host: EventTarget, options: JsValue) -> Result<WidgetHandle, JsValue> {
    let config = MountOptions::parse(&options)?.config(host.clone());
    let app = yew::Renderer::<Root>::with_root_and_props(
        root,
        RootProps {
            config: Rc::new(config),
        },
    )
    .render();
    Ok(WidgetHandle {
        app: Some(app),
        host,
    })
}
