//! `GET /v1/openapi.json`: the OpenAPI 3 document of the API, kept by hand beside the
//! routes (`openapi.json`) and checked to parse by the unit test below.

use axum::http::header;
use axum::response::IntoResponse;

const DOCUMENT: &str = include_str!("openapi.json");

pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], DOCUMENT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_document_is_json_and_lists_every_route() {
        let doc: serde_json::Value = serde_json::from_str(super::DOCUMENT).expect("valid JSON");
        let paths = doc["paths"].as_object().expect("paths");
        for p in [
            "/healthz",
            "/v1/sessions",
            "/v1/sessions/{id}",
            "/v1/sessions/{id}/quote",
            "/v1/sessions/{id}/intents",
            "/v1/intents/{id}",
            "/v1/intents/{id}/refunds",
            "/v1/wallets",
            "/v1/wallets/{shopper_id}",
            "/v1/wallets/{shopper_id}/topups",
            "/v1/wallets/{shopper_id}/ledger",
            "/v1/sandbox/intents/{id}",
            "/v1/sandbox/intents/{id}/approve",
            "/v1/sandbox/intents/{id}/decline",
        ] {
            assert!(paths.contains_key(p), "{p} missing from openapi.json");
        }
    }
}
