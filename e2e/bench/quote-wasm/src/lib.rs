//! Entry points for e2e/bench/quote.html: parse and quote a request (what the widget does
//! when a session loads), and quote an already parsed one (a recompute).

use checkout_core::request::{answer_line, QuoteRequest};
use wasm_bindgen::prelude::*;

/// Parses, validates and quotes one request; returns the quote's JSON.
#[wasm_bindgen]
pub fn parse_and_quote(request: &str) -> String {
    answer_line(request)
}

/// A parsed request, quoted again and again.
#[wasm_bindgen]
pub struct Prepared(QuoteRequest);

#[wasm_bindgen]
impl Prepared {
    #[wasm_bindgen(constructor)]
    pub fn new(request: &str) -> Result<Prepared, JsError> {
        QuoteRequest::from_json(request).map(Prepared).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Quotes `times` times; returns the balance amount of the last quote.
    pub fn quote(&self, times: u32) -> Result<String, JsError> {
        let mut last = String::new();
        for _ in 0..times {
            let q = self.0.quote().map_err(|e| JsError::new(&e.to_string()))?;
            last = q.balance_amount.to_string();
        }
        Ok(last)
    }
}
