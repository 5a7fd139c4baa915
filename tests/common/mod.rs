//! Helpers for the browser tests: mount the checkout on a session fixture and drive it
//! the way a shopper does (typing, pasting, clicking), then read the DOM.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::rc::Rc;

use balance_checkout::app::{Config, Root, RootProps, Source};
use balance_checkout::fixture::{parse_fixture, DEMO_SESSION};
use balance_checkout::i18n::Locale;
use gloo::events::EventListener;
use gloo::timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, Element, Event, EventInit, HtmlElement, HtmlInputElement};
use yew::AppHandle;

pub struct Mounted {
    pub host: HtmlElement,
    pub app: Option<AppHandle<Root>>,
    pub events: Rc<RefCell<Vec<(String, String)>>>,
    _listeners: Vec<EventListener>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.host.remove();
    }
}

const EVENTS: [&str; 6] = [
    "balancecheckout:ready",
    "balancecheckout:change",
    "balancecheckout:succeeded",
    "balancecheckout:requires-action",
    "balancecheckout:failed",
    "balancecheckout:done",
];

/// The demo session with some fields replaced, e.g. `("\"balance\": \"100.00\"", "\"balance\": \"500.00\"")`.
pub fn session_json(replacements: &[(&str, &str)]) -> String {
    let mut json = DEMO_SESSION.to_owned();
    for (from, to) in replacements {
        assert!(json.contains(from), "fixture has no {from}");
        json = json.replace(from, to);
    }
    json
}

/// Renders the checkout for a session fixture into a fresh element of the document.
pub async fn mount(json: &str, locale: Locale) -> Mounted {
    let document = gloo::utils::document();
    let host: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let events = Rc::new(RefCell::new(Vec::new()));
    let listeners = EVENTS
        .iter()
        .map(|name| {
            let events = events.clone();
            EventListener::new(&host, *name, move |e| {
                let e: &CustomEvent = e.unchecked_ref();
                let detail = js_sys::JSON::stringify(&e.detail()).unwrap();
                events
                    .borrow_mut()
                    .push((e.type_(), detail.as_string().unwrap()));
            })
        })
        .collect();
    let config = Config {
        source: Source::Fixture(Rc::new(parse_fixture(json))),
        locale,
        host: Some(host.clone().into()),
        fetched_session: None,
    };
    let root: Element = document.create_element("div").unwrap();
    host.append_child(&root).unwrap();
    let app = yew::Renderer::<Root>::with_root_and_props(
        root,
        RootProps {
            config: Rc::new(config),
        },
    )
    .render();
    settle().await;
    Mounted {
        host,
        app: Some(app),
        events,
        _listeners: listeners,
    }
}

/// Lets Yew render and effects run.
pub async fn settle() {
    for _ in 0..3 {
        TimeoutFuture::new(5).await;
    }
}

impl Mounted {
    pub fn find(&self, selector: &str) -> Option<Element> {
        self.host.query_selector(selector).unwrap()
    }

    pub fn get(&self, selector: &str) -> Element {
        self.find(selector)
            .unwrap_or_else(|| panic!("no {selector} in {}", self.host.inner_html()))
    }

    pub fn text(&self, selector: &str) -> String {
        self.get(selector).text_content().unwrap_or_default()
    }

    pub fn all_text(&self) -> String {
        self.host.text_content().unwrap_or_default()
    }

    pub fn count(&self, selector: &str) -> u32 {
        self.host.query_selector_all(selector).unwrap().length()
    }

    pub fn input(&self, selector: &str) -> HtmlInputElement {
        self.get(selector).unchecked_into()
    }

    /// Types (or pastes) `value` into a field: the field's whole new value and an
    /// `input` event, as the browser produces for both.
    pub async fn type_into(&self, selector: &str, value: &str) {
        let input = self.input(selector);
        input.set_value(value);
        let init = EventInit::new();
        init.set_bubbles(true);
        input
            .dispatch_event(&Event::new_with_event_init_dict("input", &init).unwrap())
            .unwrap();
        settle().await;
    }

    pub async fn click(&self, selector: &str) {
        self.get(selector).unchecked_into::<HtmlElement>().click();
        settle().await;
    }

    pub fn event_names(&self) -> Vec<String> {
        self.events
            .borrow()
            .iter()
            .map(|(n, _)| n.clone())
            .collect()
    }

    pub fn last_event(&self, name: &str) -> Option<serde_json::Value> {
        self.events
            .borrow()
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, d)| serde_json::from_str(d).unwrap())
    }
}
