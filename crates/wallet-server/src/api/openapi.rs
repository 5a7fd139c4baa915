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
    use serde_json::Value;

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
            "/v1/wallets/{shopper_id}/rewards",
            "/v1/sessions/{id}/topups",
            "/v1/sessions/{id}/topups/{topup_id}",
            "/v1/sandbox/recharges/{id}/approve",
            "/wallet/",
            "/wallet/transfer/confirm",
            "/v1/wallets/{shopper_id}/topups",
            "/v1/wallets/{shopper_id}/activation",
            "/v1/wallets/{shopper_id}/ledger",
            "/v1/sandbox/intents/{id}",
            "/v1/sandbox/intents/{id}/approve",
            "/v1/sandbox/intents/{id}/decline",
            "/v1/intents/{id}/cancel",
            "/v1/intents/{id}/capture",
            "/v1/webhook-endpoints",
            "/v1/webhook-endpoints/{id}",
            "/v1/webhook-endpoints/{id}/secrets",
            "/v1/webhook-endpoints/{id}/secrets/{secret_id}",
            "/v1/events",
            "/v1/events/{id}",
            "/v1/events/{id}/resend",
            "/v1/intents",
            "/v1/refunds",
            "/v1/test_helpers/sessions/{id}/pay",
        ] {
            assert!(paths.contains_key(p), "{p} missing from openapi.json");
        }
    }

    /// Every object of a request body, however nested (through `$ref`, `oneOf`, `allOf`).
    fn objects<'a>(doc: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
        if let Some(r) = schema["$ref"].as_str() {
            let name = r.trim_start_matches("#/components/schemas/");
            return objects(doc, &doc["components"]["schemas"][name], out);
        }
        if schema["type"] == "object" {
            out.push(schema);
        }
        for key in ["oneOf", "allOf", "anyOf"] {
            for s in schema[key].as_array().into_iter().flatten() {
                objects(doc, s, out);
            }
        }
        for s in schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
        {
            objects(doc, s, out);
        }
        objects_of_items(doc, schema, out);
    }

    fn objects_of_items<'a>(doc: &'a Value, schema: &'a Value, out: &mut Vec<&'a Value>) {
        if schema["items"].is_object() {
            objects(doc, &schema["items"], out);
        }
    }

    /// Issue 16: generated clients and validators trust the document, so it states what the
    /// server enforces: no unknown fields anywhere in a request, a cart of at least one line
    /// with non-blank ids, strict amounts, and every status a refund may answer.
    #[test]
    fn the_document_states_what_the_server_enforces() {
        let doc: Value = serde_json::from_str(super::DOCUMENT).expect("valid JSON");
        for (path, ops) in doc["paths"].as_object().expect("paths") {
            for (method, op) in ops.as_object().expect("operations") {
                let body = &op["requestBody"]["content"]["application/json"]["schema"];
                let mut found = Vec::new();
                objects(&doc, body, &mut found);
                for o in found {
                    if o["additionalProperties"].is_object() {
                        continue; // a map, such as `metadata`: its values are typed
                    }
                    assert_eq!(
                        o["additionalProperties"], false,
                        "{method} {path}: an object that allows unknown fields: {o}"
                    );
                }
            }
        }
        let carts = doc["components"]["schemas"]["Cart"]["oneOf"]
            .as_array()
            .expect("a cart schema per currency group");
        for cart in carts {
            let lines = &cart["properties"]["lines"];
            assert_eq!(
                (&lines["minItems"], &lines["maxItems"]),
                (&1.into(), &10_000.into())
            );
            let line = lines["items"]["$ref"]
                .as_str()
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map_or(&lines["items"], |name| &doc["components"]["schemas"][name]);
            let id = &line["properties"]["id"];
            assert_eq!(
                (&id["minLength"], &id["maxLength"]),
                (&1.into(), &64.into())
            );
            let unit = line["properties"]["unit_price"]["pattern"]
                .as_str()
                .expect("an amount pattern");
            assert!(unit.starts_with("^(") && unit.ends_with(")$"), "{unit}");
        }
        let refunds = &doc["paths"]["/v1/intents/{id}/refunds"]["post"]["responses"];
        for status in [
            "201", "400", "401", "404", "409", "413", "422", "429", "500",
        ] {
            assert!(
                refunds[status].is_object(),
                "refunds: {status} undocumented"
            );
        }
    }
}
