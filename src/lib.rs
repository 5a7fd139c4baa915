//! Balance Checkout widget: a Yew app compiled to WebAssembly.
//!
//! `static/loader.js` creates a shadow root in the merchant's element and calls [`mount`];
//! everything about money comes from `checkout-core`, so the widget shows exactly what the
//! backend will charge.

pub mod api;
pub mod app;
pub mod components;
pub mod events;
pub mod fixture;
pub mod format;
pub mod hooks;
pub mod i18n;
pub mod json;
pub mod messages;
pub mod random;
pub mod session;
pub mod state;
pub mod wire;

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Element, EventTarget};
use yew::AppHandle;

use crate::app::{Config, Root, RootProps, Source};
use crate::i18n::Locale;

/// The options of `BalanceCheckout.mount(element, options)` (see `balance-checkout.d.ts`).
#[derive(Debug, Default)]
struct MountOptions {
    endpoint: Option<String>,
    session_id: Option<String>,
    client_secret: Option<String>,
    locale: Option<String>,
    /// Render the built-in demo cart; payments are simulated, nothing leaves the page.
    demo: bool,
    /// Set by `loader.js` on the first mount only: its promise of the session's `GET`.
    fetched_session: Option<JsValue>,
}

impl MountOptions {
    /// Reads the options object; unknown keys (such as `theme`, applied by the loader)
    /// are ignored.
    fn parse(options: &JsValue) -> Result<MountOptions, JsValue> {
        let text = |key| wire::opt_string(options, key).map_err(|e| JsValue::from_str(&e));
        Ok(MountOptions {
            endpoint: text("endpoint")?,
            session_id: text("sessionId")?,
            client_secret: text("clientSecret")?,
            locale: text("locale")?,
            demo: wire::opt_boolean(options, "demo")
                .map_err(|e| JsValue::from_str(&e))?
                .unwrap_or(false),
            fetched_session: Some(wire::field(options, "fetchedSession"))
                .filter(|v| !v.is_undefined() && !v.is_null()),
        })
    }

    fn config(self, host: EventTarget) -> Config {
        let source = match (self.demo, self.session_id, self.client_secret) {
            (false, Some(session_id), Some(client_secret)) => Source::Remote(api::Endpoint {
                base: self.endpoint.unwrap_or_default(),
                session_id,
                client_secret,
            }),
            (true, _, _) => Source::Fixture(Rc::new(fixture::demo_session())),
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

/// Renders the widget into `root` (inside the host's shadow root); events are dispatched
/// on `host`.
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
